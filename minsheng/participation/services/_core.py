"""What the participation services share: ``ParticipationError``, user text cleaned into the error,
the moderation history, the open window of a phase (locked, so that rate limits count one post at a
time) and its rate limits, and the sensitive words of a plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.models import User
from minsheng.common import services as common
from minsheng.common.services import when
from minsheng.participation.models import (
    Comment,
    ModerationAction,
    Phase,
    SensitiveWord,
    Suggestion,
    Window,
)
from minsheng.participation.text import TextProblem, clean_user_text
from minsheng.plans.models import Item, Plan

# Registration and confirmation mails per network address / account, per hour (override in settings).
DEFAULT_REGISTRATIONS_PER_IP_PER_HOUR = 5
DEFAULT_CONFIRMATIONS_PER_USER_PER_HOUR = 3
EMAIL_CONFIRMATION_HOURS = 72
MAX_FLAG_REASON_LENGTH = 200
MAX_COST = Decimal(10) ** 13  # yuan: ten trillion is not a rough cost of a local project


class ParticipationError(ValidationError):
    """Bad input or a step not allowed now; the message is for the user; nothing was stored."""


# --- helpers ---------------------------------------------------------------------------------------------


_clean = partial(common.clean, error=ParticipationError)
_lock = partial(common.lock, error=ParticipationError)


def _text(
    value: Any, *, field: str, limit: int, required: bool = True, empty_message: str | None = None
) -> str:
    try:
        return clean_user_text(value, limit=limit, required=required, empty_message=empty_message)
    except TextProblem as exc:
        raise ParticipationError({field: [str(exc)]}) from None


def _history(
    *,
    kind: str,
    to_status: str,
    from_status: str = "",
    by: User | None = None,
    note: str = "",
    comment: Comment | None = None,
    suggestion: Suggestion | None = None,
) -> ModerationAction:
    action = ModerationAction(
        comment=comment,
        suggestion=suggestion,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        by=by if by is not None and by.is_authenticated else None,
        note=note,
    )
    _clean(action)
    action.save()
    return action


def _current_item(item: Item) -> Item:
    fresh = Item.objects.select_related("plan").filter(pk=item.pk).first()
    if fresh is None or fresh.removed_in_id is not None:
        raise ParticipationError(_("This item is no longer in the plan."))
    return fresh


def _open_window(*, plan: Plan, phase: str) -> Window:
    """The plan's window for ``phase``, locked (so that rate limits count one post at a time), if the plan is
    at that stage and the window is open now; else a ParticipationError saying when it opens or closed."""
    plan_status = Plan.objects.values_list("status", flat=True).get(pk=plan.pk)
    window = Window.objects.select_for_update().filter(plan_id=plan.pk, phase=phase).first()
    if window is None or plan_status != phase:
        if phase == Phase.SOLICITATION:
            raise ParticipationError(_("This plan is not collecting suggestions."))
        raise ParticipationError(_("This plan is not open for comment."))
    now = timezone.now()
    if now < window.opens_at:
        raise ParticipationError(_("This opens on %(when)s.") % {"when": when(window.opens_at)})
    if now >= window.closes_at:
        raise ParticipationError(_("This closed on %(when)s.") % {"when": when(window.closes_at)})
    return window


def _rate_check(*, rows: QuerySet, window: Window, by: User, ip: str | None) -> None:
    """Refuse when ``by`` or ``ip`` already made as many rows as the window allows in its period."""
    now = timezone.now()
    since = now - dt.timedelta(minutes=window.user_limit_minutes)
    if rows.filter(author=by, created_at__gte=since).count() >= window.user_limit:
        raise ParticipationError(
            _("You are posting too often: at most %(count)d in %(minutes)d minutes. Please try again later.")
            % {"count": window.user_limit, "minutes": window.user_limit_minutes}
        )
    if ip:
        since = now - dt.timedelta(minutes=window.ip_limit_minutes)
        if rows.filter(ip=ip, created_at__gte=since).count() >= window.ip_limit:
            raise ParticipationError(
                _(
                    "Too many posts from your network address: at most %(count)d in %(minutes)d minutes. "
                    "Please try again later."
                )
                % {"count": window.ip_limit, "minutes": window.ip_limit_minutes}
            )


def _sensitive_words(plan: Plan) -> list[str]:
    return list(
        SensitiveWord.objects.filter(models.Q(plan__isnull=True) | models.Q(plan_id=plan.pk))
        .order_by("word")
        .values_list("word", flat=True)
        .distinct()
    )


def _window_settings(plan_id: int, phase: str) -> Window:
    """The plan's window for ``phase``, or an unsaved one with the defaults."""
    return Window.objects.filter(plan_id=plan_id, phase=phase).first() or Window(plan_id=plan_id, phase=phase)
