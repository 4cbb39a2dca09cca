"""Evidence attached to a report while it is a draft or returned: JPEG, PNG or PDF, recognised by their
bytes (not their names), at most 10 MB each and 20 per report; removed files leave storage after the
commit. Steps and states from ``delivery.workflows.REPORT_FLOW`` (add_evidence, remove_evidence).
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from minsheng.accounts.models import User
from minsheng.common.services import actor, require
from minsheng.delivery.models import (
    Evidence,
    ProgressReport,
)
from minsheng.delivery.workflows import REPORT_FLOW

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
from minsheng.delivery.services._core import (
    MAX_EVIDENCE_BYTES,
    MAX_EVIDENCE_PER_REPORT,
    DeliveryError,
    _clean,
    _event,
    _lock,
)

# --- evidence --------------------------------------------------------------------------------------------

_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
)


def _read_upload(upload: UploadedFile, limit: int) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise DeliveryError({"file": [_too_large(size, limit)]})
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise DeliveryError({"file": [_too_large(len(content), limit)]})
    return content


def _too_large(size: int, limit: int) -> str:
    return _("The file is too large (%(size)s MB; at most %(limit)s MB).") % {
        "size": f"{size / 1024 / 1024:.1f}",
        "limit": f"{limit / 1024 / 1024:.0f}",
    }


def evidence_download_name(*, evidence_id: int, head: bytes) -> tuple[str, str]:
    """(content type, file name) to serve a stored evidence file under: a name we make
    (``evidence-<id>.<ext>``, never the uploader's) with the extension its first bytes prove; bytes that
    match no accepted kind are served as ``application/octet-stream`` with ``.bin``."""
    found = next((entry for entry in _SIGNATURES if head.startswith(entry[0])), None)
    content_type, extension = (found[1], found[2]) if found else ("application/octet-stream", "bin")
    return content_type, f"evidence-{evidence_id}.{extension}"


def evidence_kind(content: bytes) -> tuple[str, str]:
    """(content type, extension) of a JPEG, PNG or PDF judged by its bytes; DeliveryError for anything else
    or an image Pillow cannot read."""
    not_allowed = _("Evidence must be a photo (JPEG or PNG) or a PDF; this file is neither.")
    found = next((entry for entry in _SIGNATURES if content.startswith(entry[0])), None)
    if found is None:
        raise DeliveryError({"file": [not_allowed]})
    _magic, content_type, extension = found
    if content_type.startswith("image/"):
        import io
        import warnings

        from PIL import Image

        expected_format = "JPEG" if content_type == "image/jpeg" else "PNG"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(content)) as image:
                    found_format = image.format
                    image.verify()
                with Image.open(io.BytesIO(content)) as image:
                    image.load()
        except Exception:  # noqa: BLE001 - Pillow raises many kinds of error for a damaged or hostile file
            raise DeliveryError({"file": [_("This image is damaged or cannot be read.")]}) from None
        if found_format != expected_format:
            raise DeliveryError({"file": [not_allowed]})
    elif b"%%EOF" not in content[-2048:]:
        raise DeliveryError({"file": [_("This PDF is incomplete or damaged.")]})
    return content_type, extension


def evidence_add(*, report: ProgressReport, by: User, upload: UploadedFile) -> Evidence:
    """Attach a JPEG, PNG or PDF (checked by its bytes, at most 10 MB) to a report still in draft."""
    limit = int(getattr(django_settings, "MINSHENG_MAX_EVIDENCE_BYTES", MAX_EVIDENCE_BYTES))
    with transaction.atomic():
        current = _lock(ProgressReport, report)
        require(by, REPORT_FLOW["add_evidence"].perm, current)
        if not REPORT_FLOW["add_evidence"].state_allows(by, current):
            raise DeliveryError(_("Evidence can be added only while the report is a draft or returned."))
        if current.evidence.count() >= MAX_EVIDENCE_PER_REPORT:
            raise DeliveryError(
                _("A report has at most %(count)d files of evidence.") % {"count": MAX_EVIDENCE_PER_REPORT}
            )
        content = _read_upload(upload, limit)
        if not content:
            raise DeliveryError({"file": [_("The file is empty.")]})
        content_type, extension = evidence_kind(content)
        name = (
            PurePath((getattr(upload, "name", "") or "").replace("\\", "/")).name.strip()
            or f"evidence.{extension}"
        )
        evidence = Evidence(
            report=current,
            original_name=name[:255],
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=actor(by),
        )
        evidence.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
        try:
            _clean(evidence)
            evidence.save()
            _event(
                current, by=by, action="evidence_add", from_status=current.status, note=evidence.original_name
            )
        except Exception:
            evidence.file.delete(save=False)
            raise
    return evidence


def evidence_remove(*, evidence: Evidence, by: User) -> None:
    """Remove a file from a report still in draft (or returned)."""
    with transaction.atomic():
        current = _lock(ProgressReport, evidence.report)
        require(by, REPORT_FLOW["remove_evidence"].perm, current)
        if not REPORT_FLOW["remove_evidence"].state_allows(by, current):
            raise DeliveryError(_("Evidence can be removed only while the report is a draft or returned."))
        attached = Evidence.objects.filter(pk=evidence.pk, report=current).first()
        if attached is None:
            raise DeliveryError(_("This file is no longer attached to the report."))
        name, storage, path = attached.original_name, attached.file.storage, attached.file.name or ""
        attached.delete()
        _event(current, by=by, action="evidence_remove", from_status=current.status, note=name)
        transaction.on_commit(lambda: storage.delete(path))
