"""Public accounts: registration, email confirmation, and mail only to confirmed addresses."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from minsheng.accounts.models import AuditEvent, User
from minsheng.accounts.tests.factories import PublicUserFactory
from minsheng.notifications import selectors as notification_selectors
from minsheng.notifications.models import Notification
from minsheng.notifications.services import mail_address, notifications_mark_read
from minsheng.participation import services
from minsheng.participation.models import EmailConfirmation, Participant
from minsheng.participation.services import ParticipationError
from minsheng.participation.tests.conftest import IP
from minsheng.participation.tests.test_comments import refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]

PASSWORD = "Gas-mains-12km!"


def register(**values):
    fields = {
        "username": "张三",
        "password": PASSWORD,
        "ip": IP,
        "phone": "13800001111",
        "email": "zs@example.org",
    }
    fields.update(values)
    return services.account_register(**fields)


def _token(mail) -> str:
    """The token the mail carries (a link when the route exists, the bare code otherwise)."""
    for line in mail.body.splitlines():
        line = line.strip()
        if re.fullmatch(r"[A-Za-z0-9_-]{40,}", line):
            return line
        if "confirmation code:" in line:
            return line.rsplit(" ", 1)[-1]
        match = re.search(r"/([A-Za-z0-9_-]{40,})/?$", line)
        if match:
            return match.group(1)
    raise AssertionError(mail.body)


def test_registration_makes_an_active_public_account_and_mails_a_confirmation(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        user = register()
    assert (user.role, user.is_active, user.email) == (User.Role.PUBLIC, True, "zs@example.org")
    assert user.check_password(PASSWORD)
    participant = Participant.objects.get(user=user)
    assert (participant.phone, participant.registered_ip, participant.email_confirmed) == (
        "13800001111",
        IP,
        "",
    )
    assert AuditEvent.objects.filter(verb="account_register", actor=user).exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["zs@example.org"]
    confirmation = EmailConfirmation.objects.get(user=user)
    token = _token(mailoutbox[0])
    assert token not in confirmation.token_hash  # only the hash is stored

    confirmed = services.email_confirm(token=token)
    assert confirmed == user
    participant.refresh_from_db()
    assert participant.email_confirmed == "zs@example.org"
    assert participant.email_confirmed_at is not None
    assert AuditEvent.objects.filter(verb="email_confirm").exists()


def test_phone_and_email_are_optional(mailoutbox):
    user = register(phone="", email="")
    assert user.email == ""
    assert not EmailConfirmation.objects.exists()
    assert not mailoutbox


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"username": " "}, "username", "Choose a user name."),
        ({"username": "bad name!"}, "username", "Enter a valid username."),
        ({"password": "123"}, "password", "This password is too short."),
        ({"password": "password123"}, "password", "This password is too common."),
        ({"username": "zhangsan", "password": "zhangsan1"}, "password", "too similar to the username"),
        ({"phone": "call me"}, "phone", "Enter a phone number"),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
    ],
)
def test_bad_registrations_are_refused(nothing_stored, mailoutbox, values, field, message):
    nothing_stored.mark()
    with pytest.raises(ParticipationError) as info:
        register(**values)
    assert message in " ".join(info.value.message_dict[field])
    nothing_stored.check()
    assert not mailoutbox


def test_a_taken_user_name_is_refused_in_any_letter_case(nothing_stored):
    register(username="Zhang")
    nothing_stored.mark()
    with pytest.raises(ParticipationError) as info:
        register(username="zhang", email="")
    assert info.value.message_dict["username"] == ["This user name is taken; choose another."]
    nothing_stored.check()


def test_a_signed_in_user_cannot_register(nothing_stored):
    user = PublicUserFactory()
    refused(nothing_stored, lambda: register(by=user), "You are already signed in.", error=PermissionDenied)


def test_registrations_from_one_address_are_limited(nothing_stored, settings):
    settings.MINSHENG_REGISTRATIONS_PER_IP_PER_HOUR = 2
    register(username="a1", email="")
    register(username="a2", email="")
    refused(nothing_stored, lambda: register(username="a3", email=""), "Too many accounts were registered")
    assert register(username="a3", email="", ip="198.51.100.9")
    Participant.objects.update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert register(username="a4", email="")


def test_bad_tokens_are_refused(django_capture_on_commit_callbacks, mailoutbox, nothing_stored):
    with django_capture_on_commit_callbacks(execute=True):
        user = register()
    token = _token(mailoutbox[0])
    refused(
        nothing_stored,
        lambda: services.email_confirm(token="nonsense"),
        "This confirmation link is not valid.",
    )
    refused(nothing_stored, lambda: services.email_confirm(token=""), "This confirmation link is not valid.")
    EmailConfirmation.objects.update(created_at=timezone.now() - dt.timedelta(hours=73))
    refused(nothing_stored, lambda: services.email_confirm(token=token), "This confirmation link has expired")
    EmailConfirmation.objects.update(created_at=timezone.now())
    User.objects.filter(pk=user.pk).update(email="new@example.org")
    refused(
        nothing_stored, lambda: services.email_confirm(token=token), "an address your account no longer uses"
    )
    User.objects.filter(pk=user.pk).update(email="zs@example.org")
    services.email_confirm(token=token)
    refused(
        nothing_stored,
        lambda: services.email_confirm(token=token),
        "This confirmation link was already used.",
    )


def test_a_confirmation_is_sent_again_at_most_three_times_an_hour(
    django_capture_on_commit_callbacks, mailoutbox, nothing_stored
):
    with django_capture_on_commit_callbacks(execute=True):
        user = register()
        services.email_confirmation_send(user=user)
        services.email_confirmation_send(user=user)
    assert len(mailoutbox) == 3
    refused(nothing_stored, lambda: services.email_confirmation_send(user=user), "sent recently")
    services.email_confirm(token=_token(mailoutbox[-1]))
    refused(nothing_stored, lambda: services.email_confirmation_send(user=user), "already confirmed")


def test_mail_goes_only_to_a_confirmed_address(world, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        user = register()
    mailoutbox.clear()
    comment = services.comment_submit(item=world.item, by=user, text="先把主管道修好。", ip=IP)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_respond(comment=comment, by=world.office, kind="answered", text="已安排。")
    assert Notification.objects.filter(user=user).count() == 1  # in-app, always
    assert not mailoutbox  # not confirmed yet
    EmailConfirmation.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.email_confirmation_send(user=user)
    confirmation_mail = list(mailoutbox)
    services.email_confirm(token=_token(confirmation_mail[0]))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_respond(comment=comment, by=world.office, kind="adopted", text="已采纳。")
    assert [m.to for m in mailoutbox] == [["zs@example.org"]]


def test_the_mail_rule_asks_participation_for_a_public_accounts_confirmed_address(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    """The one mail-address rule (minsheng.notifications) with participation's check added in ready()."""
    with django_capture_on_commit_callbacks(execute=True):
        user = register()
    assert mail_address(user) == ""  # a public account, its address not confirmed yet
    services.email_confirm(token=_token(mailoutbox[-1]))
    user.refresh_from_db()
    assert mail_address(user) == "zs@example.org"
    user.email = "new@example.org"  # changed since: not the confirmed one
    assert mail_address(user) == ""
    user.email = "zs@example.org"
    user.is_active = False
    assert mail_address(user) == ""
    assert mail_address(world.office) == world.office.email != ""  # an address the office set


def test_notifications_are_marked_read(world, django_capture_on_commit_callbacks, anonymous):
    comment = services.comment_submit(item=world.item, by=world.public, text="意见", ip=IP)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_respond(comment=comment, by=world.office, kind="adopted")
        services.comment_respond(comment=comment, by=world.office, kind="answered", text="补充答复")
    assert notification_selectors.unread_count(user=world.public) == 2
    first = notification_selectors.notification_list(user=world.public)[-1]
    assert notifications_mark_read(user=world.public, ids=[first.pk]) == 1
    assert notification_selectors.unread_count(user=world.public) == 1
    assert notifications_mark_read(user=world.public) == 1
    assert notifications_mark_read(user=world.other) == 0
    with pytest.raises(PermissionDenied):
        notifications_mark_read(user=anonymous)
