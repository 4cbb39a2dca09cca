"""A small plan year for the printing tests: two actions, four items with Chinese titles, each led by its
own department, quarterly figures accepted through the delivery services, two supervision notices (one
answered), and an office user. As of 2025-07-15 (about 54% of the year expected):

- item 1 改造城镇燃气管道 (住建局): 9 of 9 千米, done;
- item 2 开展食品安全抽检 (市场监管局): 100 of 500 批次, far behind (red);
- item 3 老年人免费健康体检 (卫健委): 7,000 of 17,000 名, behind (yellow);
- item 4 新建普惠性幼儿园 (教育局): a milestone with no figure and reports overdue (red).

Figures for 03-31 were accepted on 2025-04-08, those for 06-30 on 2025-07-08; the notice on item 4 was
issued on 2025-05-20, the one on item 2 on 2025-07-10 and answered on 2025-07-12 (the services stamp the
real time; the tests set these moments, as if the office had worked on those days).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.accounts.tests.factories import OfficeUserFactory, ReporterFactory
from minsheng.delivery import services
from minsheng.delivery.models import Cadence, ProgressReport, SupervisionNotice
from minsheng.plans.models import Department, Item, Plan, Target
from minsheng.plans.tests.factories import ActionFactory, ItemFactory, PlanFactory, TargetFactory

AS_OF = dt.date(2025, 7, 15)
ITEMS = (
    # no, action, title, lead, target (subject, value, unit) or None for a milestone, figures (03-31, 06-30)
    (1, 0, "改造城镇燃气管道", "住建局", ("燃气管道", 9, "千米"), (4, 9)),
    (2, 0, "开展食品安全抽检", "市场监管局", ("食品安全抽检", 500, "批次"), (40, 100)),
    (3, 1, "老年人免费健康体检", "卫健委", ("健康体检", 17000, "名"), (3000, 7000)),
    (4, 1, "新建普惠性幼儿园", "教育局", None, ()),
)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@dataclass
class PrintWorld:
    plan: Plan
    items: dict[int, Item]
    leads: dict[int, Department]
    office: User
    reporter: User  # of 市场监管局, the lead of item 2

    def lagging(self) -> list[tuple[str, str]]:
        """(title, lead) of the items behind schedule as of AS_OF."""
        return [
            ("开展食品安全抽检", "市场监管局"),
            ("老年人免费健康体检", "卫健委"),
            ("新建普惠性幼儿园", "教育局"),
        ]


def build_print_world() -> PrintWorld:
    plan = PlanFactory(year=2025, title="测试市2025年民生实事")
    actions = [
        ActionFactory(plan=plan, no=1, title="民生安全保障行动"),
        ActionFactory(plan=plan, no=2, title="教育医疗提质行动"),
    ]
    office = OfficeUserFactory()
    items: dict[int, Item] = {}
    leads: dict[int, Department] = {}
    for no, action, title, lead_name, target, figures in ITEMS:
        item = ItemFactory(action=actions[action], plan=plan, no=no, title=title, text=f"{title}。")
        lead = Department.objects.create(region=plan.region, name=lead_name)
        services.assignment_set(item=item, by=office, lead=lead, cadence=Cadence.QUARTERLY, due_day=5)
        if target is None:
            TargetFactory(
                item=item,
                kind=Target.Kind.MILESTONE,
                subject="幼儿园建成",
                value=None,
                unit="",
                source="建成",
            )
        else:
            subject, value, unit = target
            made = TargetFactory(
                item=item, subject=subject, value=Decimal(value), unit=unit, source=f"{value}{unit}"
            )
            for period_end, actual, accepted in zip(
                (dt.date(2025, 3, 31), dt.date(2025, 6, 30)),
                figures,
                (dt.date(2025, 4, 8), dt.date(2025, 7, 8)),
                strict=True,
            ):
                report = services.report_record_accepted(
                    target=made, by=office, period_end=period_end, actual=Decimal(actual), today=AS_OF
                )
                ProgressReport.objects.filter(pk=report.pk).update(accepted_at=at(accepted))
        items[no], leads[no] = item, lead
    reporter = ReporterFactory(department=leads[2])
    old = services.notice_issue(
        item=items[4],
        by=office,
        reason="未报送进度",
        demand="说明原因",
        reply_deadline=dt.date(2025, 6, 1),
        today=dt.date(2025, 5, 20),
    )
    SupervisionNotice.objects.filter(pk=old.pk).update(issued_at=at(dt.date(2025, 5, 20)))
    notice = services.notice_issue(
        item=items[2],
        by=office,
        reason="进度明显滞后",
        demand="七日内说明原因",
        reply_deadline=dt.date(2025, 7, 17),
        today=dt.date(2025, 7, 10),
    )
    SupervisionNotice.objects.filter(pk=notice.pk).update(issued_at=at(dt.date(2025, 7, 10)))
    notice.refresh_from_db()
    services.notice_reply(
        notice=notice,
        by=reporter,
        explanation="抽检机构招标延误",
        catch_up_plan="八月底前补齐",
        expected_version=notice.version,
    )
    SupervisionNotice.objects.filter(pk=notice.pk).update(replied_at=at(dt.date(2025, 7, 12)))
    return PrintWorld(plan=plan, items=items, leads=leads, office=office, reporter=reporter)


@pytest.fixture
def print_world(db) -> PrintWorld:
    return build_print_world()
