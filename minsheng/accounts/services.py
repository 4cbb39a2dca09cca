"""Writes for accounts. Every service write in minsheng records one :class:`AuditEvent` via :func:`audit_record`."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import AuditEvent, SignInLink, User
from minsheng.accounts.trail import Trail, note_change
from minsheng.accounts.trail import alone as trail_alone
from minsheng.accounts.trail import claim as trail_claim
from minsheng.accounts.trail import current as current_trail

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
