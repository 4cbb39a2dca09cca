"""The Excel round trip: the template, a good load, and bad sheets (each changing nothing), on the command
line and on the web."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from minsheng.accounts.models import AuditEvent
from minsheng.delivery.models import ProgressReport, ReportEvent, ReportStatus
from minsheng.delivery.spreadsheets import (
    COLUMN_INDEX,
    SheetErrors,
    SheetNeedsConfirmation,
    SpreadsheetError,
    progress_sheet_load,
    progress_sheet_read,
    progress_template_build,
)
from minsheng.delivery.tests.conftest import build_world
from minsheng.plans.tests.factories import ItemFactory, TargetFactory
from minsheng.testing import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


def _template(world, department=None) -> bytes:
    return progress_template_build(plan=world.plan, department=department)


def _fill(
    content: bytes, rows: dict[str, dict[str, object]], extra: list[list[object]] | None = None
) -> bytes:
    """Fill the template: ``rows`` maps a target's id (T12) to the values of its columns."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["progress"]
    for row in sheet.iter_rows(min_row=2):
        values = rows.get(str(row[0].value))
        if values:
            for key, value in values.items():
                row[COLUMN_INDEX[key]].value = value
    for values in extra or []:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _good(world) -> bytes:
    return _fill(
        _template(world),
        {
            f"T{world.quantity.pk}": {"as_of": dt.date(2025, 6, 30), "actual": 55, "note": "按月报表"},
            f"T{world.milestone.pk}": {"as_of": "2025-06-30", "stage": "开工"},
        },
    )


def _nothing_changed(before: tuple) -> None:
    assert (ProgressReport.objects.count(), ReportEvent.objects.count(), AuditEvent.objects.count()) == before


def _counts() -> tuple:
    return ProgressReport.objects.count(), ReportEvent.objects.count(), AuditEvent.objects.count()


# --- the template ----------------------------------------------------------------------------------------


def test_the_template_has_one_row_per_current_target_with_a_stable_id(world):
    removed = TargetFactory(item=world.item, source="废弃")
    removed.removed_in = world.item.added_in
    removed.save()
    workbook = load_workbook(io.BytesIO(_template(world)))
    sheet = workbook["progress"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [f"T{world.quantity.pk}", f"T{world.milestone.pk}"]
    quantity, milestone = rows
    assert quantity[COLUMN_INDEX["value"]] == 100
    assert quantity[COLUMN_INDEX["unit"]] == "名"
    assert milestone[COLUMN_INDEX["value"]] is None  # a milestone has a stage, not a value
    header = [cell.value for cell in sheet[1]]
    assert "cumulative actual" in header and "note" in header
    assert workbook["minsheng"].sheet_state == "hidden"


def test_a_department_template_has_only_its_items(world):
    other_item = ItemFactory(action=world.item.action)
    TargetFactory(item=other_item)
    from minsheng.delivery import services

    services.assignment_set(item=other_item, by=world.office, lead=world.other)
    ids = [
        row[0]
        for row in load_workbook(io.BytesIO(_template(world, world.other)))["progress"].iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert ids == [f"T{t.pk}" for t in other_item.targets.all()]


# --- a good load -----------------------------------------------------------------------------------------


def test_a_good_sheet_is_loaded_as_accepted_and_published_figures(world):
    result = progress_sheet_load(content=_good(world), by=world.office)
    assert (result.loaded, result.skipped) == (2, 0)
    quantity = ProgressReport.objects.get(target=world.quantity)
    assert (quantity.status, quantity.published, quantity.actual, quantity.narrative) == (
        ReportStatus.ACCEPTED,
        True,
        Decimal(55),
        "按月报表",
    )
    assert ProgressReport.objects.get(target=world.milestone).stage == "started"
    assert ReportEvent.objects.filter(report=quantity, action="record", by=world.office).exists()


def test_rows_left_empty_are_skipped_and_the_as_of_date_fills_in(world):
    content = _fill(_template(world), {f"T{world.quantity.pk}": {"actual": "1,200"}})
    with pytest.raises(SheetNeedsConfirmation) as far:  # 1,200 is more than three times the target
        progress_sheet_load(content=content, by=world.office, as_of=dt.date(2025, 9, 30))
    rows = {error.row for error in far.value.errors}
    result = progress_sheet_load(
        content=content, by=world.office, as_of=dt.date(2025, 9, 30), confirm_rows=rows
    )
    assert (result.loaded, result.skipped) == (1, 1)
    report = ProgressReport.objects.get()
    assert (report.period_end, report.actual) == (dt.date(2025, 9, 30), Decimal(1200))


def test_a_sheet_loaded_again_replaces_the_figures(world):
    progress_sheet_load(content=_good(world), by=world.office)
    again = _fill(_template(world), {f"T{world.quantity.pk}": {"as_of": dt.date(2025, 6, 30), "actual": 60}})
    progress_sheet_load(content=again, by=world.office)
    assert ProgressReport.objects.get(target=world.quantity).actual == Decimal(60)
    assert ProgressReport.objects.count() == 2


# --- bad sheets: every bad row listed, nothing changed ---------------------------------------------------


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        ({"as_of": "2025-06-30", "actual": "五十"}, "I", "is not a number"),
        ({"as_of": "2025-06-30", "actual": -3}, "I", "cannot be negative"),
        ({"as_of": "2025-06-31", "actual": 5}, "H", "is not a date"),
        ({"as_of": "yesterday", "actual": 5}, "H", "is not a date"),
        ({"as_of": "2999-01-01", "actual": 5}, "H", "in the future"),
        ({"as_of": "2019-01-01", "actual": 5}, "H", "before the plan's year"),
        ({"as_of": "2025-06-30"}, "I", "cumulative actual is missing"),
        ({"actual": 5}, "H", "as-of date is missing"),
        ({"as_of": "2025-06-30", "actual": 5, "stage": "开工"}, "J", "is a quantity"),
    ],
)
def test_a_bad_quantity_row_is_named_and_nothing_changes(world, values, column, message):
    good_milestone = {"as_of": "2025-06-30", "stage": "开工"}
    content = _fill(
        _template(world), {f"T{world.quantity.pk}": values, f"T{world.milestone.pk}": good_milestone}
    )
    before = _counts()
    with pytest.raises(SheetErrors) as raised:
        progress_sheet_load(content=content, by=world.office)
    [error] = raised.value.errors
    assert error.row == 2
    assert error.column.startswith(column)
    assert message in error.message
    _nothing_changed(before)


def test_a_bad_milestone_row_is_named(world):
    content = _fill(
        _template(world),
        {f"T{world.milestone.pk}": {"as_of": "2025-06-30", "stage": "快完了", "actual": 3}},
    )
    with pytest.raises(SheetErrors) as raised:
        progress_sheet_load(content=content, by=world.office)
    messages = [(e.row, e.column[0], e.message) for e in raised.value.errors]
    assert (3, "I", "This target is a milestone: give the stage reached, not a number.") in messages
    assert any(row == 3 and col == "J" and "is not a stage" in msg for row, col, msg in messages)


def test_unknown_ids_and_targets_of_another_plan_are_named(world):
    stranger = build_world()  # another plan, in another region
    content = _fill(
        _template(world),
        {f"T{world.quantity.pk}": {"as_of": "2025-06-30", "actual": 5}},
        extra=[
            ["T999999", None, None, None, None, None, None, "2025-06-30", 1],
            [f"T{stranger.quantity.pk}", None, None, None, None, None, None, "2025-06-30", 1],
            ["hello", None, None, None, None, None, None, "2025-06-30", 1],
        ],
    )
    before = _counts()
    with pytest.raises(SheetErrors) as raised:
        progress_sheet_load(content=content, by=world.office)
    assert [(e.row, e.column[0]) for e in raised.value.errors] == [(4, "A"), (5, "A"), (6, "A")]
    assert "No target has the id T999999" in raised.value.errors[0].message
    assert "belongs to another plan" in raised.value.errors[1].message
    assert "no valid id" in raised.value.errors[2].message
    _nothing_changed(before)


def test_every_bad_row_is_listed_at_once(world):
    content = _fill(
        _template(world),
        {
            f"T{world.quantity.pk}": {"as_of": "bad", "actual": "bad"},
            f"T{world.milestone.pk}": {"as_of": "2025-06-30", "stage": "?"},
        },
    )
    with pytest.raises(SheetErrors) as raised:
        progress_sheet_load(content=content, by=world.office)
    assert [(e.row, e.column[0]) for e in raised.value.errors] == [(2, "H"), (2, "I"), (3, "J")]


def test_the_same_target_and_date_twice_is_named(world):
    row = [f"T{world.quantity.pk}", None, None, None, None, None, None, "2025-06-30", 7]
    content = _fill(
        _template(world), {f"T{world.quantity.pk}": {"as_of": "2025-06-30", "actual": 6}}, extra=[row]
    )
    with pytest.raises(SheetErrors) as raised:
        progress_sheet_load(content=content, by=world.office)
    assert [(e.row, "Row 2 already" in e.message) for e in raised.value.errors] == [(4, True)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,actual\nT1,5\n", "not an Excel workbook"),
        (b"%PDF-1.4 not a sheet", "not an Excel workbook"),
        (b"PK\x03\x04 broken zip", "not an Excel workbook"),
    ],
)
def test_a_wrong_file_type_is_refused(world, content, message):
    before = _counts()
    with pytest.raises(SpreadsheetError, match=message):
        progress_sheet_load(content=content, by=world.office)
    _nothing_changed(before)


def test_a_zip_that_is_not_a_workbook_and_a_workbook_that_is_not_ours_are_refused(world):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("hello.txt", "hi")
    with pytest.raises(SpreadsheetError, match="not an Excel workbook"):
        progress_sheet_read(content=out.getvalue())
    workbook = Workbook()
    workbook.active.append(["id", "actual"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(SpreadsheetError, match="not a minsheng progress sheet"):
        progress_sheet_read(content=out.getvalue())


def test_a_sheet_for_another_plan_is_refused_where_a_plan_is_expected(world):
    stranger = build_world()
    with pytest.raises(SpreadsheetError, match="another plan"):
        progress_sheet_load(content=_good(world), by=stranger.office, plan=stranger.plan)
    assert not ProgressReport.objects.exists()


def test_only_the_office_may_load(world):
    from django.core.exceptions import PermissionDenied

    for user in (world.reporter, world.head, world.public):
        with pytest.raises(PermissionDenied):
            progress_sheet_load(content=_good(world), by=user)
    assert not ProgressReport.objects.exists()


# --- the command line ------------------------------------------------------------------------------------


def test_the_command_writes_a_template_and_loads_it(world, tmp_path):
    out = tmp_path / "progress.xlsx"
    stdout = StringIO()
    call_command("progress", "template", "--plan", str(world.plan.pk), "--out", str(out), stdout=stdout)
    assert "Wrote" in stdout.getvalue()
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(_fill(out.read_bytes(), {f"T{world.quantity.pk}": {"actual": 70}}))
    stdout = StringIO()
    call_command(
        "progress", "load", str(filled), "--by", world.office.username, "--as-of", "2025-10-31", stdout=stdout
    )
    assert "Loaded 1 figures" in stdout.getvalue()
    report = ProgressReport.objects.get()
    assert (report.actual, report.period_end, report.status) == (
        Decimal(70),
        dt.date(2025, 10, 31),
        "accepted",
    )
    assert ReportEvent.objects.get(report=report, action="record").by == world.office


def test_the_command_writes_a_department_template(world, tmp_path):
    out = tmp_path / "lead.xlsx"
    call_command(
        "progress",
        "template",
        "--plan",
        str(world.plan.pk),
        "--out",
        str(out),
        "--department",
        world.lead.name,
        stdout=StringIO(),
    )
    assert load_workbook(out)["progress"].max_row == 3
    with pytest.raises(CommandError, match="no department"):
        call_command(
            "progress",
            "template",
            "--plan",
            str(world.plan.pk),
            "--out",
            str(out),
            "--department",
            "无此部门",
        )
    with pytest.raises(CommandError, match="no plan"):
        call_command("progress", "template", "--plan", "999999", "--out", str(out))


def test_a_bad_sheet_on_the_command_line_lists_the_rows_and_exits_2(world, tmp_path):
    filled = tmp_path / "bad.xlsx"
    filled.write_bytes(
        _fill(
            _template(world),
            {
                f"T{world.quantity.pk}": {"as_of": "2025-06-30", "actual": "很多"},
                f"T{world.milestone.pk}": {"as_of": "2025-02-30", "stage": "开工"},
            },
        )
    )
    stderr = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("progress", "load", str(filled), "--by", world.office.username, stderr=stderr)
    assert raised.value.returncode == 2
    assert "2 bad rows; nothing was loaded" in str(raised.value)
    lines = stderr.getvalue().splitlines()
    assert lines[0].startswith("Row 2, column I")
    assert lines[1].startswith("Row 3, column H")
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "nobody"], "no active user"),
        (["--by", "REPORTER"], "may not record accepted figures"),
        (["--by", "OFFICE", "--as-of", "30/06/2025"], "is not a date"),
    ],
)
def test_the_load_command_refuses_bad_arguments_with_exit_2(world, tmp_path, args, message):
    filled = tmp_path / "good.xlsx"
    filled.write_bytes(_good(world))
    args = [{"REPORTER": world.reporter.username, "OFFICE": world.office.username}.get(a, a) for a in args]
    with pytest.raises(CommandError, match=message) as raised:
        call_command("progress", "load", str(filled), *args)
    assert raised.value.returncode == 2
    assert not ProgressReport.objects.exists()


def test_the_load_command_refuses_a_file_that_is_not_a_sheet(world, tmp_path):
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(CommandError, match="not an Excel workbook") as raised:
        call_command("progress", "load", str(bad), "--by", world.office.username)
    assert raised.value.returncode == 2
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("progress", "load", str(tmp_path / "missing.xlsx"), "--by", world.office.username)


# --- the web ---------------------------------------------------------------------------------------------


@pytest.fixture
def office_client(client, world):
    sign_in(client, world.office)
    client.cookies["django_language"] = "en"
    return client


def test_the_office_downloads_the_template(office_client, world):
    response = office_client.get(reverse("delivery:progress_template", args=[world.plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"progress-plan-{world.plan.pk}.xlsx" in response["Content-Disposition"]
    ids = [
        r[0]
        for r in load_workbook(io.BytesIO(response.content))["progress"].iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert len(ids) == 2
    one = office_client.get(
        reverse("delivery:progress_template", args=[world.plan.pk]), {"department": world.other.pk}
    )
    assert (
        load_workbook(io.BytesIO(one.content))["progress"].max_row == 1
    )  # the other department has no items
    assert (
        office_client.get(
            reverse("delivery:progress_template", args=[world.plan.pk]), {"department": 999999}
        ).status_code
        == 404
    )


def test_a_department_downloads_the_template_of_its_own_items(client, world):
    sign_in(client, world.other_reporter)
    response = client.get(
        reverse("delivery:progress_template", args=[world.plan.pk]), {"department": world.lead.pk}
    )
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content))["progress"].max_row == 1


def test_the_office_uploads_a_good_sheet(office_client, world):
    url = reverse("delivery:progress_upload", args=[world.plan.pk])
    response = office_client.post(url, {"file": SimpleUploadedFile("p.xlsx", _good(world))})
    assert response.status_code == 302
    assert ProgressReport.objects.filter(status=ReportStatus.ACCEPTED).count() == 2


def test_an_uploaded_bad_sheet_lists_every_bad_row_and_loads_nothing(office_client, world):
    content = _fill(
        _template(world),
        {
            f"T{world.quantity.pk}": {"as_of": "2025-06-30", "actual": -1},
            f"T{world.milestone.pk}": {"as_of": "someday", "stage": "开工"},
        },
    )
    url = reverse("delivery:progress_upload", args=[world.plan.pk])
    response = office_client.post(url, {"file": SimpleUploadedFile("p.xlsx", content)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "2 problems in the sheet; nothing was loaded" in html
    assert "cannot be negative" in html and "is not a date" in html
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.xlsx", b"<html>not excel</html>", "not an Excel workbook"),
        ("p.csv", b"id,actual\n", "not an Excel workbook"),
    ],
)
def test_an_uploaded_file_of_the_wrong_type_is_refused(office_client, world, name, content, message):
    url = reverse("delivery:progress_upload", args=[world.plan.pk])
    response = office_client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_an_uploaded_sheet_for_another_plan_is_refused(office_client, world):
    stranger = build_world()
    url = reverse("delivery:progress_upload", args=[stranger.plan.pk])
    response = office_client.post(url, {"file": SimpleUploadedFile("p.xlsx", _good(world))})
    assert response.status_code == 400
    assert "made for another plan" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_an_uploaded_file_that_is_too_large_is_refused(office_client, world, monkeypatch):
    monkeypatch.setattr("minsheng.delivery.views.sheets.MAX_SHEET_BYTES", 100)
    url = reverse("delivery:progress_upload", args=[world.plan.pk])
    response = office_client.post(url, {"file": SimpleUploadedFile("p.xlsx", _good(world))})
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not ProgressReport.objects.exists()


# --- far-off figures need the office's confirmation, as in the accept step ---------------------------------


def _far(world, actual=1000) -> bytes:
    return _fill(
        _template(world),
        {
            f"T{world.quantity.pk}": {"as_of": "2025-06-30", "actual": actual},
            f"T{world.milestone.pk}": {"as_of": "2025-06-30", "stage": "开工"},
        },
    )


def test_a_figure_far_over_its_target_is_listed_for_confirmation_and_nothing_is_loaded(world):
    before = _counts()
    with pytest.raises(SheetNeedsConfirmation) as far:
        progress_sheet_load(content=_far(world), by=world.office)
    assert [(e.row, e.column[:1]) for e in far.value.errors] == [(2, "I")]
    assert "more than 3 times" in far.value.errors[0].message
    _nothing_changed(before)
    # confirming another row does not confirm this one
    with pytest.raises(SheetNeedsConfirmation):
        progress_sheet_load(content=_far(world), by=world.office, confirm_rows={3})
    _nothing_changed(before)
    result = progress_sheet_load(content=_far(world), by=world.office, confirm_rows={2})
    assert result.loaded == 2
    report = ProgressReport.objects.get(target=world.quantity)
    assert report.actual == Decimal(1000) and report.status == ReportStatus.ACCEPTED
    assert "confirmed far off" in report.events.get().note


def test_a_cumulative_figure_going_down_is_listed_for_confirmation(world):
    progress_sheet_load(content=_good(world), by=world.office)  # 55 as of June
    lower = _fill(_template(world), {f"T{world.quantity.pk}": {"as_of": "2025-09-30", "actual": 40}})
    before = _counts()
    with pytest.raises(SheetNeedsConfirmation) as far:
        progress_sheet_load(content=lower, by=world.office)
    assert "lower than the 55" in far.value.errors[0].message
    _nothing_changed(before)


def test_a_sheet_with_a_bad_row_is_refused_as_bad_before_any_figure_is_weighed(world):
    content = _fill(
        _template(world),
        {
            f"T{world.quantity.pk}": {"as_of": "2025-06-30", "actual": 1000},
            f"T{world.milestone.pk}": {"as_of": "2025-06-30", "stage": "开工"},
        },
        extra=[[f"T{world.quantity.pk}", *([None] * 6), "2025-05-31", -1]],
    )
    with pytest.raises(SheetErrors) as bad:
        progress_sheet_load(content=content, by=world.office)
    assert not isinstance(bad.value, SheetNeedsConfirmation)
    assert not ProgressReport.objects.exists()


def test_the_upload_page_lists_far_off_rows_and_loads_them_once_confirmed(office_client, world):
    url = reverse("delivery:progress_upload", args=[world.plan.pk])
    response = office_client.post(url, {"file": SimpleUploadedFile("p.xlsx", _far(world))})
    assert response.status_code == 400
    html = response.content.decode()
    assert "far-off-rows" in html and "more than 3 times" in html
    assert 'name="confirm_rows" value="2"' in html and 'name="confirm_far_off"' in html
    assert not ProgressReport.objects.exists()
    # the box not ticked: still refused
    response = office_client.post(
        url, {"file": SimpleUploadedFile("p.xlsx", _far(world)), "confirm_rows": "2"}
    )
    assert response.status_code == 400 and not ProgressReport.objects.exists()
    response = office_client.post(
        url,
        {"file": SimpleUploadedFile("p.xlsx", _far(world)), "confirm_rows": "2", "confirm_far_off": "on"},
    )
    assert response.status_code == 302
    assert ProgressReport.objects.get(target=world.quantity).actual == Decimal(1000)
