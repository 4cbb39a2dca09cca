"""What every read endpoint shares: paging through a list, and the caching headers (docs/api.md#caching).

Caching: each answer carries an ``ETag`` and a ``Last-Modified`` computed *before* the answer is built
(:func:`minsheng.api.selectors.data_version`: one query of two index reads). The ETag comes from the address
asked (path and query), the language, who asks, the day (lights move with the date) and the content version,
which every committed write moves on: exact, a write anywhere gives every answer a new ETag and nothing else
does. ``Last-Modified`` is the time of the newest audit event (every write through a service records one),
or the day's midnight if later: as fine as the audit trail, so ``If-None-Match`` is the one to use. A poller
that sends ``If-None-Match`` (or ``If-Modified-Since``) gets 304 with no body and no further query while
nothing changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from minsheng.api.selectors import data_version

F = TypeVar("F", bound=Callable[..., Any])
NOT_MODIFIED = 304


def response_of(request: HttpRequest) -> HttpResponse | None:
    """The response ninja will send for this request (set by ``Api.create_temporal_response``)."""
    return getattr(request, "_api_response", None)


def _viewer_key(request: HttpRequest) -> str:
    viewer = getattr(request, "auth", None)
    token = getattr(viewer, "token", None)
    return f"token:{token.pk}:{int(token.scope_read)}" if token is not None else "anonymous"


def validators(request: HttpRequest) -> tuple[str, dt.datetime]:
    """The ETag and the Last-Modified time of the answer to ``request``, as the data stands now."""
    version = data_version()
    today = timezone.localdate()
    query = sorted((key, value) for key, values in request.GET.lists() for value in values)
    basis = "|".join(
        [
            request.path,
            urlencode(query),
            translation.get_language() or "",
            _viewer_key(request),
            today.isoformat(),
            f"version:{version.number}",
        ]
    )
    etag = quote_etag(hashlib.sha256(basis.encode()).hexdigest()[:40])
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    last_modified = max(version.last_at, midnight) if version.last_at else midnight
    return etag, last_modified.replace(microsecond=0)


def _not_modified(request: HttpRequest, etag: str, last_modified: dt.datetime) -> bool:
    wanted = request.headers.get("If-None-Match")
    if wanted is not None:  # If-None-Match wins over If-Modified-Since (RFC 9110)
        tags = [tag.strip().removeprefix("W/") for tag in wanted.split(",")]
        return "*" in tags or etag in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(last_modified.timestamp()) <= since


def conditional(view: F) -> F:
    """ETag and Last-Modified on a read endpoint's answer; 304 when the client already holds it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        etag, last_modified = validators(request)
        headers = {
            "ETag": etag,
            "Last-Modified": http_date(last_modified.timestamp()),
            "Cache-Control": "private, no-cache"
            if _viewer_key(request) != "anonymous"
            else "public, no-cache",
            "Vary": "Authorization, Accept-Language",
        }
        if _not_modified(request, etag, last_modified):
            response = HttpResponse(status=NOT_MODIFIED)
            for name, value in headers.items():
                response[name] = value
            return response
        result = view(request, *args, **kwargs)
        sent = response_of(request)
        if sent is not None:
            for name, value in headers.items():
                sent[name] = value
        return result

    return wrapper  # type: ignore[return-value]


def page_of(
    request: HttpRequest,
    rows: Sequence[Any] | QuerySet[Any, Any],
    *,
    page: int,
    page_size: int,
    count: int | None = None,
) -> tuple[list[Any], dict[str, Any]]:
    """The rows of page ``page`` (a queryset is sliced in the database) and the page's envelope."""
    total = len(rows) if count is None else count
    start = (page - 1) * page_size
    chunk = list(rows[start : start + page_size])

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        query["page_size"] = str(page_size)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    envelope = {
        "count": total,
        "page": page,
        "page_size": page_size,
        "next": link(page + 1) if start + page_size < total else None,
        "previous": link(page - 1) if page > 1 and total else None,
    }
    return chunk, envelope
