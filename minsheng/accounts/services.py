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
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
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
from minsheng.accounts.trail import Trail, note_change
from minsheng.accounts.trail import alone as trail_alone
from minsheng.accounts.trail import claim as trail_claim
from minsheng.accounts.trail import current as current_trail
from minsheng.common.services import require

M = TypeVar("M", bound=models.Model)

# How long a one-time sign-in link stays valid.
SIGN_IN_LINK_DAYS = 7


def _event_save(
    *,
    actor: User | None,
    verb: AuditVerb,
    object_type: str,
    object_id: str,
    details: dict[str, Any],
    alone: bool = False,
) -> AuditEvent:
    trail = current_trail()
    if actor is None or not actor.is_authenticated:
        actor = trail.who()
    event = AuditEvent(
        actor=actor,
        verb=AuditVerb(verb).value,
        object_type=object_type,
        object_id=object_id,
        details=details,
        cid=trail_alone() if alone else trail_claim(),
    )
    event.full_clean()
    event.save()
    return event


def audit_record(
    *, actor: User | None, verb: AuditVerb, obj: models.Model, details: dict[str, Any] | None = None
) -> AuditEvent:
    """Record that ``actor`` did ``verb`` to ``obj``. ``verb`` is one of
    :class:`~minsheng.accounts.audit.AuditVerb`; any other string is a ValueError (a programming error).
    ``actor`` None: the person of the open trail (a command's ``--by``), or no one (the system). The event
    takes the write's correlation id, which its field changes (django-auditlog entries) share."""
    return _event_save(
        actor=actor,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        details=details or {},
    )


def audit_update(queryset: models.QuerySet[Any], **values: Any) -> int:
    """``queryset.update(**values)`` that keeps, for a model the trail tracks, each row's fields before and
    after (a bulk update sends no signal, so django-auditlog would not see it). Use it instead of
    ``update()`` in a service that changes rows the office works with. Returns the number of rows."""
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog

    model = queryset.model
    if not auditlog.contains(model):
        return queryset.update(**values)
    with transaction.atomic():
        before = {row.pk: row for row in queryset.select_for_update()}
        count = queryset.update(**values)
        if before:
            fields = list(values)
            for row in model._default_manager.filter(pk__in=list(before)):
                changes = model_instance_diff(before[row.pk], row, fields_to_check=fields)
                if changes:
                    note_change(
                        LogEntry.objects.log_create(row, action=LogEntry.Action.UPDATE, changes=changes)
                    )
    return count


UNCLAIMED_VERBS = {
    # (from the admin, auditlog's action) -> verb
    (True, 0): AuditVerb.ADMIN_ADD,
    (True, 1): AuditVerb.ADMIN_CHANGE,
    (True, 2): AuditVerb.ADMIN_DELETE,
    (False, 0): AuditVerb.RECORD_CREATE,
    (False, 1): AuditVerb.RECORD_CHANGE,
    (False, 2): AuditVerb.RECORD_DELETE,
}


def audit_unclaimed_record(*, trail: Trail) -> list[AuditEvent]:
    """Give the changes no service recorded (the Django admin's forms, a model saved outside a service) an
    AuditEvent each, one per object and write, with the correlation id of the changes. Called when a
    request's or command's trail closes; changes rolled back since are left out."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    waiting = [
        change for change in trail.pending if change[0] not in trail.claimed and change[3] in (0, 1, 2)
    ]
    trail.pending = []
    if not waiting:
        return []
    committed = set(
        LogEntry.objects.filter(pk__in=[change[4] for change in waiting]).values_list("pk", flat=True)
    )
    events = []
    seen = set()
    with transaction.atomic():
        for step, content_type_id, object_pk, action, entry_id in waiting:
            if entry_id not in committed or (step, content_type_id, object_pk) in seen:
                continue
            seen.add((step, content_type_id, object_pk))
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            event = AuditEvent(
                actor=trail.who(),
                verb=UNCLAIMED_VERBS[(trail.source == "admin", action)].value,
                object_type=model._meta.label_lower if model is not None else str(content_type_id),
                object_id=object_pk,
                details={},
                cid=f"{trail.source}:{trail.run}:{step}",
            )
            event.full_clean()
            event.save()
            events.append(event)
    return events


def sign_in_record(
    *, verb: AuditVerb, username: str, user: User | None = None, remote_addr: str | None = None
) -> AuditEvent:
    """A sign-in, a failed one or a lockout: the account (when the name is one) and the name typed, the
    address; never the password."""
    if user is None and username:
        user = User.objects.filter(username=username).first()
    details: dict[str, Any] = {"username": username[:150]}
    if remote_addr:
        details["address"] = remote_addr
    return _event_save(
        actor=user if verb in (AuditVerb.SIGN_IN, AuditVerb.SIGN_OUT) else None,
        verb=verb,
        object_type=User._meta.label_lower,
        object_id=str(user.pk) if user is not None else "",
        details=details,
        alone=True,
    )


def audit_retention_cutoff(*, now: dt.datetime | None = None) -> dt.datetime:
    """Records older than this are past the retention period (``MINSHENG_AUDIT_RETENTION_DAYS``)."""
    from django.conf import settings

    days = int(settings.MINSHENG_AUDIT_RETENTION_DAYS)
    return (now or timezone.now()) - dt.timedelta(days=days)


@transaction.atomic
def audit_purge(*, by: User, now: dt.datetime | None = None) -> dict[str, Any]:
    """Delete the audit events and field changes older than the retention period; the purge itself is
    recorded (who, the cut-off, how many of each). The only way records leave the trail."""
    from auditlog.models import LogEntry

    if not (by.is_active and by.has_perm("accounts.purge_audit")):
        raise PermissionDenied
    cutoff = audit_retention_cutoff(now=now)
    events, _detail = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    changes, _detail = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
    result = {"cutoff": cutoff.isoformat(), "events": events, "changes": changes}
    _event_save(
        actor=by,
        verb=AuditVerb.AUDIT_PURGE,
        object_type=AuditEvent._meta.label_lower,
        object_id="",
        details=result,
        alone=True,
    )
    return result


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


def audit_bulk_create(model: type[M], rows: list[M]) -> list[M]:
    """``model.objects.bulk_create(rows)`` that records, for a model the trail tracks, each new row's fields
    as django-auditlog would on ``save()`` (a bulk write sends no signal): one more query for all the rows,
    stamped with the trail's person, address and correlation id. Imports and loads use it."""
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog
    from django.contrib.contenttypes.models import ContentType

    created = model._default_manager.bulk_create(rows)
    if not created or not auditlog.contains(model):
        return created
    trail = current_trail()
    actor = trail.who()
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    entries = []
    for row in created:
        changes = model_instance_diff(None, row) or {}
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(row.pk),
                object_id=row.pk if isinstance(row.pk, int) else None,
                object_repr=str(row)[:2000],
                action=LogEntry.Action.CREATE,
                changes=changes,
                changes_text="",
                actor=actor,
                actor_email=(getattr(actor, "email", None) or None) if actor is not None else None,
                cid=trail.cid,
                remote_addr=trail.remote_addr,
                timestamp=now,
            )
        )
    for entry in LogEntry.objects.bulk_create(entries):
        note_change(entry)
    return created
