"""Fault tests: 200 report submissions at once lose and double nothing (PostgreSQL: threads with
connections of their own against the services); a kill -9 in the middle of an Excel load leaves no partial
figures (a child process on a SQLite file holding the demo, killed once it has recorded some rows inside its
transaction)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from openpyxl import load_workbook

from minsheng.accounts.models import AuditEvent
from minsheng.delivery import services
from minsheng.delivery.models import ProgressReport, ReportEvent, ReportStatus
from minsheng.delivery.services import ConflictError, DeliveryError
from minsheng.delivery.spreadsheets import COLUMN_INDEX
from minsheng.delivery.tests.conftest import AS_OF, build_world
from minsheng.plans.tests.factories import TargetFactory
from minsheng.testing import child_env, kill_midway, sqlite_counts

SUBMISSIONS = 200
THREADS = 16  # at once; PostgreSQL's default allows 100 connections


def _in_threads(calls: list) -> list[object]:
    """Run the calls THREADS at a time, each thread with its own connection; what each returned or raised."""
    from django.db import connection as thread_connection

    def run(call) -> object:
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            return exc
        finally:
            thread_connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(run, calls))


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_submissions_lose_and_double_nothing():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: run the suite with DATABASE_URL=postgres://…")
    world = build_world()
    targets = [
        TargetFactory(item=world.item, value=Decimal(100 + n), unit="名", op="=", source=f"{100 + n}名")
        for n in range(SUBMISSIONS)
    ]
    events_before, audit_before = ReportEvent.objects.count(), AuditEvent.objects.count()
    # 200 new reports written at once, one per target...
    created = _in_threads(
        [
            lambda target=target: services.report_save(
                target=target, by=world.reporter, period_end=AS_OF, actual=Decimal(10)
            )
            for target in targets
        ]
    )
    assert all(isinstance(report, ProgressReport) for report in created), [
        o for o in created if not isinstance(o, ProgressReport)
    ][:3]
    # ...then each submitted twice at once (a double click on a slow line): one of each pair counts.
    calls = []
    for report in created:
        assert isinstance(report, ProgressReport)
        for _twice in range(2):
            calls.append(
                lambda pk=report.pk, version=report.version: services.report_submit(
                    report=ProgressReport.objects.get(pk=pk), by=world.reporter, expected_version=version
                )
            )
    outcomes = _in_threads(calls)
    submitted = [o for o in outcomes if isinstance(o, ProgressReport)]
    refused = [o for o in outcomes if isinstance(o, ConflictError | DeliveryError)]
    assert len(submitted) == SUBMISSIONS and len(refused) == SUBMISSIONS, [
        o for o in outcomes if not isinstance(o, ProgressReport | ConflictError | DeliveryError)
    ][:3]
    assert sorted(r.pk for r in submitted) == sorted(r.pk for r in created if isinstance(r, ProgressReport))
    reports = ProgressReport.objects.filter(target__in=targets)
    assert reports.count() == SUBMISSIONS  # none lost, none doubled
    assert set(reports.values_list("status", "version")) == {(ReportStatus.SUBMITTED, 2)}
    events = Counter(ReportEvent.objects.filter(report__in=reports).values_list("action", flat=True))
    assert events == {"create": SUBMISSIONS, "submit": SUBMISSIONS}, events
    assert ReportEvent.objects.count() - events_before == 2 * SUBMISSIONS
    assert AuditEvent.objects.count() - audit_before == 2 * SUBMISSIONS


def _plan_year(database) -> tuple[int, int]:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT id, year FROM plans_plan ORDER BY id LIMIT 1").fetchone()


def test_a_kill_during_an_excel_load_leaves_no_partial_figures(demo_sqlite, tmp_path):
    database = tmp_path / "minsheng.sqlite3"
    shutil.copy(demo_sqlite, database)
    env = child_env(database, tmp_path)
    plan_id, year = _plan_year(database)
    sheet = tmp_path / "progress.xlsx"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "minsheng.cli",
            "progress",
            "template",
            "--plan",
            str(plan_id),
            "--out",
            str(sheet),
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    workbook = load_workbook(sheet)
    filled = 0
    for row in workbook["progress"].iter_rows(min_row=2):
        value = row[COLUMN_INDEX["value"]].value
        if isinstance(value, int | float):  # a quantity: reached its target
            row[COLUMN_INDEX["actual"]].value = value
            filled += 1
    workbook.save(sheet)
    assert filled > 20
    as_of = min(dt.date.today() - dt.timedelta(days=1), dt.date(year, 12, 31))
    before = sqlite_counts(database)
    held = kill_midway(
        ["progress", "load", str(sheet), "--by", "office", "--as-of", as_of.isoformat()],
        env=env,
        module="minsheng.delivery.spreadsheets",
        function="report_record_accepted",
        after=10,
        marker=tmp_path / "marker",
        count="delivery.ProgressReport",
    )
    assert held >= before["delivery_progressreport"] + 10  # ten figures recorded when it was killed
    assert sqlite_counts(database) == before
