"""Factories for plan rows, and builders of small synthetic documents for the import service."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import factory

from minsheng.documents.model import Action as DocAction
from minsheng.documents.model import Item as DocItem
from minsheng.documents.model import PlanDocument
from minsheng.documents.model import Target as DocTarget
from minsheng.plans.models import Action, Department, Item, Plan, PlanVersion, Region, Standard, Target


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"测试市{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"民政局{n}")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    region = factory.SubFactory(RegionFactory)
    year = 2025
    title = factory.LazyAttribute(lambda o: f"{o.region.name}{o.year}年民生实事")


class PlanVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanVersion

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(str(o.number).encode()).hexdigest())
    parsed = factory.LazyFunction(dict)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    plan = factory.SubFactory(PlanFactory)
    no = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"行动{n}")
    added_in = factory.SubFactory(PlanVersionFactory, plan=factory.SelfAttribute("..plan"))


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    action = factory.SubFactory(ActionFactory)
    plan = factory.SelfAttribute("action.plan")
    added_in = factory.SelfAttribute("action.added_in")
    no = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"为{n + 1}名老年人提供服务。")


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    item = factory.SubFactory(ItemFactory)
    added_in = factory.SelfAttribute("item.added_in")
    kind = Target.Kind.QUANTITY
    subject = "老年人"
    op = "="
    value = Decimal(100)
    unit = "名"
    source = "100名"


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Standard

    item = factory.SubFactory(ItemFactory)
    subject = "体检"
    op = "="
    amount = Decimal(209)
    per = "人"
    source = "每人209元"


# --- synthetic documents ---------------------------------------------------------------------------------


def doc_item(no: int, text: str | None = None, *, targets=None, standards=None, departments=None) -> DocItem:
    """An item promising ``no * 10`` 名 of something, unless told otherwise."""
    count = no * 10
    if text is None:
        text = f"为{count}名群众提供第{no}类服务，按照每人{no}元的标准。"
    if targets is None:
        targets = [
            DocTarget(
                kind="quantity", subject=f"服务{no}", op="=", value=count, unit="名", source=f"{count}名"
            )
        ]
    if standards is None:
        standards = []
    return DocItem(no=no, text=text, targets=targets, standards=standards, departments=departments or [])


def document(
    items_per_action: list[list[DocItem]] | None = None,
    *,
    n_items: int | None = None,
    region: str = "测试市",
    year: int = 2025,
    title: str = "测试市2025年民生实事",
) -> PlanDocument:
    """A plan document: either the given actions of items, or ``n_items`` items in actions of five."""
    if items_per_action is None:
        items = [doc_item(no) for no in range(1, (n_items or 5) + 1)]
        items_per_action = [items[start : start + 5] for start in range(0, len(items), 5)]
    actions = [
        DocAction(
            no=index + 1, title=f"第{index + 1}类行动", declared_item_count=len(items), items=list(items)
        )
        for index, items in enumerate(items_per_action)
    ]
    return PlanDocument(title=title, region=region, year=year, status="draft", actions=actions)
