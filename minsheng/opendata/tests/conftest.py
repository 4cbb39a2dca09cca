"""A small world with something public and something private of every kind the datasets cover: figures
published, accepted but unpublished, in review; a notice with its private reasons; comments published,
pending and rejected, with responses; a closed vote and rating next to an open one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from minsheng.accounts.tests.factories import PublicUserFactory
from minsheng.delivery.models import ReportStatus
from minsheng.delivery.tests.factories import (
    ItemDepartmentFactory,
    ProgressReportFactory,
    SupervisionNoticeFactory,
)
from minsheng.participation.models import CommentStatus, Response, ResponseKind, Support
from minsheng.participation.tests.factories import CommentFactory
from minsheng.plans.models import Item, Plan, Target
from minsheng.plans.tests.factories import (
    ActionFactory,
    DepartmentFactory,
    ItemFactory,
    PlanFactory,
    RegionFactory,
    StandardFactory,
    TargetFactory,
)
from minsheng.voting.models import Candidate, RatingRound, RatingTally, RoundStatus, VoteRound

SECRET = "内部督办理由不公开"


@dataclass
class World:
    plan: Plan
    other: Plan  # a plan whose vote and rating are still open
    items: list[Item]
    target: Target


def add_items(plan: Plan, count: int, *, start: int = 1) -> list[Item]:
    """``count`` items with a target, a standard, a lead department and a published figure each."""
    action = ActionFactory(plan=plan, no=start)
    department = DepartmentFactory(region=plan.region)
    items = []
    for no in range(start, start + count):
        item = ItemFactory(action=action, no=no, text=f"按照每人209.5元的标准为{no * 100}名老人体检。")
        target = TargetFactory(item=item, value=Decimal(no * 100), source=f"{no * 100}名")
        StandardFactory(item=item, amount=Decimal("209.5"), source="每人209.5元")
        ItemDepartmentFactory(item=item, department=department)
        ProgressReportFactory(
            target=target,
            department=department,
            actual=Decimal(no * 10),
            status=ReportStatus.ACCEPTED,
            published=True,
            narrative="=按计划推进",
        )
        items.append(item)
    return items


@pytest.fixture
def world(db) -> World:
    region = RegionFactory(name="第二师铁门关市")
    plan = PlanFactory(region=region, year=2025, status=Plan.Status.ADOPTED, title="2025年民生实事")
    items = add_items(plan, 3)
    target = items[0].targets.get()
    # not public: accepted but unpublished, in review, a returned draft
    for day, status in (
        (dt.date(2025, 7, 31), ReportStatus.ACCEPTED),
        (dt.date(2025, 8, 31), ReportStatus.SUBMITTED),
    ):
        ProgressReportFactory(
            target=target, department=None, period_end=day, actual=Decimal(999), status=status
        )
    removed = ItemFactory(action=items[0].action, no=99, text="已删除的事项。", added_in=items[0].added_in)
    removed.removed_in = items[0].added_in
    removed.save()
    SupervisionNoticeFactory(item=items[1], reason=SECRET, demand=SECRET, explanation=SECRET)

    published = CommentFactory(item=items[0], text="建议加快进度")
    Response.objects.create(comment=published, kind=ResponseKind.ADOPTED, text="采纳，已修改")
    CommentFactory(item=items[0], text="待审核的评论", status=CommentStatus.PENDING)
    rejected = CommentFactory(item=items[1], text="被拒绝的评论", status=CommentStatus.REJECTED)
    Response.objects.create(comment=rejected, kind=ResponseKind.NOT_ADOPTED, text="不公开的答复")
    Support.objects.create(item=items[2], user=PublicUserFactory())

    now = timezone.now()
    window = {"opens_at": now - dt.timedelta(days=10), "closes_at": now - dt.timedelta(days=1)}
    vote = VoteRound.objects.create(
        plan=plan, choose=2, status=RoundStatus.CLOSED, ballots=3, eligible=4, **window
    )
    for position, item in enumerate(items, 1):
        Candidate.objects.create(
            round=vote, item=item, position=position, votes=4 - position, chosen=position < 3
        )
    rating = RatingRound.objects.create(plan=plan, threshold=80, status=RoundStatus.CLOSED, **window)
    RatingTally.objects.create(
        round=rating, item=items[0], group="public", satisfied=3, basic=1, dissatisfied=2
    )

    other = PlanFactory(region=region, year=2026, status=Plan.Status.VOTING)
    other_items = add_items(other, 2)
    open_window = {"opens_at": now - dt.timedelta(days=1), "closes_at": now + dt.timedelta(days=1)}
    open_vote = VoteRound.objects.create(
        plan=other, choose=1, status=RoundStatus.OPEN, ballots=1, **open_window
    )
    Candidate.objects.create(round=open_vote, item=other_items[0], position=1, votes=1)
    open_rating = RatingRound.objects.create(plan=other, threshold=80, status=RoundStatus.OPEN, **open_window)
    RatingTally.objects.create(round=open_rating, item=other_items[0], group="public", satisfied=1)
    return World(plan=plan, other=other, items=items, target=target)
