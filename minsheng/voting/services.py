"""Writes for the vote and the rating (docs/voting.md). Every function runs in one transaction, checks
permission through rules, validates, and records an audit event.

Errors, for the views to show:

- ``VotingError`` (a ValidationError subclass): bad input, a round that is not open, a second ballot, a
  wrong number of choices. Its ``messages`` are for the user; nothing was stored.
- ``PermissionDenied``: the user may not do this.

Secrecy of the ballot (see minsheng/voting/models.py): :func:`ballot_cast` stores a receipt (who, which
day) and a sealed ballot (what, under a random key, no voter, no time); nothing is counted while the vote is
open. :func:`vote_close` opens the ballots, counts them, and stores them back sealed in a random order, or,
below ``VOTING_MIN_VOTERS`` ballots, withholds the result and destroys them. The audit event of a ballot
names the deputy and nothing of the choice. Nothing here logs a choice.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import User
from minsheng.accounts.selectors import office_users
from minsheng.accounts.services import audit_record
from minsheng.common import services as common
from minsheng.common.services import require, when
from minsheng.notifications.models import NotificationKind
from minsheng.notifications.services import notify
from minsheng.participation.text import TextProblem, clean_user_text
from minsheng.plans.models import Item, Plan
from minsheng.plans.services import PlanImportError, plan_items_adopt
from minsheng.voting.models import (
    MAX_NOTE_LENGTH,
    MAX_RATING_COMMENT_LENGTH,
    Ballot,
    BallotReceipt,
    Candidate,
    Elector,
    Grade,
    RaterGroup,
    Rating,
    RatingFlag,
    RatingRound,
    RatingTally,
    RoundStatus,
    VoteRound,
    VoteRule,
)
from minsheng.voting.sealing import SealBroken, seal, unseal
from minsheng.voting.selectors import (
    below_threshold,
    eligible_deputies,
    percent_text,
    rater_counts,
    rating_counts,
    satisfaction_floor,
)
from minsheng.voting.workflows import RATING_FLOW, VOTE_FLOW

# Times a round may be set to (a datetime-local input accepts the year 1).
FIRST_YEAR, LAST_YEAR = 2000, 2100


if TYPE_CHECKING:
    from minsheng.delivery.models import SupervisionNotice


class VotingError(ValidationError):
    """Bad input or a step not allowed now; the message is for the user; nothing was stored."""


# --- helpers ---------------------------------------------------------------------------------------------


_clean = partial(common.clean, error=VotingError)


def _window(opens_at: Any, closes_at: Any) -> tuple[dt.datetime, dt.datetime]:
    errors: dict[str, list[str]] = {}
    for field, value in (("opens_at", opens_at), ("closes_at", closes_at)):
        if not isinstance(value, dt.datetime):
            errors[field] = [_("Give a date and time.")]
    if errors:
        raise VotingError(errors)
    for field, value in (("opens_at", opens_at), ("closes_at", closes_at)):
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            errors[field] = [
                _("Give a date between the years %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            ]
    if errors:
        raise VotingError(errors)
    if timezone.is_naive(opens_at):
        opens_at = timezone.make_aware(opens_at)
    if timezone.is_naive(closes_at):
        closes_at = timezone.make_aware(closes_at)
    if closes_at <= opens_at:
        raise VotingError({"closes_at": [_("The closing time must be after the opening time.")]})
    return opens_at, closes_at


def _in_window(round_: VoteRound | RatingRound, now: dt.datetime) -> None:
    """Refuse unless the round is open and ``now`` lies inside its window."""
    vote = isinstance(round_, VoteRound)
    moment = {"when": when(round_.opens_at if now < round_.opens_at else round_.closes_at)}
    if round_.status == RoundStatus.PREPARED:
        raise VotingError(_("The vote is not open yet.") if vote else _("The rating is not open yet."))
    if round_.status == RoundStatus.CLOSED:
        raise VotingError(_("The vote is closed.") if vote else _("The rating is closed."))
    if now < round_.opens_at:
        raise VotingError(
            (_("The vote opens at %(when)s.") if vote else _("The rating opens at %(when)s.")) % moment
        )
    if now >= round_.closes_at:
        raise VotingError(
            (_("The vote closed at %(when)s.") if vote else _("The rating closed at %(when)s.")) % moment
        )


def _current_items(plan: Plan) -> list[Item]:
    return list(Item.objects.filter(plan=plan, removed_in=None).order_by("no", "id"))


def plan_stage_guard(plan: Plan, status: str) -> str:
    """Registered with plans (plan_status_set and the admin). A plan stays at Voting while its vote is open or
    a tie waits for the office's decision; a closed vote that adopted nothing does not make the plan adopted
    (move it back to a draft instead); a plan the vote adopted does not go back to Voting; a plan stays
    adopted while its rating is open (its items are being rated)."""
    vote = VoteRound.objects.filter(plan_id=plan.pk).first()
    if vote is not None:
        if status != Plan.Status.VOTING and (vote.status == RoundStatus.OPEN or vote.tied):
            return _("The deputies' vote on this plan is open or tied; finish it before moving the plan on.")
        if vote.adopted_version_id and status == Plan.Status.VOTING:
            return _("The deputies' vote has adopted this plan; it cannot go back to voting.")
        if (
            vote.status == RoundStatus.CLOSED
            and not vote.adopted_version_id
            and status == Plan.Status.ADOPTED
        ):
            return _("The deputies' vote chose no item; the plan cannot be adopted without one.")
    rating = RatingRound.objects.filter(plan_id=plan.pk, status=RoundStatus.OPEN).exists()
    if rating and status not in (Plan.Status.ADOPTED, Plan.Status.CLOSED):
        return _("The year-end rating of this plan is open; close it before moving the plan back.")
    return ""


# --- the vote ---------------------------------------------------------------------------------------------


@transaction.atomic
def vote_set(
    *,
    plan: Plan,
    by: User,
    rule: str,
    choose: Any,
    opens_at: Any,
    closes_at: Any,
    majority_required: bool = False,
) -> VoteRound:
    """Set up (or change, before it opens) the vote on a plan in status voting."""
    require(by, "voting.manage_vote", plan)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Plan.Status.VOTING:
        raise VotingError(_("Move the plan to the voting stage first."))
    round_ = VoteRound.objects.select_for_update().filter(plan=plan).first()
    if round_ is not None and round_.status != RoundStatus.PREPARED:
        raise VotingError(_("The vote has opened; its rules can no longer change."))
    if rule not in VoteRule.values:
        raise VotingError({"rule": [_("Choose exactly or at most.")]})
    try:
        choose = int(choose)
    except (TypeError, ValueError):
        raise VotingError({"choose": [_("Give a whole number.")]}) from None
    candidates = len(_current_items(plan))
    if choose < 1 or choose > candidates:
        raise VotingError(
            {
                "choose": [
                    _("Give a number from 1 to %(count)d (the number of candidates).") % {"count": candidates}
                ]
            }
        )
    opens_at, closes_at = _window(opens_at, closes_at)
    created = round_ is None
    round_ = round_ or VoteRound(plan=plan)
    round_.rule, round_.choose, round_.majority_required = rule, choose, bool(majority_required)
    round_.opens_at, round_.closes_at = opens_at, closes_at
    _clean(round_)
    round_.save()
    audit_record(
        actor=by,
        verb=AuditVerb.VOTE_CREATE if created else AuditVerb.VOTE_CHANGE,
        obj=round_,
        details={
            "plan": plan.pk,
            "rule": rule,
            "choose": choose,
            "majority_required": round_.majority_required,
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
        },
    )
    return round_


@transaction.atomic
def vote_open(*, round: VoteRound, by: User) -> VoteRound:
    """Open the vote: the plan's current items become the candidates on the ballot, in their order."""
    require(by, "voting.manage_vote", round.plan)
    # Locks in one order everywhere: the plan, then its round.
    list(Plan.objects.select_for_update().filter(pk=round.plan_id).values_list("pk", flat=True))
    round_ = VoteRound.objects.select_for_update(of=("self",)).select_related("plan").get(pk=round.pk)
    if not VOTE_FLOW["open"].state_allows(by, round_):
        raise VotingError(_("The vote is already open or closed."))
    if round_.plan.status != Plan.Status.VOTING:
        raise VotingError(_("Move the plan to the voting stage first."))
    items = _current_items(round_.plan)
    if round_.choose > len(items):
        raise VotingError(
            _(
                "The ballot has %(count)d candidates, fewer than the %(choose)d to choose; change the vote first."
            )
            % {"count": len(items), "choose": round_.choose}
        )
    if timezone.now() >= round_.closes_at:
        raise VotingError(_("The closing time has passed; change the vote's times first."))
    Candidate.objects.bulk_create(
        [Candidate(round=round_, item=item, position=index) for index, item in enumerate(items, start=1)]
    )
    # The roll: the deputies active now. Only they vote; turnout is counted against them.
    deputies = list(eligible_deputies())
    Elector.objects.bulk_create([Elector(round=round_, deputy=deputy) for deputy in deputies])
    round_.status = RoundStatus.OPEN
    round_.opened_at = timezone.now()
    round_.eligible = len(deputies)
    round_.save(update_fields=["status", "opened_at", "eligible"])
    audit_record(
        actor=by,
        verb=AuditVerb.VOTE_OPEN,
        obj=round_,
        details={"candidates": len(items), "eligible": len(deputies)},
    )
    plan, rule, choose, closes = round_.plan, round_.rule, round_.choose, round_.closes_at

    def message() -> str:
        values = {"plan": plan.title, "n": choose, "count": len(items), "closes": when(closes)}
        if rule == VoteRule.EXACTLY:
            return (
                _("The vote on %(plan)s is open until %(closes)s: choose exactly %(n)d of %(count)d items.")
                % values
            )
        return (
            _("The vote on %(plan)s is open until %(closes)s: choose at most %(n)d of %(count)d items.")
            % values
        )

    notify(
        lambda: deputies,
        kind=NotificationKind.VOTE_OPENED,
        message=message,
        url=reverse("voting:vote", args=[plan.pk]),
    )
    return round_


def ballot_check(*, round: VoteRound, item_ids: Iterable[Any]) -> list[int]:
    """The candidate ids of a ballot's choices, or VotingError: unknown items, repeats, a wrong count."""
    try:
        if isinstance(item_ids, str | bytes):
            raise TypeError
        wanted = [int(value) for value in item_ids]
    except (TypeError, ValueError):
        raise VotingError({"items": [_("The ballot holds something that is not a candidate.")]}) from None
    if len(set(wanted)) != len(wanted):
        raise VotingError({"items": [_("An item is chosen twice.")]})
    candidates = dict(Candidate.objects.filter(round=round, item_id__in=wanted).values_list("item_id", "pk"))
    if len(candidates) != len(wanted):
        raise VotingError({"items": [_("The ballot holds something that is not a candidate.")]})
    count = len(wanted)
    if round.rule == VoteRule.EXACTLY and count != round.choose:
        raise VotingError(
            {
                "items": [
                    _("Choose exactly %(n)d items; you chose %(count)d.")
                    % {"n": round.choose, "count": count}
                ]
            }
        )
    if round.rule == VoteRule.AT_MOST and count > round.choose:
        raise VotingError(
            {
                "items": [
                    _("Choose at most %(n)d items; you chose %(count)d.")
                    % {"n": round.choose, "count": count}
                ]
            }
        )
    if count == 0:
        raise VotingError({"items": [_("Choose at least one item.")]})
    return [candidates[item_id] for item_id in wanted]


@sensitive_variables()  # every variable, in this frame and every frame below (the SQL's parameters too)
def ballot_cast(
    *, round: VoteRound, by: User, item_ids: Sequence[Any], now: dt.datetime | None = None
) -> BallotReceipt:
    """Cast ``by``'s one ballot choosing the items ``item_ids``. Returns the receipt (which holds no choice)."""
    require(by, "voting.cast_ballot", round)
    try:
        with transaction.atomic():
            # The lock orders ballots against the office closing the vote.
            round_ = VoteRound.objects.select_for_update().get(pk=round.pk)
            _in_window(round_, now or timezone.now())
            if not Elector.objects.filter(round=round_, deputy=by).exists():
                raise VotingError(
                    _("You are not on this vote's roll: it lists the deputies when the vote opened.")
                )
            if BallotReceipt.objects.filter(round=round_, voter=by).exists():
                raise VotingError(_("You have already voted. A ballot cannot be changed."))
            chosen = set(ballot_check(round=round_, item_ids=item_ids))
            receipt = BallotReceipt(round=round_, voter=by, cast_on=timezone.localdate())
            _clean(receipt, validate_constraints=False)
            receipt.save()
            # The choices, sealed, under a random key, with no voter and no time: see the module's note.
            ballot_order = Candidate.objects.filter(round=round_).order_by("position")
            flags = [pk in chosen for pk in ballot_order.values_list("pk", flat=True)]
            Ballot.objects.create(round=round_, sealed=seal(round_id=round_.pk, chosen=flags))
            VoteRound.objects.filter(pk=round_.pk).update(ballots=F("ballots") + 1)
            audit_record(actor=by, verb=AuditVerb.BALLOT_CAST, obj=round_, details={})
    except IntegrityError:  # a second ballot raced the first past the check: the unique receipt refuses it
        raise VotingError(_("You have already voted. A ballot cannot be changed.")) from None
    return receipt


def _result(round_: VoteRound, candidates: list[Candidate]) -> tuple[set[int], set[int], int]:
    """(chosen, tied, places left to the tie) from the counters: the most votes win ``choose`` places; with
    ``majority_required`` only candidates with votes from more than half of the eligible deputies qualify."""

    def qualifies(candidate: Candidate) -> bool:
        if candidate.votes <= 0:
            return False
        return not round_.majority_required or candidate.votes * 2 > (round_.eligible or 0)

    ranked = sorted((c for c in candidates if qualifies(c)), key=lambda c: -c.votes)
    if len(ranked) <= round_.choose:
        return {c.pk for c in ranked}, set(), 0
    last = ranked[round_.choose - 1].votes
    above = {c.pk for c in ranked if c.votes > last}
    at_last = {c.pk for c in ranked if c.votes == last}
    places = round_.choose - len(above)
    if len(at_last) <= places:
        return above | at_last, set(), 0
    return above, at_last, places


@transaction.atomic
def vote_close(*, round: VoteRound, by: User) -> VoteRound:
    """Close the vote and publish the tally. Without a tie the plan is adopted with the chosen items at once;
    a tie for the last places is reported and waits for the office's decision (:func:`vote_tie_decide`)."""
    require(by, "voting.manage_vote", round.plan)
    # Locks in one order everywhere: the plan, then its round.
    list(Plan.objects.select_for_update().filter(pk=round.plan_id).values_list("pk", flat=True))
    round_ = VoteRound.objects.select_for_update(of=("self",)).select_related("plan").get(pk=round.pk)
    if not VOTE_FLOW["close"].state_allows(by, round_):
        raise VotingError(_("Only an open vote can be closed."))
    round_.status = RoundStatus.CLOSED
    round_.closed_at = timezone.now()
    candidates = list(Candidate.objects.filter(round=round_).order_by("position"))
    if 0 < round_.ballots < settings.VOTING_MIN_VOTERS:  # no ballot at all reveals nothing: an empty tally
        return _close_withheld(round_, candidates, by)
    _count(round_, candidates)
    chosen, tied, places = _result(round_, candidates)
    for candidate in candidates:
        candidate.tied = candidate.pk in tied
        candidate.chosen = None if candidate.tied else candidate.pk in chosen
    Candidate.objects.bulk_update(candidates, ["votes", "chosen", "tied"])
    round_.tie_places = places
    round_.save(update_fields=["status", "closed_at", "tie_places"])
    audit_record(
        actor=by,
        verb=AuditVerb.VOTE_CLOSE,
        obj=round_,
        details={
            "ballots": round_.ballots,
            "eligible": round_.eligible,
            "chosen": sorted(c.item_id for c in candidates if c.chosen),
            "tied": sorted(c.item_id for c in candidates if c.tied),
            "places_left": places,
        },
    )
    if not tied:
        _adopt(round_, [c for c in candidates if c.chosen], by)
    return round_


def _count(round_: VoteRound, candidates: list[Candidate]) -> None:
    """Open the round's sealed ballots and add them to the counters (in memory; the caller saves them). The
    ballots go back sealed anew (fresh nonces, new random keys) in a random order, for a recount by whoever
    holds the key, with nothing left of the order in which they were cast."""
    ballots = list(Ballot.objects.filter(round=round_).values_list("sealed", flat=True))
    if len(ballots) != round_.ballots:
        raise VotingError(
            _("The vote counts %(count)d ballots but %(stored)d are stored; it cannot be closed.")
            % {"count": round_.ballots, "stored": len(ballots)}
        )
    opened = []
    for sealed in ballots:
        try:
            opened.append(unseal(round_id=round_.pk, sealed=sealed, candidates=len(candidates)))
        except SealBroken:
            raise VotingError(
                _(
                    "The ballots do not open with this server's ballot key (MINSHENG_BALLOT_KEY or the secret "
                    "key changed since the vote opened); restore the key, then close the vote."
                )
            ) from None
    for flags in opened:
        for candidate, flag in zip(candidates, flags, strict=True):
            candidate.votes += int(flag)
    random.SystemRandom().shuffle(opened)
    Ballot.objects.filter(round=round_).delete()
    Ballot.objects.bulk_create(
        [Ballot(round=round_, sealed=seal(round_id=round_.pk, chosen=flags)) for flags in opened]
    )


def _close_withheld(round_: VoteRound, candidates: list[Candidate], by: User) -> VoteRound:
    """Fewer ballots than VOTING_MIN_VOTERS: a tally would tell too much about each ballot (one ballot would
    be published whole). Nothing is counted; the ballots are destroyed; the plan stays at the voting stage."""
    Ballot.objects.filter(round=round_).delete()
    round_.withheld = True
    round_.save(update_fields=["status", "closed_at", "withheld"])
    audit_record(
        actor=by,
        verb=AuditVerb.VOTE_CLOSE,
        obj=round_,
        details={
            "ballots": round_.ballots,
            "eligible": round_.eligible,
            "withheld": True,
            "minimum": settings.VOTING_MIN_VOTERS,
        },
    )
    return round_


@transaction.atomic
def vote_tie_decide(*, round: VoteRound, by: User, item_ids: Sequence[Any], reason: str) -> VoteRound:
    """The office decides a tie for the last places, choosing exactly the places left among the tied items,
    with a reason that is published beside the tally; then the plan is adopted."""
    require(by, "voting.manage_vote", round.plan)
    # Locks in one order everywhere: the plan, then its round.
    list(Plan.objects.select_for_update().filter(pk=round.plan_id).values_list("pk", flat=True))
    round_ = VoteRound.objects.select_for_update(of=("self",)).select_related("plan").get(pk=round.pk)
    if round_.status != RoundStatus.CLOSED or not round_.tied:
        raise VotingError(_("There is no tie to decide."))
    if round_.plan.status != Plan.Status.VOTING:
        raise VotingError(_("The plan is no longer at the voting stage."))
    try:
        reason = clean_user_text(
            reason, limit=MAX_NOTE_LENGTH, empty_message=_("Say how the tie was decided.")
        )
    except TextProblem as exc:
        raise VotingError({"reason": [str(exc)]}) from None
    try:
        if isinstance(item_ids, str | bytes):
            raise TypeError
        listed = [int(value) for value in item_ids]
    except (TypeError, ValueError):
        raise VotingError({"items": [_("Choose among the tied items.")]}) from None
    wanted = set(listed)
    if len(wanted) != len(listed):
        raise VotingError({"items": [_("An item is chosen twice.")]})
    candidates = list(Candidate.objects.filter(round=round_))
    tied = {c.item_id: c for c in candidates if c.tied}
    if not wanted <= set(tied):
        raise VotingError({"items": [_("Choose among the tied items.")]})
    if len(wanted) != round_.tie_places:
        raise VotingError(
            {"items": [_("Choose exactly %(n)d of the tied items.") % {"n": round_.tie_places}]}
        )
    for candidate in tied.values():
        candidate.chosen = candidate.item_id in wanted
    Candidate.objects.bulk_update(list(tied.values()), ["chosen"])
    round_.tie_decision = reason
    round_.tie_decided_at = timezone.now()
    round_.save(update_fields=["tie_decision", "tie_decided_at"])
    audit_record(
        actor=by,
        verb=AuditVerb.VOTE_TIE_DECIDE,
        obj=round_,
        details={"chosen": sorted(wanted), "reason": reason},
    )
    _adopt(round_, [c for c in candidates if c.chosen], by)
    return round_


def _adopt(round_: VoteRound, chosen: list[Candidate], by: User) -> None:
    if not chosen:
        # Nothing reached the ballot's bar: the tally is published, and the plan stays in voting.
        return
    items = list(Item.objects.filter(pk__in=[c.item_id for c in chosen]))
    try:
        version = plan_items_adopt(plan=round_.plan, keep=items, by=by, source="vote")
    except PlanImportError as exc:
        raise VotingError(str(exc)) from exc
    round_.adopted_version = version
    round_.save(update_fields=["adopted_version"])


# --- the rating -------------------------------------------------------------------------------------------


@transaction.atomic
def rating_set(*, plan: Plan, by: User, opens_at: Any, closes_at: Any, threshold: Any) -> RatingRound:
    """Set up (or change, before it closes) the year-end rating of an adopted plan."""
    require(by, "voting.manage_rating", plan)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in (Plan.Status.ADOPTED, Plan.Status.CLOSED):
        raise VotingError(_("Only an adopted plan is rated."))
    round_ = RatingRound.objects.select_for_update().filter(plan=plan).first()
    if round_ is not None and round_.status == RoundStatus.CLOSED:
        raise VotingError(_("The rating is closed; its settings can no longer change."))
    try:
        threshold = Decimal(str(threshold).strip().rstrip("%"))
    except (ArithmeticError, ValueError, TypeError):
        raise VotingError({"threshold": [_("Give a percentage from 0 to 100.")]}) from None
    if not threshold.is_finite() or threshold < 0 or threshold > 100:
        raise VotingError({"threshold": [_("Give a percentage from 0 to 100.")]})
    opens_at, closes_at = _window(opens_at, closes_at)
    created = round_ is None
    round_ = round_ or RatingRound(plan=plan)
    round_.opens_at, round_.closes_at = opens_at, closes_at
    round_.threshold = threshold.quantize(Decimal("0.01"))
    _clean(round_)
    round_.save()
    audit_record(
        actor=by,
        verb=AuditVerb.RATING_CREATE if created else AuditVerb.RATING_CHANGE,
        obj=round_,
        details={
            "plan": plan.pk,
            "threshold": str(round_.threshold),
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
        },
    )
    return round_


@transaction.atomic
def rating_open(*, round: RatingRound, by: User) -> RatingRound:
    """Open the rating: deputies and residents may rate until it closes; the deputies are told."""
    require(by, "voting.manage_rating", round.plan)
    # Locks in one order everywhere: the plan, then its round.
    list(Plan.objects.select_for_update().filter(pk=round.plan_id).values_list("pk", flat=True))
    round_ = RatingRound.objects.select_for_update(of=("self",)).select_related("plan").get(pk=round.pk)
    if not RATING_FLOW["open"].state_allows(by, round_):
        raise VotingError(_("The rating is already open or closed."))
    if round_.plan.status not in (Plan.Status.ADOPTED, Plan.Status.CLOSED):
        raise VotingError(_("Only an adopted plan is rated."))
    if timezone.now() >= round_.closes_at:
        raise VotingError(_("The closing time has passed; change the rating's times first."))
    round_.status = RoundStatus.OPEN
    round_.opened_at = timezone.now()
    round_.save(update_fields=["status", "opened_at"])
    audit_record(actor=by, verb=AuditVerb.RATING_OPEN, obj=round_, details={})
    plan, closes = round_.plan, round_.closes_at
    notify(
        lambda: list(eligible_deputies()),
        kind=NotificationKind.RATING_OPENED,
        message=lambda: (
            _("The year-end rating of %(plan)s is open until %(closes)s: rate each item.")
            % {"plan": plan.title, "closes": when(closes)}
        ),
        url=reverse("voting:rating", args=[plan.pk]),
    )
    return round_


def _group(user: User) -> str:
    return RaterGroup.DEPUTY if user.role == User.Role.DEPUTY else RaterGroup.PUBLIC


def item_rate(
    *,
    round: RatingRound,
    item: Item,
    by: User,
    grade: str,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Rating:
    """Rate an item (or change one's rating of it) while the rating is open."""
    require(by, "voting.rate_item", round)
    if grade not in Grade.values:
        raise VotingError({"grade": [_("Choose satisfied, basically satisfied or dissatisfied.")]})
    try:
        comment = clean_user_text(comment, limit=MAX_RATING_COMMENT_LENGTH, required=False)
    except TextProblem as exc:
        raise VotingError({"comment": [str(exc)]}) from None
    try:
        with transaction.atomic():
            round_ = RatingRound.objects.select_for_update().get(pk=round.pk)
            _in_window(round_, now or timezone.now())
            if (
                item.plan_id != round_.plan_id
                or not Item.objects.filter(pk=item.pk, removed_in=None).exists()
            ):
                raise VotingError(_("This item is not rated in this round."))
            rating = Rating.objects.filter(round=round_, item=item, rater=by).first()
            created = rating is None
            if rating is None:
                rating = Rating(round=round_, item=item, rater=by, group=_group(by))
            elif rating.grade == grade and rating.comment == comment:
                return rating
            old = None if created else rating.grade
            rating.grade, rating.comment = grade, comment
            _clean(rating, validate_constraints=False)
            rating.save()
            audit_record(
                actor=by,
                verb=AuditVerb.ITEM_RATE,
                obj=round_,
                # Ratings are not secret, but the office reads grades and comments without names: the
                # trail records who rated which item, not how.
                details={"item": item.pk, "changed": old is not None},
            )
    except IntegrityError:  # the same person's two tabs raced: the first one stands
        raise VotingError(_("Your rating was saved from another window; reload the page.")) from None
    return rating


@transaction.atomic
def rating_close(*, round: RatingRound, by: User) -> RatingRound:
    """Close the rating: results are published and items under the threshold, for deputies or for the
    public, are flagged to the office (and told to it in its notifications)."""
    require(by, "voting.manage_rating", round.plan)
    # Locks in one order everywhere: the plan, then its round.
    list(Plan.objects.select_for_update().filter(pk=round.plan_id).values_list("pk", flat=True))
    round_ = RatingRound.objects.select_for_update(of=("self",)).select_related("plan").get(pk=round.pk)
    if not RATING_FLOW["close"].state_allows(by, round_):
        raise VotingError(_("Only an open rating can be closed."))
    # The published figures are fixed now: counts per item and group, and how many people rated.
    counts = rating_counts(round_)
    raters = rater_counts(round_)
    round_.status = RoundStatus.CLOSED
    round_.closed_at = timezone.now()
    round_.deputy_raters, round_.public_raters = raters[RaterGroup.DEPUTY], raters[RaterGroup.PUBLIC]
    round_.save(update_fields=["status", "closed_at", "deputy_raters", "public_raters"])
    tallies, flags = [], []
    for item in _current_items(round_.plan):
        below = {}
        rates = {}
        for group in RaterGroup.values:
            group_counts = counts.get(item.pk, {}).get(group, {})
            tallies.append(
                RatingTally(
                    round=round_,
                    item=item,
                    group=group,
                    satisfied=group_counts.get(Grade.SATISFIED, 0),
                    basic=group_counts.get(Grade.BASIC, 0),
                    dissatisfied=group_counts.get(Grade.DISSATISFIED, 0),
                )
            )
            # A group too small to publish (withheld, see rating_results) flags nothing either.
            shown = not 0 < raters[group] < settings.VOTING_MIN_VOTERS
            below[group] = shown and below_threshold(group_counts, round_.threshold)
            rates[group] = satisfaction_floor(group_counts) if shown else None
        if any(below.values()):
            flags.append(
                RatingFlag(
                    round=round_,
                    item=item,
                    deputy_rate=rates[RaterGroup.DEPUTY],
                    public_rate=rates[RaterGroup.PUBLIC],
                    deputies_below=below[RaterGroup.DEPUTY],
                    public_below=below[RaterGroup.PUBLIC],
                    threshold=round_.threshold,
                )
            )
    RatingTally.objects.bulk_create(tallies)
    RatingFlag.objects.bulk_create(flags)
    audit_record(
        actor=by,
        verb=AuditVerb.RATING_CLOSE,
        obj=round_,
        details={
            "ratings": sum(sum(g.values()) for i in counts.values() for g in i.values()),
            "raters": raters,
            "flagged": [f.item_id for f in flags],
        },
    )
    if flags:
        plan = round_.plan
        notify(
            office_users,
            kind=NotificationKind.RATING_FLAGGED,
            message=lambda: (
                _("%(count)d items of %(plan)s were rated below %(threshold)s%% satisfaction.")
                % {"count": len(flags), "plan": plan.title, "threshold": percent_text(round_.threshold)}
            ),
            url=reverse("voting:rating_results", args=[plan.pk]),
        )
    return round_


def notice_from_flag(
    *, flag: RatingFlag, by: User, reason: str, demand: str, reply_deadline: dt.date
) -> SupervisionNotice:
    """Issue a supervision notice on a flagged item (delivery.services.notice_issue) and link it to the flag."""
    from minsheng.delivery.services import notice_issue

    require(by, "voting.notice_from_flag", flag)
    with transaction.atomic():
        flag = RatingFlag.objects.select_for_update().get(pk=flag.pk)
        if flag.notice_id is not None:
            raise VotingError(_("A supervision notice was already issued from this flag."))
        notice = notice_issue(
            item=flag.item, by=by, reason=reason, demand=demand, reply_deadline=reply_deadline
        )
        flag.notice = notice
        flag.save(update_fields=["notice"])
        audit_record(
            actor=by,
            verb=AuditVerb.RATING_FLAG_NOTICE,
            obj=flag,
            details={"notice": notice.pk, "item": flag.item_id},
        )
    return notice
