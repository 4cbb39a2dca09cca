"""Who is asking: an API token (``Authorization: Bearer ms_…``) or an anonymous reader, and the rate limit
for each (docs/api.md#tokens).

A request without a token reads public data as a visitor would. A request with a token is refused (401)
unless the token is known, not revoked, not expired and its person still active in its department; it then
acts as that person. Sessions (the web's sign-in cookie) are ignored here: the API is for machines.

Rate limit: a fixed window per token (per address for anonymous readers) counted in Django's cache;
beyond it, 429 with ``Retry-After``. Limits come from ``MINSHENG_API_RATE`` and ``MINSHENG_API_ANON_RATE``
(requests, seconds); the cache should be shared between the server's processes in production.
"""

from __future__ import annotations

import hmac
import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from minsheng.api.errors import FORBIDDEN, TOO_MANY, UNAUTHORIZED, ApiError
from minsheng.api.models import ApiToken, Scope
from minsheng.api.selectors import token_by_prefix
from minsheng.api.services import token_hash, token_prefix, token_used
from minsheng.common.services import when

DEFAULT_RATE = (120, 60)  # a token: 120 requests a minute
DEFAULT_ANON_RATE = (300, 60)  # an address without a token


@dataclass(frozen=True)
class Viewer:
    """Who asks: a token and the person it acts as, or nobody (anonymous)."""

    token: ApiToken | None
    user: Any

    def __bool__(self) -> bool:  # ninja takes a falsy result as "not authenticated"
        return True

    @property
    def reader(self) -> Any:
        """The user whose rules decide what may be read: the token's person with the read scope, else a
        visitor (public data only)."""
        if self.token is not None and self.token.scope_read:
            return self.user
        return AnonymousUser()

    def require_scope(self, scope: str) -> ApiToken:
        """The token, when it holds ``scope``; else 401 without a token, 403 with one that lacks it."""
        if self.token is None:
            raise ApiError(UNAUTHORIZED, "token_missing", _("This needs an API token."))
        if not self.token.has_scope(scope):
            if scope == Scope.REPORT:
                message = _("This token may not report (it holds: %(scopes)s).")
            else:
                message = _("This token may not read the department's own data (it holds: %(scopes)s).")
            raise ApiError(FORBIDDEN, "missing_scope", message % {"scopes": ", ".join(self.token.scopes)})
        return self.token


def _rate(name: str, default: tuple[int, int]) -> tuple[int, int]:
    value = getattr(settings, name, default)
    return int(value[0]), int(value[1])


def rate_limit(key: str, limit: tuple[int, int], *, now: float | None = None) -> None:
    """Count one request for ``key`` in the current window; 429 with Retry-After beyond ``limit``."""
    allowed, window = limit
    now = time.time() if now is None else now
    start = int(now // window) * window
    bucket = f"api-rate:{key}:{start}"
    cache.add(bucket, 0, timeout=window + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # the bucket expired between add and incr: start it again
        cache.set(bucket, 1, timeout=window + 1)
        count = 1
    if count > allowed:
        retry = max(1, math.ceil(start + window - now))
        raise ApiError(
            TOO_MANY,
            "rate_limited",
            _("Too many requests; try again in %(seconds)d seconds.") % {"seconds": retry},
            headers={"Retry-After": str(retry)},
        )


def _bad_token() -> ApiError:
    return ApiError(UNAUTHORIZED, "bad_token", _("This API token is not valid."))


def token_check(raw: str) -> ApiToken:
    """The token named by ``raw`` if it may be used now; 401 with why not."""
    prefix = token_prefix(raw)
    token = token_by_prefix(prefix) if prefix else None
    if token is None or not hmac.compare_digest(token.token_hash, token_hash(raw)):
        raise _bad_token()
    if token.revoked_at is not None:
        raise ApiError(
            UNAUTHORIZED,
            "token_revoked",
            _("This API token was revoked on %(when)s.") % {"when": when(token.revoked_at)},
        )
    if token.expired():
        raise ApiError(
            UNAUTHORIZED,
            "token_expired",
            _("This API token expired on %(when)s.") % {"when": when(token.expires_at)},
        )
    user = token.user
    if not user.is_active or user.department_id != token.department_id:
        raise ApiError(
            UNAUTHORIZED,
            "token_inactive",
            _("The person this token acts as is no longer active in its department."),
        )
    return token


class TokenAuth(HttpBearer):
    """ninja's bearer scheme (so the OpenAPI document and /api/docs know it), with anonymous reads where
    ``required`` is false."""

    def __init__(self, *, required: bool) -> None:
        super().__init__()
        self.required = required

    def __call__(self, request: HttpRequest) -> Viewer | None:
        header = request.headers.get(self.header, "")
        if not header:
            if self.required:
                raise ApiError(UNAUTHORIZED, "token_missing", _("This needs an API token."))
            request.user = AnonymousUser()
            address = request.META.get("REMOTE_ADDR", "") or "unknown"
            rate_limit(f"anon:{address}", _rate("MINSHENG_API_ANON_RATE", DEFAULT_ANON_RATE))
            return Viewer(token=None, user=request.user)
        scheme, _space, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise _bad_token()
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Viewer:
        found = token_check(token)
        rate_limit(f"token:{found.pk}", _rate("MINSHENG_API_RATE", DEFAULT_RATE))
        token_used(token=found, now=timezone.now())
        request.user = found.user
        return Viewer(token=found, user=found.user)
