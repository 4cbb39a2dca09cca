"""Benchmark (``make bench``): streaming the largest open-data file, the published progress figures of every
plan, from a large synthetic plan set built with ``bulk_create`` (plans × 40 items × 2 targets × 12 monthly
figures), at two sizes. Prints rows per second and the peak memory of the stream; the goal is at least
200,000 rows/s and a peak under 150 MB that does not grow with the data."""

from __future__ import annotations

import ctypes
import datetime as dt
import gc
import hashlib
import resource
import sqlite3
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection

from minsheng.delivery.models import ProgressReport, ReportStatus
from minsheng.opendata.datasets import PROGRESS
from minsheng.opendata.formats import stream
from minsheng.plans.models import Action, Department, Item, Plan, PlanVersion, Region, Target

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

ITEMS, TARGETS, MONTHS = 40, 2, 12
MONTH_ENDS = [dt.date(2030, month, 28) for month in range(1, 13)]


def build(plans: int) -> int:
    """``plans`` plans of 40 items, 2 targets each, 12 accepted and published figures per target."""
    region = Region.objects.create(name="基准市")
    department = Department.objects.create(region=region, name="基准局")
    plan_rows = Plan.objects.bulk_create(
        Plan(region=region, year=1990 + n, title=f"基准市{1990 + n}年民生实事", status="adopted")
        for n in range(plans)
    )
    versions = PlanVersion.objects.bulk_create(
        PlanVersion(plan=plan, number=1, sha256=hashlib.sha256(b"%d" % plan.pk).hexdigest(), parsed={})
        for plan in plan_rows
    )
    actions = Action.objects.bulk_create(
        Action(plan=plan, no=1, title="基准行动", added_in=version)
        for plan, version in zip(plan_rows, versions, strict=True)
    )
    items = Item.objects.bulk_create(
        (
            Item(
                plan=action.plan,
                action=action,
                no=no,
                text=f"为{no * 100}名群众提供服务。",
                added_in=action.added_in,
            )
            for action in actions
            for no in range(1, ITEMS + 1)
        ),
        batch_size=2000,
    )
    targets = Target.objects.bulk_create(
        (
            Target(
                item=item,
                position=position,
                subject=f"服务对象{position}",
                value=Decimal(1200),
                unit="名",
                source="1200名",
                added_in=item.added_in,
            )
            for item in items
            for position in range(TARGETS)
        ),
        batch_size=2000,
    )
    ProgressReport.objects.bulk_create(
        (
            ProgressReport(
                target=target,
                department=department,
                period_end=month_end,
                actual=Decimal(100 * (month + 1)),
                narrative="按计划推进。",
                status=ReportStatus.ACCEPTED,
                published=True,
            )
            for target in targets
            for month, month_end in enumerate(MONTH_ENDS)
        ),
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a load: the planner sees the real sizes
    return plans * ITEMS * TARGETS * MONTHS


def maxrss() -> int:
    """The process's peak resident memory in bytes (the whole test process: the fixture's data included)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def sqlite_memory() -> Callable[[], int] | None:
    """On SQLite, a function that gives the database library's own peak memory since the last call (the rows
    it sorts or buffers are not Python objects: tracemalloc does not see them); None elsewhere."""
    if connection.vendor != "sqlite":
        return None
    try:
        library = ctypes.CDLL("libsqlite3.so.0")  # the library the sqlite3 module is linked with, if shared
    except OSError:
        return None
    library.sqlite3_libversion.restype = ctypes.c_char_p
    if library.sqlite3_libversion().decode() != sqlite3.sqlite_version:
        return None
    library.sqlite3_memory_highwater.restype = library.sqlite3_memory_used.restype = ctypes.c_int64

    def peak() -> int:
        return int(library.sqlite3_memory_highwater(1) - library.sqlite3_memory_used())

    return peak


def stream_progress() -> tuple[int, int]:
    rows = 0

    def counted(n: int) -> None:
        nonlocal rows
        rows += n

    size = sum(len(chunk) for chunk in stream(PROGRESS, None, "csv", counted))
    return rows, size


@pytest.mark.parametrize("plans", [50, 200])
def test_bench_streaming_the_progress_figures_of_every_plan(plans, capsys):
    expected = build(plans)
    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    rows, size = stream_progress()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert rows == expected
    database = sqlite_memory()
    if database is not None:
        database()  # from here
    tracemalloc.start()
    stream_progress()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    extra = f", SQLite's own peak above its data {database() / 1e6:.1f} MB" if database is not None else ""
    with capsys.disabled():
        print(
            f"\nopen data, progress.csv of {plans} plans: {rows:,} rows, {size / 1e6:.1f} MB in {seconds:.2f} s "
            f"= {rows / seconds:,.0f} rows/s ({rows / cpu:,.0f} rows per CPU second); "
            f"peak Python memory while streaming {peak / 1e6:.1f} MB, process peak {maxrss() / 1e6:.0f} MB{extra}"
        )
    assert peak < 150e6
