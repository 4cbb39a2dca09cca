"""Importing on the web: an uploaded document becomes an :class:`ImportDraft`, the office previews and corrects
it, and confirming imports the corrected document through :func:`plan_document_import` (one transaction).

Services (writes): :func:`import_draft_create`, :func:`import_draft_correct`, :func:`import_draft_confirm`,
:func:`import_draft_cancel`. Reads: :func:`import_draft_preview` (the corrected document with the warnings
placed beside the lines they concern) and :func:`import_draft_diff` (what the import would change in the
plan it revises: the import run inside a transaction that is rolled back). See
docs/importing-on-the-web.md.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.services import audit_record
from minsheng.common.services import actor, lock, require
from minsheng.plans.corrections import (
    CorrectionError,
    corrected,
    correction_apply,
    document_from_dict,
    weights,
)
from minsheng.plans.models import ImportDraft, Item, Plan, Target
from minsheng.plans.services import ImportResult, PlanImportError, plan_document_import

if TYPE_CHECKING:
    from minsheng.accounts.models import User
    from minsheng.documents import PlanDocument

# A PDF longer than this is not a plan list; reading more pages would only make the office wait.
MAX_PDF_PAGES = 300


class ImportDraftError(ValidationError):
    """An upload, a correction or a confirmation that cannot be done; the message says why."""


# --- reading the upload --------------------------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    """The text layer of a PDF, page by page; a PDF without one (a scan) is refused with a message saying so."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise ImportDraftError(
                _("The PDF is protected by a password; save it without one and upload it again.")
            )
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise ImportDraftError(
                _("The PDF has more than %(limit)d pages; a plan list is much shorter.")
                % {"limit": MAX_PDF_PAGES}
            )
        text = "\n".join(page.extract_text() or "" for page in pages)
    except ImportDraftError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise ImportDraftError(_("The PDF is damaged and cannot be read.")) from exc
    if len("".join(text.split())) < 20:
        raise ImportDraftError(
            _(
                "This PDF has no text layer: it looks like a scanned document. Upload the Word (.docx) file, "
                "or a PDF saved from Word, instead."
            )
        )
    return text


def _reader_message(problem: str) -> str:
    """The reader's one-line English reason in the user's language, for the reasons an upload meets most."""
    known = (
        ("no plan found", _("No list of items was found in the file: it does not look like a plan.")),
        ("zip bomb", _("The file expands to far more than its size (a zip bomb?); refused.")),
        ("expands to more", _("The file expands to far more than its size (a zip bomb?); refused.")),
        (
            ".doc/.xls",
            _("Old binary Word/Excel files (.doc/.xls) are not supported; save as .docx or .xlsx."),
        ),
        ("binary", _("The file is binary, not a document: upload .docx, .xlsx, .txt, .html or a PDF.")),
        (
            "not readable text",
            _("The file is binary, not a document: upload .docx, .xlsx, .txt, .html or a PDF."),
        ),
        ("damaged", _("The file is damaged or not of the type its name says.")),
        ("not a valid", _("The file is damaged or not of the type its name says.")),
        ("neither a .docx", _("The file is damaged or not of the type its name says.")),
        ("too many parts", _("The file is damaged or not of the type its name says.")),
    )
    for needle, message in known:
        if needle in problem:
            return message
    return _("The file cannot be read as a plan: %(why)s.") % {"why": problem}


def _read(content: bytes, filename: str) -> PlanDocument:
    from minsheng.documents import DocumentError, parse_bytes, parse_text

    if not content:
        raise ImportDraftError(_("The file is empty."))
    if len(content) > settings.MINSHENG_MAX_DOCUMENT_BYTES:
        raise ImportDraftError(
            _("The file is too large (%(size)d bytes; at most %(limit)d).")
            % {"size": len(content), "limit": settings.MINSHENG_MAX_DOCUMENT_BYTES}
        )
    try:
        if content[:5] == b"%PDF-":
            return parse_text(_pdf_text(content))
        return parse_bytes(content, filename)
    except DocumentError as exc:
        raise ImportDraftError(_reader_message(str(exc))) from exc
    except RecursionError as exc:
        raise ImportDraftError(_("The file is too deeply nested to be read.")) from exc


# --- services ------------------------------------------------------------------------------------------------


def import_draft_create(
    *, content: bytes, filename: str, by: User, region: str = "", year: int | None = None
) -> ImportDraft:
    """Read an uploaded document into a pending draft. Nothing of any plan is written."""
    require(by, "plans.import_plan")
    document = _read(content, filename)
    region = (region or document.region or "").strip()[:100]
    year = year or document.year
    if not document.items:
        raise ImportDraftError(_("No list of items was found in the file: it does not look like a plan."))
    if not region:
        raise ImportDraftError(_("The document does not name its region; give one."))
    if not year:
        raise ImportDraftError(_("The document does not state its year; give one."))
    with transaction.atomic():
        plan = Plan.objects.filter(region__name=region, year=year).first()
        draft = ImportDraft(
            filename=(filename or "document")[:255],
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            parsed=document.to_dict(),
            region=region if region != document.region else "",
            year=year if year != document.year else None,
            plan=plan,
            created_by=by,
        )
        draft.full_clean()
        draft.save()
        audit_record(
            actor=by,
            verb=AuditVerb.IMPORT_DRAFT_CREATE,
            obj=draft,
            details={"filename": draft.filename, "sha256": draft.sha256, "items": len(document.items)},
        )
    return draft


def _pending(draft: ImportDraft) -> ImportDraft:
    draft = lock(ImportDraft, draft, error=ImportDraftError)
    if draft.status != ImportDraft.Status.PENDING:
        raise ImportDraftError(_("This import has already been confirmed or cancelled."))
    return draft


def import_draft_correct(
    *, draft: ImportDraft, by: User, op: str, args: dict[str, Any], revision: int | None = None
) -> ImportDraft:
    """Apply one correction to a pending draft and record it (who, when, what, before and after).

    ``revision`` is the number of corrections the office's page showed; when another correction came in
    meanwhile the positions may no longer be the same, and the correction is refused."""
    require(by, "plans.import_plan")
    with transaction.atomic():
        draft = _pending(draft)
        if revision is not None and revision != len(draft.corrections):
            raise ImportDraftError(_("The preview has changed; reload it and try again."))
        data = corrected(draft.parsed, draft.corrections)
        try:
            before, after = correction_apply(data, op, args)
        except CorrectionError as exc:
            raise ImportDraftError(str(exc)) from exc
        correction = {
            "op": op,
            "args": {key: value for key, value in args.items() if value not in (None, "")},
            "by": by.get_username(),
            "by_id": by.pk,
            "at": timezone.now().isoformat(),
            "before": before,
            "after": after,
        }
        draft.corrections = [*draft.corrections, correction]
        draft.full_clean()
        draft.save(update_fields=["corrections", "updated_at"])
        audit_record(actor=by, verb=AuditVerb.IMPORT_DRAFT_CORRECT, obj=draft, details=correction)
    return draft


def import_draft_confirm(*, draft: ImportDraft, by: User) -> ImportResult:
    """Import the corrected document: the plan or its new version, the weights the office set, all in one
    transaction; any failure leaves the database as it was and the draft pending."""
    require(by, "plans.import_plan")
    with transaction.atomic():
        draft = _pending(draft)
        data = corrected(draft.parsed, draft.corrections)
        try:
            result = plan_document_import(
                document=document_from_dict(data),
                region=draft.region or None,
                year=draft.year,
                content=bytes(draft.content),
                filename=draft.filename,
                by=by,
            )
        except PlanImportError as exc:
            raise ImportDraftError(str(exc)) from exc
        for (no, position), weight in weights(data).items():
            Target.objects.filter(
                item__plan=result.plan, item__no=no, item__removed_in=None, position=position, removed_in=None
            ).update(weight=Decimal(str(weight)))
        draft.status = ImportDraft.Status.CONFIRMED
        draft.plan = result.plan
        draft.version = result.version
        draft.full_clean()
        draft.save(update_fields=["status", "plan", "version", "updated_at"])
        audit_record(
            actor=by,
            verb=AuditVerb.IMPORT_DRAFT_CONFIRM,
            obj=draft,
            details={
                "plan": result.plan.pk,
                "version": result.version.number,
                "unchanged": result.unchanged,
                "corrections": draft.corrections,
            },
        )
    return result


def import_draft_cancel(*, draft: ImportDraft, by: User) -> ImportDraft:
    """Drop a pending draft: it is marked cancelled; no plan data is touched."""
    require(by, "plans.import_plan")
    with transaction.atomic():
        draft = _pending(draft)
        draft.status = ImportDraft.Status.CANCELLED
        draft.full_clean()
        draft.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor(by), verb=AuditVerb.IMPORT_DRAFT_CANCEL, obj=draft)
    return draft


# --- reads ---------------------------------------------------------------------------------------------------


def import_draft_get(*, draft_id: int) -> ImportDraft | None:
    return ImportDraft.objects.select_related("plan", "created_by", "version").filter(pk=draft_id).first()


def import_drafts_pending(*, limit: int = 20) -> list[ImportDraft]:
    return list(
        ImportDraft.objects.filter(status=ImportDraft.Status.PENDING)
        .select_related("created_by")
        .defer("content", "parsed")[:limit]
    )


@dataclass
class Diff:
    """What confirming would change in the plan the document revises."""

    plan: Plan
    unchanged: bool = False
    added: list[tuple[int, str]] = field(default_factory=list)
    removed: list[tuple[int, str]] = field(default_factory=list)
    changed: list[tuple[int, str, str]] = field(default_factory=list)
    renumbered: list[tuple[int, int]] = field(default_factory=list)
    problem: str = ""


class _Rollback(Exception):
    pass


def _diff_key(draft: ImportDraft, plan: Plan, latest: int | None) -> dict[str, Any]:
    return {"plan": plan.pk, "version": latest, "corrections": len(draft.corrections)}


def _diff_stored(draft: ImportDraft, plan: Plan, key: dict[str, Any]) -> Diff | None:
    stored = draft.diff
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    return Diff(
        plan=plan,
        unchanged=bool(stored.get("unchanged")),
        added=[(no, text) for no, text in stored.get("added", [])],
        removed=[(no, text) for no, text in stored.get("removed", [])],
        changed=[(no, before, after) for no, before, after in stored.get("changed", [])],
        renumbered=[(old, new) for old, new in stored.get("renumbered", [])],
        problem=stored.get("problem", ""),
    )


def import_draft_diff(*, draft: ImportDraft) -> Diff | None:
    """The changes against the current version of the plan this document revises (None for a new plan).

    The import itself is run and rolled back, so that the preview shows exactly what confirming would do.
    That takes a while for a long plan, so the result is kept on the draft (``ImportDraft.diff``) and
    reused on the next view while the draft's corrections and the plan's latest version are the same."""
    data = corrected(draft.parsed, draft.corrections)
    region = draft.region or data.get("region") or ""
    year = draft.year or data.get("year")
    plan = (
        Plan.objects.filter(region__name=region, year=int(year))
        .annotate(latest=Max("versions__number"))
        .first()
        if region and year
        else None
    )
    if plan is None:
        return None
    key = _diff_key(draft, plan, getattr(plan, "latest", None))
    stored = _diff_stored(draft, plan, key)
    if stored is not None:
        return stored
    diff = Diff(plan=plan)
    before = {
        item.pk: (item.no, item.text)
        for item in Item.objects.filter(plan=plan, removed_in=None).only("pk", "no", "text")
    }
    try:
        with transaction.atomic():
            result = plan_document_import(
                document=document_from_dict(data),
                region=draft.region or None,
                year=draft.year,
                content=bytes(draft.content),
                filename=draft.filename,
            )
            diff.unchanged = result.unchanged
            if not result.unchanged:
                after = {
                    item.no: (item.pk, item.text)
                    for item in Item.objects.filter(plan=plan, removed_in=None).only("pk", "no", "text")
                }
                diff.added = [(no, after[no][1]) for no in result.added if no in after]
                diff.changed = [
                    (no, before.get(after[no][0], (no, ""))[1], after[no][1])
                    for no in result.changed
                    if no in after
                ]
                diff.renumbered = list(result.renumbered)
                removed_texts = dict(before.values())
                diff.removed = [(no, removed_texts.get(no, "")) for no in result.removed]
            raise _Rollback
    except _Rollback:
        pass
    except PlanImportError as exc:
        diff.problem = str(exc)
    # Keep the result for the next view (a cache: the draft's content and status are not touched).
    draft.diff = {
        "key": key,
        "unchanged": diff.unchanged,
        "added": diff.added,
        "removed": diff.removed,
        "changed": diff.changed,
        "renumbered": diff.renumbered,
        "problem": diff.problem,
    }
    ImportDraft.objects.filter(pk=draft.pk).update(diff=draft.diff)
    return diff


@dataclass
class PreviewItem:
    action_index: int
    index: int
    data: dict[str, Any]
    pieces: list[tuple[str, bool]]  # the item's text cut into (text, is a target's or standard's source)
    warnings: list[str] = field(default_factory=list)


@dataclass
class PreviewAction:
    index: int
    data: dict[str, Any]
    items: list[PreviewItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Preview:
    data: dict[str, Any]
    actions: list[PreviewAction]
    warnings: list[str]  # about the whole document
    item_count: int
    warning_count: int


def _pieces(text: str, sources: list[str]) -> list[tuple[str, bool]]:
    spans: list[tuple[int, int]] = []
    for source in sources:
        start = text.find(source) if source else -1
        if start >= 0:
            spans.append((start, start + len(source)))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in merged:
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


def import_draft_preview(*, draft: ImportDraft) -> Preview:
    """The corrected document as the preview shows it. Numbering, declared counts and items without a
    measurable target are checked on the corrected document (a correction can settle them); the reader's
    other warnings (subtotals, a doubtful reading) are shown as it gave them, beside their item."""
    from minsheng.documents.notices import Notice

    data = corrected(draft.parsed, draft.corrections)
    actions: list[PreviewAction] = []
    by_no: dict[int, list[PreviewItem]] = {}
    seen: set[int] = set()
    previous: int | None = None
    general: list[str] = []
    count = 0
    for a, action in enumerate(data.get("actions") or []):
        row = PreviewAction(index=a, data=action)
        actions.append(row)
        for i, item in enumerate(action.get("items") or []):
            sources = [t.get("source") or "" for t in item["targets"]] + [
                s.get("source") or "" for s in item["standards"]
            ]
            entry = PreviewItem(action_index=a, index=i, data=item, pieces=_pieces(item["text"], sources))
            row.items.append(entry)
            by_no.setdefault(item["no"], []).append(entry)
            no = item["no"]
            if no in seen:
                entry.warnings.append(Notice("number-repeated", {"number": no}).render(_))
            elif previous is not None and no > previous + 1:
                missing = ", ".join(str(n) for n in range(previous + 1, min(no, previous + 6)))
                entry.warnings.append(
                    Notice("numbering-gap", {"previous": previous, "next": no, "missing": missing}).render(_)
                )
            seen.add(no)
            previous = no
            if not any(t.get("kind") == "quantity" for t in item["targets"]):
                entry.warnings.append(_("No measurable target: add one, or leave it as a milestone."))
            count += 1
        declared = action.get("declared_item_count")
        if declared is not None and declared != len(row.items):
            row.warnings.append(
                Notice(
                    "declared-count",
                    {
                        "action": action["no"],
                        "title": action.get("title") or "",
                        "declared": declared,
                        "found": len(row.items),
                    },
                ).render(_)
            )
    for notice in data.get("notices") or []:
        code, params = notice.get("code"), notice.get("params") or {}
        if code in ("number-repeated", "numbering-gap", "declared-count"):
            continue  # checked again above, on the corrected document
        try:
            text = Notice(code, dict(params)).render(_)
        except (KeyError, TypeError, ValueError):
            text = str(notice.get("message") or code)
        no = params.get("item")
        targets = by_no.get(no) if code == "subtotal" and isinstance(no, int) else None
        if targets:
            targets[0].warnings.append(text)
        else:
            general.append(text)
    warning_count = len(general) + sum(
        len(row.warnings) + sum(len(entry.warnings) for entry in row.items) for row in actions
    )
    return Preview(
        data=data, actions=actions, warnings=general, item_count=count, warning_count=warning_count
    )
