"""The people sheet: a template to download and the all-or-nothing load of a filled one.

Columns: name, mobile phone or email address, role, department. :func:`people_sheet_read` checks every row
and returns the people to add and every bad row (row number, column, why); :func:`people_sheet_load` adds
them all in one transaction with a one-time sign-in link each, or raises
:class:`~minsheng.common.spreadsheets.SheetErrors` and adds no one.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.accounts.models import User
from minsheng.common.services import require
from minsheng.common.spreadsheets import RowError, SheetErrors, SpreadsheetError, cell_text, workbook_open
from minsheng.people.services import (
    ROLES_GIVEN,
    NewPerson,
    PeopleError,
    active_departments,
    people_add,
    person_check,
)

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from minsheng.plans.models import Department

DATA_SHEET = "people"
MAX_ROWS = 2000
COLUMNS: tuple[tuple[str, Promise, int], ...] = (
    ("name", gettext_lazy("name"), 16),
    ("contact", gettext_lazy("mobile phone or email"), 28),
    ("role", gettext_lazy("role"), 16),
    ("department", gettext_lazy("department (reporters and heads)"), 30),
)
COLUMN_INDEX = {key: index for index, (key, _label, _width) in enumerate(COLUMNS)}
# Short words an office writes for a role, beside the roles' own names in both languages.
_ROLE_WORDS = {
    "填报员": User.Role.REPORTER,
    "负责人": User.Role.DEPT_HEAD,
    "代表": User.Role.DEPUTY,
    "人大代表": User.Role.DEPUTY,
    "督查室": User.Role.OFFICE,
    "head": User.Role.DEPT_HEAD,
}


@dataclass
class PeopleSheet:
    rows: list[dict[str, Any]] = field(default_factory=list)  # person_add's arguments, one per good row
    errors: list[RowError] = field(default_factory=list)


def _roles() -> dict[str, str]:
    words: dict[str, str] = {key.lower(): value.value for key, value in _ROLE_WORDS.items()}
    for role in ROLES_GIVEN:
        words[role.value] = role.value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                words[str(role.label).lower()] = role.value
    return words


def people_template_build() -> bytes:
    """An .xlsx with the four columns, one example row per role, and the departments on a second sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    sheet.append([str(label) for _key, label, _width in COLUMNS])
    for index, (_key, _label, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.cell(row=1, column=index).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    labels = [str(User.Role(role).label) for role in ROLES_GIVEN]
    roles = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=False)
    roles.add(f"C2:C{MAX_ROWS + 1}")
    sheet.add_data_validation(roles)
    departments = workbook.create_sheet(_("departments"))
    departments.append([_("department"), _("region")])
    departments.column_dimensions["A"].width = 30
    departments.column_dimensions["B"].width = 30
    for department in active_departments():
        departments.append([department.name, department.region.name])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _column(key: str) -> str:
    from openpyxl.utils import get_column_letter

    index = COLUMN_INDEX[key]
    return f"{get_column_letter(index + 1)} ({COLUMNS[index][1]})"


def people_sheet_read(*, content: bytes) -> PeopleSheet:
    """Check a filled sheet: the people to add and every bad row. Raises :class:`SpreadsheetError` when the
    file is not a workbook. Empty rows are skipped; the first row is the header."""
    workbook = workbook_open(content)
    try:
        sheet = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
        raw: list[tuple[int, tuple[Any, ...]]] = []
        for number, row in enumerate(
            sheet.iter_rows(min_row=2, max_col=len(COLUMNS), values_only=True), start=2
        ):
            if any(cell_text(value) for value in row):
                if len(raw) >= MAX_ROWS:
                    raise SpreadsheetError(_("The sheet has more than %(count)d rows.") % {"count": MAX_ROWS})
                raw.append((number, tuple(row)))
    finally:
        workbook.close()
    result = PeopleSheet()
    if not raw:
        raise SpreadsheetError(_("The sheet has no one to add: fill in a row under the header."))
    roles = _roles()
    by_name: dict[str, list[Department]] = {}
    for active in active_departments():
        by_name.setdefault(active.name, []).append(active)
    seen: dict[str, int] = {}
    for number, row in raw:
        values = {
            key: cell_text(row[index] if index < len(row) else None) for key, index in COLUMN_INDEX.items()
        }
        errors_before = len(result.errors)

        def bad(key: str, message: str, number: int = number) -> None:
            result.errors.append(RowError(number, _column(key), message))

        role = roles.get(values["role"].lower(), "")
        department: Department | None = None
        if values["department"]:
            found = by_name.get(values["department"], [])
            if not found:
                bad(
                    "department",
                    _("No active department is called “%(name)s”.") % {"name": values["department"]},
                )
            elif len(found) > 1:
                bad(
                    "department",
                    _(
                        "Several regions have a department called “%(name)s”; add this person on the people page."
                    )
                    % {"name": values["department"]},
                )
            else:
                department = found[0]
        try:
            checked = person_check(
                name=values["name"],
                contact=values["contact"],
                role=role,
                department=department,
            )
        except PeopleError as exc:
            for key, messages in exc.message_dict.items():
                if key == "department" and len(result.errors) > errors_before:
                    continue  # already said which department is wrong
                if key == "role" and values["role"]:
                    messages = [
                        _("“%(value)s” is not a role (reporter, head, deputy or office).")
                        % {"value": values["role"]}
                    ]
                for message in messages:
                    bad(key if key in COLUMN_INDEX else "name", message)
        else:
            username = checked["contact"][0]
            if username in seen:
                bad(
                    "contact",
                    _("Row %(row)d already adds %(value)s.") % {"row": seen[username], "value": username},
                )
            else:
                seen[username] = number
        if len(result.errors) == errors_before:
            result.rows.append(
                {"name": values["name"], "contact": values["contact"], "role": role, "department": department}
            )
    result.errors.sort(key=lambda error: (error.row, error.column))
    return result


def people_sheet_load(*, content: bytes, by: User) -> list[NewPerson]:
    """Add everyone on a filled sheet, each with a one-time sign-in link, or no one: raises
    :class:`SheetErrors` listing every bad row, :class:`SpreadsheetError` for a file that is no sheet."""
    require(by, "people.manage")
    sheet = people_sheet_read(content=content)
    if sheet.errors:
        raise SheetErrors(sheet.errors)
    return people_add(rows=sheet.rows, by=by)
