"""A dataset's rows as the bytes of a file, chunk by chunk: CSV (UTF-8 with a byte-order mark, so that Excel
and WPS read the Chinese right) and JSON Lines (one JSON object per line, UTF-8). Both are generators that
hold one chunk of rows at a time, so a file of any size streams at constant memory.

Values: decimals are written without trailing zeros (``9``, ``0.5``), dates as ``YYYY-MM-DD``, booleans as
``true``/``false``, missing values as an empty cell (CSV) or ``null`` (JSON Lines). In CSV a text that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``) is written with a leading
``'``; JSON Lines carries every text as it is.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from minsheng.opendata.datasets import Dataset, Row, Type

BOM = "\ufeff"
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_ANYWHERE = re.compile(r"(?:^|\x00)[=+\-@\t\r]")

Column = Sequence[Any]


def plain_decimal(value: Any) -> str | None:
    """A decimal as text without trailing zeros: 9.0000 -> "9", 0.5 -> "0.5". Takes a ``Decimal``, or the
    int or float that SQLite returns for one (written to four places, as the columns hold)."""
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


def _csv_texts(column: Column) -> Column:
    """Texts that a spreadsheet would run as a formula get a leading '. The whole column is searched at once
    (the usual case: nothing to change), cell by cell only when one needs it."""
    if not _FORMULA_ANYWHERE.search("\x00".join(map(str, column))):
        return column
    return [
        "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value
        for value in column
    ]


_AS_THEY_ARE = frozenset({int, type(None)})


def _csv_decimals(column: Column) -> Column:
    # Whole numbers (what SQLite returns for most decimals) print as they are: a column of nothing else,
    # told at C speed by the set of its types, is left alone.
    if set(map(type, column)) <= _AS_THEY_ARE:
        return column
    return [value if value is None or value.__class__ is int else plain_decimal(value) for value in column]


def _csv_booleans(column: Column) -> Column:
    return ["" if value is None else ("true" if value else "false") for value in column]


def _json_decimals(column: Column) -> Column:
    if set(map(type, column)) <= _AS_THEY_ARE:
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


def _converter(
    dataset: Dataset, table: dict[str, Callable[[Column], Column]]
) -> Callable[[Sequence[Row]], Iterable[Row]]:
    """A function that turns a chunk of rows into the rows as written, column by column."""
    steps = [(index, table[field.type]) for index, field in enumerate(dataset.fields) if field.type in table]

    def convert(chunk: Sequence[Row]) -> Iterable[Row]:
        if not steps or not chunk:
            return chunk
        columns: list[Column] = list(zip(*chunk, strict=True))
        for index, step in steps:
            columns[index] = step(columns[index])
        return zip(*columns, strict=True)

    return convert


def csv_stream(
    dataset: Dataset, chunks: Iterable[Sequence[Row]], counted: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """The CSV file: a BOM and the header, then the rows a chunk at a time. ``counted`` hears each chunk's size."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(dataset.names)
    yield (BOM + buffer.getvalue()).encode("utf-8")
    convert = _converter(dataset, _CSV)
    for chunk in chunks:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(convert(chunk))
        yield buffer.getvalue().encode("utf-8")
        if counted is not None:
            counted(len(chunk))


def jsonl_stream(
    dataset: Dataset, chunks: Iterable[Sequence[Row]], counted: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """The JSON Lines file: one object per row, keyed by the field names."""
    names = dataset.names
    convert = _converter(dataset, _JSON)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for chunk in chunks:
        lines = [dumps(dict(zip(names, row, strict=True))) for row in convert(chunk)]
        lines.append("")
        yield "\n".join(lines).encode("utf-8")
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
