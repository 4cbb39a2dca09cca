"""Factories for participation rows (users come from accounts' factories). Rows made here skip the services
(and their checks); tests of the services build through the services."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from minsheng.accounts.tests.factories import PublicUserFactory
from minsheng.participation.models import Comment, CommentStatus, Phase, Suggestion, Window
from minsheng.plans.tests.factories import ItemFactory, PlanFactory

__all__ = [
    "CommentFactory",
    "SuggestionFactory",
    "WindowFactory",
]


class WindowFactory(factory.django.DjangoModelFactory):
    """An open window: from yesterday to a week from now."""

    class Meta:
        model = Window

    plan = factory.SubFactory(PlanFactory, status="consultation")
    phase = Phase.CONSULTATION
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    item = factory.SubFactory(ItemFactory)
    plan = factory.SelfAttribute("item.plan")
    author = factory.SubFactory(PublicUserFactory)
    text = factory.Sequence(lambda n: f"建议第{n}条：燃气管道改造要加快进度。")
    status = CommentStatus.PUBLISHED


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    plan = factory.SubFactory(PlanFactory, status="solicitation")
    author = factory.SubFactory(PublicUserFactory)
    title = factory.Sequence(lambda n: f"老旧小区加装电梯{n}")
    content = "为老旧小区加装电梯。"
    reason = "老年人上下楼困难。"
