"""Helpers every service uses, once.

A service (HackSoft's styleguide) takes keyword arguments, checks permission through the app's rules,
validates, writes in one transaction, records an audit event and notifies after the commit. The helpers
here are the parts of that every app shares:

- :func:`require`: the rule or a ``PermissionDenied`` whose message is for the user (anonymous users are
  asked to sign in first);
- :func:`clean`: ``full_clean`` whose errors are raised as the calling app's own ``ValidationError``
  subclass, same messages on the same fields;
- :func:`lock`: the row again, ``SELECT … FOR UPDATE``, or the app's error when it has gone;
- :func:`clean_for_bulk` and :func:`constraint_message`: validation for bulk writes (imports, loads), where
  ``full_clean`` would ask the database one question per constraint per row: the fields are checked in
  Python, the constraints by the database itself, and a violation is told with the constraint's own message;
- :func:`in_site_language`, :func:`item_label`, :func:`when`, :func:`link`: how stored text (notifications,
  mail, history) is worded: in the site's language, never the requester's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)


class _Labelled(Protocol):
    no: int
    title: str
    text: str


def signed_in(by: Any) -> bool:
    """An active, signed-in user (not None, not anonymous, not deactivated)."""
    return bool(by is not None and by.is_authenticated and by.is_active)


def actor(by: Any) -> Any:
    """The user to record as the actor: ``by`` when signed in, else None (a command, the system)."""
    return by if by is not None and by.is_authenticated else None


def require(by: Any, perm: str, obj: Any = None, *, message: str | None = None) -> None:
    """Pass if ``by`` holds the rule ``perm`` on ``obj``; else ``PermissionDenied`` with a message for the
    user: "Sign in first." for an anonymous visitor (or no user), ``message`` or "You may not do this."
    for anyone else."""
    if by is None or not by.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    if not by.has_perm(perm, obj):
        raise PermissionDenied(message or _("You may not do this."))


def clean(obj: models.Model, error: type[ValidationError], **kwargs: Any) -> None:
    """``obj.full_clean(**kwargs)``, its errors raised as ``error`` (the app's ValidationError subclass)
    with the same messages on the same fields; an ``error`` raised inside passes through unchanged."""
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        if isinstance(exc, error):
            raise
        raise error(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc


def clean_for_bulk(obj: models.Model, error: type[ValidationError], **kwargs: Any) -> None:
    """Validate ``obj``'s fields without a query: every field's own validators and ``clean()``, but not the
    foreign keys' existence (the caller holds the related rows), the unique checks or the constraints, which
    the database enforces on the bulk write (see :func:`constraint_message`). Errors as in :func:`clean`."""
    relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    clean(obj, error, exclude=relations, validate_unique=False, validate_constraints=False, **kwargs)


def constraint_message(exc: IntegrityError, *kinds: type[models.Model]) -> str:
    """The user's message for a database constraint that ``exc`` reports, looked up by the constraint's name
    among ``kinds``' constraints (SQLite and PostgreSQL both name it); a generic message otherwise."""
    text = str(exc)
    for kind in kinds:
        for constraint in kind._meta.constraints:
            if constraint.name in text:
                return str(constraint.get_violation_error_message())
        for field in kind._meta.concrete_fields:
            if field.unique and f"{kind._meta.db_table}.{field.column}" in text:
                return _("%(field)s must be unique.") % {"field": field.verbose_name}
    return _("A row breaks a rule of the database.")


def lock(
    model: type[M], obj: models.Model, *related: str, error: type[ValidationError] = ValidationError
) -> M:
    """``obj``'s row read again under ``SELECT … FOR UPDATE`` (with ``related`` joined), inside the caller's
    transaction; ``error`` ("This record no longer exists.") if it was deleted meanwhile."""
    rows = model._default_manager.select_for_update()
    if related:
        rows = rows.select_related(*related)
    found = rows.filter(pk=obj.pk).first()
    if found is None:
        raise error(_("This record no longer exists."))
    return found


def in_site_language(build: Callable[[], str]) -> str:
    """Text that is stored or mailed (notifications, history) is written in the site's language
    (settings.LANGUAGE_CODE), whatever language the request that caused it was in."""
    with translation.override(settings.LANGUAGE_CODE):
        return build()


def item_label(item: _Labelled) -> str:
    """An item as a notification names it: item 12 “title” (or the first 30 characters of its text)."""
    title = item.title or (item.text[:30] + ("…" if len(item.text) > 30 else ""))
    return _("item %(no)d “%(title)s”") % {"no": item.no, "title": title}


def when(moment: dt.datetime) -> str:
    """A moment as messages show it, in the site's time zone: 2025-03-01 09:30."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def link(
    name: str, *args: Any, fragment: str = "", fallback: tuple[str, tuple[Any, ...]] | None = None
) -> str:
    """The path of a named page (with ``fragment``), or of ``fallback`` where that page is not installed,
    or "" where neither is."""
    try:
        return reverse(name, args=args) + fragment
    except NoReverseMatch:
        if fallback:
            return link(fallback[0], *fallback[1], fragment=fragment)
        return ""
