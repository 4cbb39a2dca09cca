"""The Excel round trip: a progress template per plan (or per department), and the load of a filled one.

The template has one row per current target with a stable id (``T`` and the target's primary key, which
survives plan revisions), what the target promises, and empty columns for the as-of date, the cumulative
actual (quantities), the stage reached (milestones) and a note. A hidden sheet records which plan it is for.

The load is all or nothing: :func:`progress_sheet_read` checks every row and returns the rows or the list
of bad ones (row number, column, why); :func:`progress_sheet_load` records the rows as accepted figures
through :func:`minsheng.delivery.services.report_record_accepted` in one transaction, and changes nothing
if any row is bad.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The shared parts of an Excel upload, used (and offered to this module's callers) as before.
from minsheng.common.spreadsheets import MAX_SHEET_BYTES as MAX_SHEET_BYTES
from minsheng.common.spreadsheets import MAX_UNPACKED_BYTES as MAX_UNPACKED_BYTES
from minsheng.common.spreadsheets import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE
from minsheng.common.spreadsheets import RowError as RowError
from minsheng.common.spreadsheets import SheetErrors as SheetErrors
from minsheng.common.spreadsheets import SpreadsheetError as SpreadsheetError
from minsheng.common.spreadsheets import cell_text, workbook_open
from minsheng.common.spreadsheets import check_xlsx as check_xlsx
from minsheng.delivery.models import Stage
from minsheng.delivery.services import DeliveryError, FarOffFigure, report_record_accepted
from minsheng.plans.models import Department, Item, ItemDepartment, Plan, Target

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from minsheng.accounts.models import User

FORMAT = "minsheng-progress/1"
DATA_SHEET = "progress"
META_SHEET = "minsheng"
MAX_ROWS = 5000
LOAD_PERMISSION = "delivery.load_progress"

# Column order of the data sheet; the reader reads by position.
COLUMNS: tuple[tuple[str, Promise, int], ...] = (
    ("id", gettext_lazy("id (do not change)"), 12),
    ("item", gettext_lazy("item"), 8),
    ("title", gettext_lazy("item title"), 30),
    ("target", gettext_lazy("target"), 30),
    ("op", gettext_lazy("comparator"), 10),
    ("value", gettext_lazy("target value"), 14),
    ("unit", gettext_lazy("unit"), 8),
    ("as_of", gettext_lazy("as-of date (YYYY-MM-DD)"), 16),
    ("actual", gettext_lazy("cumulative actual"), 16),
    ("stage", gettext_lazy("stage reached (milestones)"), 18),
    ("note", gettext_lazy("note"), 40),
)
COLUMN_INDEX = {key: index for index, (key, _label, _width) in enumerate(COLUMNS)}
_ID = re.compile(r"^[Tt]\s*(\d{1,18})$")
_STAGE_WORDS = {
    "立项": Stage.APPROVED,
    "招标": Stage.TENDERED,
    "开工": Stage.STARTED,
    "完工": Stage.COMPLETED,
    "验收": Stage.ACCEPTED,
}
_FOUR_PLACES = Decimal("0.0001")
_MAX_VALUE = Decimal(10) ** 16


@dataclass(frozen=True)
class SheetRow:
    row: int
    target: Target
    as_of: dt.date
    actual: Decimal | None
    stage: str
    note: str


@dataclass
class SheetContent:
    plan: Plan
    department: Department | None
    rows: list[SheetRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: int = 0  # rows left empty


class SheetNeedsConfirmation(SheetErrors):
    """Every other row is good, but these rows' figures are far off (more than three times the target, or a
    cumulative value going down): nothing was loaded; the office checks them and loads the sheet again
    confirming exactly these rows (``confirm_rows``)."""


@dataclass(frozen=True)
class LoadResult:
    plan: Plan
    loaded: int
    skipped: int


# --- the template ----------------------------------------------------------------------------------------


def _stage_labels() -> list[str]:
    return list(_STAGE_WORDS)


def _template_targets(*, plan: Plan, department: Department | None) -> list[Target]:
    targets = (
        Target.objects.filter(item__plan=plan, item__removed_in__isnull=True, removed_in__isnull=True)
        .select_related("item")
        .order_by("item__no", "item_id", "position", "id")
    )
    if department is not None:
        targets = targets.filter(
            Exists(ItemDepartment.objects.filter(item=OuterRef("item"), department=department))
        )
    return list(targets)


def progress_template_build(*, plan: Plan, department: Department | None = None) -> bytes:
    """An .xlsx with one row per current target of the plan (of the department's items, if given)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    if department is not None and department.region_id != plan.region_id:
        raise DeliveryError(_("The department belongs to another region."))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    sheet.append([str(label) for _key, label, _width in COLUMNS])
    bold = Font(bold=True)
    for index, (_key, _label, width) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        sheet.cell(row=1, column=index).font = bold
        sheet.cell(row=1, column=index).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    targets = _template_targets(plan=plan, department=department)
    for target in targets:
        milestone = target.kind == Target.Kind.MILESTONE
        sheet.append(
            [
                f"T{target.pk}",
                target.item.no,
                target.item.title or target.item.text[:60],
                target.subject or target.source,
                "" if milestone else target.get_op_display(),
                None if milestone else target.value,
                "" if milestone else target.unit,
                None,
                None,
                None,
                None,
            ]
        )
    if targets:
        _style_inputs(sheet, last=len(targets) + 1)
    meta = workbook.create_sheet(META_SHEET)
    meta.append(["format", FORMAT])
    meta.append(["plan", plan.pk])
    meta.append(["plan title", plan.title])
    meta.append(["department", department.pk if department else ""])
    meta.append(["generated", timezone.localtime().isoformat(timespec="seconds")])
    meta.sheet_state = "hidden"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _style_inputs(sheet: Any, *, last: int) -> None:
    """Shade the columns to fill in, format the date column and offer the stages as a list."""
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    fill = PatternFill("solid", fgColor="FFF4CC")
    for key in ("as_of", "actual", "stage", "note"):
        letter = get_column_letter(COLUMN_INDEX[key] + 1)
        for (cell,) in sheet[f"{letter}2:{letter}{last}"]:
            cell.fill = fill
            if key == "as_of":
                cell.number_format = "yyyy-mm-dd"
    stage_letter = get_column_letter(COLUMN_INDEX["stage"] + 1)
    stages = DataValidation(type="list", formula1='"' + ",".join(_stage_labels()) + '"', allow_blank=True)
    stages.add(f"{stage_letter}2:{stage_letter}{last}")
    actual_letter = get_column_letter(COLUMN_INDEX["actual"] + 1)
    numbers = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    numbers.add(f"{actual_letter}2:{actual_letter}{last}")
    sheet.add_data_validation(stages)
    sheet.add_data_validation(numbers)


def progress_template_filename(*, plan: Plan, department: Department | None = None) -> str:
    suffix = f"-department-{department.pk}" if department else ""
    return f"progress-plan-{plan.pk}{suffix}.xlsx"


# --- reading a filled sheet ------------------------------------------------------------------------------


def _column(key: str) -> str:
    from openpyxl.utils import get_column_letter

    index = COLUMN_INDEX[key]
    return f"{get_column_letter(index + 1)} ({COLUMNS[index][1]})"


_text = cell_text


def _number(value: Any) -> Decimal:
    """A cell's number: a number cell, or text such as "1,200" or "１２００"; raises ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = _text(value).replace(",", "").replace(" ", "")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError from exc
    if not number.is_finite():
        raise ValueError
    return number.quantize(_FOUR_PLACES)


def _date(value: Any) -> dt.date:
    """A cell's date: a date cell, an Excel serial number, or text 2025-06-30, 2025/6/30, 2025年6月30日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        if 1 <= value < 2958466:
            result = from_excel(value)
            return result.date() if isinstance(result, dt.datetime) else result
        raise ValueError
    text = _text(value)
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not match:
        raise ValueError
    return dt.date(*(int(part) for part in match.groups()))


def _stage(value: Any) -> str:
    text = _text(value)
    if not text:
        return ""
    if text in _STAGE_WORDS:
        return _STAGE_WORDS[text].value
    for stage in Stage:
        if text.lower() in (stage.value, str(stage.label).lower()):
            return stage.value
        if text in str(stage.label):  # "Approved (立项)" contains 立项 and Approved
            return stage.value
    raise ValueError


def _meta(workbook: Any) -> dict[str, str]:
    if META_SHEET not in workbook.sheetnames:
        return {}
    meta: dict[str, str] = {}
    for row in workbook[META_SHEET].iter_rows(min_row=1, max_row=20, max_col=2, values_only=True):
        if row and row[0] is not None:
            meta[_text(row[0])] = _text(row[1] if len(row) > 1 else None)
    return meta


def progress_sheet_read(
    *, content: bytes, plan: Plan | None = None, as_of: dt.date | None = None, today: dt.date | None = None
) -> SheetContent:
    """Check a filled sheet. Returns the rows to load and every bad row; raises :class:`SpreadsheetError`
    when the file is not a progress sheet, or is one for another plan than ``plan`` (when given).

    A row with no date, figure, stage or note is skipped. ``as_of`` is the date of rows that leave the
    date empty. Dates may not be before the plan's year or after ``today``.
    """
    workbook = workbook_open(content)
    try:
        meta = _meta(workbook)
        if meta.get("format") != FORMAT or DATA_SHEET not in workbook.sheetnames:
            raise SpreadsheetError(
                _("This workbook is not a minsheng progress sheet. Download the template and fill that in.")
            )
        try:
            sheet_plan_id = int(meta.get("plan", ""))
        except ValueError:
            sheet_plan_id = 0
        if plan is None:
            plan = Plan.objects.filter(pk=sheet_plan_id).first()
            if plan is None:
                raise SpreadsheetError(_("The plan this sheet was made for no longer exists."))
        elif sheet_plan_id != plan.pk:
            raise SpreadsheetError(
                _("This sheet was made for another plan (%(title)s).")
                % {"title": meta.get("plan title") or sheet_plan_id}
            )
        department = None
        if meta.get("department", "").isdigit():
            department = Department.objects.filter(pk=int(meta["department"])).first()
        rows: list[tuple[Any, ...]] = []
        filled = 0
        for row in workbook[DATA_SHEET].iter_rows(min_row=2, max_col=len(COLUMNS), values_only=True):
            if any(value is not None for value in row):
                filled += 1
                if filled > MAX_ROWS:
                    raise SpreadsheetError(_("The sheet has more than %(count)d rows.") % {"count": MAX_ROWS})
                rows.append(tuple(row))
            else:
                rows.append(())
    finally:
        workbook.close()
    result = SheetContent(plan=plan, department=department)
    _check_rows(result, rows, as_of=as_of, today=today or timezone.localdate())
    return result


def _check_rows(
    result: SheetContent, rows: list[tuple[Any, ...]], *, as_of: dt.date | None, today: dt.date
) -> None:
    plan = result.plan
    ids: dict[int, int] = {}
    for number, raw in enumerate(rows, start=2):
        values = {key: (raw[index] if index < len(raw) else None) for key, index in COLUMN_INDEX.items()}
        filled = [key for key in ("as_of", "actual", "stage", "note") if _text(values[key])]
        if not filled:
            if _text(values["id"]):
                result.skipped += 1
            continue
        match = _ID.match(_text(values["id"]))
        if not match:
            result.errors.append(RowError(number, _column("id"), _("There is no valid id (such as T123).")))
            continue
        ids[number] = int(match.group(1))
    targets = {
        target.pk: target for target in Target.objects.filter(pk__in=set(ids.values())).select_related("item")
    }
    seen: dict[tuple[int, dt.date], int] = {}
    for number, target_id in ids.items():
        raw = rows[number - 2]
        values = {key: (raw[index] if index < len(raw) else None) for key, index in COLUMN_INDEX.items()}
        errors_before = len(result.errors)

        def bad(key: str, message: str, number: int = number) -> None:
            result.errors.append(RowError(number, _column(key) if key else "", message))

        target = targets.get(target_id)
        if target is None:
            bad("id", _("No target has the id T%(id)d.") % {"id": target_id})
            continue
        if target.item.plan_id != plan.pk:
            bad("id", _("Target T%(id)d belongs to another plan.") % {"id": target_id})
            continue
        if target.removed_in_id is not None or target.item.removed_in_id is not None:
            bad("id", _("Target T%(id)d is no longer in the plan.") % {"id": target_id})
            continue
        date_value = values["as_of"]
        day: dt.date | None = None
        if _text(date_value):
            try:
                day = _date(date_value)
            except ValueError:
                bad(
                    "as_of", _("“%(value)s” is not a date (write 2025-06-30).") % {"value": _text(date_value)}
                )
        elif as_of is not None:
            day = as_of
        else:
            bad("as_of", _("The as-of date is missing."))
        if day is not None:
            if day > today:
                bad("as_of", _("%(date)s is in the future.") % {"date": day.isoformat()})
                day = None
            elif day.year < plan.year:
                bad(
                    "as_of",
                    _("%(date)s is before the plan's year (%(year)d).")
                    % {"date": day.isoformat(), "year": plan.year},
                )
                day = None
        actual: Decimal | None = None
        stage = ""
        if target.kind == Target.Kind.MILESTONE:
            if _text(values["actual"]):
                bad("actual", _("This target is a milestone: give the stage reached, not a number."))
            try:
                stage = _stage(values["stage"])
            except ValueError:
                bad(
                    "stage",
                    _("“%(value)s” is not a stage (one of %(stages)s).")
                    % {"value": _text(values["stage"]), "stages": "、".join(_stage_labels())},
                )
            else:
                if not stage:
                    bad("stage", _("The stage reached is missing."))
        else:
            if _text(values["stage"]):
                bad("stage", _("This target is a quantity: give the cumulative actual, not a stage."))
            if not _text(values["actual"]):
                bad("actual", _("The cumulative actual is missing."))
            else:
                try:
                    actual = _number(values["actual"])
                except ValueError:
                    bad("actual", _("“%(value)s” is not a number.") % {"value": _text(values["actual"])})
                else:
                    if actual < 0:
                        bad("actual", _("The cumulative actual cannot be negative."))
                    elif actual >= _MAX_VALUE:
                        bad("actual", _("The number is too large."))
        if day is not None:
            key = (target.pk, day)
            if key in seen:
                bad(
                    "id",
                    _("Row %(row)d already gives this target's figure as of %(date)s.")
                    % {"row": seen[key], "date": day.isoformat()},
                )
            else:
                seen[key] = number
        if len(result.errors) == errors_before and day is not None:
            result.rows.append(
                SheetRow(
                    row=number,
                    target=target,
                    as_of=day,
                    actual=actual,
                    stage=stage,
                    note=_text(values["note"]),
                )
            )
    result.errors.sort(key=lambda error: error.row)


# --- loading ---------------------------------------------------------------------------------------------


def progress_sheet_load(
    *,
    content: bytes,
    by: User,
    plan: Plan | None = None,
    as_of: dt.date | None = None,
    source: str = "spreadsheet",
    confirm_rows: Collection[int] = (),
) -> LoadResult:
    """Record every row of a filled sheet as an accepted figure, in one transaction, or nothing at all.

    Raises :class:`SpreadsheetError` for a file that is not a progress sheet (for ``plan``, when given),
    :class:`SheetErrors` listing every bad row, ``PermissionDenied`` unless ``by`` may load figures, and
    :class:`SheetNeedsConfirmation` listing the rows whose figure is far off, unless each of them is in
    ``confirm_rows`` (row numbers the office has checked), as the accept step asks the reviewer to.
    """
    if not by.has_perm(LOAD_PERMISSION, plan):
        raise PermissionDenied
    sheet = progress_sheet_read(content=content, plan=plan, as_of=as_of)
    if not by.has_perm(LOAD_PERMISSION, sheet.plan):
        raise PermissionDenied
    if sheet.errors:
        raise SheetErrors(sheet.errors)
    errors: list[RowError] = []
    far: list[RowError] = []
    confirmed = set(confirm_rows)
    with transaction.atomic():
        for row in sheet.rows:
            try:
                with transaction.atomic():
                    report_record_accepted(
                        target=row.target,
                        by=by,
                        period_end=row.as_of,
                        actual=row.actual,
                        stage=row.stage,
                        narrative=row.note,
                        source=source,
                        confirm_far_off=row.row in confirmed,
                    )
            except FarOffFigure as exc:
                far.extend(RowError(row.row, _column("actual"), message) for message in exc.messages)
            except DeliveryError as exc:
                errors.extend(RowError(row.row, "", message) for message in exc.messages)
        if errors:
            raise SheetErrors(errors + far)
        if far:
            raise SheetNeedsConfirmation(far)
    return LoadResult(plan=sheet.plan, loaded=len(sheet.rows), skipped=sheet.skipped)


def department_choices_for_plan(*, plan: Plan) -> list[Department]:
    """The departments assigned to at least one current item of the plan, by name."""
    items = Item.objects.filter(plan=plan, removed_in__isnull=True)
    return list(Department.objects.filter(assignments__item__in=items).distinct().order_by("name"))
