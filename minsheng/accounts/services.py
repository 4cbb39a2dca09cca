"""Writes for accounts. Every service write in minsheng records one :class:`AuditEvent` via :func:`audit_record`."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import AuditEvent, SignInLink, User

# How long a one-time sign-in link stays valid.
SIGN_IN_LINK_DAYS = 7


def audit_record(
    *, actor: User | None, verb: AuditVerb, obj: models.Model, details: dict[str, Any] | None = None
) -> AuditEvent:
    """Record that ``actor`` (None for the command line) did ``verb`` to ``obj``. ``verb`` is one of
    :class:`~minsheng.accounts.audit.AuditVerb`; any other string is a ValueError (a programming error)."""
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=AuditVerb(verb).value,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        details=details or {},
    )
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str = User.Role.PUBLIC,
    is_staff: bool = False,
    department=None,
    email: str = "",
    name: str = "",
    must_change_password: bool = False,
    by: User | None = None,
) -> User:
    """Create a user with a role; ``password`` None makes an account that cannot sign in yet (until a
    sign-in link is used). ``must_change_password``: the password is an initial one, to be changed at the
    first sign-in."""
    user = User(
        username=username,
        email=email,
        role=role,
        is_staff=is_staff,
        department=department,
        first_name=name,
        must_change_password=must_change_password,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=by, verb=AuditVerb.USER_CREATE, obj=user, details={"role": role, "is_staff": is_staff})
    return user


@transaction.atomic
def user_deactivate(*, user: User, by: User | None = None) -> User:
    """The person can no longer sign in (their history stays); their unused sign-in links stop working."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        SignInLink.objects.filter(user=user, used_at__isnull=True).update(expires_at=timezone.now())
        audit_record(actor=by, verb=AuditVerb.USER_DEACTIVATE, obj=user, details={"role": user.role})
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def sign_in_link_create(*, user: User, by: User | None = None) -> str:
    """A new one-time sign-in link for ``user``: returns the token (shown or mailed once; only its hash is
    stored). Earlier unused links of the user stop working."""
    now = timezone.now()
    SignInLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    link = SignInLink(
        user=user, token_hash=_token_hash(token), expires_at=now + dt.timedelta(days=SIGN_IN_LINK_DAYS)
    )
    link.full_clean()
    link.save()
    audit_record(actor=by, verb=AuditVerb.SIGN_IN_LINK_CREATE, obj=user, details={"link": link.pk})
    return token


def sign_in_link_find(*, token: str) -> SignInLink:
    """The link a token opens, if it still works; else a ValidationError saying why."""
    token = (token or "").strip()
    link = (
        SignInLink.objects.select_related("user").filter(token_hash=_token_hash(token)).first()
        if token
        else None
    )
    if link is None:
        raise ValidationError(_("This sign-in link is not valid."))
    if link.used_at is not None:
        raise ValidationError(_("This sign-in link was already used. Ask the office for a new one."))
    if link.expires_at <= timezone.now() or not link.user.is_active:
        raise ValidationError(_("This sign-in link has expired. Ask the office for a new one."))
    return link


@transaction.atomic
def sign_in_link_use(*, token: str) -> User:
    """Use a one-time link: it is spent, and the person must choose a password before anything else."""
    found = sign_in_link_find(token=token)
    link = SignInLink.objects.select_for_update().select_related("user").get(pk=found.pk)
    if link.used_at is not None:
        raise ValidationError(_("This sign-in link was already used. Ask the office for a new one."))
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    user = link.user
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    audit_record(actor=user, verb=AuditVerb.SIGN_IN_LINK_USE, obj=user, details={"link": link.pk})
    return user


@transaction.atomic
def password_set(*, user: User, password: str) -> User:
    """The person's own password (Django's validators apply); the "change it first" flag is cleared."""
    validate_password(password, user=user)
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(actor=user, verb=AuditVerb.PASSWORD_SET, obj=user, details={})
    return user


def upkeep_schedule_install(
    *, at: dt.time = dt.time(3, 0), now: dt.datetime | None = None
) -> tuple[Any, bool]:
    """Create (or bring up to date) the django-q2 schedule that refreshes the database's statistics nightly
    at ``at``, local time (:mod:`minsheng.common.database`). Idempotent. Returns (schedule, created)."""
    from django_q.models import Schedule

    from minsheng.common.database import UPKEEP_SCHEDULE_NAME, UPKEEP_TASK

    now = timezone.localtime(now)
    first = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if first <= now:
        first += dt.timedelta(days=1)
    with transaction.atomic():
        schedule, created = Schedule.objects.update_or_create(
            name=UPKEEP_SCHEDULE_NAME,
            defaults={"func": UPKEEP_TASK, "schedule_type": Schedule.DAILY, "repeats": -1, "next_run": first},
        )
        audit_record(
            actor=None,
            verb=AuditVerb.UPKEEP_SCHEDULE_INSTALL,
            obj=schedule,
            details={"next_run": first.isoformat(), "created": created},
        )
    return schedule, created
