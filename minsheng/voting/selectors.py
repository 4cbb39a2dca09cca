"""Reads for the vote and rating pages (docs/voting.md). Each page's reads take a fixed number of queries,
however many items, ballots and ratings there are.

Nothing here can tell what a deputy chose: the stored data does not hold it (see models.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count

from minsheng.plans.models import Item, Plan
from minsheng.voting.models import (
    BallotReceipt,
    Candidate,
    Grade,
    RaterGroup,
    Rating,
    RatingFlag,
    RatingRound,
    RoundStatus,
    VoteRound,
)
from minsheng.voting.services import eligible_deputies, rating_counts, satisfaction


def plan_get(*, plan_id: int) -> Plan | None:
    return Plan.objects.select_related("region").filter(pk=plan_id).first()


def vote_round_get(*, plan: Plan) -> VoteRound | None:
    return VoteRound.objects.filter(plan=plan).first()


def rating_round_get(*, plan: Plan) -> RatingRound | None:
    return RatingRound.objects.filter(plan=plan).first()


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
    published: bool = False  # the tally is public once the vote is closed
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
    published = round_.status == RoundStatus.CLOSED
    rows = []
    for candidate in candidates:
        row = BallotRow(item=candidate.item)
        if published:
            row.votes, row.chosen, row.tied = candidate.votes, candidate.chosen, candidate.tied
            if round_.ballots:
                row.share = _percent(candidate.votes, round_.ballots)
        rows.append(row)
    receipt = None
    if getattr(user, "is_authenticated", False):
        receipt = BallotReceipt.objects.filter(round=round_, voter=user).first()
    view = VoteView(plan=plan, round=round_, rows=rows, receipt=receipt, published=published)
    if published:
        view.eligible = round_.eligible
        view.turnout = _percent(round_.ballots, round_.eligible or 0)
    return view


def vote_tally_sorted(view: VoteView) -> list[BallotRow]:
    """The published rows, most votes first (ballot order among equals)."""
    return sorted(view.rows, key=lambda row: -row.votes)


def vote_progress(*, round: VoteRound) -> dict[str, Any]:  # noqa: A002
    """For the office while the vote is open: how many have voted, and which deputies have not (never what
    anyone chose)."""
    voted = set(BallotReceipt.objects.filter(round=round).values_list("voter_id", flat=True))
    deputies = list(
        eligible_deputies().order_by("username").only("id", "username", "first_name", "last_name")
    )
    return {
        "ballots": len(voted),
        "eligible": len(deputies),
        "not_voted": [deputy for deputy in deputies if deputy.pk not in voted],
    }


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- the rating -------------------------------------------------------------------------------------------


@dataclass
class GroupResult:
    group: str
    counts: dict[str, int]
    rate: Decimal | None

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


def rating_mine(*, round: RatingRound, item: Item, user: Any) -> Rating | None:  # noqa: A002
    return Rating.objects.filter(round=round, item=item, rater=user).first()


def rating_results(*, round: RatingRound) -> list[ItemResult]:  # noqa: A002
    """Per item: counts and satisfaction rate for deputies and for the public, and the flag if any."""
    counts = rating_counts(round)
    flags = {flag.item_id: flag for flag in RatingFlag.objects.filter(round=round).select_related("notice")}
    results = []
    for item in Item.objects.filter(plan_id=round.plan_id, removed_in=None).order_by("no", "id"):
        groups = []
        below = []
        for group in RaterGroup.values:
            group_counts = counts.get(item.pk, {}).get(group, {grade: 0 for grade in Grade.values})
            rate = satisfaction(group_counts)
            groups.append(GroupResult(group=group, counts=group_counts, rate=rate))
            if rate is not None and rate < round.threshold:
                below.append(group)
        results.append(ItemResult(item=item, groups=groups, flag=flags.get(item.pk), below=below))
    return results


def rating_totals(results: list[ItemResult]) -> list[GroupResult]:
    """All items together, per group."""
    totals = []
    for index, group in enumerate(RaterGroup.values):
        counts = {
            grade: sum(result.groups[index].counts.get(grade, 0) for result in results)
            for grade in Grade.values
        }
        totals.append(GroupResult(group=group, counts=counts, rate=satisfaction(counts)))
    return totals


def rating_comments(*, round: RatingRound) -> list[Rating]:  # noqa: A002
    """Ratings with a comment, for the office: item, group and grade, not the person."""
    return list(
        Rating.objects.filter(round=round)
        .exclude(comment="")
        .select_related("item")
        .only("item__no", "item__title", "item__text", "group", "grade", "comment", "updated_at")
        .order_by("item__no", "-updated_at")
    )


def rater_count(*, round: RatingRound) -> dict[str, int]:  # noqa: A002
    """How many people rated at least one item, per group."""
    result = {group: 0 for group in RaterGroup.values}
    rows = Rating.objects.filter(round=round).values("group").annotate(people=Count("rater", distinct=True))
    for row in rows:
        result[row["group"]] = row["people"]
    return result
