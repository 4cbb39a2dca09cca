"""Telling people things: the one way to notify, in the app and by mail (docs/notifications.md).

- :func:`notify`: after the caller's write commits, tell the recipients (in-app, then by mail);
- :func:`notify_now`: notify inside the caller's transaction, once per person and ``dedupe_key``; mailed after
  the commit (reminders, a followed item's changes);
- :func:`mail_address`: the one rule for where mail to a person may go; apps that know more (a public
  account's confirmed address) add a check with :func:`address_check_add` from their ``AppConfig.ready()``;
- :func:`mail_send`: send mail without ever undoing the write that caused it;
- :func:`notifications_mark_read`: a person marks their notifications read.

Text that is stored or mailed is written in the site's language, whatever the request's language was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.services import audit_record
from minsheng.common.services import clean, in_site_language, require
from minsheng.notifications.models import Notification

if TYPE_CHECKING:
    from minsheng.accounts.models import User

logger = logging.getLogger(__name__)

# A check says whether mail may go to the user's address; every registered check must agree.
_address_checks: list[Callable[[User], bool]] = []


def address_check_add(check: Callable[[User], bool]) -> None:
    """Register a check on mail addresses (once, from an app's ready()): participation allows a public
    account's address only once it is confirmed."""
    if check not in _address_checks:
        _address_checks.append(check)


def mail_address(user: User) -> str:
    """Where mail to ``user`` may go: an active user's address, if every registered check allows it (a
    public account's address must be confirmed); "" for no mail."""
    if not user.is_active or not user.email:
        return ""
    if not all(check(user) for check in _address_checks):
        return ""
    return user.email


def mail_send(messages: Sequence[EmailMessage]) -> None:
    """Send mail (EMAIL_BACKEND: the console by default). A mail server that is down is logged; it must not
    undo the write that caused the mail."""
    if not messages:
        return
    try:
        get_connection().send_messages(list(messages))
    except Exception:
        logger.exception("could not send %d emails", len(messages))


def _subject(notification: Notification) -> str:
    return _("[Livelihood pledges] %(kind)s") % {"kind": notification.get_kind_display()}


def _mail(notifications: Sequence[Notification]) -> None:
    """Mail the notifications to those who have an address they may be mailed at."""
    site = getattr(settings, "MINSHENG_SITE_URL", "").rstrip("/")
    messages = []
    for notification in notifications:
        address = mail_address(notification.user)
        if not address:
            continue
        subject = in_site_language(partial(_subject, notification))
        body = notification.message
        if notification.url:
            body += "\n\n" + (site + notification.url if site else notification.url)
        messages.append(EmailMessage(subject=subject, body=body, to=[address]))
    mail_send(messages)


def _create(
    users: Iterable[User], *, kind: str, message: str, url: str, dedupe_key: str, item_id: int | None
) -> list[Notification]:
    created: list[Notification] = []
    for user in {u.pk: u for u in users}.values():
        notification = Notification(
            user=user, kind=kind, message=message, url=url[:300], dedupe_key=dedupe_key, item_id=item_id
        )
        clean(notification, ValidationError, validate_constraints=False)
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:  # already told (another run got there first)
            if not dedupe_key:
                raise
            continue
        created.append(notification)
    return created


def notify_now(
    users: Iterable[User],
    *,
    kind: str,
    message: str,
    url: str = "",
    dedupe_key: str = "",
    item_id: int | None = None,
) -> list[Notification]:
    """Notify ``users`` in-app now, inside the caller's transaction, and by mail after it commits. With a
    ``dedupe_key`` (which starts with the kind), once per person and key: those already told are skipped.
    ``message`` is final text (build it with ``in_site_language``). Returns the notifications created."""
    created = _create(users, kind=kind, message=message, url=url, dedupe_key=dedupe_key, item_id=item_id)
    if created:
        transaction.on_commit(lambda: _mail(created))
    return created


def notify(
    recipients: Callable[[], Iterable[User]],
    *,
    kind: str,
    message: Callable[[], str],
    url: str = "",
    item_id: int | None = None,
) -> None:
    """After the current write commits, tell ``recipients()`` in-app and by mail. The recipients and the
    ``message`` (built in the site's language) are worked out then, from what was committed."""

    def send() -> None:
        text = in_site_language(message)
        with transaction.atomic():
            created = _create(recipients(), kind=kind, message=text, url=url, dedupe_key="", item_id=item_id)
        _mail(created)

    transaction.on_commit(send)


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Sequence[int] | None = None) -> int:
    """Mark the user's notifications (those in ``ids``, or all) read; returns how many changed. Others'
    notifications among ``ids`` are left alone."""
    require(user, "notifications.view_notifications")
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    count = unread.update(read_at=timezone.now())
    if count:
        audit_record(actor=user, verb=AuditVerb.NOTIFICATIONS_MARK_READ, obj=user, details={"count": count})
    return count
