"""What the public-facing views of participation and voting share: a refused rule as a page (sign in first,
or a 403 page that says why), and a service's error put back on the form the person filled in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _


class SignInFirst(Exception):
    """An anonymous visitor needs to sign in, then come back to ``next_url``."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def require(
    request: HttpRequest, perm: str, obj: object = None, *, message: str = "", next_url: str = ""
) -> None:
    """Pass if the rule allows; else an anonymous visitor is sent to sign in (and back to ``next_url``),
    anyone else gets a 403 page with ``message``."""
    if request.user.has_perm(perm, obj):
        return
    if not request.user.is_authenticated:
        raise SignInFirst(next_url or request.get_full_path())
    raise PermissionDenied(message or _("You may not do this."))


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn refusals into responses: sign in first (anonymous), or a 403 page saying why."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except SignInFirst as exc:
            return redirect_to_login(exc.next_url)
        except PermissionDenied as exc:
            return render(
                request,
                "participation/denied.html",
                {"message": str(exc) or _("You may not do this.")},
                status=403,
            )

    return wrapper


def show_error(form: Form, error: ValidationError) -> None:
    """Put a service's messages on the form: on their field where the form has it, else on the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def attempt(form: Form, action: Callable[[], Any], errors: type[ValidationError]) -> tuple[Any, bool]:
    """Run a service call; on one of its ``errors`` put the messages on the form. (result, succeeded)."""
    try:
        return action(), True
    except errors as error:
        show_error(form, error)
        return None, False


def button(
    request: HttpRequest, action: Callable[[], Any], *, done: str, back: str, errors: type[ValidationError]
) -> HttpResponse:
    """A button's step (support, follow, open, close…): run the service, say what happened or why not as a
    message, and go back to ``back``."""
    try:
        action()
    except errors as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(back)
