"""How large a request may be, decided before anything reads its body.

- :class:`RequestSizeMiddleware` (early in ``MIDDLEWARE``, before CSRF reads a POST's form): a request whose
  ``Content-Length`` is above the view's cap is answered with a 413 page without reading a byte of the
  body. The cap is ``MINSHENG_MAX_REQUEST_BYTES`` (the sign-in page, every form, the admin); a header that is
  not a number is a 400.
- :func:`body_limit`: an upload view declares its own larger cap, the file's limit (a setting's name or a
  number of bytes) plus :data:`FORM_ALLOWANCE` for the form around the file. The view still checks the file's
  own size and content.

``DATA_UPLOAD_MAX_MEMORY_SIZE`` (the same figure) stays Django's second line for the fields of a form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

F = TypeVar("F", bound=Callable[..., Any])

# What a multipart form around an uploaded file may add to the file's size (boundaries, other fields).
FORM_ALLOWANCE = 1024 * 1024
TOO_LARGE = 413
ATTRIBUTE = "max_request_bytes"


def body_limit(limit: str | int) -> Callable[[F], F]:
    """Mark an upload view with the largest file it takes: ``limit`` is a setting's name (read at each
    request) or a number of bytes."""

    def mark(view: F) -> F:
        setattr(view, ATTRIBUTE, limit)
        return view

    return mark


def request_cap(view: Any) -> int:
    """The largest body ``view`` accepts, in bytes."""
    limit = getattr(view, ATTRIBUTE, None)
    if limit is None:
        return int(settings.MINSHENG_MAX_REQUEST_BYTES)
    if isinstance(limit, str):
        limit = int(getattr(settings, limit))
    return max(int(limit) + FORM_ALLOWANCE, int(settings.MINSHENG_MAX_REQUEST_BYTES))


class RequestSizeMiddleware:
    """Refuses a declared body larger than the view's cap before it is read (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            length = -1
        if length < 0:
            return render(request, "common/too_large.html", {"bad": True}, status=400)
        cap = request_cap(view)
        if length > cap:
            return render(
                request,
                "common/too_large.html",
                {"size_mb": f"{length / 1024 / 1024:.1f}", "cap_mb": f"{cap / 1024 / 1024:.0f}"},
                status=TOO_LARGE,
            )
        return None
