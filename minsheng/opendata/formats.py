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
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import islice
from typing import Any

from minsheng.opendata.datasets import CHUNK, Dataset, Row, Type

BOM = "\ufeff"
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain_decimal(value: Decimal | None) -> str | None:
    """9.0000 -> "9", 0.5000 -> "0.5" (a value from the database never has an exponent)."""
    if value is None:
        return None
    text = str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _csv_text(value: str | None) -> str | None:
    if value and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_boolean(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def _json_decimal(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _json_date(value: Any) -> str | None:
    return None if value is None else value.isoformat()


_CSV: dict[str, Callable[[Any], Any]] = {
    Type.DECIMAL: plain_decimal,
    Type.TEXT: _csv_text,
    Type.BOOLEAN: _csv_boolean,
}
_JSON: dict[str, Callable[[Any], Any]] = {Type.DECIMAL: _json_decimal, Type.DATE: _json_date}


def _converter(dataset: Dataset, table: dict[str, Callable[[Any], Any]]) -> Callable[[Row], list[Any]]:
    """A function that turns a row into the list of its written values (only the columns that need it)."""
    steps = [(index, table[field.type]) for index, field in enumerate(dataset.fields) if field.type in table]

    def convert(row: Row) -> list[Any]:
        values = list(row)
        for index, step in steps:
            values[index] = step(values[index])
        return values

    return convert


def _chunks(rows: Iterable[Row], size: int = CHUNK) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def csv_stream(
    dataset: Dataset, rows: Iterable[Row], counted: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """The CSV file: a BOM and the header, then the rows a chunk at a time. ``counted`` hears each chunk's size."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(dataset.names)
    yield (BOM + buffer.getvalue()).encode("utf-8")
    convert = _converter(dataset, _CSV)
    for chunk in _chunks(rows):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(map(convert, chunk))
        yield buffer.getvalue().encode("utf-8")
        if counted is not None:
            counted(len(chunk))


def jsonl_stream(
    dataset: Dataset, rows: Iterable[Row], counted: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """The JSON Lines file: one object per row, keyed by the field names."""
    names = dataset.names
    convert = _converter(dataset, _JSON)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for chunk in _chunks(rows):
        lines = [dumps(dict(zip(names, convert(row), strict=True))) for row in chunk]
        lines.append("")
        yield "\n".join(lines).encode("utf-8")
        if counted is not None:
            counted(len(chunk))


def stream(
    dataset: Dataset, plan_id: int | None, fmt: str, counted: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """The file of ``dataset`` for one plan (or all, ``plan_id`` None) in ``fmt`` (one of :data:`FORMATS`)."""
    rows = dataset.iterate(plan_id)
    if fmt == "csv":
        return csv_stream(dataset, rows, counted)
    return jsonl_stream(dataset, rows, counted)
