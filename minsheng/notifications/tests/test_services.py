"""Notifying: in-app and by mail after the commit, in the site's language, once per dedupe key; the one rule
for where mail goes; marking read."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import translation

from minsheng.accounts.models import AuditEvent
from minsheng.common.pages import content_version_bump
from minsheng.notifications.models import Notification, NotificationKind
from minsheng.notifications.services import (
    address_check_add,
    mail_address,
    notifications_mark_read,
    notify,
    notify_now,
)

pytestmark = pytest.mark.django_db


# --- the address rule ------------------------------------------------------------------------------------


def test_an_active_users_address_is_mailed(people):
    assert mail_address(people.office) == "office@example.org"
    assert mail_address(people.reporter) == "reporter@example.org"


def test_no_address_or_an_inactive_user_is_not_mailed(people):
    people.reporter.email = ""
    assert mail_address(people.reporter) == ""
    people.office.is_active = False
    assert mail_address(people.office) == ""


def test_every_registered_check_must_allow_the_address(people, address_checks):
    address_check_add(lambda user: user.pk != people.public.pk)
    assert mail_address(people.public) == ""
    assert mail_address(people.other) == "other@example.org"


def test_a_check_is_registered_once(address_checks):
    def check(user):
        return True

    address_check_add(check)
    address_check_add(check)
    assert address_checks.count(check) == 1


# --- notify ----------------------------------------------------------------------------------------------


def test_notify_tells_in_app_and_by_mail_after_the_commit(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(
            lambda: [people.reporter, people.office, people.reporter],
            kind=NotificationKind.REPORT_SUBMITTED,
            message=lambda: "报告待审核",
            url="/delivery/reports/1/",
            item_id=people.item.pk,
        )
    assert not Notification.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    told = Notification.objects.order_by("user_id")
    assert [n.user for n in told] == sorted([people.reporter, people.office], key=lambda u: u.pk)  # once each
    assert {n.item_id for n in told} == {people.item.pk}
    assert sorted(m.to[0] for m in mail.outbox) == ["office@example.org", "reporter@example.org"]
    assert mail.outbox[0].body.startswith("报告待审核")
    assert "/delivery/reports/1/" in mail.outbox[0].body


def test_notify_writes_in_the_sites_language(people, django_capture_on_commit_callbacks, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notify(
            lambda: [people.office],
            kind=NotificationKind.REPORT_OVERDUE,
            message=lambda: translation.get_language(),
        )
    assert Notification.objects.get().message == "zh-hans"
    assert mail.outbox[0].subject == "【民生实事】进度报告已逾期"


def test_notify_mails_only_where_the_rule_allows(people, address_checks, django_capture_on_commit_callbacks):
    address_check_add(lambda user: user.pk != people.public.pk)  # as participation does for unconfirmed
    people.other.is_active = False
    people.other.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            lambda: [people.public, people.office, people.other],
            kind=NotificationKind.ITEM_CHANGED,
            message=lambda: "x",
        )
    assert Notification.objects.count() == 3  # in-app, always
    assert [m.to for m in mail.outbox] == [["office@example.org"]]


def test_a_mail_server_that_is_down_does_not_undo_the_notification(
    people, django_capture_on_commit_callbacks, monkeypatch
):
    def down(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", down)
    with django_capture_on_commit_callbacks(execute=True):
        notify(lambda: [people.office], kind=NotificationKind.NOTICE_ISSUED, message=lambda: "x")
    assert Notification.objects.filter(user=people.office).count() == 1


def test_an_unknown_kind_is_refused(people):
    with pytest.raises(Exception, match="kind"):
        notify_now([people.office], kind="no_such_kind", message="x")
    assert not Notification.objects.exists()


# --- notify_now and the dedupe key -----------------------------------------------------------------------


def test_notify_now_tells_once_per_dedupe_key(people, django_capture_on_commit_callbacks):
    key = f"report_due_soon:item{people.item.pk}:2025-03-31"
    with django_capture_on_commit_callbacks(execute=True):
        first = notify_now([people.reporter], kind="report_due_soon", message="快到期", dedupe_key=key)
        again = notify_now(
            [people.reporter, people.office], kind="report_due_soon", message="快到期", dedupe_key=key
        )
    assert [n.user for n in first] == [people.reporter]
    assert [n.user for n in again] == [people.office]
    assert Notification.objects.filter(dedupe_key=key).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["office@example.org", "reporter@example.org"]


def test_the_database_holds_the_dedupe_constraint(people):
    Notification.objects.create(user=people.office, kind="item_changed", message="x", dedupe_key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=people.office, kind="item_changed", message="y", dedupe_key="k")
    # another person, or no key at all, is not a repeat
    Notification.objects.create(user=people.reporter, kind="item_changed", message="x", dedupe_key="k")
    Notification.objects.create(user=people.office, kind="item_changed", message="x")
    Notification.objects.create(user=people.office, kind="item_changed", message="x")
    assert Notification.objects.count() == 4


def test_the_database_holds_the_kinds(people):
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=people.office, kind="no_such_kind", message="x")


def test_notify_now_mails_nothing_if_the_write_is_undone(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify_now([people.office], kind="report_overdue", message="x", dedupe_key="report_overdue:x")
    # the mail waits for the commit (beside it, the cached pages' version waits too)
    assert len([c for c in callbacks if c is not content_version_bump]) == 1
    assert not mail.outbox


# --- marking read ----------------------------------------------------------------------------------------


def test_marking_read_touches_only_ones_own(people):
    mine = [
        Notification.objects.create(user=people.public, kind="item_changed", message=str(i)) for i in range(3)
    ]
    theirs = Notification.objects.create(user=people.other, kind="item_changed", message="x")
    assert notifications_mark_read(user=people.public, ids=[mine[0].pk, theirs.pk]) == 1
    assert notifications_mark_read(user=people.public) == 2
    assert notifications_mark_read(user=people.public) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert AuditEvent.objects.filter(verb="notifications_mark_read", actor=people.public).count() == 2


@pytest.mark.parametrize("who", ["anonymous", "inactive"])
def test_marking_read_needs_an_active_signed_in_user(people, who):
    user = AnonymousUser() if who == "anonymous" else people.public
    people.public.is_active = False
    Notification.objects.create(user=people.public, kind="item_changed", message="x")
    with pytest.raises(PermissionDenied):
        notifications_mark_read(user=user)
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
