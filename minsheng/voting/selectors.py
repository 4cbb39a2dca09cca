"""Reads for the vote and rating pages (docs/voting.md). Each page's reads take a fixed number of queries,
however many items, ballots and ratings there are.

Nothing here can tell what a deputy chose: the stored data does not hold it (see models.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from minsheng.accounts.models import User
from minsheng.plans.models import Item, Plan
from minsheng.voting.models import (
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
)

ONE_PLACE = Decimal("0.1")  # percentages are published to one place, rounded half up


def plan_get(*, plan_id: int) -> Plan | None:
    return Plan.objects.select_related("region").filter(pk=plan_id).first()


def vote_round_get(*, plan: Plan) -> VoteRound | None:
    return VoteRound.objects.filter(plan=plan).first()


def rating_round_get(*, plan: Plan) -> RatingRound | None:
    return RatingRound.objects.filter(plan=plan).first()


def plan_rounds_get(*, plan: Plan) -> tuple[VoteRound | None, RatingRound | None]:
    """The plan's vote and rating (None where not set up), in one query."""
    found = Plan.objects.select_related("vote_round", "rating_round").get(pk=plan.pk)
    return getattr(found, "vote_round", None), getattr(found, "rating_round", None)


def open_work_for(*, user: User, now: dt.datetime) -> tuple[str, int] | None:
    """Where a deputy (or a member of the public) is awaited now: ``("vote", plan_id)`` for an open vote on
    whose roll they are and where they have not voted yet, else ``("rating", plan_id)`` for an open rating
    they may take part in; None where nothing is open (at most two queries)."""
    if not user.is_authenticated:
        return None
    if user.role == User.Role.DEPUTY:
        vote = (
            VoteRound.objects.filter(
                status=RoundStatus.OPEN, opens_at__lte=now, closes_at__gt=now, electors__deputy=user
            )
            .exclude(receipts__voter=user)
            .order_by("closes_at")
            .values_list("plan_id", flat=True)
            .first()
        )
        if vote is not None:
            return ("vote", vote)
    if user.has_perm("voting.rate_item", None):
        rating = (
            RatingRound.objects.filter(status=RoundStatus.OPEN, opens_at__lte=now, closes_at__gt=now)
            .order_by("closes_at")
            .values_list("plan_id", flat=True)
            .first()
        )
        if rating is not None:
            return ("rating", rating)
    return None


def eligible_deputies() -> QuerySet[User]:
    """The deputies who may be put on a vote's roll: every active deputy account."""
    return User.objects.filter(is_active=True, role=User.Role.DEPUTY).order_by("username")


def round_accepts(round_: VoteRound | RatingRound | None, now: dt.datetime) -> bool:
    """Whether the round takes ballots or ratings at ``now`` (open, and inside its window)."""
    return bool(
        round_ is not None and round_.status == RoundStatus.OPEN and round_.opens_at <= now < round_.closes_at
    )


def item_of_plan(*, plan: Plan, item_id: int) -> Item | None:
    return Item.objects.filter(pk=item_id, plan=plan).first()


def flag_get(*, flag_id: int) -> RatingFlag | None:
    return RatingFlag.objects.select_related("round__plan", "item", "notice").filter(pk=flag_id).first()


# --- the vote ---------------------------------------------------------------------------------------------


@dataclass
class BallotRow:
    item: Item
    votes: int = 0
    chosen: bool | None = None
    tied: bool = False
    share: Decimal | None = None  # percent of ballots cast


@dataclass
class VoteView:
    plan: Plan
    round: VoteRound | None
    rows: list[BallotRow]
    receipt: BallotReceipt | None = None  # the viewer's own, when they voted
    on_roll: bool = False  # the viewer is a deputy on the vote's roll
    published: bool = False  # the tally is public once the vote is closed (unless withheld)
    withheld: bool = False  # closed with fewer ballots than the minimum: no tally at all
    turnout: Decimal | None = None  # percent of eligible deputies
    eligible: int | None = None

    @property
    def chosen(self) -> list[BallotRow]:
        return [row for row in self.rows if row.chosen]

    @property
    def tied(self) -> list[BallotRow]:
        return [row for row in self.rows if row.tied]


def vote_view(*, plan: Plan, user: Any) -> VoteView:
    """The ballot (candidates in ballot order), the viewer's receipt, and the tally once published."""
    round_ = vote_round_get(plan=plan)
    if round_ is None or round_.status == RoundStatus.PREPARED:
        items = Item.objects.filter(plan=plan, removed_in=None).order_by("no", "id")
        return VoteView(plan=plan, round=round_, rows=[BallotRow(item=item) for item in items])
    candidates = list(Candidate.objects.filter(round=round_).select_related("item").order_by("position"))
    withheld = round_.status == RoundStatus.CLOSED and round_.withheld
    published = round_.status == RoundStatus.CLOSED and not withheld
    rows = []
    for candidate in candidates:
        row = BallotRow(item=candidate.item)
        if published:
            row.votes, row.chosen, row.tied = candidate.votes, candidate.chosen, candidate.tied
            if round_.ballots:
                row.share = _percent(candidate.votes, round_.ballots)
        rows.append(row)
    receipt, on_roll = None, False
    if getattr(user, "is_authenticated", False):
        receipt = BallotReceipt.objects.filter(round=round_, voter=user).first()
        on_roll = Elector.objects.filter(round=round_, deputy=user).exists()
    view = VoteView(
        plan=plan,
        round=round_,
        rows=rows,
        receipt=receipt,
        published=published,
        withheld=withheld,
        on_roll=on_roll,
    )
    if published or withheld:
        view.eligible = round_.eligible
        view.turnout = _percent(round_.ballots, round_.eligible or 0)
    return view


def vote_withheld_message(round_: VoteRound) -> str:
    """What the results page and the CSV say of a vote closed with too few ballots."""
    return _(
        "The result is withheld: %(ballots)d deputies voted, fewer than the %(minimum)d needed to publish a "
        "tally that does not reveal how each of them voted. Nothing was counted and the ballots were "
        "destroyed; the plan stays at the voting stage."
    ) % {"ballots": round_.ballots, "minimum": min_voters()}


def rating_withheld_message() -> str:
    """What the rating's results say of a group of raters too small to publish."""
    return _(
        "The results of a group in which fewer than %(minimum)d people rated are withheld, so that no one's "
        "ratings can be read off the counts."
    ) % {"minimum": min_voters()}


def vote_tally_sorted(view: VoteView) -> list[BallotRow]:
    """The published rows, most votes first (ballot order among equals)."""
    return sorted(view.rows, key=lambda row: -row.votes)


def vote_progress(*, round: VoteRound) -> dict[str, Any]:
    """For the office while the vote is open: how many of the roll have voted, and who has not (never what
    anyone chose)."""
    voted = set(BallotReceipt.objects.filter(round=round).values_list("voter_id", flat=True))
    roll = [
        elector.deputy
        for elector in Elector.objects.filter(round=round)
        .select_related("deputy")
        .order_by("deputy__username")
    ]
    return {
        "ballots": len(voted),
        "eligible": len(roll),
        "not_voted": [deputy for deputy in roll if deputy.pk not in voted],
    }


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


# --- the rating -------------------------------------------------------------------------------------------


@dataclass
class GroupResult:
    group: str
    counts: dict[str, int]
    rate: Decimal | None
    # Fewer people of the group rated than VOTING_MIN_VOTERS: counts and rate are not published.
    withheld: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class ItemResult:
    item: Item
    groups: list[GroupResult]
    flag: RatingFlag | None = None
    below: list[str] = field(default_factory=list)  # groups under the threshold


@dataclass
class RatingView:
    plan: Plan
    round: RatingRound | None
    items: list[Item]
    mine: dict[int, Rating] = field(default_factory=dict)  # the viewer's ratings by item id

    @property
    def open(self) -> bool:
        return self.round is not None and self.round.status == RoundStatus.OPEN


def rating_view(*, plan: Plan, user: Any) -> RatingView:
    round_ = rating_round_get(plan=plan)
    items = list(
        Item.objects.filter(plan=plan, removed_in=None).select_related("action").order_by("no", "id")
    )
    mine: dict[int, Rating] = {}
    if round_ is not None and getattr(user, "is_authenticated", False):
        mine = {rating.item_id: rating for rating in Rating.objects.filter(round=round_, rater=user)}
    return RatingView(plan=plan, round=round_, items=items, mine=mine)


def rating_mine(*, round: RatingRound, item: Item, user: Any) -> Rating | None:
    return Rating.objects.filter(round=round, item=item, rater=user).first()


def rating_counts(round_: RatingRound) -> dict[int, dict[str, dict[str, int]]]:
    """The live counts, {item id: {group: {grade: count}}}, in one query (for closing the round)."""
    rows = (
        Rating.objects.filter(round=round_)
        .values("item_id", "group")
        .annotate(**{grade: Count("id", filter=Q(grade=grade)) for grade in Grade.values})
    )
    counts: dict[int, dict[str, dict[str, int]]] = {}
    for row in rows:
        values: dict[str, Any] = dict(row)
        counts.setdefault(values["item_id"], {})[values["group"]] = {
            grade: values[grade] for grade in Grade.values
        }
    return counts


def rater_counts(round_: RatingRound) -> dict[str, int]:
    """How many people have rated at least one item, per group (live)."""
    result = dict.fromkeys(RaterGroup.values, 0)
    rows = Rating.objects.filter(round=round_).values("group").annotate(people=Count("rater", distinct=True))
    for row in rows:
        result[row["group"]] = row["people"]
    return result


def _satisfied(counts: dict[str, int]) -> tuple[int, int]:
    total = sum(counts.get(grade, 0) for grade in Grade.values)
    return counts.get(Grade.SATISFIED, 0) + counts.get(Grade.BASIC, 0), total


def satisfaction(counts: dict[str, int]) -> Decimal | None:
    """(满意 + 基本满意) ÷ all, in percent to one place, rounded half up (as published); None without ratings."""
    good, total = _satisfied(counts)
    return _percent(good, total)


def satisfaction_floor(counts: dict[str, int]) -> Decimal | None:
    """The same rate to two places rounded down: what a flag records, so that a rate under the threshold
    never reads as reaching it."""
    good, total = _satisfied(counts)
    if not total:
        return None
    return (Decimal(100 * good) / Decimal(total)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def below_threshold(counts: dict[str, int], threshold: Decimal) -> bool:
    """Whether the exact rate is under ``threshold`` percent (no rounding; no ratings: not below)."""
    good, total = _satisfied(counts)
    return bool(total) and Decimal(100 * good) < threshold * total


def percent_text(value: Decimal) -> str:
    """80.00 → "80", 79.96 → "79.96"."""
    return f"{value.normalize():f}"


def flag_reason(flag: RatingFlag) -> str:
    """The reason a notice from this flag starts with, in the current language."""
    parts = []
    if flag.deputies_below and flag.deputy_rate is not None:
        parts.append(_("deputies %(rate)s%%") % {"rate": percent_text(flag.deputy_rate)})
    if flag.public_below and flag.public_rate is not None:
        parts.append(_("public %(rate)s%%") % {"rate": percent_text(flag.public_rate)})
    return _("In the year-end rating the item's satisfaction rate was below %(threshold)s%%: %(rates)s.") % {
        "threshold": percent_text(flag.threshold),
        "rates": _(", ").join(parts),
    }


def rating_results(*, round: RatingRound) -> list[ItemResult]:
    """Per item, as fixed at close: counts and satisfaction rate for deputies and for the public, the flag."""
    flags = {flag.item_id: flag for flag in RatingFlag.objects.filter(round=round).select_related("notice")}
    by_item: dict[int, dict[str, RatingTally]] = {}
    items: dict[int, Item] = {}
    for tally in (
        RatingTally.objects.filter(round=round).select_related("item").order_by("item__no", "item_id")
    ):
        by_item.setdefault(tally.item_id, {})[tally.group] = tally
        items[tally.item_id] = tally.item
    withheld = rating_withheld(round)
    results = []
    for item_id, tallies in by_item.items():
        groups, below = [], []
        for group in RaterGroup.values:
            if withheld[group]:
                groups.append(
                    GroupResult(group=group, counts=dict.fromkeys(Grade.values, 0), rate=None, withheld=True)
                )
                continue
            counts = tallies[group].counts() if group in tallies else dict.fromkeys(Grade.values, 0)
            groups.append(GroupResult(group=group, counts=counts, rate=satisfaction(counts)))
            if below_threshold(counts, round.threshold):
                below.append(group)
        results.append(ItemResult(item=items[item_id], groups=groups, flag=flags.get(item_id), below=below))
    return results


def min_voters() -> int:
    """Below this many voters a vote's or a rating group's results are withheld (docs/voting.md)."""
    return int(settings.VOTING_MIN_VOTERS)


def rating_withheld(round_: RatingRound) -> dict[str, bool]:
    """Per group, whether its results are withheld: fewer people rated than the minimum, so that each
    person's grades could be read off the counts (one deputy's would be published whole). A group in which
    nobody rated has nothing to hide: it shows no ratings."""
    raters: dict[str, int | None] = {
        RaterGroup.DEPUTY: round_.deputy_raters,
        RaterGroup.PUBLIC: round_.public_raters,
    }
    return {group: 0 < (raters[group] or 0) < min_voters() for group in RaterGroup.values}


def rating_totals(results: list[ItemResult]) -> list[GroupResult]:
    """All items together, per group (a withheld group stays withheld)."""
    totals = []
    for index, group in enumerate(RaterGroup.values):
        if results and results[0].groups[index].withheld:
            totals.append(
                GroupResult(group=group, counts=dict.fromkeys(Grade.values, 0), rate=None, withheld=True)
            )
            continue
        counts = {
            grade: sum(result.groups[index].counts.get(grade, 0) for result in results)
            for grade in Grade.values
        }
        totals.append(GroupResult(group=group, counts=counts, rate=satisfaction(counts)))
    return totals


def rating_comments(*, round: RatingRound) -> list[Rating]:
    """Ratings with a comment, for the office: item, group and grade, not the person."""
    return list(
        Rating.objects.filter(round=round)
        .exclude(comment="")
        .select_related("item")
        .only("item__no", "item__title", "item__text", "group", "grade", "comment", "updated_at")
        .order_by("item__no", "-updated_at")
    )


def item_count(*, plan: Plan) -> int:
    return Item.objects.filter(plan=plan, removed_in=None).count()


def rated_count(*, round: RatingRound, user: Any) -> int:
    return Rating.objects.filter(round=round, rater=user).count() if user.is_authenticated else 0
