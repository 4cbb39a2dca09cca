"""What the delivery views share: today, a service call whose error goes on the form (400) or is a
conflict (409), the user's input rebased on the current version, and the forms a page shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.forms import Form
from django.utils import timezone

from minsheng.common import web
from minsheng.delivery.services import DeliveryError

F = TypeVar("F", bound=Form)


def _today() -> dt.date:
    return timezone.localdate()


def _attempt(form: Form, action: Callable[[], Any]) -> tuple[Any, int]:
    """Run a service call; on a refusal put the message on the form. Returns (result, HTTP status);
    on a conflict (someone else wrote first) the caller shows the record as it is now."""
    return web.attempt(form, action, DeliveryError)


def _rebased(form_class: type[F], data: Any, version: int, **kwargs: Any) -> F:
    """The user's input again, now against the record's current version: after a conflict the page shows
    what the other person did, and the user can check their input and send it again."""
    data = data.copy()
    data["version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


def _forms_shown(
    defaults: dict[str, Form | None], given: dict[str, Form]
) -> tuple[dict[str, Form | None], list[str]]:
    """The forms a page shows: those the user may use now, with the submitted one (its input and errors)
    in place of its blank; errors of a form no longer shown go to the top of the page."""
    shown = dict(defaults)
    page_errors: list[str] = []
    for name, form in given.items():
        if shown.get(name) is not None:
            shown[name] = form
        elif form.is_bound and form.errors:
            page_errors.extend(str(message) for errors in form.errors.values() for message in errors)
    return shown, page_errors
