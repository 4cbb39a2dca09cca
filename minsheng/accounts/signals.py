"""Receivers connected in :meth:`AccountsConfig.ready`: plumbing that records, never business logic.

- at sign-in, when the session began (for its absolute lifetime), and whether a person for whom two factors
  are optional has an authenticator (then this session must give the second factor too);

- django-auditlog's change entries take the trail's person and address before they are saved, and, once
  committed, wait in the trail for a verb (:mod:`minsheng.accounts.trail`);
- Django's sign-in, sign-out and failed sign-in signals and django-axes's lockout become AuditEvents. The
  credentials of a failed sign-in are read for the user name only; the password is never stored.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from minsheng.accounts import trail as audit_trail
from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.middleware import LAST_SEEN, SIGNED_IN_AT, TWO_FACTOR_OPTED_IN, now_seconds
from minsheng.accounts.rules import two_factor_required


def session_started(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    now = now_seconds()
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now
    if not two_factor_required(user) and TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        session[TWO_FACTOR_OPTED_IN] = True


def _address(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def change_stamp(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A change entry about to be saved: the trail's person and the request's address."""
    trail = audit_trail.current()
    if instance.actor_id is None:
        user = trail.who()
        if user is not None:
            instance.actor = user
            instance.actor_email = getattr(user, "email", None) or None
    if instance.remote_addr is None:
        instance.remote_addr = trail.remote_addr


def change_logged(sender: Any, log_entry: Any = None, **kwargs: Any) -> None:
    """A change entry saved: its write now has something to link (see trail.note_change)."""
    if log_entry is not None:
        audit_trail.note_change(log_entry)


def signed_in(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    from minsheng.accounts.services import sign_in_record

    sign_in_record(
        verb=AuditVerb.SIGN_IN, username=user.get_username(), user=user, remote_addr=_address(request)
    )


def signed_out(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    from minsheng.accounts.services import sign_in_record

    if user is not None and user.is_authenticated:
        sign_in_record(
            verb=AuditVerb.SIGN_OUT, username=user.get_username(), user=user, remote_addr=_address(request)
        )


def sign_in_failed(
    sender: Any, credentials: dict[str, Any] | None = None, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    from minsheng.accounts.services import sign_in_record

    username = str((credentials or {}).get("username") or "")
    sign_in_record(verb=AuditVerb.SIGN_IN_FAIL, username=username, remote_addr=_address(request))


def locked_out(
    sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any
) -> None:
    from minsheng.accounts.services import sign_in_record

    address = kwargs.get("ip_address") or _address(request)
    sign_in_record(verb=AuditVerb.SIGN_IN_LOCKOUT, username=str(username or ""), remote_addr=address)


def connect() -> None:
    from auditlog.models import LogEntry
    from auditlog.signals import post_log
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
    from django.db.models.signals import pre_save

    pre_save.connect(change_stamp, sender=LogEntry, dispatch_uid="minsheng_audit_change_stamp")
    post_log.connect(change_logged, dispatch_uid="minsheng_audit_change_logged")
    user_logged_in.connect(signed_in, dispatch_uid="minsheng_audit_signed_in")
    user_logged_out.connect(signed_out, dispatch_uid="minsheng_audit_signed_out")
    user_login_failed.connect(sign_in_failed, dispatch_uid="minsheng_audit_sign_in_failed")
    user_locked_out.connect(locked_out, dispatch_uid="minsheng_audit_locked_out")
