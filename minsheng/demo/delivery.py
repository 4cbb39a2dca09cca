"""Demo data for delivery: demo departments (named as demo data) assigned to every item of a plan, a few
accepted figures so that every kind of light shows, and one supervision notice. ``minsheng demo`` calls
:func:`demo_delivery_setup` after importing the seed; everything goes through the delivery services.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import User
from minsheng.accounts.services import audit_record
from minsheng.delivery import services
from minsheng.delivery.models import Cadence, Stage
from minsheng.delivery.selectors import delivery_settings_get, delivery_start, period_ends
from minsheng.plans.models import Department, Item, Plan, Region, Target

# Each name says it is demo data, so that nobody mistakes the demo's assignments for real ones.
DEMO_DEPARTMENTS = (
    "示范·住建局（演示数据）",
    "示范·卫健委（演示数据）",
    "示范·民政局（演示数据）",
    "示范·教育局（演示数据）",
    "示范·交通运输局（演示数据）",
    "示范·市场监管局（演示数据）",
    "示范·人社局（演示数据）",
    "示范·文旅局（演示数据）",
)
DEMO_NOTE = "演示数据"
# For the items that get figures: 1.0 is done by the last report; with any other share the last report
# stands at that fraction of what is expected on the day the demo is built (on schedule, behind, far
# behind), so that the lights mix whatever the day. The items are spread over the actions.
DEMO_SHARES = (1.0, 0.95, 0.85, 0.5, 1.0, 0.95, 0.85, 0.5, 1.0, 0.92, 0.8, 0.3)
# The deadline is at least this far ahead of the day the demo is built, so that delivery is under way.
AHEAD = dt.timedelta(days=90)


def demo_year(today: dt.date) -> int:
    """The year of the demo's plan in delivery: this year, or last year in the first quarter (so that at
    least one quarter's figures have been reported)."""
    return today.year if today.month > 3 else today.year - 1


_STAGE_AT = ((1.0, Stage.ACCEPTED), (0.9, Stage.COMPLETED), (0.4, Stage.STARTED), (0.2, Stage.TENDERED))


@dataclass
class DemoDelivery:
    departments: list[Department] = field(default_factory=list)
    assigned: int = 0
    figures: int = 0
    items_with_figures: list[int] = field(default_factory=list)


def demo_department_get_or_create(*, region: Region, name: str, by: User | None = None) -> Department:
    department = Department.objects.filter(region=region, name=name).first()
    if department is not None:
        return department
    department = Department(region=region, name=name)
    department.full_clean()
    department.save()
    audit_record(actor=by, verb=AuditVerb.DEPARTMENT_CREATE, obj=department, details={"demo": True})
    return department


def _stage_for(share: float) -> str:
    for threshold, stage in _STAGE_AT:
        if share >= threshold - 1e-9:
            return stage.value
    return Stage.APPROVED.value


def _figure(target: Target, share: float) -> tuple[Decimal | None, str]:
    if target.kind == Target.Kind.MILESTONE:
        return None, _stage_for(share)
    value = target.value or Decimal(0)
    return (value * Decimal(str(share))).quantize(Decimal("0.0001")), ""


@transaction.atomic
def demo_delivery_setup(*, plan: Plan, office: User, today: dt.date | None = None) -> DemoDelivery:
    """Assign every current item of ``plan`` to a demo department (one per action, the next one supporting,
    quarterly reports), record accepted figures for every quarter of a dozen items, and issue a notice on
    the item furthest behind. Returns what it made."""
    today = today or timezone.localdate()
    result = DemoDelivery(
        departments=[
            demo_department_get_or_create(region=plan.region, name=name, by=office)
            for name in DEMO_DEPARTMENTS
        ]
    )
    count = len(result.departments)
    items = list(
        Item.objects.filter(plan=plan, removed_in__isnull=True)
        .select_related("action")
        .prefetch_related(
            Prefetch(
                "targets", queryset=Target.objects.filter(removed_in__isnull=True).order_by("position", "id")
            )
        )
        .order_by("no", "id")
    )
    start = delivery_start(plan=plan, settings=delivery_settings_get(plan=plan))
    deadline = max(dt.date(plan.year, 12, 31), today + AHEAD)
    for item in items:
        lead = result.departments[(item.action.no - 1) % count]
        support = result.departments[item.action.no % count]
        services.assignment_set(
            item=item,
            by=office,
            lead=lead,
            supporting=[support],
            cadence=Cadence.QUARTERLY,
            due_day=10,
            deadline=deadline,
        )
        result.assigned += 1

    quarters = period_ends(cadence=Cadence.QUARTERLY, start=start, until=today)
    expected_now = min(1.0, max(0.0, (today - start).days / max(1, (deadline - start).days)))
    last = quarters[-1] if quarters else start
    elapsed = max(1, (last - start).days)
    with_targets = [item for item in items if item.targets.all()]
    chosen = with_targets[:: max(1, len(with_targets) // len(DEMO_SHARES))][: len(DEMO_SHARES)]
    for item, share in zip(chosen, DEMO_SHARES, strict=False):
        for index, quarter_end in enumerate(quarters, start=1):
            if share >= 1:
                so_far = index / len(quarters)
            else:
                # the last report stands at ``share`` of what is expected today, the earlier ones pro rata
                so_far = min(1.0, share * expected_now * (quarter_end - start).days / elapsed)
            for target in item.targets.all():
                actual, stage = _figure(target, so_far)
                services.report_record_accepted(
                    target=target,
                    by=office,
                    period_end=quarter_end,
                    actual=actual,
                    stage=stage,
                    narrative=DEMO_NOTE,
                    source="demo",
                    today=today,
                )
                result.figures += 1
        result.items_with_figures.append(item.no)
    behind = [item for item, share in zip(chosen, DEMO_SHARES, strict=False) if share < 0.6]
    if behind:
        services.notice_issue(
            item=behind[0],
            by=office,
            reason="进度明显滞后于序时进度（演示数据）。",
            demand="请于七日内说明滞后原因并提出整改措施（演示数据）。",
            reply_deadline=today + dt.timedelta(days=7),
            today=today,
        )
    return result
