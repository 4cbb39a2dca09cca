"""Delivery writes: due-soon and overdue reminders, once each, and notifications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from minsheng.accounts.models import AuditEvent
from minsheng.accounts.tests.factories import DeptHeadFactory, ReporterFactory
from minsheng.delivery import services
from minsheng.delivery.models import (
    Assignment,
    ProgressReport,
    ReportStatus,
)
from minsheng.notifications.models import Notification
from minsheng.notifications.services import notifications_mark_read
from minsheng.plans.models import ItemDepartment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


# --- reminders -------------------------------------------------------------------------------------------


def test_due_soon_and_overdue_reminders_are_sent_once(world, mailoutbox, django_capture_on_commit_callbacks):
    # Reports for January..May are in (dated within each month) for both targets; June is due on 5 July.
    for month in range(1, 6):
        for target, figures in (
            (world.quantity, {"actual": month}),
            (world.milestone, {"stage": "approved"}),
        ):
            services.report_record_accepted(
                target=target, by=world.office, period_end=dt.date(2025, month, 20), **figures
            )
    assert services.reminders_send(today=dt.date(2025, 7, 1)) == {"report_due_soon": 0, "report_overdue": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(today=dt.date(2025, 7, 2)) == {
            "report_due_soon": 1,
            "report_overdue": 0,
        }
    [due] = Notification.objects.all()
    assert (due.user, due.kind, due.dedupe_key) == (
        world.reporter,
        "report_due_soon",
        f"report_due_soon:item{world.item.pk}:2025-06-30",
    )
    assert "2025-07-05" in due.message
    assert [m.to for m in mailoutbox] == [[world.reporter.email]]
    assert services.reminders_send(today=dt.date(2025, 7, 4)) == {"report_due_soon": 0, "report_overdue": 0}
    assert services.reminders_send(today=dt.date(2025, 7, 5)) == {"report_due_soon": 0, "report_overdue": 0}
    # Overdue from the 6th: the lead department's reporter and head, once.
    assert services.reminders_send(today=dt.date(2025, 7, 6)) == {"report_due_soon": 0, "report_overdue": 2}
    assert services.reminders_send(today=dt.date(2025, 7, 7)) == {"report_due_soon": 0, "report_overdue": 0}
    overdue = set(Notification.objects.filter(kind="report_overdue").values_list("user", flat=True))
    assert overdue == {world.reporter.pk, world.head.pk}
    assert AuditEvent.objects.filter(verb="reminder_send").count() == 3


def test_no_reminder_once_the_period_is_handed_in(world):
    for month in range(1, 7):
        for target, figures in (
            (world.quantity, {"actual": month}),
            (world.milestone, {"stage": "approved"}),
        ):
            services.report_record_accepted(
                target=target, by=world.office, period_end=dt.date(2025, month, 28), **figures
            )
    assert services.reminders_send(today=dt.date(2025, 7, 3)) == {"report_due_soon": 0, "report_overdue": 0}
    assert services.reminders_send(today=dt.date(2025, 7, 10)) == {"report_due_soon": 0, "report_overdue": 0}


def test_a_submitted_report_counts_as_handed_in_a_draft_does_not(world):
    for month in range(1, 6):
        for target, figures in (
            (world.quantity, {"actual": month}),
            (world.milestone, {"stage": "approved"}),
        ):
            services.report_record_accepted(
                target=target, by=world.office, period_end=dt.date(2025, month, 28), **figures
            )
    world.report(ReportStatus.SUBMITTED, period_end=dt.date(2025, 6, 30))
    world.report(ReportStatus.DRAFT, target=world.milestone, period_end=dt.date(2025, 6, 30))
    counts = services.reminders_send(today=dt.date(2025, 7, 10))
    assert counts == {
        "report_due_soon": 0,
        "report_overdue": 2,
    }  # the milestone's June figure is only a draft
    services.report_submit(
        report=ProgressReport.objects.get(target=world.milestone, period_end=dt.date(2025, 6, 30)),
        by=world.reporter,
        expected_version=1,
    )
    assert services.reminders_send(today=dt.date(2025, 8, 2))["report_due_soon"] == 1  # July's now


def test_unassigned_items_and_closed_plans_get_no_reminders(world):
    Assignment.objects.all().delete()
    assert services.reminders_send(today=dt.date(2025, 7, 10)) == {"report_due_soon": 0, "report_overdue": 0}
    services.assignment_set(item=world.item, by=world.office, lead=world.lead)
    world.plan.status = "closed"
    world.plan.save()
    assert services.reminders_send(today=dt.date(2025, 7, 10)) == {"report_due_soon": 0, "report_overdue": 0}
    assert not Notification.objects.exists()


def test_reminders_without_a_lead_go_to_every_department_of_the_item(world):
    ItemDepartment.objects.filter(item=world.item, role="lead").update(role="supporting")
    services.reminders_send(today=dt.date(2025, 7, 10))
    users = set(Notification.objects.filter(kind="report_overdue").values_list("user", flat=True))
    assert users == {world.reporter.pk, world.head.pk, world.support_reporter.pk, world.support_head.pk}


def test_quarterly_reports_are_due_after_each_quarter(world):
    services.assignment_set(
        item=world.item, by=world.office, lead=world.lead, cadence="quarterly", due_day=10
    )
    assert services.reminders_send(today=dt.date(2025, 4, 6)) == {"report_due_soon": 0, "report_overdue": 0}
    assert services.reminders_send(today=dt.date(2025, 4, 7)) == {"report_due_soon": 1, "report_overdue": 0}
    assert services.reminders_send(today=dt.date(2025, 4, 11)) == {"report_due_soon": 0, "report_overdue": 2}


def test_inactive_users_get_no_reminders(world):
    for user in (world.reporter, world.head):
        user.is_active = False
        user.save()
    DeptHeadFactory(department=world.lead, is_active=False)
    ReporterFactory(department=world.other)
    assert services.reminders_send(today=dt.date(2025, 7, 10)) == {"report_due_soon": 0, "report_overdue": 0}


# --- notifications ---------------------------------------------------------------------------------------


def test_notifications_mark_read_touches_only_one_s_own(world):
    mine = [
        Notification.objects.create(user=world.reporter, kind="report_due_soon", message=str(i))
        for i in range(3)
    ]
    theirs = Notification.objects.create(user=world.head, kind="report_due_soon", message="x")
    assert notifications_mark_read(user=world.reporter, ids=[mine[0].pk, theirs.pk]) == 1
    assert notifications_mark_read(user=world.reporter) == 2
    assert notifications_mark_read(user=world.reporter) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notifications_need_a_signed_in_user():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        notifications_mark_read(user=AnonymousUser())
