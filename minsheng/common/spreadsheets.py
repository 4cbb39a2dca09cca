"""What every Excel upload shares, once: the check that a file is an .xlsx of a reasonable size, a cell's
text, and the all-or-nothing report of bad rows (row, column, why) that delivery's progress sheet and the
people sheet both give."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A filled sheet is a few hundred kilobytes; refuse anything much larger.
MAX_SHEET_BYTES = 5 * 1024 * 1024
# ... and anything that unpacks to much more (a zip bomb).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


class SpreadsheetError(Exception):
    """The file is not the expected sheet at all (not an .xlsx, no data sheet, another format)."""


@dataclass(frozen=True)
class RowError:
    """One bad cell or row: the sheet's row number, the column's letter and name (blank for the whole row)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Row %(row)d, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


class SheetErrors(Exception):
    """The sheet has bad rows; nothing was changed. ``errors`` lists every one of them."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = list(errors)


def check_xlsx(content: bytes) -> None:
    """Raise :class:`SpreadsheetError` unless ``content`` is an .xlsx package of a reasonable size."""
    if len(content) > MAX_SHEET_BYTES:
        raise SpreadsheetError(
            _("The file is too large (%(size)d bytes; at most %(limit)d).")
            % {"size": len(content), "limit": MAX_SHEET_BYTES}
        )
    not_xlsx = _("This is not an Excel workbook (.xlsx). Download the template, fill it in and upload it.")
    if not content.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = package.namelist()
            unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise SpreadsheetError(not_xlsx) from exc
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise SpreadsheetError(not_xlsx)
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(_("The workbook unpacks to too much data to be a sheet to load."))


def workbook_open(content: bytes) -> Any:
    """The workbook (read only, values not formulas) of a checked .xlsx; :class:`SpreadsheetError` when
    openpyxl cannot read it. Close it when done."""
    from openpyxl import load_workbook

    check_xlsx(content)
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise SpreadsheetError(
            _("The workbook cannot be read (%(error)s).") % {"error": exc.__class__.__name__}
        ) from exc


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without ".0", full-width characters folded (NFKC), trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()
