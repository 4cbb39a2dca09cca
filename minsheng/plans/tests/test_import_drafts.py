"""Importing on the web, the services: an upload becomes a pending draft (nothing of a plan is written), bad
uploads are clear messages with the database untouched, corrections are recorded, confirming imports the
corrected document in one transaction, cancelling touches no plan data, and a revised document shows its diff."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied

from minsheng.accounts.models import AuditEvent
from minsheng.accounts.tests.factories import DeptHeadFactory, OfficeUserFactory, ReporterFactory
from minsheng.plans.import_drafts import (
    ImportDraftError,
    import_draft_cancel,
    import_draft_confirm,
    import_draft_correct,
    import_draft_create,
    import_draft_diff,
    import_draft_preview,
)
from minsheng.plans.models import ImportDraft, Item, Plan, PlanVersion, Target
from minsheng.plans.services import plan_import
from minsheng.plans.tests.pdfs import pdf_with_text, scanned_pdf

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in apps.get_app_config("plans").get_models()} | {
        "AuditEvent": AuditEvent.objects.count()
    }


def _plan_counts() -> dict[str, int]:
    return {name: n for name, n in _counts().items() if name not in ("ImportDraft", "AuditEvent")}


@pytest.fixture
def office():
    return OfficeUserFactory()


def _draft(office, path):
    return import_draft_create(content=path.read_bytes(), filename=path.name, by=office)


def _revised(seed_txt) -> bytes:
    text = seed_txt.read_text(encoding="utf-8").replace("主管道9千米", "主管道12千米")
    lines = [line for line in text.splitlines() if not line.startswith("22.")]
    lines.append("41.为城区老旧小区加装电梯20部，方便老年人出行。")
    return ("\n".join(lines) + "\n").encode()


# --- the upload --------------------------------------------------------------------------------------------


def test_an_upload_is_a_pending_draft_and_writes_no_plan(office, seed_docx, en):
    before = _plan_counts()
    draft = _draft(office, seed_docx)
    assert draft.status == ImportDraft.Status.PENDING
    assert draft.created_by == office
    assert draft.plan is None
    assert _plan_counts() == before
    preview = import_draft_preview(draft=draft)
    assert preview.item_count == 40
    assert len(preview.actions) == 10
    first = preview.actions[0].items[0]
    assert ("9千米", True) in first.pieces  # the target's source is marked in the item's text
    assert AuditEvent.objects.filter(verb="import_draft_create").count() == 1


def test_a_pdf_with_a_text_layer_is_read(office, seed_txt):
    text = seed_txt.read_text(encoding="utf-8")
    draft = import_draft_create(content=pdf_with_text(text), filename="plan.pdf", by=office)
    assert import_draft_preview(draft=draft).item_count == 40


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        ("empty.docx", b"", "The file is empty."),
        ("notes.txt", "今天天气很好，我们去公园散步。".encode(), "does not look like a plan"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02" * 300, "binary"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".doc/.xls"),
        ("broken.docx", b"PK\x03\x04 broken", "damaged"),
        ("bomb.docx", None, "zip bomb"),
        ("scan.pdf", None, "scanned"),
        ("broken.pdf", b"%PDF-1.4\nnothing here", "damaged"),
    ],
)
def test_a_bad_upload_is_a_clear_message_and_changes_nothing(office, filename, content, expected, en):
    if content is None:
        content = _zip_bomb() if filename == "bomb.docx" else scanned_pdf()
    before = _counts()
    with pytest.raises(ImportDraftError) as caught:
        import_draft_create(content=content, filename=filename, by=office)
    assert expected in " ".join(caught.value.messages)
    assert _counts() == before


def test_a_file_over_the_limit_is_refused_before_reading(office, seed_docx, settings, en):
    settings.MINSHENG_MAX_DOCUMENT_BYTES = 1000
    with pytest.raises(ImportDraftError, match="too large"):
        _draft(office, seed_docx)
    assert not ImportDraft.objects.exists()


def test_a_document_without_region_or_year_needs_them_given(office, en):
    content = "一、安全行动\n1.改造燃气管道9千米。\n2.开展食品抽检500批次。\n".encode()
    with pytest.raises(ImportDraftError, match="region"):
        import_draft_create(content=content, filename="plan.txt", by=office)
    draft = import_draft_create(content=content, filename="plan.txt", by=office, region="测试市", year=2026)
    result = import_draft_confirm(draft=draft, by=office)
    assert (result.plan.region.name, result.plan.year) == ("测试市", 2026)


@pytest.mark.parametrize("factory", [ReporterFactory, DeptHeadFactory])
def test_only_the_office_imports(factory, seed_docx, office):
    with pytest.raises(PermissionDenied):
        _draft(factory(), seed_docx)
    draft = _draft(office, seed_docx)
    for call in (import_draft_confirm, import_draft_cancel):
        with pytest.raises(PermissionDenied):
            call(draft=draft, by=factory())
    with pytest.raises(PermissionDenied):
        import_draft_correct(draft=draft, by=factory(), op="target_delete", args={"a": 0, "i": 0, "t": 0})


# --- corrections, confirm, cancel ---------------------------------------------------------------------------


def test_corrections_are_recorded_and_reach_the_plan(office, seed_docx):
    draft = _draft(office, seed_docx)
    import_draft_correct(
        draft=draft,
        by=office,
        op="target_edit",
        args={"a": 0, "i": 0, "t": 0, "op": ">=", "value": "9.5", "unit": "千米"},
        revision=0,
    )
    import_draft_correct(
        draft=draft, by=office, op="target_weight", args={"a": 0, "i": 0, "t": 1, "weight": "2"}
    )
    import_draft_correct(
        draft=draft,
        by=office,
        op="target_add",
        args={"a": 0, "i": 3, "kind": "quantity", "subject": "公路", "value": "12", "unit": "千米"},
    )
    draft.refresh_from_db()
    first = draft.corrections[0]
    assert first["by"] == office.username
    assert (first["before"]["op"], first["before"]["value"]) == ("=", 9)
    assert (first["after"]["op"], first["after"]["value"]) == (">=", 9.5)
    assert AuditEvent.objects.filter(verb="import_draft_correct").count() == 3

    result = import_draft_confirm(draft=draft, by=office)
    assert result.created
    item1 = Item.objects.get(plan=result.plan, no=1)
    gas = item1.targets.order_by("position")
    assert (gas[0].op, gas[0].value, gas[0].source) == (">=", Decimal("9.5000"), "9千米")  # keeps its source
    assert gas[1].weight == Decimal("2.0000")
    assert Target.objects.filter(item__plan=result.plan, item__no=4, subject="公路", value=12).exists()
    draft.refresh_from_db()
    assert (draft.status, draft.plan, draft.version) == ("confirmed", result.plan, result.version)
    event = AuditEvent.objects.get(verb="import_draft_confirm")
    assert len(event.details["corrections"]) == 3


def test_a_stale_correction_is_refused(office, seed_docx, en):
    draft = _draft(office, seed_docx)
    import_draft_correct(
        draft=draft, by=office, op="target_delete", args={"a": 0, "i": 0, "t": 0}, revision=0
    )
    with pytest.raises(ImportDraftError, match="reload"):
        import_draft_correct(
            draft=draft, by=office, op="target_delete", args={"a": 0, "i": 0, "t": 0}, revision=0
        )


@pytest.mark.parametrize(
    ("op", "args", "expected"),
    [
        ("target_edit", {"a": 0, "i": 0, "t": 0, "value": "nine"}, "not a number"),
        ("target_edit", {"a": 0, "i": 0, "t": 0, "value": "-1"}, "negative"),
        ("target_edit", {"a": 0, "i": 0, "t": 0, "value": "5", "op": "range", "value_max": "2"}, "below"),
        ("target_edit", {"a": 0, "i": 0, "t": 9, "value": "1"}, "reload"),
        ("target_edit", {"a": 99, "i": 0, "t": 0, "value": "1"}, "reload"),
        ("item_split", {"a": 0, "i": 0, "at": "不在文中"}, "second item starts"),
        ("item_merge", {"a": 0, "i": 3}, "no next item"),
        ("item_move", {"a": 0, "i": 0, "to": 0}, "already"),
        ("rm_rf", {}, "Unknown"),
    ],
)
def test_a_bad_correction_is_refused_and_not_recorded(office, seed_docx, op, args, expected, en):
    draft = _draft(office, seed_docx)
    with pytest.raises(ImportDraftError, match=expected):
        import_draft_correct(draft=draft, by=office, op=op, args=args)
    draft.refresh_from_db()
    assert draft.corrections == []


def test_cancelling_touches_no_plan_data_and_ends_the_draft(office, seed_docx, en):
    before = _plan_counts()
    draft = _draft(office, seed_docx)
    import_draft_cancel(draft=draft, by=office)
    draft.refresh_from_db()
    assert draft.status == "cancelled"
    assert _plan_counts() == before
    with pytest.raises(ImportDraftError, match="already"):
        import_draft_confirm(draft=draft, by=office)


def test_a_confirmation_that_fails_leaves_nothing_and_the_draft_pending(office, seed_docx, en):
    draft = _draft(office, seed_docx)
    # two items with one number: the import refuses the document as a whole
    import_draft_correct(draft=draft, by=office, op="item_move", args={"a": 1, "i": 0, "to": 0})
    draft.parsed["actions"][0]["items"][1]["no"] = 1
    draft.save()
    before = _plan_counts()
    with pytest.raises(ImportDraftError, match="twice"):
        import_draft_confirm(draft=draft, by=office)
    assert _plan_counts() == before
    draft.refresh_from_db()
    assert draft.status == "pending"


def test_confirming_twice_imports_once(office, seed_docx, en):
    draft = _draft(office, seed_docx)
    import_draft_confirm(draft=draft, by=office)
    with pytest.raises(ImportDraftError, match="already"):
        import_draft_confirm(draft=draft, by=office)
    assert PlanVersion.objects.count() == 1


# --- warnings -----------------------------------------------------------------------------------------------


def test_the_preview_places_the_warnings_beside_their_lines(office, seed_txt, en):
    text = seed_txt.read_text(encoding="utf-8").replace("民生安全保障行动(4项)", "民生安全保障行动(5项)")
    content = "\n".join(line for line in text.splitlines() if not line.startswith("22.")).encode()
    draft = import_draft_create(content=content, filename="gaps.txt", by=office)
    preview = import_draft_preview(draft=draft)
    assert preview.item_count == 39
    assert any("declares 5 items but lists 4" in w for w in preview.actions[0].warnings)
    item23 = next(e for row in preview.actions for e in row.items if e.data["no"] == 23)
    assert any("skips from 21 to 23" in w for w in item23.warnings)
    assert preview.warning_count >= 2


def test_an_item_left_without_a_measurable_target_is_flagged(office, seed_docx, en):
    draft = _draft(office, seed_docx)
    for _ in range(3):
        import_draft_correct(draft=draft, by=office, op="target_delete", args={"a": 0, "i": 0, "t": 0})
    draft.refresh_from_db()
    item = import_draft_preview(draft=draft).actions[0].items[0]
    assert any("No measurable target" in w for w in item.warnings), (item.data, item.warnings)


# --- a revised document -------------------------------------------------------------------------------------


def test_a_revised_document_shows_its_diff_and_the_preview_writes_nothing(office, seed_docx, seed_txt):
    plan = plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name).plan
    draft = import_draft_create(content=_revised(seed_txt), filename="revised.txt", by=office)
    assert draft.plan == plan
    before = _counts()
    diff = import_draft_diff(draft=draft)
    assert _counts() == before  # the import ran and was rolled back
    assert [no for no, _text in diff.removed] == [22]
    assert [no for no, _text in diff.added] == [41]
    changed = {no: (old, new) for no, old, new in diff.changed}
    assert "9千米" in changed[1][0] and "12千米" in changed[1][1]
    assert diff.renumbered == []  # the document keeps its numbers (a gap at 22)
    result = import_draft_confirm(draft=draft, by=office)
    assert result.version.number == 2
    assert result.removed == [22]


def test_the_same_document_again_shows_no_change(office, seed_docx):
    plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name)
    diff = import_draft_diff(draft=_draft(office, seed_docx))
    assert diff.unchanged


def test_a_new_plan_has_no_diff(office, seed_docx):
    assert import_draft_diff(draft=_draft(office, seed_docx)) is None
    assert not Plan.objects.exists()
