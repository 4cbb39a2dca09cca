"""Delivery settings of a plan (reporting cadence, due day, thresholds of the lights, milestone stages),
the assignment of an item to its lead and supporting departments, and a target's planned schedule.

Only the office writes these (rules ``delivery.change_settings``, ``delivery.assign_item``,
``delivery.change_schedule``); each write is validated whole (``DeliveryError`` on the field to blame),
audited, and an assignment tells the departments' members after the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import User
from minsheng.accounts.services import audit_record
from minsheng.common.services import actor, item_label, require
from minsheng.delivery.models import (
    Assignment,
    Cadence,
    DeliverySettings,
    PlannedValue,
    Stage,
)
from minsheng.delivery.selectors import (
    default_deadline,
    delivery_settings_get,
    delivery_start,
)
from minsheng.notifications.models import NotificationKind
from minsheng.notifications.services import notify
from minsheng.plans.models import Department, Item, ItemDepartment, Plan, Target

if TYPE_CHECKING:
    pass
from minsheng.delivery.services._core import (
    DeliveryError,
    _clean,
    _date,
    _department_users,
    _item_link,
    _number,
    _text,
)

# --- settings, assignment, schedule ----------------------------------------------------------------------


def _stages(value: Sequence[Sequence[Any]]) -> list[list[Any]]:
    names = set(Stage.values)
    result: list[list[Any]] = []
    previous = -1.0
    for entry in value:
        try:
            name, share = entry
            share = float(share)
        except (TypeError, ValueError):
            raise DeliveryError({"stages": [_("Give each stage as a name and a share.")]}) from None
        if name not in names:
            raise DeliveryError({"stages": [_("“%(stage)s” is not a stage.") % {"stage": name}]})
        if any(name == seen for seen, _share in result):
            raise DeliveryError({"stages": [_("The stage “%(stage)s” is given twice.") % {"stage": name}]})
        if not 0 < share <= 1:
            raise DeliveryError({"stages": [_("Each stage's share must be more than 0 and at most 1.")]})
        if share <= previous:
            raise DeliveryError({"stages": [_("Each stage must count for more than the one before it.")]})
        previous = share
        result.append([name, share])
    if not result:
        raise DeliveryError({"stages": [_("Give at least one stage.")]})
    if result[-1][1] != 1:
        raise DeliveryError({"stages": [_("The last stage must count for the whole target (1).")]})
    return result


def delivery_settings_validate(
    *,
    plan: Plan,
    yellow_gap: Any,
    red_gap: Any,
    stages: Sequence[Sequence[Any]] | None = None,
    start: Any = None,
) -> tuple[Decimal, Decimal, list[list[Any]] | None, dt.date | None]:
    """Check delivery settings (the admin's form asks this too); DeliveryError names the field at fault."""
    yellow = _number(yellow_gap, field="yellow_gap", places=Decimal("0.001"))
    red = _number(red_gap, field="red_gap", places=Decimal("0.001"))
    if yellow is None or red is None:
        raise DeliveryError(_("Give both thresholds."))
    if not yellow <= red <= 1:
        raise DeliveryError(
            {"red_gap": [_("The red threshold must be at least the yellow one and at most 1.")]}
        )
    checked = _stages(stages) if stages is not None else None
    if start is not None:
        start = _date(start, field="start")
        if start.year != plan.year:
            raise DeliveryError({"start": [_("Delivery must start in the plan's year.")]})
    return yellow, red, checked, start


@transaction.atomic
def delivery_settings_set(
    *,
    plan: Plan,
    by: User,
    yellow_gap: Decimal,
    red_gap: Decimal,
    stages: Sequence[tuple[str, float]] | None = None,
    start: dt.date | None = None,
) -> DeliverySettings:
    """Set a plan's light thresholds (yellow/red when behind by more than), milestone stage weights and the
    date delivery starts (default 1 January)."""
    require(by, "delivery.change_settings", plan)
    settings = DeliverySettings.objects.select_for_update().filter(plan=plan).first() or DeliverySettings(
        plan=plan
    )
    yellow, red, checked_stages, start = delivery_settings_validate(
        plan=plan, yellow_gap=yellow_gap, red_gap=red_gap, stages=stages, start=start
    )
    settings.yellow_gap, settings.red_gap = yellow, red
    if checked_stages is not None:
        settings.stages = checked_stages
    settings.start = start
    _clean(settings)
    settings.save()
    audit_record(
        actor=by,
        verb=AuditVerb.DELIVERY_SETTINGS_SET,
        obj=settings,
        details={
            "plan": plan.pk,
            "yellow_gap": str(yellow),
            "red_gap": str(red),
            "stages": settings.stages,
            "start": start.isoformat() if start else None,
        },
    )
    return settings


@transaction.atomic
def assignment_set(
    *,
    item: Item,
    by: User,
    lead: Department,
    supporting: Sequence[Department] = (),
    official: str = "",
    deadline: dt.date | None = None,
    cadence: str = "monthly",
    due_day: int = 5,
) -> Assignment:
    """Assign an item: replaces its ItemDepartment rows (one lead, the supporting ones) and sets the rest.
    ``deadline`` defaults to 31 December of the plan's year."""
    require(by, "delivery.assign_item", item)
    item = Item.objects.select_for_update(of=("self",)).select_related("plan__region").get(pk=item.pk)
    if item.removed_in_id is not None:
        raise DeliveryError(_("This item is no longer in the plan."))
    if lead is None:
        raise DeliveryError({"lead": [_("Choose a lead department.")]})
    others: list[Department] = []
    for department in supporting:
        if department.pk != lead.pk and all(department.pk != o.pk for o in others):
            others.append(department)
    assigned = set(ItemDepartment.objects.filter(item=item).values_list("department_id", flat=True))
    for department in (lead, *others):
        if department.region_id != item.plan.region_id:
            raise DeliveryError(
                _("%(department)s belongs to another region.") % {"department": department.name}
            )
        if department.retired_at is not None and department.pk not in assigned:
            raise DeliveryError(
                _("%(department)s is retired; choose an active department.") % {"department": department.name}
            )
    if cadence not in Cadence.values:
        raise DeliveryError({"cadence": [_("Choose monthly or quarterly reporting.")]})
    deadline = _date(deadline, field="deadline") if deadline is not None else default_deadline(plan=item.plan)
    start = delivery_start(plan=item.plan, settings=delivery_settings_get(plan=item.plan))
    if deadline < start:
        raise DeliveryError(
            {
                "deadline": [
                    _("The deadline is before delivery starts (%(start)s).") % {"start": start.isoformat()}
                ]
            }
        )
    try:
        due_day = int(due_day)
    except (TypeError, ValueError):
        raise DeliveryError(
            {"due_day": [_("The due day must be a day of the month from 1 to 28.")]}
        ) from None
    if not 1 <= due_day <= 28:
        raise DeliveryError({"due_day": [_("The due day must be a day of the month from 1 to 28.")]})

    before = set(item.assignments.values_list("department_id", flat=True))
    item.assignments.all().delete()
    rows = [ItemDepartment(item=item, department=lead, role=ItemDepartment.Role.LEAD)] + [
        ItemDepartment(item=item, department=d, role=ItemDepartment.Role.SUPPORTING) for d in others
    ]
    for row in rows:
        _clean(row)
        row.save()
    assignment = Assignment.objects.filter(item=item).first() or Assignment(item=item, assigned_by=actor(by))
    assignment.official = _text(official)
    assignment.deadline = deadline
    assignment.cadence = cadence
    assignment.due_day = due_day
    assignment.assigned_by = actor(by)
    _clean(assignment)
    assignment.save()
    audit_record(
        actor=by,
        verb=AuditVerb.ASSIGNMENT_SET,
        obj=assignment,
        details={
            "item": item.pk,
            "lead": lead.pk,
            "supporting": [d.pk for d in others],
            "official": assignment.official,
            "deadline": deadline.isoformat(),
            "cadence": cadence,
            "due_day": due_day,
        },
    )
    added = [d.pk for d in (lead, *others) if d.pk not in before]
    if added:
        notify(
            lambda: _department_users(added, (User.Role.REPORTER, User.Role.DEPT_HEAD)),
            kind=NotificationKind.ITEM_ASSIGNED,
            message=lambda: (
                _("Your department has been assigned %(item)s (reporting: %(cadence)s).")
                % {"item": item_label(item), "cadence": Cadence(cadence).label}
            ),
            url=_item_link(item.pk),
        )
    return assignment


@transaction.atomic
def target_schedule_set(*, target: Target, by: User, planned: Mapping[tuple[int, int], Decimal]) -> None:
    """Replace a target's monthly planned cumulative values ({(year, month): value}); empty = linear.

    Quantities plan a cumulative value (at most the target's value for "at least" targets is not required:
    planning to over-deliver is allowed); milestones plan a share from 0 to 1. Values may not go down."""
    require(by, "delivery.change_schedule", target)
    target = Target.objects.select_for_update().select_related("item").get(pk=target.pk)
    if target.removed_in_id is not None or target.item.removed_in_id is not None:
        raise DeliveryError(_("This target is no longer in the plan."))
    rows: list[PlannedValue] = []
    previous: Decimal | None = None
    for key in sorted(planned):
        try:
            year, month = (int(part) for part in key)
        except (TypeError, ValueError):
            raise DeliveryError({"planned": [_("Give each planned value a year and a month.")]}) from None
        if not 1 <= month <= 12:
            raise DeliveryError({"planned": [_("%(month)s is not a month.") % {"month": month}]})
        value = _number(planned[key], field="planned")
        if value is None:
            raise DeliveryError({"planned": [_("Give a value for every month listed.")]})
        if target.kind == Target.Kind.MILESTONE and value > 1:
            raise DeliveryError({"planned": [_("A milestone's planned share is from 0 to 1.")]})
        if previous is not None and value < previous:
            raise DeliveryError(
                {
                    "planned": [
                        _(
                            "Planned values are cumulative: %(year)d-%(month)02d is less than the month before."
                        )
                        % {"year": year, "month": month}
                    ]
                }
            )
        previous = value
        row = PlannedValue(target=target, year=year, month=month, value=value)
        _clean(row, validate_unique=False)
        rows.append(row)
    target.planned_values.all().delete()
    PlannedValue.objects.bulk_create(rows)
    audit_record(
        actor=by,
        verb=AuditVerb.TARGET_SCHEDULE_SET,
        obj=target,
        details={"planned": {f"{r.year}-{r.month:02d}": str(r.value) for r in rows}},
    )
