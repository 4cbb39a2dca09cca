"""Audit records cannot be added, changed or deleted from the product (the admin reads them only; the
library's flush command refuses); the retention purge (``minsheng audit-purge --by``) deletes only what is
past the retention period and is itself recorded; every writing command needs a named active user."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import AuditEvent, User
from minsheng.accounts.tests.factories import OfficeUserFactory, ReporterFactory
from minsheng.delivery.models import ReportStatus
from minsheng.testing import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


@pytest.fixture
def office(client, world):
    sign_in(client, world.office)
    return client


# --- the admin reads, nothing more -----------------------------------------------------------------------


@pytest.mark.parametrize("model", ["accounts_auditevent", "auditlog_logentry"])
def test_the_admin_lists_and_shows_records_but_offers_no_change(office, world, model):
    world.report(ReportStatus.DRAFT)
    record = (AuditEvent if model == "accounts_auditevent" else LogEntry).objects.first()
    listing = office.get(reverse(f"admin:{model}_changelist"))
    assert listing.status_code == 200
    assert 'name="action"' not in listing.content.decode()  # no bulk delete
    page = office.get(reverse(f"admin:{model}_change", args=[record.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html and 'class="deletelink"' not in html


@pytest.mark.parametrize("model", ["accounts_auditevent", "auditlog_logentry"])
def test_records_cannot_be_added_changed_or_deleted_in_the_admin(office, world, model):
    world.report(ReportStatus.DRAFT)
    manager = (AuditEvent if model == "accounts_auditevent" else LogEntry).objects
    record = manager.first()
    before = manager.count()
    assert office.get(reverse(f"admin:{model}_add")).status_code == 403
    assert office.post(reverse(f"admin:{model}_delete", args=[record.pk]), {"post": "yes"}).status_code == 403
    assert office.post(reverse(f"admin:{model}_change", args=[record.pk]), {"verb": "x"}).status_code == 403
    listing = reverse(f"admin:{model}_changelist")
    office.post(listing, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"})
    assert manager.count() >= before
    assert manager.filter(pk=record.pk).exists()


def test_a_superuser_cannot_delete_records_either(client, world):
    world.report(ReportStatus.DRAFT)
    root = User.objects.create_superuser(username="root", password="root-password-1")
    sign_in(client, root)
    event = AuditEvent.objects.first()
    change = LogEntry.objects.first()
    assert (
        client.post(reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert (
        client.post(reverse("admin:auditlog_logentry_delete", args=[change.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists() and LogEntry.objects.filter(pk=change.pk).exists()


def test_the_library_s_flush_command_refuses(world):
    world.report(ReportStatus.DRAFT)
    count = LogEntry.objects.count()
    with pytest.raises(CommandError, match="cannot be flushed") as error:
        call_command("auditlogflush", "-y")
    assert error.value.returncode == 2
    assert LogEntry.objects.count() == count > 0


# --- retention -------------------------------------------------------------------------------------------


def _age(days: int) -> None:
    """Make every record so far ``days`` old."""
    then = timezone.now() - dt.timedelta(days=days)
    AuditEvent.objects.update(created_at=then)
    LogEntry.objects.update(timestamp=then)


@override_settings(MINSHENG_AUDIT_RETENTION_DAYS=30)
def test_the_purge_deletes_only_records_past_retention_and_is_recorded(world):
    clerk = OfficeUserFactory(username="clerk")
    world.report(ReportStatus.DRAFT)
    old_events, old_changes = AuditEvent.objects.count(), LogEntry.objects.count()
    _age(31)
    world.report(ReportStatus.DRAFT, target=world.milestone)
    recent_events, recent_changes = (
        AuditEvent.objects.count() - old_events,
        LogEntry.objects.count() - old_changes,
    )
    out = StringIO()
    call_command("audit-purge", "--by", "clerk", "--dry-run", stdout=out)
    assert f"Would delete {old_events} events and {old_changes} field changes" in out.getvalue()
    assert AuditEvent.objects.count() == old_events + recent_events  # a dry run deletes nothing
    call_command("audit-purge", "--by", "clerk", stdout=out)
    assert f"Deleted {old_events} events and {old_changes} field changes" in out.getvalue()
    assert LogEntry.objects.count() == recent_changes
    purge = AuditEvent.objects.get(verb="audit_purge")
    assert purge.actor == clerk and purge.cid.startswith("command:")
    assert (purge.details["events"], purge.details["changes"]) == (old_events, old_changes)
    assert AuditEvent.objects.count() == recent_events + 1


def test_the_default_retention_is_several_years():
    from django.conf import settings

    assert settings.MINSHENG_AUDIT_RETENTION_DAYS >= 5 * 365


def test_only_the_office_may_purge(world):
    ReporterFactory(username="rep")
    with pytest.raises(CommandError, match="may not purge") as error:
        call_command("audit-purge", "--by", "rep", stdout=StringIO())
    assert error.value.returncode == 2


# --- every writing command names its person --------------------------------------------------------------

WRITING_COMMANDS = [
    ("import", ["plan.txt"]),
    ("remind", ["--date", "2025-07-01"]),
    ("progress", ["load", "sheet.xlsx"]),
    ("audit-purge", []),
]


@pytest.mark.parametrize(("command", "args"), WRITING_COMMANDS)
@pytest.mark.parametrize(
    ("by", "message"),
    [
        (None, "--by USERNAME"),
        ("nobody", "no active user nobody"),
        ("gone", "no active user gone"),
    ],
)
def test_a_writing_command_needs_a_named_active_user(command, args, by, message):
    OfficeUserFactory(username="gone", is_active=False)
    before = AuditEvent.objects.count(), LogEntry.objects.count()
    extra = [] if by is None else ["--by", by]
    with pytest.raises(CommandError, match=message) as error:
        call_command(command, *args, *extra, stdout=StringIO(), stderr=StringIO())
    assert error.value.returncode == 2
    assert (AuditEvent.objects.count(), LogEntry.objects.count()) == before


def test_an_import_needs_an_office_user(seed_docx):
    ReporterFactory(username="rep")
    with pytest.raises(CommandError, match="may not import") as error:
        call_command("import", str(seed_docx), "--by", "rep", stdout=StringIO())
    assert error.value.returncode == 2


def test_reminders_sent_by_command_are_recorded_for_the_named_user(world):
    clerk = OfficeUserFactory(username="clerk")
    call_command("remind", "--install-schedule", "--by", "clerk", stdout=StringIO())
    event = AuditEvent.objects.get(verb="reminder_schedule_install")
    assert event.actor == clerk and event.cid.startswith("command:")
