"""Database upkeep (minsheng.common.database, minsheng upkeep): the planner's statistics refreshed on demand, after an
import, and nightly. (Here rather than in common: it needs plans to fill the tables.)"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from minsheng.accounts.models import AuditEvent
from minsheng.accounts.tests.factories import OfficeUserFactory
from minsheng.common.database import UPKEEP_SCHEDULE_NAME, UPKEEP_TASK, statistics_refresh
from minsheng.plans.services import plan_import

pytestmark = pytest.mark.django_db


def _item_statistics() -> int:
    """How many rows the planner believes plans_item holds (0: it has no statistics)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is None:
                return 0
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'plans_item' AND idx IS NOT NULL")
            row = cursor.fetchone()
            return int(row[0].split()[0]) if row else 0
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'plans_item'")
        return max(int(cursor.fetchone()[0]), 0)


def _forget_statistics() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute("DELETE FROM sqlite_stat1")


def test_statistics_refresh_tells_the_planner_the_tables_sizes(seed_docx):
    plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name)
    _forget_statistics()
    if connection.vendor == "sqlite":
        assert _item_statistics() == 0
    analysed = statistics_refresh()
    assert "plans_item" in analysed and "delivery_progressreport" in analysed
    assert _item_statistics() == 40


def test_statistics_of_some_tables_only(seed_docx):
    plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name)
    _forget_statistics()
    assert statistics_refresh(["plans_item", "no_such_table"]) == ["plans_item"]
    assert _item_statistics() == 40


def test_an_import_refreshes_the_statistics_once_it_commits(seed_docx, django_capture_on_commit_callbacks):
    _forget_statistics()
    with django_capture_on_commit_callbacks(execute=True):
        plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name)
    assert _item_statistics() == 40


def test_the_upkeep_command_refreshes_and_says_so(seed_docx, capsys, en):
    plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name)
    _forget_statistics()
    call_command("upkeep")
    assert _item_statistics() == 40
    assert capsys.readouterr().out.startswith("Statistics refreshed for ")


def test_the_nightly_schedule_is_installed_once_and_audited():
    from django_q.models import Schedule

    clerk = OfficeUserFactory()
    with pytest.raises(CommandError):
        call_command("upkeep", "--install-schedule")  # for whom? --by is required for a write
    call_command("upkeep", "--install-schedule", "--by", clerk.username)
    call_command("upkeep", "--install-schedule", "--by", clerk.username)
    schedules = Schedule.objects.filter(name=UPKEEP_SCHEDULE_NAME)
    assert schedules.count() == 1
    assert schedules.get().func == UPKEEP_TASK
    events = AuditEvent.objects.filter(verb="upkeep_schedule_install")
    assert events.count() == 2 and {event.actor for event in events} == {clerk}
