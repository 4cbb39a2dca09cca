"""Factories for delivery: item departments, assignments, reports and notices (users: accounts' factories).

Rows made here skip the services (and their checks); tests of the services build through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from minsheng.delivery.models import Assignment, ProgressReport, ReportStatus, SupervisionNotice
from minsheng.plans.models import ItemDepartment
from minsheng.plans.tests.factories import DepartmentFactory, ItemFactory, TargetFactory

__all__ = [
    "AssignmentFactory",
    "ItemDepartmentFactory",
    "ProgressReportFactory",
    "SupervisionNoticeFactory",
]


class ItemDepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemDepartment

    item = factory.SubFactory(ItemFactory)
    department = factory.SubFactory(DepartmentFactory, region=factory.SelfAttribute("..item.plan.region"))
    role = ItemDepartment.Role.LEAD


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    item = factory.SubFactory(ItemFactory)
    deadline = factory.LazyAttribute(lambda o: dt.date(o.item.plan.year, 12, 31))
    cadence = "monthly"
    due_day = 5


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    target = factory.SubFactory(TargetFactory)
    department = factory.SubFactory(
        DepartmentFactory, region=factory.SelfAttribute("..target.item.plan.region")
    )
    period_end = dt.date(2025, 6, 30)
    actual = Decimal(50)
    status = ReportStatus.DRAFT


class SupervisionNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionNotice

    item = factory.SubFactory(ItemFactory)
    department = factory.SubFactory(DepartmentFactory, region=factory.SelfAttribute("..item.plan.region"))
    reason = "进度滞后"
    demand = "说明原因并提出整改措施"
    reply_deadline = dt.date(2099, 1, 31)
