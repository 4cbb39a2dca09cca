"""Suggestions (征集): a resident submits a project while the plan collects them (window, rate limits,
plain text, sensitive words held for review); the office screens each once — accept, merge into another,
or decline with a reason (steps and states from ``participation.workflows.SCREENING_FLOW``) — and links an
accepted one to the item of the draft it became. The author is told of each outcome."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import User
from minsheng.accounts.services import audit_record
from minsheng.common.services import item_label, link, require
from minsheng.notifications.models import NotificationKind
from minsheng.notifications.services import notify
from minsheng.participation.models import (
    MAX_NOTE_LENGTH,
    MAX_PLACE_LENGTH,
    MAX_TITLE_LENGTH,
    ModerationActionKind,
    Phase,
    Suggestion,
    SuggestionStatus,
)
from minsheng.participation.services._core import (
    MAX_COST,
    ParticipationError,
    _clean,
    _current_item,
    _history,
    _lock,
    _open_window,
    _rate_check,
    _sensitive_words,
    _text,
)
from minsheng.participation.services.notifications import _item_link, _just
from minsheng.participation.text import TextProblem, clean_user_text, sensitive_matches
from minsheng.participation.workflows import SCREENING_FLOW
from minsheng.plans.models import Action, Item, Plan

# --- suggestions (征集) ----------------------------------------------------------------------------------


def _cost(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ParticipationError({"cost": [_("Give the cost as a number of yuan.")]})
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ParticipationError({"cost": [_("Give the cost as a number of yuan.")]}) from None
    if not number.is_finite():
        raise ParticipationError({"cost": [_("Give the cost as a number of yuan.")]})
    if number < 0:
        raise ParticipationError({"cost": [_("The cost cannot be negative.")]})
    if number >= MAX_COST:
        raise ParticipationError({"cost": [_("The cost is too large.")]})
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def suggestion_submit(
    *,
    plan: Plan,
    by: User,
    title: str,
    content: str,
    reason: str,
    ip: str | None,
    place: str = "",
    cost: Any = None,
    action: Action | None = None,
) -> Suggestion:
    """Suggest a project while the plan collects suggestions: name, what should be done, why, and optionally
    the place, a rough cost in yuan and the action it fits."""
    require(by, "participation.add_suggestion", plan, message=_("Your account cannot make suggestions."))
    window = _open_window(plan=plan, phase=Phase.SOLICITATION)
    limit = window.max_length
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for field, value, field_limit, required, empty in (
        ("title", title, MAX_TITLE_LENGTH, True, _("Give the project a name.")),
        ("content", content, limit, True, _("Say what should be done.")),
        ("reason", reason, limit, True, _("Say why it is needed.")),
        ("place", place, MAX_PLACE_LENGTH, False, None),
    ):
        try:
            values[field] = clean_user_text(value, limit=field_limit, required=required, empty_message=empty)
        except TextProblem as exc:
            errors[field] = [str(exc)]
    try:
        values["cost"] = _cost(cost)
    except ParticipationError as exc:
        errors.update(exc.message_dict)
    if action is not None and (action.plan_id != plan.pk or action.removed_in_id is not None):
        errors["action"] = [_("Choose one of this plan's actions.")]
    if errors:
        raise ParticipationError(errors)
    _rate_check(rows=Suggestion.objects.filter(plan=plan), window=window, by=by, ip=ip)
    words = sensitive_matches(
        " ".join([values["title"], values["content"], values["reason"], values["place"]]),
        _sensitive_words(plan),
    )
    suggestion = Suggestion(plan=plan, author=by, ip=ip, action=action, matched_words=words, **values)
    _clean(suggestion)
    suggestion.save()
    audit_record(
        actor=by,
        verb=AuditVerb.SUGGESTION_SUBMIT,
        obj=suggestion,
        details={"plan": plan.pk, "sensitive_words": words},
    )
    return suggestion


def _screenable(suggestion: Suggestion, by: User, step: str) -> Suggestion:
    require(by, SCREENING_FLOW[step].perm, suggestion)
    current = _lock(Suggestion, suggestion)
    if not SCREENING_FLOW[step].state_allows(by, current):
        raise ParticipationError(
            _("This suggestion was already screened (%(status)s).") % {"status": current.get_status_display()}
        )
    return current


_SCREENING_VERB = {
    ModerationActionKind.ACCEPTED: AuditVerb.SUGGESTION_ACCEPTED,
    ModerationActionKind.MERGED: AuditVerb.SUGGESTION_MERGED,
    ModerationActionKind.DECLINED: AuditVerb.SUGGESTION_DECLINED,
}


def _screened(
    suggestion: Suggestion, *, by: User, status: str, kind: str, note: str, message: Callable[[], str]
) -> Suggestion:
    suggestion.status = status
    suggestion.outcome_reason = note
    suggestion.screened_at = timezone.now()
    suggestion.screened_by = by
    _clean(suggestion)
    suggestion.save()
    _history(
        suggestion=suggestion,
        kind=kind,
        from_status=SuggestionStatus.SUBMITTED,
        to_status=status,
        by=by,
        note=note,
    )
    audit_record(
        actor=by,
        verb=_SCREENING_VERB[ModerationActionKind(kind)],
        obj=suggestion,
        details={"merged_into": suggestion.merged_into_id, "withheld": suggestion.withheld},
    )
    notify(
        _just(suggestion.author_id),
        kind=NotificationKind.SUGGESTION_SCREENED,
        message=message,
        url=link("participation:suggestion", suggestion.pk),
    )
    return suggestion


@transaction.atomic
def suggestion_accept(*, suggestion: Suggestion, by: User, note: str = "") -> Suggestion:
    """Accept a suggestion as a candidate item of the draft (linked to the item once the draft is imported)."""
    current = _screenable(suggestion, by, "accept")
    note = _text(note, field="note", limit=MAX_NOTE_LENGTH, required=False)
    title = current.title
    return _screened(
        current,
        by=by,
        status=SuggestionStatus.ACCEPTED,
        kind=ModerationActionKind.ACCEPTED,
        note=note,
        message=lambda: (
            _("Your suggestion “%(title)s” was accepted as a candidate item of the draft.") % {"title": title}
        ),
    )


@transaction.atomic
def suggestion_merge(*, suggestion: Suggestion, into: Suggestion, by: User, note: str = "") -> Suggestion:
    """Merge a duplicate into a similar suggestion of the same plan; suggestions merged into this one move
    along to ``into``. The merged count shows on ``into``."""
    current = _screenable(suggestion, by, "merge")
    target = Suggestion.objects.select_for_update().filter(pk=into.pk).first()
    if target is None or target.pk == current.pk:
        raise ParticipationError({"merged_into": [_("Choose another suggestion to merge into.")]})
    if target.plan_id != current.plan_id:
        raise ParticipationError({"merged_into": [_("That suggestion was made for another plan.")]})
    if target.status == SuggestionStatus.MERGED:
        raise ParticipationError(
            {"merged_into": [_("That suggestion was itself merged; merge into the one it was merged into.")]}
        )
    note = _text(note, field="note", limit=MAX_NOTE_LENGTH, required=False)
    moved = list(Suggestion.objects.filter(merged_into=current).values_list("pk", flat=True))
    Suggestion.objects.filter(pk__in=moved).update(merged_into=target)
    current.merged_into = target
    title, target_title = current.title, target.title
    result = _screened(
        current,
        by=by,
        status=SuggestionStatus.MERGED,
        kind=ModerationActionKind.MERGED,
        note=note,
        message=lambda: (
            _("Your suggestion “%(title)s” was merged into a similar one: “%(other)s”.")
            % {"title": title, "other": target_title}
        ),
    )
    if moved:
        audit_record(actor=by, verb=AuditVerb.SUGGESTION_MERGE_MOVED, obj=target, details={"moved": moved})
    return result


@transaction.atomic
def suggestion_decline(
    *, suggestion: Suggestion, by: User, reason: str, withhold: bool = False
) -> Suggestion:
    """Decline a suggestion with a reason the submitter and the public see. ``withhold`` keeps an abusive
    suggestion (or one giving personal details) off the public list; its author still sees the outcome."""
    current = _screenable(suggestion, by, "decline")
    reason = _text(
        reason, field="reason", limit=MAX_NOTE_LENGTH, empty_message=_("Give the reason it is declined.")
    )
    current.withheld = bool(withhold)
    title = current.title
    return _screened(
        current,
        by=by,
        status=SuggestionStatus.DECLINED,
        kind=ModerationActionKind.DECLINED,
        note=reason,
        message=lambda: (
            _("Your suggestion “%(title)s” was declined: %(reason)s") % {"title": title, "reason": reason}
        ),
    )


@transaction.atomic
def suggestion_item_link(*, suggestion: Suggestion, item: Item | None, by: User) -> Suggestion:
    """Record which item of the imported draft an accepted suggestion became (None to undo)."""
    require(by, SCREENING_FLOW["link"].perm, suggestion)
    current = _lock(Suggestion, suggestion)
    if not SCREENING_FLOW["link"].state_allows(by, current):
        raise ParticipationError(_("Only an accepted suggestion becomes an item."))
    if item is not None:
        item = _current_item(item)
        if item.plan_id != current.plan_id:
            raise ParticipationError({"item": [_("That item belongs to another plan.")]})
    before = current.item_id
    current.item = item
    _clean(current)
    current.save(update_fields=["item"])
    _history(
        suggestion=current,
        kind=ModerationActionKind.LINKED,
        from_status=current.status,
        to_status=current.status,
        by=by,
        note=item_label(item) if item else "",
    )
    audit_record(
        actor=by,
        verb=AuditVerb.SUGGESTION_ITEM_LINK,
        obj=current,
        details={"from": before, "to": item and item.pk},
    )
    if item is not None and before != item.pk:
        title = current.title
        notify(
            _just(current.author_id),
            kind=NotificationKind.SUGGESTION_LINKED,
            message=lambda: (
                _("Your suggestion “%(title)s” is in the draft as %(item)s.")
                % {"title": title, "item": item_label(item)}
            ),
            url=_item_link(item.pk),
            item_id=item.pk,
        )
    return current
