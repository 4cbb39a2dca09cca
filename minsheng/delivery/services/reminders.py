"""Reminders: reports due soon and overdue, told once per item, period and kind to the departments that
owe them (in-app and by mail; ``minsheng remind`` or the daily django-q2 schedule installed here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import User
from minsheng.accounts.services import audit_record
from minsheng.common.services import in_site_language, item_label
from minsheng.delivery.models import (
    DeliverySettings,
    ProgressReport,
    ReportStatus,
)
from minsheng.delivery.selectors import (
    HANDED_IN,
    delivery_start,
    overdue_periods,
    reporting_periods,
    stages_of,
    target_spec,
    target_status,
)
from minsheng.notifications.models import Notification, NotificationKind
from minsheng.notifications.services import notify_now
from minsheng.plans.models import Item, ItemDepartment, Plan, Target

if TYPE_CHECKING:
    pass
from minsheng.delivery.services._core import DUE_SOON_DAYS, _item_link

# --- reminders and notifications -------------------------------------------------------------------------

_DUE_SOON = gettext_lazy("Reports on %(item)s for the period ending %(end)s are due on %(due)s.")
_OVERDUE = gettext_lazy(
    "Reports on %(item)s for the period ending %(end)s were due on %(due)s and have not all been submitted."
)


def reminders_send(*, today: dt.date) -> dict[str, int]:
    """Due-soon (3 days before the due date) and overdue reminders, in-app and by email, each once per
    (user, item, period, kind). Returns counts by kind.

    Only items the office has assigned (an Assignment) in plans not closed get reminders. Due soon goes to
    the lead department's reporters; overdue (the latest overdue period of an item) to its reporters and
    head. Without a lead department, to all the item's departments."""

    counts = {NotificationKind.REPORT_DUE_SOON.value: 0, NotificationKind.REPORT_OVERDUE.value: 0}
    items = list(
        Item.objects.filter(removed_in__isnull=True, delivery_assignment__isnull=False)
        .exclude(plan__status=Plan.Status.CLOSED)
        .select_related("plan", "delivery_assignment")
        .prefetch_related(
            models.Prefetch("targets", queryset=Target.objects.filter(removed_in__isnull=True)),
            models.Prefetch("assignments", queryset=ItemDepartment.objects.all()),
        )
    )
    if not items:
        return counts
    plans = {item.plan_id: item.plan for item in items}
    settings = {s.plan_id: s for s in DeliverySettings.objects.filter(plan_id__in=list(plans))}
    target_ids = [t.pk for item in items for t in item.targets.all()]
    handed_in: dict[int, list[dt.date]] = {}
    latest: dict[int, tuple[Any, str]] = {}
    for target_id, period_end, status, actual, stage in (
        ProgressReport.objects.filter(target_id__in=target_ids, status__in=HANDED_IN, period_end__lte=today)
        .order_by("target_id", "period_end", "id")
        .values_list("target_id", "period_end", "status", "actual", "stage")
    ):
        handed_in.setdefault(target_id, []).append(period_end)
        if status == ReportStatus.ACCEPTED:
            latest[target_id] = (actual, stage)
    department_ids = {a.department_id for item in items for a in item.assignments.all()}
    members: dict[int, list[User]] = {}
    for user in User.objects.filter(
        is_active=True, department_id__in=department_ids, role__in=(User.Role.REPORTER, User.Role.DEPT_HEAD)
    ).order_by("id"):
        if user.department_id is not None:
            members.setdefault(user.department_id, []).append(user)

    created: list[Notification] = []
    with transaction.atomic():
        for item in items:
            assignment = item.delivery_assignment
            plan = plans[item.plan_id]
            plan_settings = settings.get(plan.pk) or DeliverySettings(plan=plan)
            stages = stages_of(plan_settings)
            start = delivery_start(plan=plan, settings=plan_settings)
            departments = [a for a in item.assignments.all() if a.role == ItemDepartment.Role.LEAD] or list(
                item.assignments.all()
            )
            people = [u for a in departments for u in members.get(a.department_id, [])]
            if not people:
                continue
            targets = []
            for target in item.targets.all():
                actual, stage = latest.get(target.pk, (None, ""))
                figure = {"actual": actual, "stage": stage} if target.pk in latest else None
                targets.append(target_status(target, target_spec(target), figure, stages=stages))
            if not targets:
                continue
            periods = reporting_periods(
                cadence=assignment.cadence,
                due_day=assignment.due_day,
                start=start,
                deadline=assignment.deadline,
            )
            open_targets = [t for t in targets if t.completion is None or t.completion < 1 - 1e-9]
            for period in periods:
                days = (period.due - today).days
                if 0 <= days <= DUE_SOON_DAYS:
                    missing = any(
                        not any(period.start <= d <= period.end for d in handed_in.get(t.id, []))
                        for t in open_targets
                    )
                    if missing:
                        created += _remind(
                            [u for u in people if u.role == User.Role.REPORTER],
                            kind=NotificationKind.REPORT_DUE_SOON,
                            template=_DUE_SOON,
                            item=item,
                            period=period,
                        )
            late = overdue_periods(
                targets=targets,
                handed_in=handed_in,
                cadence=assignment.cadence,
                due_day=assignment.due_day,
                start=start,
                deadline=assignment.deadline,
                on=today,
            )
            if late:
                created += _remind(
                    people,
                    kind=NotificationKind.REPORT_OVERDUE,
                    template=_OVERDUE,
                    item=item,
                    period=late[-1],
                )
        for notification in created:
            counts[notification.kind] += 1
            audit_record(
                actor=None,
                verb=AuditVerb.REMINDER_SEND,
                obj=notification,
                details={
                    "user": notification.user_id,
                    "kind": notification.kind,
                    "key": notification.dedupe_key,
                },
            )
    return counts


def _remind(
    users: Sequence[User], *, kind: str, template: Any, item: Item, period: Any
) -> list[Notification]:
    if not users:
        return []
    message = in_site_language(
        lambda: (
            str(template)
            % {"item": item_label(item), "end": period.end.isoformat(), "due": period.due.isoformat()}
        )
    )
    return notify_now(
        users,
        kind=kind,
        message=message,
        url=_item_link(item.pk),
        dedupe_key=f"{kind}:item{item.pk}:{period.end.isoformat()}",
    )


REMINDER_SCHEDULE_NAME = "minsheng-reminders"
REMINDER_TASK = "minsheng.delivery.tasks.send_reminders"


@transaction.atomic
def reminder_schedule_install(
    *, at: dt.time = dt.time(7, 0), now: dt.datetime | None = None
) -> tuple[Any, bool]:
    """Create (or bring up to date) the django-q2 schedule that sends reminders daily at ``at``, local
    time. Idempotent: there is only ever one such schedule. Returns (schedule, created)."""
    from django_q.models import Schedule

    now = timezone.localtime(now)
    first = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if first <= now:
        first += dt.timedelta(days=1)
    schedule, created = Schedule.objects.update_or_create(
        name=REMINDER_SCHEDULE_NAME,
        defaults={
            "func": REMINDER_TASK,
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
            "next_run": first,
        },
    )
    audit_record(
        actor=None,
        verb=AuditVerb.REMINDER_SCHEDULE_INSTALL,
        obj=schedule,
        details={"next_run": first.isoformat(), "created": created},
    )
    return schedule, created
