"""The office's settings of participation: a plan's suggestion and comment windows (when, moderation
before or after publication, per-person and per-address limits) and the sensitive words that hold a post
for review. Office only; validated whole and audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import User
from minsheng.accounts.services import audit_record
from minsheng.common.services import require
from minsheng.participation.models import (
    ModerationMode,
    SensitiveWord,
    Window,
)
from minsheng.participation.services._core import ParticipationError, _clean, _text
from minsheng.plans.models import Plan

# --- windows and sensitive words (the office) -----------------------------------------------------------


@transaction.atomic
def window_set(
    *,
    plan: Plan,
    phase: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    by: User,
    moderation: str = ModerationMode.POST,
    flag_threshold: int = 3,
    max_length: int = 1000,
    user_limit: int = 5,
    user_limit_minutes: int = 10,
    ip_limit: int = 20,
    ip_limit_minutes: int = 60,
) -> Window:
    """Create or change the plan's window for ``phase`` (solicitation or consultation) and its rules."""
    require(by, "participation.change_window", plan)
    for name, moment in (("opens_at", opens_at), ("closes_at", closes_at)):
        if isinstance(moment, dt.datetime) and timezone.is_naive(moment):
            raise ParticipationError({name: [_("Give a time with its time zone.")]})
    window = Window.objects.select_for_update().filter(plan=plan, phase=phase).first()
    created = window is None
    if window is None:
        window = Window(plan=plan, phase=phase)
    values = {
        "opens_at": opens_at,
        "closes_at": closes_at,
        "moderation": moderation,
        "flag_threshold": flag_threshold,
        "max_length": max_length,
        "user_limit": user_limit,
        "user_limit_minutes": user_limit_minutes,
        "ip_limit": ip_limit,
        "ip_limit_minutes": ip_limit_minutes,
    }
    for key, value in values.items():
        setattr(window, key, value)
    _clean(window)
    window.save()
    audit_record(
        actor=by,
        verb=AuditVerb.WINDOW_SET,
        obj=window,
        details={"created": created, "phase": phase, **{k: str(v) for k, v in values.items()}},
    )
    return window


# A window opened "now" without a closing time already ahead stays open this long.
OPEN_NOW_DAYS = 14
_WINDOW_RULES = (
    "moderation", "flag_threshold", "max_length", "user_limit", "user_limit_minutes", "ip_limit",
    "ip_limit_minutes",
)  # fmt: skip


@transaction.atomic
def window_open_now(*, plan: Plan, phase: str, by: User, now: dt.datetime | None = None) -> Window:
    """Open the plan's ``phase`` window at once (the office's "open now" button): it opens now and closes at
    its closing time if that is still ahead, else in :data:`OPEN_NOW_DAYS` days; its rules are kept. The plan
    must be at the window's stage (a window takes posts only then)."""
    now = now or timezone.now()
    if plan.status != phase:
        raise ParticipationError(
            _("Move the plan to the stage “%(stage)s” first.") % {"stage": Plan.Status(phase).label}
        )
    window = Window.objects.filter(plan=plan, phase=phase).first()
    rules = {key: getattr(window, key) for key in _WINDOW_RULES} if window is not None else {}
    closes_at = window.closes_at if window is not None and window.closes_at > now else None
    return window_set(
        plan=plan,
        phase=phase,
        by=by,
        opens_at=now,
        closes_at=closes_at or now + dt.timedelta(days=OPEN_NOW_DAYS),
        **rules,
    )


@transaction.atomic
def window_close_now(*, plan: Plan, phase: str, by: User, now: dt.datetime | None = None) -> Window:
    """Close the plan's ``phase`` window at once (the "close now" button); its rules are kept."""
    now = now or timezone.now()
    window = Window.objects.filter(plan=plan, phase=phase).first()
    if window is None or not window.opens_at <= now < window.closes_at:
        raise ParticipationError(_("The window is not open."))
    rules = {key: getattr(window, key) for key in _WINDOW_RULES}
    return window_set(plan=plan, phase=phase, by=by, opens_at=window.opens_at, closes_at=now, **rules)


@transaction.atomic
def sensitive_word_add(*, word: str, by: User, plan: Plan | None = None) -> SensitiveWord:
    """Add a word or phrase that holds comments for review (for one plan, or all when ``plan`` is None)."""
    require(by, "participation.change_sensitiveword", plan)
    word = _text(word, field="word", limit=50, empty_message=_("Give the word or phrase."))
    exists = SensitiveWord.objects.filter(word=word, plan=plan)
    if exists.exists():
        raise ParticipationError({"word": [_("“%(word)s” is already on the list.") % {"word": word}]})
    entry = SensitiveWord(word=word, plan=plan)
    _clean(entry)
    entry.save()
    audit_record(
        actor=by,
        verb=AuditVerb.SENSITIVE_WORD_ADD,
        obj=entry,
        details={"word": word, "plan": plan and plan.pk},
    )
    return entry


@transaction.atomic
def sensitive_word_remove(*, sensitive_word: SensitiveWord, by: User) -> None:
    require(by, "participation.change_sensitiveword", sensitive_word.plan)
    audit_record(
        actor=by,
        verb=AuditVerb.SENSITIVE_WORD_REMOVE,
        obj=sensitive_word,
        details={"word": sensitive_word.word, "plan": sensitive_word.plan_id},
    )
    sensitive_word.delete()
