"""Delivery writes: evidence on a report, checked by its bytes and size."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from minsheng.delivery import services
from minsheng.delivery.models import (
    Evidence,
    ReportStatus,
)
from minsheng.delivery.services import DeliveryError
from minsheng.delivery.tests.services_support import _state

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


# --- evidence --------------------------------------------------------------------------------------------


def _image(kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, kind)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("site.png", _image("PNG"), "image/png"),
        ("工地.jpg", _image("JPEG"), "image/jpeg"),
        ("验收.pdf", PDF, "application/pdf"),
    ],
)
def test_evidence_is_stored_with_its_hash(world, media, name, content, content_type):
    report = world.report()
    evidence = services.evidence_add(
        report=report, by=world.reporter, upload=SimpleUploadedFile(name, content)
    )
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        name,
        content_type,
        len(content),
    )
    assert evidence.file.read() == content
    assert evidence.file.name.startswith(f"evidence/{report.pk}/") and name not in evidence.file.name
    assert report.events.last().action == "evidence_add"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"just some text", "neither"),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "cannot be read"),
        ("fake.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "cannot be read"),
        ("png-as-jpg.jpg", _image("GIF"), "neither"),
        ("cut.pdf", b"%PDF-1.4\n1 0 obj<<>>", "incomplete"),
        ("empty.png", b"", "empty"),
        ("page.html", b"<html><script>alert(1)</script></html>", "neither"),
    ],
)
def test_evidence_that_is_not_an_image_or_pdf_is_refused(world, media, name, content, message):
    report = world.report()
    before = _state(report)
    with pytest.raises(DeliveryError, match=message):
        services.evidence_add(report=report, by=world.reporter, upload=SimpleUploadedFile(name, content))
    assert not Evidence.objects.exists()
    assert _state(report) == before
    assert not any(media.rglob("*.*")) if media.exists() else True


def test_evidence_over_10_mb_is_refused(world, media):
    report = world.report()
    big = _image("PNG") + b"\x00" * (10 * 1024 * 1024)
    with pytest.raises(DeliveryError, match="too large"):
        services.evidence_add(report=report, by=world.reporter, upload=SimpleUploadedFile("big.png", big))
    assert not Evidence.objects.exists()


def test_evidence_only_on_drafts_by_the_report_s_department(world, media):
    report = world.report(ReportStatus.SUBMITTED)
    with pytest.raises(DeliveryError, match="draft"):
        services.evidence_add(report=report, by=world.reporter, upload=SimpleUploadedFile("a.pdf", PDF))
    draft = world.report(period_end=dt.date(2025, 5, 31))
    for who in ("support_reporter", "head", "office"):
        with pytest.raises(PermissionDenied):
            services.evidence_add(
                report=draft, by=getattr(world, who), upload=SimpleUploadedFile("a.pdf", PDF)
            )
    assert not Evidence.objects.exists()


def test_evidence_can_be_removed_from_a_draft(world, media, django_capture_on_commit_callbacks):
    report = world.report()
    evidence = services.evidence_add(
        report=report, by=world.reporter, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    path = evidence.file.path
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_remove(evidence=evidence, by=world.reporter)
    assert not Evidence.objects.exists()
    assert not (media / path).exists()
    assert list(report.events.values_list("action", flat=True))[-1] == "evidence_remove"
