"""A small world for vote and rating tests: a plan at the voting stage with five candidate items, an adopted
plan with three items (each with a lead department) for the rating, and users of every role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from minsheng.accounts.models import AuditEvent, User
from minsheng.accounts.tests.factories import (
    DeptHeadFactory,
    DeputyFactory,
    OfficeUserFactory,
    PublicUserFactory,
    ReporterFactory,
)
from minsheng.plans.models import Item, ItemDepartment, Plan
from minsheng.plans.tests.factories import ActionFactory, DepartmentFactory, ItemFactory, PlanFactory
from minsheng.voting import models as m
from minsheng.voting import services


@dataclass
class World:
    plan: Plan  # status voting, five items, no vote yet
    items: list[Item]
    adopted: Plan  # status adopted, three items with a lead department
    adopted_items: list[Item]
    office: User
    deputies: list[User]
    public: User
    other: User  # another member of the public
    reporter: User
    head: User
    users: dict[str, object] = field(default_factory=dict)

    @property
    def deputy(self) -> User:
        return self.deputies[0]


@pytest.fixture
def world(db) -> World:
    plan = PlanFactory(year=2027, status=Plan.Status.VOTING)
    action = ActionFactory(plan=plan)
    items = [
        ItemFactory(action=action, no=no, text=f"候选项目{no}：为{no * 100}名群众提供服务。")
        for no in range(1, 6)
    ]
    adopted = PlanFactory(year=2025, region=plan.region, status=Plan.Status.ADOPTED)
    adopted_action = ActionFactory(plan=adopted)
    department = DepartmentFactory(region=plan.region, name="民政局")
    adopted_items = []
    for no, text in [(1, "改造燃气管道9千米。"), (2, "为1.7万名老年人免费体检。"), (3, "新建公厕5座。")]:
        item = ItemFactory(action=adopted_action, no=no, text=text)
        ItemDepartment.objects.create(item=item, department=department, role=ItemDepartment.Role.LEAD)
        adopted_items.append(item)
    world = World(
        plan=plan,
        items=items,
        adopted=adopted,
        adopted_items=adopted_items,
        office=OfficeUserFactory(email="office@example.org"),
        deputies=[DeputyFactory() for _ in range(3)],
        public=PublicUserFactory(),
        other=PublicUserFactory(),
        reporter=ReporterFactory(department=department),
        head=DeptHeadFactory(department=department),
    )
    world.users = {
        "anonymous": AnonymousUser(),
        "public": world.public,
        "deputy": world.deputy,
        "reporter": world.reporter,
        "head": world.head,
        "office": world.office,
        "office_not_staff": OfficeUserFactory(is_staff=False),
        "inactive_deputy": DeputyFactory(is_active=False),
        "inactive_public": PublicUserFactory(is_active=False),
    }
    return world


def window(days_before: int = 1, days_after: int = 7) -> dict[str, dt.datetime]:
    now = timezone.now()
    return {
        "opens_at": now - dt.timedelta(days=days_before),
        "closes_at": now + dt.timedelta(days=days_after),
    }


@pytest.fixture
def open_vote(world) -> m.VoteRound:
    """The vote on ``world.plan``: at most 3 of 5, open now."""
    round_ = services.vote_set(
        plan=world.plan, by=world.office, rule=m.VoteRule.AT_MOST, choose=3, **window()
    )
    return services.vote_open(round=round_, by=world.office)


@pytest.fixture
def open_rating(world) -> m.RatingRound:
    """The rating of ``world.adopted``, threshold 80%, open now."""
    round_ = services.rating_set(plan=world.adopted, by=world.office, threshold=80, **window())
    return services.rating_open(round=round_, by=world.office)


def stored() -> dict[str, object]:
    """Rows of every voting table, the counters, the plans' statuses and the audit trail."""
    counts: dict[str, object] = {
        model.__name__: model.objects.count()
        for model in (
            m.VoteRound,
            m.Candidate,
            m.Ballot,
            m.BallotReceipt,
            m.RatingRound,
            m.Rating,
            m.RatingFlag,
        )
    }
    counts["votes"] = sorted(m.Candidate.objects.values_list("item_id", "votes"))
    counts["ballots"] = sorted(m.VoteRound.objects.values_list("pk", "ballots", "status"))
    counts["grades"] = sorted(m.Rating.objects.values_list("pk", "grade", "comment"))
    counts["plans"] = sorted(Plan.objects.values_list("pk", "status"))
    counts["AuditEvent"] = AuditEvent.objects.count()
    return counts


@pytest.fixture
def nothing_stored(db):
    """``mark()`` before a refused step, ``check()`` after: every table is as it was."""

    class Checker:
        before: dict[str, object] | None = None

        def mark(self) -> None:
            self.before = stored()

        def check(self) -> None:
            assert self.before is not None
            assert stored() == self.before

    return Checker()
