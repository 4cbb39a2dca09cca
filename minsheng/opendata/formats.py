"""A dataset's rows as the bytes of a file, chunk by chunk: CSV (UTF-8 with a byte-order mark, so that Excel
and WPS read the Chinese right) and JSON Lines (one JSON object per line, UTF-8). Both are generators that
hold one chunk of rows at a time, so a file of any size streams at constant memory.

Values: decimals are written without trailing zeros (``9``, ``0.5``), dates as ``YYYY-MM-DD``, booleans as
``true``/``false``, missing values as an empty cell (CSV) or ``null`` (JSON Lines). In CSV a text that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``) is written with a leading
``'``; JSON Lines carries every text as it is.

The rows may hold the values as Django converts them (``Decimal``, ``date``, ``bool``) or as the database
driver returns them (``Dataset.read``: from SQLite a decimal is an int or a float, a boolean 0 or 1, a date
its ISO text; from PostgreSQL ``Decimal``, ``date`` and ``bool``): the bytes are the same. One exception, on
SQLite only: a decimal of more than 15 significant digits is written with all the digits SQLite keeps (a
float to four places, a whole number exactly), where Django's reading would round it to 15. A chunk is turned
into columns, each column normalized at once (a column with nothing to change, the usual case, is told so at
C speed and left alone), and the lines are formatted from a template per row: the bytes are those of
:mod:`csv` (``QUOTE_MINIMAL``, CRLF) and of :mod:`json` (``ensure_ascii=False``, compact separators), which
``minsheng/opendata/tests/test_formats.py`` checks against the library writers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from json.encoder import encode_basestring
from typing import Any

from minsheng.opendata.datasets import Dataset, Row, Type

BOM = "\ufeff"
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_AFTER_SEPARATOR = re.compile("\x00[=+\\-@\t\r]")  # a literal first: searched at C speed
_CSV_SPECIAL = (",", '"', "\r", "\n")  # what makes csv's QUOTE_MINIMAL quote a cell (delimiter, quote, CRLF)

Column = Sequence[Any]


def plain_decimal(value: Any) -> str | None:
    """A decimal as text without trailing zeros: 9.0000 -> "9", 0.5 -> "0.5". Takes a ``Decimal``, or the
    int or float that SQLite returns for one (a float written to four places, as the columns hold)."""
    if value is None:
        return None
    if isinstance(value, int):
        return str(value)
    text = format(value, ".4f") if isinstance(value, float) else str(value)
    if "." in text and "E" not in text:
        text = text.rstrip("0").rstrip(".")
    return text


def json_decimal(value: Any) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return int(value) if value == value.to_integral_value() else float(value)


_WHOLE = frozenset({int, type(None)})
_INT = frozenset({int})
_STR = frozenset({str})


def _csv_texts(column: Column) -> Column:
    """Texts that a spreadsheet would run as a formula get a leading '. The whole column is searched at once
    (the usual case: nothing to change), cell by cell only when one needs it."""
    try:
        joined = "\x00".join(column)
    except TypeError:  # a missing value among the texts
        joined = "\x00".join(value for value in column if value is not None)
    if not _FORMULA_AFTER_SEPARATOR.search("\x00" + joined):
        return column
    return [
        "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value
        for value in column
    ]


def _csv_decimals(column: Column) -> Column:
    # Whole numbers (what SQLite returns for most decimals) print as they are: a column of nothing else,
    # told at C speed by the set of its types, is left alone.
    if set(map(type, column)) <= _WHOLE:
        return column
    return list(map(plain_decimal, column))


def _csv_booleans(column: Column) -> Column:
    return ["" if value is None else ("true" if value else "false") for value in column]


def _json_decimals(column: Column) -> Column:
    if set(map(type, column)) <= _WHOLE:
        return column
    return list(map(json_decimal, column))


def _json_dates(column: Column) -> Column:
    return [None if value is None else str(value) for value in column]  # a date or its ISO text


def _json_booleans(column: Column) -> Column:
    return [None if value is None else bool(value) for value in column]


_CSV: dict[str, Callable[[Column], Column]] = {
    Type.DECIMAL: _csv_decimals,
    Type.TEXT: _csv_texts,
    Type.BOOLEAN: _csv_booleans,
}
_JSON: dict[str, Callable[[Column], Column]] = {
    Type.DECIMAL: _json_decimals,
    Type.DATE: _json_dates,
    Type.BOOLEAN: _json_booleans,
}


# --- a column's values as the text of the file -----------------------------------------------------------


def _csv_cell(value: Any) -> Any:
    """One value as csv.writer writes it: None empty, a text with a comma, quote or line end quoted."""
    if value is None:
        return ""
    if value.__class__ is int:
        return value
    text = value if isinstance(value, str) else str(value)  # csv.writer: str() (repr() for a float, the same)
    if any(special in text for special in _CSV_SPECIAL):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_cells(column: Column) -> Column:
    kinds = set(map(type, column))
    if kinds <= _INT:
        return column
    if kinds <= _STR:
        joined = "".join(column)
        if not any(special in joined for special in _CSV_SPECIAL):
            return column
    return list(map(_csv_cell, column))


_json_value = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_JSON_CONSTANTS = {None: "null", True: "true", False: "false"}
_BOOLEAN = frozenset({bool, type(None)})


def _json_values(column: Column) -> Column:
    kinds = set(map(type, column))
    if kinds <= _INT:
        return column  # an int prints as json prints it
    if kinds <= _STR:
        return list(map(encode_basestring, column))
    if kinds <= _BOOLEAN:
        return list(map(_JSON_CONSTANTS.__getitem__, column))
    if kinds <= _WHOLE:
        return ["null" if value is None else value for value in column]
    return list(map(_json_value, column))


def _lines(
    dataset: Dataset,
    table: dict[str, Callable[[Column], Column]],
    text: Callable[[Column], Column],
    template: str,
) -> Callable[[Sequence[Row]], str]:
    """A function that turns a chunk of rows into the text of its lines: column by column, then the lines
    from ``template`` (one ``%s`` per field)."""
    steps = [table.get(field.type) for field in dataset.fields]
    line = template.__mod__

    def lines(chunk: Sequence[Row]) -> str:
        if not chunk:
            return ""
        columns: list[Column] = list(zip(*chunk, strict=True))
        for index, step in enumerate(steps):
            column = columns[index] if step is None else step(columns[index])
            columns[index] = text(column)
        return "".join(map(line, zip(*columns, strict=True)))

    return lines


def csv_stream(
    dataset: Dataset, chunks: Iterable[Sequence[Row]], counted: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """The CSV file: a BOM and the header, then the rows a chunk at a time. ``counted`` hears each chunk's size."""
    # csv.writer writes a row of one empty cell as "" (the template would not): every dataset has more fields
    assert len(dataset.fields) > 1, dataset.name
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(dataset.names)
    yield (BOM + buffer.getvalue()).encode("utf-8")
    lines = _lines(dataset, _CSV, _csv_cells, ",".join(["%s"] * len(dataset.fields)) + "\r\n")
    for chunk in chunks:
        yield lines(chunk).encode("utf-8")
        if counted is not None:
            counted(len(chunk))


def jsonl_stream(
    dataset: Dataset, chunks: Iterable[Sequence[Row]], counted: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """The JSON Lines file: one object per row, keyed by the field names."""
    keys = [encode_basestring(name).replace("%", "%%") + ":%s" for name in dataset.names]
    lines = _lines(dataset, _JSON, _json_values, "{" + ",".join(keys) + "}\n")
    for chunk in chunks:
        yield lines(chunk).encode("utf-8")
        if counted is not None:
            counted(len(chunk))


def stream(
    dataset: Dataset, plan_id: int | None, fmt: str, counted: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """The file of ``dataset`` for one plan (or all, ``plan_id`` None) in ``fmt`` (one of :data:`FORMATS`)."""
    chunks = dataset.read(plan_id)
    if fmt == "csv":
        return csv_stream(dataset, chunks, counted)
    return jsonl_stream(dataset, chunks, counted)
