"""Writes of the API app: the office creates and revokes API tokens; a write made with an
``Idempotency-Key`` keeps its answer (docs/api.md).

A token is ``ms_<prefix>_<secret>``: the prefix (8 characters) finds the row, the whole token's SHA-256 is
all that is stored, and :func:`token_create` returns the token once, for the office to hand over.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import User
from minsheng.accounts.services import audit_record
from minsheng.api.models import ApiToken, IdempotencyRecord, Scope
from minsheng.common.services import actor, clean, lock, require
from minsheng.plans.models import Department

TOKEN_START = "ms_"  # noqa: S105 - the visible start of every token, not a secret
PREFIX_LENGTH = 8
# How long a token may live at most.
MAX_LIFETIME = dt.timedelta(days=3 * 366)


class TokenError(ValidationError):
    """Bad input for a token (no scope, a person outside the department, a past expiry…); nothing stored."""


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of a whole token: what is stored and compared."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_prefix(token: str) -> str | None:
    """The prefix of a token as given (``ms_<prefix>_<secret>``), or None where it is not of that form."""
    if not token.startswith(TOKEN_START):
        return None
    prefix, underscore, secret = token[len(TOKEN_START) :].partition("_")
    if not underscore or len(prefix) != PREFIX_LENGTH or not secret:
        return None
    return prefix


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token, shown once


def token_create(
    *,
    by: User,
    department: Department,
    user: User,
    name: str,
    scopes: list[str],
    expires_at: dt.datetime,
) -> NewToken:
    """The office creates a token for ``department`` acting as ``user`` (one of its people: a reporter for
    the ``report`` scope), with ``scopes`` until ``expires_at``. The token itself is returned once."""
    require(by, "api.manage_tokens")
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if unknown or not scopes:
        errors["scopes"] = [_("Choose what the token may do: read, report or both.")]
    if department.retired_at is not None:
        errors["department"] = [_("This department is retired; it takes no new tokens.")]
    if user.department_id != department.pk or not user.is_active:
        errors["user"] = [_("Choose an active person of this department.")]
    elif user.role not in (User.Role.REPORTER, User.Role.DEPT_HEAD):
        errors["user"] = [_("A token acts as a reporter or a head of its department.")]
    elif Scope.REPORT in scopes and user.role != User.Role.REPORTER:
        errors["scopes"] = [_("Only a token acting as a reporter may report.")]
    now = timezone.now()
    if expires_at <= now:
        errors["expires_at"] = [_("The expiry must be in the future.")]
    elif expires_at > now + MAX_LIFETIME:
        errors["expires_at"] = [_("A token may live three years at most.")]
    if not name:
        errors["name"] = [_("Name the system that will use the token.")]
    if errors:
        raise TokenError(errors)
    with transaction.atomic():
        while True:
            prefix = secrets.token_hex(PREFIX_LENGTH // 2)
            if not ApiToken.objects.filter(prefix=prefix).exists():
                break
        secret = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken(
            department=department,
            user=user,
            name=name,
            prefix=prefix,
            token_hash=token_hash(secret),
            scope_read=Scope.READ in scopes,
            scope_report=Scope.REPORT in scopes,
            created_by=actor(by),
            expires_at=expires_at,
        )
        clean(token, TokenError)
        token.save()
        audit_record(
            actor=by,
            verb=AuditVerb.API_TOKEN_CREATE,
            obj=token,
            details={
                "department": department.pk,
                "user": user.pk,
                "name": name,
                "scopes": token.scopes,
                "expires_at": expires_at.isoformat(),
                "prefix": prefix,
            },
        )
    return NewToken(token=token, secret=secret)


def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """The office revokes a token: from now on every request with it is refused (401)."""
    require(by, "api.manage_tokens", token)
    with transaction.atomic():
        current = lock(ApiToken, token, error=TokenError)
        if current.revoked_at is not None:
            raise TokenError(_("This token is already revoked."))
        current.revoked_at = timezone.now()
        current.revoked_by = actor(by)
        current.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=by, verb=AuditVerb.API_TOKEN_REVOKE, obj=current, details={"prefix": current.prefix}
        )
    return current


def token_used(*, token: ApiToken, now: dt.datetime) -> None:
    """Note when a token was last used (at most once a minute per token: one cheap UPDATE)."""
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def idempotency_record_save(
    *, token: ApiToken, key: str, operation: str, request_hash: str, status_code: int, response: Any
) -> IdempotencyRecord:
    """Keep the answer to a write made with ``key`` (inside the write's own transaction, so that the
    answer is kept exactly when the write is)."""
    record = IdempotencyRecord(
        token=token,
        key=key,
        operation=operation,
        request_hash=request_hash,
        status_code=status_code,
        response=response,
    )
    record.save()
    return record
