"""Writes for accounts. Every service write in minsheng records one :class:`AuditEvent` via :func:`audit_record`.

Users are created by :func:`user_create` alone (the people pages and sheets, public registration, the demo,
the admin's add form), and every password it is given passes ``AUTH_PASSWORD_VALIDATORS``.

Two factors (django-otp): :func:`two_factor_pending` gives the authenticator secret enrolment shows,
:func:`two_factor_confirm` confirms it with a first code and returns recovery codes (shown once),
:func:`two_factor_verify` checks a code or spends a recovery code at sign-in, :func:`two_factor_reset` is one
office user clearing another's devices (``accounts.reset_two_factor``), :func:`recovery_codes_renew` and
:func:`two_factor_remove` are a person's own (the latter only where two factors are optional)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import AuditEvent, SignInLink, User
from minsheng.accounts.rules import two_factor_required
from minsheng.common.services import require

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
        validate_password(password, user=user)
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


def two_factor_pending(*, user: User) -> TOTPDevice:
    """The authenticator secret being enrolled: made once and kept until confirmed (a reload of the page
    shows the same QR code)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
        if device is None:
            device = TOTPDevice(user=user, name=_("Authenticator"), confirmed=False)
            device.full_clean()
            device.save()
    return device


def _recovery_codes_new(user: User) -> list[str]:
    """Fresh recovery codes (each works once); earlier ones stop working. Only shown, never kept readable
    elsewhere than django-otp's table."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _number in range(settings.MINSHENG_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the pending authenticator with a code it shows now; returns the recovery codes. A wrong code
    is a ValidationError (and counts towards django-otp's throttle)."""
    with transaction.atomic():
        pending = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user).first()
        if pending is None or pending.confirmed:
            raise ValidationError(_("This set-up is no longer waiting for a code. Start again."))
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ValidationError(_("Two-step verification is already set up for this account."))
        accepted = pending.verify_token(_digits(token))
        if accepted:
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            codes = _recovery_codes_new(user)
            audit_record(
                actor=user, verb=AuditVerb.TWO_FACTOR_ENROL, obj=user, details={"device": pending.pk}
            )
            return codes
    # Outside the transaction, so that the throttle's count of the failure is kept.
    raise ValidationError(_("That code is not right. Type the 6 digits your authenticator shows now."))


def _digits(token: str) -> str:
    return "".join((token or "").split()).replace("-", "").lower()


def two_factor_verify(*, user: User, token: str) -> Device | None:
    """The device that accepts ``token``: the authenticator's current code, or an unused recovery code
    (spent now). None when neither does (recorded, and throttled by django-otp)."""
    token = _digits(token)
    device = match_token(user, token) if token else None
    if device is None:
        audit_record(actor=user, verb=AuditVerb.TWO_FACTOR_FAIL, obj=user, details={})
    elif isinstance(device, StaticDevice):
        remaining = device.token_set.count()
        audit_record(
            actor=user, verb=AuditVerb.TWO_FACTOR_RECOVERY_USE, obj=user, details={"remaining": remaining}
        )
    return device


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes for a person who has an authenticator; the old ones stop working."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Set up two-step verification first."))
    codes = _recovery_codes_new(user)
    audit_record(actor=user, verb=AuditVerb.TWO_FACTOR_CODES_RENEW, obj=user, details={})
    return codes


@transaction.atomic
def two_factor_remove(*, user: User) -> None:
    """A person for whom two factors are optional turns them off (their authenticator and codes go)."""
    if two_factor_required(user):
        raise ValidationError(_("Your role signs in with two-step verification; it cannot be turned off."))
    _devices_delete(user)
    audit_record(actor=user, verb=AuditVerb.TWO_FACTOR_REMOVE, obj=user, details={})


def _devices_delete(user: User) -> int:
    deleted = 0
    for model in (TOTPDevice, StaticDevice):
        count, _by_model = model.objects.filter(user=user).delete()
        deleted += count
    return deleted


@transaction.atomic
def two_factor_reset(*, user: User, by: User) -> None:
    """One office user clears another's authenticator and recovery codes (a lost phone): their signed-in
    sessions stop being verified at once, and at their next sign-in they enrol a new authenticator."""
    require(by, "accounts.reset_two_factor", user)
    user = User.objects.select_for_update().get(pk=user.pk)
    deleted = _devices_delete(user)
    audit_record(actor=by, verb=AuditVerb.TWO_FACTOR_RESET, obj=user, details={"records": deleted})
