"""Reads for the public pages that combine plans with delivery and with the vote and the rating."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from minsheng.delivery.selectors import (
    ItemStatus,
    TargetCurve,
    TimelineEntry,
    item_status,
    item_target_curves,
    item_timeline,
)
from minsheng.participation.models import Phase
from minsheng.participation.selectors import WindowState, plan_windows
from minsheng.plans.models import Plan
from minsheng.plans.selectors import ItemPage, item_page_get, plans_in_order
from minsheng.voting.models import RatingRound, VoteRound
from minsheng.voting.selectors import plan_rounds_get


@dataclass
class ItemWithProgress:
    page: ItemPage
    status: ItemStatus
    timeline: list[TimelineEntry]
    public: bool
    curves: tuple[TargetCurve, ...] = ()

    @property
    def shows_progress(self) -> bool:
        """Whether there is anything about delivery to show: an assignment, a figure or a notice."""
        return bool(self.status.assigned or self.timeline or self.status.completion is not None)


def item_with_progress_get(*, item_id: int, on: dt.date, public: bool = True) -> ItemWithProgress | None:
    """An item's page (text, targets, standards, history) with its progress on ``on`` and its timeline of
    accepted figures, milestones and supervision notices, and each target's figures against its schedule
    over the year; ``public``: published figures only."""
    page = item_page_get(item_id=item_id)
    if page is None:
        return None
    status = item_status(item=page.item, on=on, public=public)
    return ItemWithProgress(
        page=page,
        status=status,
        timeline=item_timeline(item=page.item, public=public),
        public=public,
        curves=item_target_curves(plan=page.item.plan, item=status, public=public)
        if page.item.removed_in_id is None
        else (),
    )


HOME_PAGE_SIZE = 50


def home_plans(*, now: dt.datetime, search: str = "") -> QuerySet[Plan]:
    """The plans of the home page, each marked when its vote or its rating takes part now (in one query);
    ``search``: only those whose region or title holds it (the page shows them ``HOME_PAGE_SIZE`` at a
    time, with their item counts: ``plans.selectors.plan_page_of``)."""
    from minsheng.voting.models import RatingRound, RoundStatus, VoteRound

    def taking_part(model: type[VoteRound] | type[RatingRound]) -> Exists:
        return Exists(
            model.objects.filter(
                plan=OuterRef("pk"), status=RoundStatus.OPEN, opens_at__lte=now, closes_at__gt=now
            )
        )

    return plans_in_order(search=search).annotate(
        vote_open=taking_part(VoteRound), rating_open=taking_part(RatingRound)
    )


# --- a plan's stages: the strip on its public page, and the office's stages page -------------------------

STAGE_ORDER: tuple[str, ...] = tuple(Plan.Status.values)
"""The stages of a plan's year in order (solicitation, draft, consultation, voting, adopted, closed)."""


@dataclass(frozen=True)
class StageStep:
    status: str
    label: str
    current: bool
    past: bool


@dataclass
class PlanStages:
    """Where a plan stands in its year: the stages in order, the suggestion and comment windows (their
    state now), and the vote and the rating (None where not set up)."""

    plan: Plan
    steps: list[StageStep]
    windows: dict[str, WindowState]
    vote: VoteRound | None
    rating: RatingRound | None

    @property
    def solicitation(self) -> WindowState:
        return self.windows[Phase.SOLICITATION]

    @property
    def consultation(self) -> WindowState:
        return self.windows[Phase.CONSULTATION]


def stage_steps(plan: Plan) -> list[StageStep]:
    at = STAGE_ORDER.index(plan.status) if plan.status in STAGE_ORDER else -1
    return [
        StageStep(status=status, label=str(Plan.Status(status).label), current=i == at, past=i < at)
        for i, status in enumerate(STAGE_ORDER)
    ]


def plan_stages_get(*, plan: Plan, now: dt.datetime) -> PlanStages:
    """The plan's stage, its windows' states at ``now``, its vote and its rating (two queries)."""
    vote, rating = plan_rounds_get(plan=plan)
    return PlanStages(
        plan=plan,
        steps=stage_steps(plan),
        windows=plan_windows(plan=plan, now=now),
        vote=vote,
        rating=rating,
    )
