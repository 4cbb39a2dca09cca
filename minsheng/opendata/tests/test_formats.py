"""The fast path writes the same bytes as the plain one. The datasets read their rows straight from the cursor
(values as the driver returns them) and the writers format whole columns and lines from a template; here
every dataset's file is compared, byte for byte, with the file that the library writers (:mod:`csv`,
:mod:`json`) make, value by value, from the same rows read through Django's converters: on data with every
awkward value (missing, fractions such as 0.1 and 12.3456, negative, large, Chinese, formula-looking texts,
commas, quotes and line breaks, dates, booleans). Run with ``DATABASE_URL`` set to a PostgreSQL database for
that backend too (SQLite returns decimals as int or float, dates as text, booleans as 0/1; PostgreSQL
``Decimal``, ``date``, ``bool``). Large here means up to 15 significant digits: past that, on SQLite, the
file keeps every digit stored where Django's reading rounds to 15 (the files were so before; tested below)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.delivery.models import ReportStatus, Stage
from minsheng.delivery.tests.factories import ProgressReportFactory
from minsheng.opendata.datasets import DATASETS, Dataset, Field, Type
from minsheng.opendata.formats import BOM, csv_stream, jsonl_stream, stream
from minsheng.plans.models import Target
from minsheng.plans.tests.factories import DepartmentFactory, StandardFactory, TargetFactory
from minsheng.voting.models import Candidate

FORMULA = ("=", "+", "-", "@", "\t", "\r")


# --- the reference: the library writers, value by value ----------------------------------------------------


def _decimal_text(value: Any) -> str:
    text = str(value)
    if "." in text and "E" not in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _csv_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == Type.DECIMAL:
        return _decimal_text(value)
    if kind == Type.BOOLEAN:
        return "true" if value else "false"
    if kind == Type.TEXT and isinstance(value, str) and value.startswith(FORMULA):
        return "'" + value
    return value


def _json_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == Type.DECIMAL:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == Type.BOOLEAN:
        return bool(value)
    if kind == Type.DATE:
        return str(value)
    return value


def reference_csv(dataset: Dataset, rows: list[Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(dataset.names)
    for row in rows:
        writer.writerow(
            _csv_value(field.type, value) for field, value in zip(dataset.fields, row, strict=True)
        )
    return (BOM + buffer.getvalue()).encode("utf-8")


def reference_jsonl(dataset: Dataset, rows: list[Any]) -> bytes:
    lines = [
        json.dumps(
            {
                field.name: _json_value(field.type, value)
                for field, value in zip(dataset.fields, row, strict=True)
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        + "\n"
        for row in rows
    ]
    return "".join(lines).encode("utf-8")


# --- the writers alone, on any values ----------------------------------------------------------------------

KINDS = (Type.INTEGER, Type.DECIMAL, Type.TEXT, Type.DATE, Type.BOOLEAN, Type.CODE)
SAMPLE = Dataset(
    "sample",
    "sample",
    "sample",
    tuple(Field(f"f_{kind}", kind, kind) for kind in KINDS),  # type: ignore[arg-type]
    lambda plan_id: None,  # type: ignore[arg-type,return-value]
    lambda queryset: iter(()),
)
_texts = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from("ab 民生=+-@\t\r\n,\"'%\x00é"), max_size=8),
    st.sampled_from(["=SUM(A1)", "+86", "-5", "@x", "a,b", 'say "hi"', "两\r\n行", "%s", ""]),
)
_decimals = st.one_of(
    st.none(),
    st.decimals(min_value=-(10**11), max_value=10**11, places=4, allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**14), max_value=10**14),
)
_rows = st.tuples(
    st.one_of(st.none(), st.integers(min_value=-(10**12), max_value=10**12)),
    _decimals,
    _texts,
    st.one_of(st.none(), st.dates().map(str), st.dates()),
    st.one_of(st.none(), st.booleans(), st.sampled_from([0, 1])),
    _texts,
)


@settings(max_examples=300, deadline=None)
@given(chunks=st.lists(st.lists(_rows, max_size=6), max_size=3))
def test_the_writers_write_what_the_library_writers_write(chunks):
    rows = [row for chunk in chunks for row in chunk]
    assert b"".join(csv_stream(SAMPLE, chunks)) == reference_csv(SAMPLE, rows)
    assert b"".join(jsonl_stream(SAMPLE, chunks)) == reference_jsonl(SAMPLE, rows)


def test_decimals_as_sqlite_returns_them_to_four_places():
    """SQLite keeps a decimal that is not whole as a float: written to four places, as the column holds."""
    dataset = Dataset(
        "d",
        "d",
        "d",
        (Field("a", Type.DECIMAL, "a"), Field("b", Type.TEXT, "b")),
        SAMPLE.source,
        SAMPLE.chunks,
    )  # type: ignore[arg-type]
    raw = [
        [
            (0.1, "x"),
            (12.3456, "x"),
            (-5.5, "x"),
            (100.0, "x"),
            (123456789012.3456, "x"),
            (1234567890123456, "x"),
        ]
    ]
    assert b"".join(csv_stream(dataset, raw)).decode("utf-8").split("\r\n")[1:-1] == [
        "0.1,x",
        "12.3456,x",
        "-5.5,x",
        "100,x",
        "123456789012.3456,x",
        "1234567890123456,x",
    ]
    lines = b"".join(jsonl_stream(dataset, raw)).decode("utf-8").splitlines()
    assert [json.loads(line)["a"] for line in lines] == [
        0.1,
        12.3456,
        -5.5,
        100,
        123456789012.3456,
        1234567890123456,
    ]


@pytest.mark.django_db
def test_decimals_past_15_digits_keep_every_digit(world):
    """Where Django's SQLite reading would round to 15 significant digits, the file keeps what is stored (on
    PostgreSQL both are exact)."""
    item = world.items[0]
    for position, value in enumerate((Decimal("123456789012.3456"), Decimal("1234567890123456")), start=1):
        TargetFactory(item=item, position=position, value=value, subject="大数", source="大数")
    text = b"".join(stream(DATASETS["targets"], world.plan.pk, "csv")).decode("utf-8")
    assert ",123456789012.3456," in text and ",1234567890123456," in text


# --- every dataset, the fast read against Django's -----------------------------------------------------------


@pytest.fixture
def awkward(world):
    """Beside the world's plain data: fractions, negative and large numbers, missing values, texts a
    spreadsheet would run, commas, quotes and line breaks, Chinese throughout, milestones and a tie."""
    item, other = world.items[0], world.items[1]
    department = DepartmentFactory(region=world.plan.region, name='@卫健委, "市"')
    values = [
        (Decimal("0.1"), None, "=SUM(A1:A9)", "+86"),
        (Decimal("12.3456"), Decimal("99.9999"), "-5 户", "%"),
        (Decimal("-5.5"), None, "负数\n第二行", "千米"),
        (Decimal("12345678901.2345"), None, "大数, 含逗号", '"名"'),  # 15 digits: as far as Django's
        (Decimal("123456789012345"), None, "整数大数", "元"),  # reading on SQLite keeps them all
    ]
    for position, (value, value_max, subject, unit) in enumerate(values, start=1):
        target = TargetFactory(
            item=item,
            position=position,
            value=value,
            value_max=value_max,
            op="range" if value_max is not None else "=",
            subject=subject,
            unit=unit,
            weight=Decimal("0.3333"),
        )
        for month, actual in ((1, Decimal("0.1")), (2, Decimal("12.3456")), (3, Decimal(0)), (4, None)):
            ProgressReportFactory(
                target=target,
                department=department if month % 2 else None,
                period_end=dt.date(2025, month, 28),
                actual=actual,
                status=ReportStatus.ACCEPTED,
                published=True,
                narrative=["@所有人", '按计划推进，"已完成"', "=1+1", ""][month - 1],
            )
    milestone = TargetFactory(
        item=other, position=1, kind=Target.Kind.MILESTONE, value=None, subject="建成", unit="", source="建成"
    )
    ProgressReportFactory(
        target=milestone,
        period_end=dt.date(2025, 9, 30),
        actual=None,
        stage=Stage.values[-1],
        status=ReportStatus.ACCEPTED,
        published=True,
        narrative="",
    )
    StandardFactory(
        item=other, amount=Decimal("0.1"), amount_max=Decimal("12.3456"), op="range", previous=None
    )
    StandardFactory(item=other, position=2, amount=Decimal("12345678901.2345"), previous=Decimal("-0.5"))
    Candidate.objects.filter(item=world.items[2]).update(chosen=None, tied=True)
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(DATASETS))
def test_every_file_read_fast_is_the_file_read_through_django(awkward, name):
    dataset = DATASETS[name]
    for plan_id in (None, awkward.plan.pk):
        rows = [row for chunk in dataset.read_through_django(plan_id) for row in chunk]
        assert rows or name in {"notices", "responses", "consultation"} or plan_id is not None, name
        assert b"".join(stream(dataset, plan_id, "csv")) == reference_csv(dataset, rows), name
        assert b"".join(stream(dataset, plan_id, "jsonl")) == reference_jsonl(dataset, rows), name


@pytest.mark.django_db
def test_the_awkward_values_are_there(awkward):
    text = b"".join(stream(DATASETS["progress"], None, "csv")).decode("utf-8")
    for expected in (
        "'=SUM(A1:A9)",
        "'+86",
        "0.1",
        "12.3456",
        "-5.5",
        '"负数\n第二行"',
        '"\'@卫健委, ""市"""',
    ):
        assert expected in text, expected
    assert "'@所有人" in text and "'=1+1" in text
