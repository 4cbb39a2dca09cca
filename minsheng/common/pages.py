"""Whole pages cached until anything changes: :func:`cached_page` and the content version.

The pages everyone reads (home, a plan, an item, the dashboards) are rendered once per *content version*
and served from the cache until the version moves on. The version is one row in the database
(:class:`~minsheng.common.models.ContentVersion`), so every process and every server that shares the
database agrees on it whatever the cache backend; it moves on after the commit of any transaction that
saved or deleted a row of a minsheng model (the services' writes, the admin, the commands, the Excel load;
their audit events too, so a write made with ``QuerySet.update`` is covered by the event it records). A
model whose instance answers ``changes_no_page(update_fields)`` with True is left out for that write:
signing in and out (a user's ``last_login``, its audit event) changes no page.
Invalidation is therefore wholesale, and never stale: a page is never served from before a write.

A cached page is keyed by the content version, the day (lights and schedules move with the date), the
host, the path and query string, the language, the viewer (the user's id, or the anonymous visitor), htmx
or not, and the cookies that change a page's looks (``settings.PAGE_CACHE_VARY_COOKIES``, the large-text
mode). Only a successful GET is cached, and not
while the viewer has a message waiting to be shown. The CSRF tokens a page holds are kept out of the cache
and put back for each viewer (each gets their own, as if the page had been rendered for them).

A read that several cached pages share (a big plan's overview behind every page, filter and search of its
page) can be kept the same way with :func:`cached_read`: computed once per content version, day and
language while a cached page is being rendered, and simply computed anywhere else.

The cache backend is the ``default`` one (settings: ``MINSHENG_CACHE_URL``; memory of each process by
default, Redis shared by several servers). See docs/performance.md.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

# A masked CSRF token in a page: 64 letters and digits (Django's CSRF_TOKEN_LENGTH), a whole word.
_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
_PLACEHOLDER = b"\x00csrf\x00"
PAGE_TIMEOUT = 24 * 3600
T = TypeVar("T")

# The content version read by the cached page being rendered (None outside one): cached_read's key.
_RENDERING_VERSION: ContextVar[int | None] = ContextVar("minsheng_rendering_version", default=None)


# --- the version ----------------------------------------------------------------------------------------


def content_version() -> int:
    """The current content version: one read of one row by its key (plain SQL: the ORM would cost more than
    serving the page it guards)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM common_contentversion WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def content_changed() -> None:
    """Move the content version on once the current transaction commits: once however many rows it wrote
    (the first of its callbacks bumps, the others find nothing left to do), and not at all if it rolls back
    (Django drops the callbacks of a rolled-back transaction)."""
    connection.minsheng_content_changed = True  # type: ignore[attr-defined]
    transaction.on_commit(content_version_bump)


def content_version_bump() -> None:
    from minsheng.common.models import ContentVersion

    if not getattr(connection, "minsheng_content_changed", False):
        return
    connection.minsheng_content_changed = False  # type: ignore[attr-defined]
    if not ContentVersion.objects.filter(pk=1).update(number=F("number") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"number": 1})


def _on_write(sender: type, instance: Any = None, update_fields: Any = None, **kwargs: Any) -> None:
    if not sender.__module__.startswith("minsheng.") or sender.__name__ == "ContentVersion":
        return
    # A model may say that a write of it changes no page (a sign-in's last_login, its audit event).
    quiet = getattr(instance, "changes_no_page", None)
    if callable(quiet) and quiet(update_fields):
        return
    content_changed()


def connect_signals() -> None:
    """Called by the common app's ready(): every save and delete of a minsheng model moves the version."""
    post_save.connect(_on_write, dispatch_uid="minsheng.common.pages.save")
    post_delete.connect(_on_write, dispatch_uid="minsheng.common.pages.delete")


# --- the cached page ------------------------------------------------------------------------------------


def _has_messages(request: HttpRequest) -> bool:
    if "messages" in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.session_key and session.get("_messages"))


def _key(request: HttpRequest, name: str, version: int) -> str:
    user = getattr(request, "user", None)
    viewer = f"u{user.pk}" if user is not None and user.is_authenticated else "anon"
    looks = "|".join(request.COOKIES.get(cookie, "") for cookie in settings.PAGE_CACHE_VARY_COOKIES)
    parts = [
        name,
        str(version),
        timezone.localdate().isoformat(),  # lights and schedules move with the day, not only with writes
        request.get_host(),  # share links and QR codes name the address asked for
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        viewer,
        "htmx" if request.headers.get("HX-Request") else "page",
        looks,
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"minsheng:page:{digest}"


def _without_tokens(request: HttpRequest, content: bytes) -> bytes:
    from django.middleware import csrf  # Django's own unmasking (a private function)

    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content

    def swap(match: re.Match[bytes]) -> bytes:
        word = match.group(0)
        unmasked = csrf._unmask_cipher_token(word.decode())  # type: ignore[attr-defined]
        return _PLACEHOLDER if unmasked == secret else word

    return _TOKEN.sub(swap, content)


def cached_page(name: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view: serve its page from the cache while the content version stays (see above)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if (
                request.method not in ("GET", "HEAD")
                or not settings.PAGE_CACHE_ENABLED
                or _has_messages(request)
            ):
                return view(request, *args, **kwargs)
            version = content_version()
            key = _key(request, name, version)
            hit = cache.get(key)
            if hit is not None:
                content, content_type = hit
                if _PLACEHOLDER in content:
                    content = content.replace(_PLACEHOLDER, get_token(request).encode())
                response = HttpResponse(content, content_type=content_type)
                response["X-Page-Cache"] = "hit"
                return response
            rendering = _RENDERING_VERSION.set(version)
            try:
                response = view(request, *args, **kwargs)
            finally:
                _RENDERING_VERSION.reset(rendering)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not getattr(response, "_page_cache_skip", False)
            ):
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                cache.set(
                    key, (_without_tokens(request, response.content), response["Content-Type"]), PAGE_TIMEOUT
                )
                response["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorate


def cached_read(name: str, *parts: object, compute: Callable[[], T]) -> T:
    """The value of ``compute()`` for ``name`` and ``parts`` (say, a plan's id, a date and whether public),
    kept in the cache for the content version, the day and the language of the cached page being rendered:
    a read that several pages share is computed once until the next write. Outside a cached page (the
    cache off, a command, a view that is not cached) it is computed every time; the value must pickle."""
    version = _RENDERING_VERSION.get()
    if version is None:
        return compute()
    words = [name, str(version), timezone.localdate().isoformat(), translation.get_language() or ""]
    key = "minsheng:read:" + hashlib.sha256("\x1f".join([*words, *map(str, parts)]).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, PAGE_TIMEOUT)
    return found
