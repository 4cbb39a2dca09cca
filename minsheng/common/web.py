"""What every app's views share, once.

- :func:`access`: an object for this user, or ``Http404`` for a missing one and a forbidden one alike, so
  that ids do not tell what exists (Zulip's ``access_stream_by_id``). Each app wraps it once per object kind
  (``access_report_by_id``…), beside its selectors' getters.
- :func:`require` and :func:`refusals_as_page`: a refused rule as a page: an anonymous visitor signs in
  first, anyone else gets a 403 page that says why.
- :func:`attempt`, :func:`show_error`, :func:`button`: a service's error put back on the form the person
  filled in (HTTP 400), or as a message after a button; a :class:`~minsheng.common.errors.ConflictError`
  (someone else wrote first) as HTTP 409, for the page to show the record as it is now.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from minsheng.common.errors import ConflictError

T = TypeVar("T")


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (``request.htmx``)."""

    htmx: HtmxDetails


OK = 200
BAD_INPUT = 400
CONFLICT = 409


def access(found: T | None, user: Any, perm: str, *, private: bool = True) -> T:
    """``found`` if ``user`` holds the viewing rule ``perm`` on it. Otherwise the same answer whether it is
    missing or forbidden, so that an id does not tell what exists: ``Http404`` for a signed-in user; for an
    anonymous visitor, "sign in first" where the kind of object can be private (a report, a comment…), or
    ``Http404`` where it is public by nature (``private=False``: a plan, an item)."""
    if found is not None and user is not None and user.has_perm(perm, found):
        return found
    if private and (user is None or not user.is_authenticated):
        raise SignInFirst("")
    raise Http404


class SignInFirst(Exception):
    """An anonymous visitor needs to sign in, then come back to ``next_url`` (the page asked for, when
    empty). :class:`SignInFirstMiddleware` and :func:`refusals_as_page` answer it with the sign-in page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def require(
    request: HttpRequest, perm: str, obj: Any = None, *, message: str = "", next_url: str = ""
) -> None:
    """Pass if the rule allows; else an anonymous visitor is sent to sign in (and back to ``next_url``),
    anyone else gets a 403 with ``message``."""
    if request.user.has_perm(perm, obj):
        return
    if not request.user.is_authenticated:
        raise SignInFirst(next_url or request.get_full_path())
    raise PermissionDenied(message or _("You may not do this."))


def refusals_as_page(template: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view decorator: ``SignInFirst`` becomes the sign-in page, ``PermissionDenied`` a 403 page rendered
    with ``template`` (its context: ``message``, why)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except SignInFirst as exc:
                return redirect_to_login(exc.next_url or request.get_full_path())
            except PermissionDenied as exc:
                return render(
                    request, template, {"message": str(exc) or _("You may not do this.")}, status=403
                )

        return wrapper

    return decorate


class SignInFirstMiddleware:
    """Answers :class:`SignInFirst` raised by any view with the sign-in page (and back here after)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, SignInFirst):
            return redirect_to_login(exception.next_url or request.get_full_path())
        return None


def show_error(form: Form, error: ValidationError) -> None:
    """Put a service's messages on the form: on their field where the form has it, else on the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def attempt(form: Form, action: Callable[[], T], errors: type[ValidationError]) -> tuple[T | None, int]:
    """Run a service call. Returns (result, HTTP status): ``OK``; ``BAD_INPUT`` with one of its ``errors``
    on the form; ``CONFLICT`` when someone else wrote first (the caller shows the record as it is now)."""
    try:
        return action(), OK
    except errors as error:
        show_error(form, error)
        return None, BAD_INPUT
    except ConflictError:
        return None, CONFLICT


def button(
    request: HttpRequest, action: Callable[[], Any], *, done: str, back: str, errors: type[ValidationError]
) -> HttpResponse:
    """A button's step (support, follow, open, close, remove…): run the service, say what happened or why
    not as a message, and go back to ``back``."""
    try:
        action()
    except errors as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(back)


def health(request: HttpRequest) -> HttpResponse:
    """``/healthz``: "ok" for a load balancer or a monitor; it touches no database. ``make bench`` serves it
    through the same middleware as every page, as the trivial view the pages' speed is measured against."""
    return HttpResponse("ok", content_type="text/plain")
