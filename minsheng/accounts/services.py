"""Writes for accounts. Every service write in minsheng records one :class:`AuditEvent` via :func:`audit_record`."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import AuditEvent, User


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
    by: User | None = None,
) -> User:
    """Create a user with a role; ``password`` None makes an account that cannot sign in yet."""
    user = User(username=username, email=email, role=role, is_staff=is_staff, department=department)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=by, verb=AuditVerb.USER_CREATE, obj=user, details={"role": role, "is_staff": is_staff})
    return user
