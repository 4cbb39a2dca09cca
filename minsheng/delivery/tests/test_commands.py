"""``minsheng status`` and ``minsheng remind``: output, bad arguments (one line, exit code 2), reminders
sent once, the django-q2 schedule installed once."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from minsheng.accounts.tests.factories import OfficeUserFactory
from minsheng.delivery import services
from minsheng.notifications.models import Notification
from minsheng.plans.services import plan_import

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


def _run(*args: str) -> str:
    out = StringIO()
    if args[0] == "remind":
        args = (*args, "--by", "clerk")
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def clerk(db):
    """The office user the writing commands run for (--by)."""
    return OfficeUserFactory(username="clerk")


@pytest.fixture
def seed_plan(seed_docx):
    plan = plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name).plan
    office = OfficeUserFactory()
    item = plan.items.get(no=1)
    first, second, _third = item.targets.order_by("position", "id")
    services.report_record_accepted(
        target=first, by=office, period_end=dt.date(2025, 6, 30), actual=Decimal("4.5")
    )
    services.report_record_accepted(target=second, by=office, period_end=dt.date(2025, 6, 30), actual=10)
    milestone = plan.items.get(no=4).targets.get()
    services.report_record_accepted(
        target=milestone, by=office, period_end=dt.date(2025, 6, 30), stage="started"
    )
    return plan


def test_status_json_shape(seed_plan):
    data = json.loads(
        _run("status", "--plan", str(seed_plan.pk), "--as-of", "2025-06-30", "--format", "json")
    )
    assert set(data) >= {"plan", "as_of", "completion", "expected", "light", "items"}
    assert data["plan"]["id"] == seed_plan.pk and data["as_of"] == "2025-06-30"
    assert 0 < data["completion"] < 1 and data["light"] in {"green", "yellow", "red", "done", "not_started"}
    assert len(data["items"]) == 40
    one = data["items"][0]
    assert set(one) >= {"no", "title", "completion", "expected", "light", "has_quantities", "targets"}
    assert (one["no"], one["completion"], one["light"], one["has_quantities"]) == (1, 0.5, "green", True)
    assert one["expected"] == pytest.approx(180 / 364, abs=1e-4)
    assert [t["value"] for t in one["targets"]] == [9.0, 10.0, 2.47]
    assert [t["actual"] for t in one["targets"]] == [4.5, 10.0, None]
    assert [t["completion"] for t in one["targets"]] == [0.5, 1.0, None]
    four = data["items"][3]
    assert (four["completion"], four["has_quantities"], four["targets"][0]["stage"]) == (
        0.4,
        False,
        "started",
    )
    nothing = data["items"][39]
    assert (nothing["completion"], nothing["light"]) == (None, "red")


def test_status_public_leaves_out_unpublished_figures(seed_plan):
    target = seed_plan.items.get(no=2).targets.order_by("position").first()
    services.report_record_accepted(
        target=target, by=OfficeUserFactory(), period_end=dt.date(2025, 6, 30), actual=250, publish=False
    )
    args = ("status", "--plan", str(seed_plan.pk), "--as-of", "2025-06-30", "--format", "json")
    # half of its first target; its second has no figure and counts as 0
    assert json.loads(_run(*args))["items"][1]["completion"] == 0.25
    assert json.loads(_run(*args, "--public"))["items"][1]["completion"] is None


def test_status_text_is_a_table(seed_plan):
    lines = _run("status", "--plan", str(seed_plan.pk), "--as-of", "2025-06-30").splitlines()
    assert lines[0] == seed_plan.title
    assert lines[1].startswith("As of 2025-06-30: completion ")
    header = next(line for line in lines if "Lead department" in line)
    assert "Light" in header and "Expected" in header
    row = next(line for line in lines if line.lstrip().startswith("1 "))
    assert "50.0%" in row and "49.5%" in row and "on schedule" in row
    assert any("= 9千米" in line and "4.50, 50.0% done" in line for line in lines)
    assert any(
        "milestone" in line and "Construction started" in line and "40.0% done" in line for line in lines
    )
    assert any("= 2.47千米" in line and "no accepted figure" in line for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--plan", "1", "--format", "xml"], "Unknown format"),
        ([], "Give the plan"),
        (["--plan", "one"], "not a plan id"),
        (["--plan", "99999"], "There is no plan 99999"),
        (["--plan", "1", "--as-of", "30/06/2025"], "not a date"),
    ],
)
def test_status_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message) as error:
        _run("status", *args)
    assert error.value.returncode == 2


def test_status_bad_argument_from_the_shell_is_one_line_and_exit_code_2(tmp_path):
    env = {**os.environ, "MINSHENG_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "minsheng.cli", "status", "--plan", "1", "--as-of", "yesterday"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "yesterday" in done.stderr


def test_remind_sends_once(world):
    first = _run("remind", "--date", "2025-07-10")
    assert "2025-07-10" in first and "2 overdue" in first
    assert Notification.objects.count() == 2
    assert "0 due soon, 0 overdue" in _run("remind", "--date", "2025-07-10")
    assert Notification.objects.count() == 2


def test_remind_bad_date():
    with pytest.raises(CommandError, match="not a date") as error:
        _run("remind", "--date", "2025-02-30")
    assert error.value.returncode == 2


def test_remind_installs_the_schedule_once():
    from django_q.models import Schedule

    assert "Created the daily reminder schedule" in _run("remind", "--install-schedule")
    assert "Updated the daily reminder schedule" in _run("remind", "--install-schedule")
    schedule = Schedule.objects.get()
    assert (schedule.func, schedule.schedule_type, schedule.repeats) == (
        "minsheng.delivery.tasks.send_reminders",
        Schedule.DAILY,
        -1,
    )
    from django.utils import timezone

    local = timezone.localtime(schedule.next_run)
    assert (local.hour, local.minute) == (7, 0) and schedule.next_run > timezone.now()


def test_the_scheduled_task_sends_today_s_reminders(world, monkeypatch):
    from django.utils import timezone

    from minsheng.delivery.tasks import send_reminders

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2025, 7, 10))
    assert send_reminders() == {"report_due_soon": 0, "report_overdue": 2}


def test_remind_date_and_install_do_not_mix():
    with pytest.raises(CommandError) as error:
        _run("remind", "--install-schedule", "--date", "2025-07-01")
    assert error.value.returncode == 2
