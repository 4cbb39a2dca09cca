"""A small world for participation tests: a 2025 draft open for comment (post-moderation) with three items,
a plan collecting suggestions, and a user of every role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from minsheng.accounts.models import AuditEvent, User
from minsheng.accounts.tests.factories import (
    DeptHeadFactory,
    DeputyFactory,
    OfficeUserFactory,
    PublicUserFactory,
    ReporterFactory,
)
from minsheng.notifications.models import Notification
from minsheng.participation import models as m
from minsheng.participation.tests.factories import WindowFactory
from minsheng.plans.models import Item, Plan
from minsheng.plans.tests.factories import ActionFactory, ItemFactory, PlanFactory

IP = "203.0.113.7"


@dataclass
class World:
    plan: Plan  # status consultation, window open, post-moderation
    items: list[Item]
    window: m.Window
    ideas: Plan  # status solicitation, window open
    ideas_window: m.Window
    office: User
    public: User
    other: User  # another member of the public
    deputy: User
    reporter: User
    head: User

    @property
    def item(self) -> Item:
        return self.items[0]


@pytest.fixture
def world(db) -> World:
    plan = PlanFactory(year=2025, status=Plan.Status.CONSULTATION)
    action = ActionFactory(plan=plan)
    items = [
        ItemFactory(action=action, no=no, text=text)
        for no, text in [
            (1, "计划改造市政燃气主管道9千米、埋地管网10千米。"),
            (2, "为1.7万名65岁及以上老年人提供免费健康体检。"),
            (3, "建成G0711高速互通公路项目。"),
        ]
    ]
    ideas = PlanFactory(year=2026, region=plan.region, status=Plan.Status.SOLICITATION)
    ActionFactory(plan=ideas)
    return World(
        plan=plan,
        items=items,
        window=WindowFactory(plan=plan),
        ideas=ideas,
        ideas_window=WindowFactory(plan=ideas, phase=m.Phase.SOLICITATION),
        office=OfficeUserFactory(email="office@example.org"),
        public=PublicUserFactory(),
        other=PublicUserFactory(),
        deputy=DeputyFactory(),
        reporter=ReporterFactory(),
        head=DeptHeadFactory(),
    )


def stored() -> dict[str, int]:
    """How many rows each participation table, the users and the audit trail hold."""
    counts = {
        model.__name__: model.objects.count()
        for model in (
            m.Window,
            m.SensitiveWord,
            m.Participant,
            m.EmailConfirmation,
            m.Suggestion,
            m.Comment,
            m.Flag,
            m.Support,
            m.Response,
            m.ModerationAction,
            m.Follow,
            Notification,
        )
    }
    counts["User"] = User.objects.count()
    counts["AuditEvent"] = AuditEvent.objects.writes().count()
    # Statuses too: a refused step must not change one.
    counts["published"] = m.Comment.objects.filter(status="published").count()
    counts["screened"] = m.Suggestion.objects.exclude(status="submitted").count()
    return counts


@pytest.fixture
def nothing_stored(db):
    """Assert that the test's refused steps left every table as it was (call the fixture's value)."""

    class Checker:
        def __init__(self) -> None:
            self.before: dict[str, int] | None = None

        def mark(self) -> None:
            self.before = stored()

        def check(self) -> None:
            assert self.before is not None
            assert stored() == self.before

    return Checker()


def shift(rows, **delta) -> None:
    """Move rows' created_at into the past (rate limits count by created_at)."""
    rows.update(created_at=timezone.now() - dt.timedelta(**delta))
