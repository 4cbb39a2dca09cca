"""A small world for delivery tests: a 2025 plan with one item (a quantity and a milestone target) led by
department A and supported by B; C is another department of the region; a user of every role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from minsheng.accounts.models import User
from minsheng.accounts.tests.factories import (
    DeptHeadFactory,
    DeputyFactory,
    OfficeUserFactory,
    PublicUserFactory,
    ReporterFactory,
)
from minsheng.delivery import services
from minsheng.delivery.models import ProgressReport, ReportStatus
from minsheng.plans.models import Department, Item, Plan, Target
from minsheng.plans.tests.factories import DepartmentFactory, ItemFactory, PlanFactory, TargetFactory

AS_OF = dt.date(2025, 6, 30)


@dataclass
class World:
    plan: Plan
    item: Item
    quantity: Target
    milestone: Target
    lead: Department
    support: Department
    other: Department
    office: User
    reporter: User
    head: User
    support_reporter: User
    support_head: User
    other_reporter: User
    other_head: User
    deputy: User
    public: User

    def report(
        self, status: str = ReportStatus.DRAFT, *, target: Target | None = None, **figures
    ) -> ProgressReport:
        """A report by department A on the quantity target (or ``target``), brought to ``status`` through
        the services."""
        target = target or self.quantity
        if target.kind == Target.Kind.MILESTONE:
            figures.setdefault("stage", "started")
        else:
            figures.setdefault("actual", Decimal(40))
        report = services.report_save(
            target=target, by=self.reporter, period_end=figures.pop("period_end", AS_OF), **figures
        )
        steps = {
            ReportStatus.DRAFT: [],
            ReportStatus.SUBMITTED: ["submit"],
            ReportStatus.APPROVED: ["submit", "approve"],
            ReportStatus.ACCEPTED: ["submit", "approve", "accept"],
            ReportStatus.RETURNED: ["submit", "approve", "return"],
        }[status]
        for step in steps:
            if step == "submit":
                report = services.report_submit(
                    report=report, by=self.reporter, expected_version=report.version
                )
            elif step == "approve":
                report = services.report_approve(report=report, by=self.head, expected_version=report.version)
            elif step == "accept":
                report = services.report_accept(
                    report=report, by=self.office, expected_version=report.version
                )
            else:
                report = services.report_return(
                    report=report, by=self.office, reason="数据有误", expected_version=report.version
                )
        return report


@pytest.fixture
def world(db) -> World:
    return build_world()


def build_world() -> World:
    plan = PlanFactory(year=2025)
    item = ItemFactory(action__plan=plan, text="新建燃气管道100名，完成改造工程。")
    quantity = TargetFactory(item=item, value=Decimal(100), unit="名", op="=", source="100名")
    milestone = TargetFactory(
        item=item,
        kind=Target.Kind.MILESTONE,
        value=None,
        unit="",
        op="=",
        subject="改造工程",
        source="完成改造工程",
    )
    lead, support, other = (DepartmentFactory(region=plan.region) for _ in range(3))
    office = OfficeUserFactory(email="office@example.org")
    world = World(
        plan=plan,
        item=item,
        quantity=quantity,
        milestone=milestone,
        lead=lead,
        support=support,
        other=other,
        office=office,
        reporter=ReporterFactory(department=lead),
        head=DeptHeadFactory(department=lead),
        support_reporter=ReporterFactory(department=support),
        support_head=DeptHeadFactory(department=support),
        other_reporter=ReporterFactory(department=other),
        other_head=DeptHeadFactory(department=other),
        deputy=DeputyFactory(email=""),  # no email address, as delivery's world always had
        public=PublicUserFactory(email=""),
    )
    services.assignment_set(item=item, by=office, lead=lead, supporting=[support])
    return world


@pytest.fixture
def media(settings, tmp_path):
    """Evidence files go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
