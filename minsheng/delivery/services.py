"""Writes for delivery. Every function runs in one transaction, checks permission through rules, validates,
records an audit event (minsheng.accounts.services.audit_record) and notifies (minsheng.notifications) after
the commit.

Views, the Excel loader, the CLI and the demo call these. Errors:

- ``DeliveryError`` (a ValidationError subclass): bad input or a step the flow does not allow. Its
  ``messages`` are for the user (``message_dict`` maps fields to messages where a field is to blame);
  nothing was changed.
- ``PermissionDenied`` (django.core.exceptions): the user may not do this to this object.
- ``ConflictError``: someone else changed the record first (``expected_version`` is stale); one write wins.
  ``error.current`` is the record as it is now.

Reports and notices carry a ``version`` that every write increases. A write names the version the user
saw (``expected_version``); the service locks the row (``SELECT … FOR UPDATE``), compares, and writes with
a conditional ``UPDATE … WHERE version = expected``, so of two people acting at once one wins and the other
gets a :class:`ConflictError`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import User
from minsheng.accounts.selectors import office_users
from minsheng.accounts.services import audit_record
from minsheng.common import services as common
from minsheng.common.errors import ConflictError
from minsheng.common.services import actor, in_site_language, item_label, link, require
from minsheng.delivery.models import (
    Assignment,
    Cadence,
    DeliverySettings,
    Evidence,
    PlannedValue,
    ProgressReport,
    ReportEvent,
    ReportStatus,
    Stage,
    SupervisionNotice,
)
from minsheng.delivery.rules import returns_as_office
from minsheng.delivery.schedule import target_completion
from minsheng.delivery.selectors import (
    HANDED_IN,
    default_deadline,
    delivery_settings_get,
    delivery_start,
    item_has_money,
    overdue_periods,
    reporting_periods,
    stages_of,
    target_spec,
)
from minsheng.delivery.workflows import NOTICE_FLOW, REPORT_FLOW
from minsheng.notifications.models import Notification, NotificationKind
from minsheng.notifications.services import notify, notify_now
from minsheng.plans.models import Department, Item, ItemDepartment, Plan, Target

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_PER_REPORT = 20
DUE_SOON_DAYS = 3
_FOUR_PLACES = Decimal("0.0001")
_TWO_PLACES = Decimal("0.01")
_MAX_FIGURE = Decimal(10) ** 16


class DeliveryError(ValidationError):
    """Bad input or a step the flow does not allow; the message is for the user; nothing was changed."""


# --- helpers ---------------------------------------------------------------------------------------------

_clean = partial(common.clean, error=DeliveryError)
_lock = partial(common.lock, error=DeliveryError)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _number(value: Any, *, field: str, places: Decimal = _FOUR_PLACES) -> Decimal | None:
    """A figure from a form, a sheet or code: None or "" is no figure; anything else must be a number ≥ 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise DeliveryError({field: [_("“%(value)s” is not a number.") % {"value": value}]})
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise DeliveryError({field: [_("“%(value)s” is not a number.") % {"value": value}]}) from None
    if not number.is_finite():
        raise DeliveryError({field: [_("“%(value)s” is not a number.") % {"value": value}]})
    if number < 0:
        raise DeliveryError({field: [_("The figure cannot be negative.")]})
    if number >= _MAX_FIGURE:
        raise DeliveryError({field: [_("The figure is too large.")]})
    return number.quantize(places)


def _date(value: Any, *, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise DeliveryError({field: [_("Give a date, not a date and time.")]})
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value))
    except ValueError:
        raise DeliveryError(
            {field: [_("“%(value)s” is not a date (write 2025-06-30).") % {"value": value}]}
        ) from None


def _current_target(target: Target) -> Target:
    """The target, fresh, with its item and plan; refused when it or its item left the plan."""
    fresh = Target.objects.select_related("item__plan__region").filter(pk=target.pk).first()
    if fresh is None or fresh.removed_in_id is not None or fresh.item.removed_in_id is not None:
        raise DeliveryError(_("This target is no longer in the plan; it cannot be reported on."))
    return fresh


def _figure(
    *,
    target: Target,
    period_end: Any,
    actual: Any,
    stage: str,
    funds_spent: Any,
    today: dt.date,
    settings: DeliverySettings,
) -> tuple[dt.date, Decimal | None, str, Decimal | None]:
    """Check a figure against its target: a stage of the plan for a milestone, a number ≥ 0 for a quantity,
    funds only where the item states money, a date from the start of delivery to today."""
    plan = target.item.plan
    period_end = _date(period_end, field="period_end")
    start = delivery_start(plan=plan, settings=settings)
    if period_end > today:
        raise DeliveryError(
            {
                "period_end": [
                    _("The as-of date %(date)s is in the future.") % {"date": period_end.isoformat()}
                ]
            }
        )
    if period_end < start:
        raise DeliveryError(
            {
                "period_end": [
                    _("The as-of date %(date)s is before delivery starts (%(start)s).")
                    % {"date": period_end.isoformat(), "start": start.isoformat()}
                ]
            }
        )
    stage = _text(stage)
    if target.kind == Target.Kind.MILESTONE:
        if _text(actual):
            raise DeliveryError(
                {"actual": [_("This target is a milestone: give the stage reached, not a number.")]}
            )
        if not stage:
            raise DeliveryError({"stage": [_("Give the stage reached.")]})
        names = [name for name, _share in stages_of(settings)]
        if stage not in names:
            raise DeliveryError(
                {"stage": [_("“%(stage)s” is not one of this plan's stages.") % {"stage": stage}]}
            )
        number = None
    else:
        if stage:
            raise DeliveryError(
                {"stage": [_("This target is a quantity: give the cumulative actual, not a stage.")]}
            )
        number = _number(actual, field="actual")
        if number is None:
            raise DeliveryError({"actual": [_("Give the cumulative actual.")]})
    funds = _number(funds_spent, field="funds_spent", places=_TWO_PLACES)
    if funds is not None and not item_has_money(target.item):
        raise DeliveryError({"funds_spent": [_("This item states no money; leave the funds spent empty.")]})
    return period_end, number, stage, funds


def _snapshot(report: ProgressReport) -> dict[str, Any]:
    return {
        "period_end": report.period_end.isoformat(),
        "actual": None if report.actual is None else str(report.actual),
        "stage": report.stage,
        "narrative": report.narrative,
        "funds_spent": None if report.funds_spent is None else str(report.funds_spent),
        "status": report.status,
        "published": report.published,
        "return_reason": report.return_reason,
        "version": report.version,
        "evidence": [
            {"name": name, "sha256": sha}
            for name, sha in Evidence.objects.filter(report_id=report.pk)
            .order_by("id")
            .values_list("original_name", "sha256")
        ],
    }


# A report's history step (ReportEvent.action) and the verb of its audit event.
_REPORT_VERB = {
    "create": AuditVerb.REPORT_CREATE,
    "edit": AuditVerb.REPORT_EDIT,
    "submit": AuditVerb.REPORT_SUBMIT,
    "approve": AuditVerb.REPORT_APPROVE,
    "accept": AuditVerb.REPORT_ACCEPT,
    "return": AuditVerb.REPORT_RETURN,
    "publish": AuditVerb.REPORT_PUBLISH,
    "unpublish": AuditVerb.REPORT_UNPUBLISH,
    "record": AuditVerb.REPORT_RECORD,
    "evidence_add": AuditVerb.REPORT_EVIDENCE_ADD,
    "evidence_remove": AuditVerb.REPORT_EVIDENCE_REMOVE,
}


def _event(
    report: ProgressReport, *, by: User | None, action: str, from_status: str, note: str = ""
) -> ReportEvent:
    event = ReportEvent(
        report=report,
        by=actor(by),
        action=action,
        from_status=from_status,
        to_status=report.status,
        note=note,
        snapshot=_snapshot(report),
    )
    _clean(event)
    event.save()
    audit_record(
        actor=by,
        verb=_REPORT_VERB[action],
        obj=report,
        details={
            "from": from_status,
            "to": report.status,
            "version": report.version,
            "target": report.target_id,
            "period_end": report.period_end.isoformat(),
            **({"note": note} if note else {}),
        },
    )
    return event


def _conflict_message(what: str) -> str:
    if what == "notice":
        return _(
            "Someone else changed this supervision notice after you opened it. "
            "Reload it to see what they did, then try again."
        )
    return _(
        "Someone else changed this report after you opened it. Reload it to see what they did, then try again."
    )


def _check_version(current: Any, expected_version: int | None, what: str) -> None:
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(_conflict_message(what), current=current)


def _write_versioned(obj: Any, fields: Sequence[str], what: str) -> None:
    """Validate and write ``fields`` of ``obj`` if its row still has the version ``obj`` was read at, and
    increase the version; otherwise someone else wrote first."""
    _clean(obj)
    values = {name: getattr(obj, name) for name in fields}
    if hasattr(obj, "updated_at"):
        obj.updated_at = values["updated_at"] = timezone.now()
    written = (
        type(obj).objects.filter(pk=obj.pk, version=obj.version).update(version=F("version") + 1, **values)
    )
    if written != 1:
        raise ConflictError(_conflict_message(what), current=type(obj).objects.filter(pk=obj.pk).first())
    obj.version += 1


def _copy_into(target: models.Model | None, source: models.Model) -> None:
    """Bring the caller's instance up to date with what was written."""
    if target is None or target is source:
        return
    for model_field in source._meta.concrete_fields:
        setattr(target, model_field.attname, getattr(source, model_field.attname))


# --- notifications ---------------------------------------------------------------------------------------


def _item_link(item_id: int) -> str:
    return link("delivery:item", item_id, fallback=("portal:item", (item_id,)))


def _report_link(report: ProgressReport, item_id: int) -> str:
    return link("delivery:report", report.pk, fallback=("delivery:item", (item_id,))) or _item_link(item_id)


def _notice_link(notice: SupervisionNotice) -> str:
    return link("delivery:notice", notice.pk) or _item_link(notice.item_id)


def _department_users(department_ids: Iterable[int | None], roles: Iterable[str]) -> list[User]:
    ids = [i for i in department_ids if i]
    if not ids:
        return []
    return list(
        User.objects.filter(is_active=True, department_id__in=ids, role__in=list(roles)).order_by("id")
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
    for department in (lead, *others):
        if department.region_id != item.plan.region_id:
            raise DeliveryError(
                _("%(department)s belongs to another region.") % {"department": department.name}
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


# --- progress reports ------------------------------------------------------------------------------------


def report_save(
    *,
    target: Target,
    by: User,
    period_end: dt.date,
    actual: Decimal | None = None,
    stage: str = "",
    narrative: str = "",
    funds_spent: Decimal | None = None,
    report: ProgressReport | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> ProgressReport:
    """Create or update a draft (or returned) report of the reporter's department for one target.

    A new report needs ``report=None``; changing one needs the report and the version the user saw
    (``expected_version``, default the instance's). Saving a returned report makes it a draft again."""
    today = today or timezone.localdate()
    with transaction.atomic():
        if report is None:
            require(by, "delivery.add_report", target)
            target = _current_target(target)
            settings = delivery_settings_get(plan=target.item.plan)
            period_end, number, stage, funds = _figure(
                target=target,
                period_end=period_end,
                actual=actual,
                stage=stage,
                funds_spent=funds_spent,
                today=today,
                settings=settings,
            )
            existing = (
                ProgressReport.objects.select_related("department")
                .filter(target=target, period_end=period_end)
                .first()
            )
            if existing is not None:
                if existing.department_id == by.department_id:
                    message = _(
                        "A report for this target as of %(date)s already exists; open it to change it."
                    )
                else:
                    message = _("%(department)s has already reported this target as of %(date)s.")
                raise DeliveryError(
                    message
                    % {
                        "date": period_end.isoformat(),
                        "department": existing.department.name if existing.department else _("The office"),
                    }
                )
            new = ProgressReport(
                target=target,
                department_id=by.department_id,
                period_end=period_end,
                actual=number,
                stage=stage,
                narrative=_text(narrative),
                funds_spent=funds,
                created_by=actor(by),
            )
            _clean(new)
            try:
                with transaction.atomic():
                    new.save()
            except IntegrityError:  # someone reported the same target and date a moment ago
                raise DeliveryError(
                    _("A report for this target as of %(date)s already exists.")
                    % {"date": period_end.isoformat()}
                ) from None
            _event(new, by=by, action="create", from_status="")
            return new

        current = _lock(ProgressReport, report)
        require(by, REPORT_FLOW["edit"].perm, current)
        _check_version(current, report.version if expected_version is None else expected_version, "report")
        if not REPORT_FLOW["edit"].state_allows(by, current):
            raise DeliveryError(
                _("This report has been submitted (%(status)s); it can no longer be changed.")
                % {"status": current.get_status_display()}
            )
        if target.pk != current.target_id:
            raise DeliveryError(_("A report cannot move to another target."))
        target = _current_target(target)
        settings = delivery_settings_get(plan=target.item.plan)
        period_end, number, stage, funds = _figure(
            target=target,
            period_end=period_end,
            actual=actual,
            stage=stage,
            funds_spent=funds_spent,
            today=today,
            settings=settings,
        )
        from_status = current.status
        current.period_end = period_end
        current.actual = number
        current.stage = stage
        current.narrative = _text(narrative)
        current.funds_spent = funds
        current.status = ReportStatus.DRAFT
        _write_versioned(
            current, ("period_end", "actual", "stage", "narrative", "funds_spent", "status"), "report"
        )
        _event(current, by=by, action="edit", from_status=from_status)
    _copy_into(report, current)
    return current


@dataclass(frozen=True)
class _Tell:
    """Who hears of a report's step, and what: ``message(report, item)`` is built in the site's language."""

    recipients: Callable[[ProgressReport], Iterable[User]]
    kind: str
    message: Callable[[ProgressReport, Item], str]


def _transition(
    *,
    report: ProgressReport,
    by: User,
    expected_version: int,
    step: str,
    refused: Callable[[ProgressReport], str],
    apply: Callable[[ProgressReport], Sequence[str]],
    action: str,
    note: str = "",
    tell: _Tell | None = None,
) -> ProgressReport:
    """Lock, check who, check the version, check the state, write, record, and (after the commit) tell the
    people the step concerns: one step of the report flow."""
    with transaction.atomic():
        current = _lock(ProgressReport, report)
        require(by, REPORT_FLOW[step].perm, current)
        _check_version(current, expected_version, "report")
        if not REPORT_FLOW[step].state_allows(by, current):
            raise DeliveryError(refused(current))
        from_status = current.status
        fields = apply(current)
        _write_versioned(current, fields, "report")
        _event(current, by=by, action=action, from_status=from_status, note=note)
        if tell is not None:
            item = _report_item(current)
            notify(
                lambda: tell.recipients(current),
                kind=tell.kind,
                message=lambda: tell.message(current, item),
                url=_report_link(current, item.pk),
            )
    _copy_into(report, current)
    return current


def _report_still_current(report: ProgressReport) -> None:
    target = Target.objects.select_related("item").get(pk=report.target_id)
    if target.removed_in_id is not None or target.item.removed_in_id is not None:
        raise DeliveryError(_("This target is no longer in the plan; the report cannot go further."))


def _report_item(report: ProgressReport) -> Item:
    return Item.objects.get(targets__pk=report.target_id)


def report_submit(*, report: ProgressReport, by: User, expected_version: int) -> ProgressReport:
    """The reporter hands a draft (or a returned report) to the department head."""

    def apply(current: ProgressReport) -> Sequence[str]:
        _report_still_current(current)
        current.status = ReportStatus.SUBMITTED
        return ("status",)

    tell = _Tell(
        recipients=lambda r: _department_users([r.department_id], [User.Role.DEPT_HEAD]),
        kind=NotificationKind.REPORT_SUBMITTED,
        message=lambda r, item: (
            _("A report on %(item)s as of %(date)s awaits your approval.")
            % {"item": item_label(item), "date": r.period_end.isoformat()}
        ),
    )

    return _transition(
        report=report,
        by=by,
        expected_version=expected_version,
        step="submit",
        refused=lambda r: (
            _("Only a draft or a returned report can be submitted; this one is %(status)s.")
            % {"status": r.get_status_display()}
        ),
        apply=apply,
        action="submit",
        tell=tell,
    )


def report_approve(*, report: ProgressReport, by: User, expected_version: int) -> ProgressReport:
    """The department head passes a submitted report on to the office."""

    def apply(current: ProgressReport) -> Sequence[str]:
        _report_still_current(current)
        current.status = ReportStatus.APPROVED
        return ("status",)

    tell = _Tell(
        recipients=lambda r: office_users(),
        kind=NotificationKind.REPORT_APPROVED,
        message=lambda r, item: (
            _("%(department)s reports on %(item)s as of %(date)s; the report awaits acceptance.")
            % {
                "department": r.department.name if r.department else "",
                "item": item_label(item),
                "date": r.period_end.isoformat(),
            }
        ),
    )

    return _transition(
        report=report,
        by=by,
        expected_version=expected_version,
        step="approve",
        refused=lambda r: (
            _("Only a submitted report can be approved; this one is %(status)s.")
            % {"status": r.get_status_display()}
        ),
        apply=apply,
        action="approve",
        tell=tell,
    )


def report_accept(
    *, report: ProgressReport, by: User, expected_version: int, publish: bool = True
) -> ProgressReport:
    """The office accepts an approved report: its figure counts (and is published, unless ``publish=False``)."""

    def apply(current: ProgressReport) -> Sequence[str]:
        _report_still_current(current)
        current.status = ReportStatus.ACCEPTED
        current.published = bool(publish)
        current.accepted_at = timezone.now()
        current.return_reason = ""
        return ("status", "published", "accepted_at", "return_reason")

    tell = _Tell(
        recipients=lambda r: _department_users([r.department_id], [User.Role.REPORTER]),
        kind=NotificationKind.REPORT_ACCEPTED,
        message=lambda r, item: (
            _("The office accepted your report on %(item)s as of %(date)s.")
            % {"item": item_label(item), "date": r.period_end.isoformat()}
        ),
    )

    return _transition(
        report=report,
        by=by,
        expected_version=expected_version,
        step="accept",
        refused=lambda r: (
            _("Only a report approved by the department head can be accepted; this one is %(status)s.")
            % {"status": r.get_status_display()}
        ),
        apply=apply,
        action="accept",
        note="published" if publish else "",
        tell=tell,
    )


def report_return(*, report: ProgressReport, by: User, reason: str, expected_version: int) -> ProgressReport:
    """Send a report back to its reporter with a reason: the office an approved report, the department head
    a submitted one."""
    reason = _text(reason)
    if not reason:
        raise DeliveryError({"reason": [_("Say why the report is returned.")]})
    from_office = by is not None and returns_as_office(by)

    def apply(current: ProgressReport) -> Sequence[str]:
        current.status = ReportStatus.RETURNED
        current.return_reason = reason
        return ("status", "return_reason")

    tell = _Tell(
        recipients=lambda r: [
            *_department_users([r.department_id], [User.Role.REPORTER]),
            *User.objects.filter(pk__in=[r.created_by_id], is_active=True),
        ],
        kind=NotificationKind.REPORT_RETURNED,
        message=lambda r, item: (
            _("Your report on %(item)s as of %(date)s was returned: %(reason)s")
            % {"item": item_label(item), "date": r.period_end.isoformat(), "reason": reason}
        ),
    )

    def refused(current: ProgressReport) -> str:
        if from_office:
            message = _(
                "The office returns only reports approved by the department head; this one is %(status)s."
            )
        else:
            message = _("The department head returns only submitted reports; this one is %(status)s.")
        return message % {"status": current.get_status_display()}

    return _transition(
        report=report,
        by=by,
        expected_version=expected_version,
        step="return",
        refused=refused,
        apply=apply,
        action="return",
        note=reason,
        tell=tell,
    )


def report_publish_set(
    *, report: ProgressReport, by: User, published: bool, expected_version: int
) -> ProgressReport:
    """The office publishes an accepted figure, or withdraws it from the public pages."""

    def apply(current: ProgressReport) -> Sequence[str]:
        current.published = bool(published)
        return ("published",)

    return _transition(
        report=report,
        by=by,
        expected_version=expected_version,
        step="publish",
        refused=lambda r: (
            _("Only an accepted report can be published; this one is %(status)s.")
            % {"status": r.get_status_display()}
        ),
        apply=apply,
        action="publish" if published else "unpublish",
    )


def report_record_accepted(
    *,
    target: Target,
    by: User,
    period_end: dt.date,
    actual: Decimal | None = None,
    stage: str = "",
    narrative: str = "",
    source: str = "spreadsheet",
    funds_spent: Decimal | None = None,
    publish: bool = True,
    today: dt.date | None = None,
) -> ProgressReport:
    """The office records an accepted figure directly (the Excel load): creates or replaces the report
    for (target, period_end) as accepted and published, with an event saying where it came from."""
    require(by, "delivery.record_accepted", target)
    today = today or timezone.localdate()
    with transaction.atomic():
        target = _current_target(target)
        settings = delivery_settings_get(plan=target.item.plan)
        period_end, number, stage, funds = _figure(
            target=target,
            period_end=period_end,
            actual=actual,
            stage=stage,
            funds_spent=funds_spent,
            today=today,
            settings=settings,
        )
        existing = (
            ProgressReport.objects.select_for_update().filter(target=target, period_end=period_end).first()
        )
        note = _text(source) or "office"
        if existing is None:
            lead = (
                ItemDepartment.objects.filter(item_id=target.item_id, role=ItemDepartment.Role.LEAD)
                .values_list("department_id", flat=True)
                .first()
            )
            report = ProgressReport(
                target=target,
                department_id=lead,
                period_end=period_end,
                actual=number,
                stage=stage,
                narrative=_text(narrative),
                funds_spent=funds,
                status=ReportStatus.ACCEPTED,
                published=bool(publish),
                accepted_at=timezone.now(),
                created_by=actor(by),
            )
            _clean(report)
            report.save()
            _event(report, by=by, action="record", from_status="", note=note)
            return report
        from_status = existing.status
        existing.actual = number
        existing.stage = stage
        if _text(narrative):
            existing.narrative = _text(narrative)
        if funds is not None:
            existing.funds_spent = funds
        existing.status = ReportStatus.ACCEPTED
        existing.published = bool(publish)
        existing.accepted_at = timezone.now()
        existing.return_reason = ""
        _write_versioned(
            existing,
            (
                "actual",
                "stage",
                "narrative",
                "funds_spent",
                "status",
                "published",
                "accepted_at",
                "return_reason",
            ),
            "report",
        )
        _event(existing, by=by, action="record", from_status=from_status, note=note)
        return existing


# --- evidence --------------------------------------------------------------------------------------------

_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
)


def _read_upload(upload: UploadedFile, limit: int) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise DeliveryError({"file": [_too_large(size, limit)]})
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise DeliveryError({"file": [_too_large(len(content), limit)]})
    return content


def _too_large(size: int, limit: int) -> str:
    return _("The file is too large (%(size)s MB; at most %(limit)s MB).") % {
        "size": f"{size / 1024 / 1024:.1f}",
        "limit": f"{limit / 1024 / 1024:.0f}",
    }


def evidence_kind(content: bytes) -> tuple[str, str]:
    """(content type, extension) of a JPEG, PNG or PDF judged by its bytes; DeliveryError for anything else
    or an image Pillow cannot read."""
    not_allowed = _("Evidence must be a photo (JPEG or PNG) or a PDF; this file is neither.")
    found = next((entry for entry in _SIGNATURES if content.startswith(entry[0])), None)
    if found is None:
        raise DeliveryError({"file": [not_allowed]})
    _magic, content_type, extension = found
    if content_type.startswith("image/"):
        import io
        import warnings

        from PIL import Image

        expected_format = "JPEG" if content_type == "image/jpeg" else "PNG"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(content)) as image:
                    found_format = image.format
                    image.verify()
                with Image.open(io.BytesIO(content)) as image:
                    image.load()
        except Exception:  # Pillow raises many kinds of error for a damaged or hostile file
            raise DeliveryError({"file": [_("This image is damaged or cannot be read.")]}) from None
        if found_format != expected_format:
            raise DeliveryError({"file": [not_allowed]})
    elif b"%%EOF" not in content[-2048:]:
        raise DeliveryError({"file": [_("This PDF is incomplete or damaged.")]})
    return content_type, extension


def evidence_add(*, report: ProgressReport, by: User, upload: UploadedFile) -> Evidence:
    """Attach a JPEG, PNG or PDF (checked by its bytes, at most 10 MB) to a report still in draft."""
    limit = int(getattr(django_settings, "MINSHENG_MAX_EVIDENCE_BYTES", MAX_EVIDENCE_BYTES))
    with transaction.atomic():
        current = _lock(ProgressReport, report)
        require(by, REPORT_FLOW["add_evidence"].perm, current)
        if not REPORT_FLOW["add_evidence"].state_allows(by, current):
            raise DeliveryError(_("Evidence can be added only while the report is a draft or returned."))
        if current.evidence.count() >= MAX_EVIDENCE_PER_REPORT:
            raise DeliveryError(
                _("A report has at most %(count)d files of evidence.") % {"count": MAX_EVIDENCE_PER_REPORT}
            )
        content = _read_upload(upload, limit)
        if not content:
            raise DeliveryError({"file": [_("The file is empty.")]})
        content_type, extension = evidence_kind(content)
        name = (
            PurePath((getattr(upload, "name", "") or "").replace("\\", "/")).name.strip()
            or f"evidence.{extension}"
        )
        evidence = Evidence(
            report=current,
            original_name=name[:255],
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=actor(by),
        )
        evidence.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
        try:
            _clean(evidence)
            evidence.save()
            _event(
                current, by=by, action="evidence_add", from_status=current.status, note=evidence.original_name
            )
        except Exception:
            evidence.file.delete(save=False)
            raise
    return evidence


def evidence_remove(*, evidence: Evidence, by: User) -> None:
    """Remove a file from a report still in draft (or returned)."""
    with transaction.atomic():
        current = _lock(ProgressReport, evidence.report)
        require(by, REPORT_FLOW["remove_evidence"].perm, current)
        if not REPORT_FLOW["remove_evidence"].state_allows(by, current):
            raise DeliveryError(_("Evidence can be removed only while the report is a draft or returned."))
        attached = Evidence.objects.filter(pk=evidence.pk, report=current).first()
        if attached is None:
            raise DeliveryError(_("This file is no longer attached to the report."))
        name, storage, path = attached.original_name, attached.file.storage, attached.file.name or ""
        attached.delete()
        _event(current, by=by, action="evidence_remove", from_status=current.status, note=name)
        transaction.on_commit(lambda: storage.delete(path))


# --- supervision notices ---------------------------------------------------------------------------------


def _notice_members(notice: SupervisionNotice) -> Callable[[], list[User]]:
    return lambda: _department_users([notice.department_id], (User.Role.REPORTER, User.Role.DEPT_HEAD))


def _notice_audit(notice: SupervisionNotice, by: User | None, verb: AuditVerb, **details: Any) -> None:
    audit_record(
        actor=by,
        verb=verb,
        obj=notice,
        details={"item": notice.item_id, "status": notice.status, "version": notice.version, **details},
    )


@transaction.atomic
def notice_issue(
    *,
    item: Item,
    by: User,
    reason: str,
    demand: str,
    reply_deadline: dt.date,
    today: dt.date | None = None,
) -> SupervisionNotice:
    """The office issues a supervision notice (督办单) on an item to its lead department."""
    require(by, "delivery.issue_notice", item)
    item = Item.objects.select_related("plan").get(pk=item.pk)
    if item.removed_in_id is not None:
        raise DeliveryError(_("This item is no longer in the plan."))
    lead = ItemDepartment.objects.filter(item=item, role=ItemDepartment.Role.LEAD).first()
    if lead is None:
        raise DeliveryError(_("The item has no lead department; assign it first."))
    reason, demand = _text(reason), _text(demand)
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Give the reason for the notice.")]
    if not demand:
        errors["demand"] = [_("Say what the department must do.")]
    if errors:
        raise DeliveryError(errors)
    reply_deadline = _date(reply_deadline, field="reply_deadline")
    if reply_deadline < (today or timezone.localdate()):
        raise DeliveryError({"reply_deadline": [_("The reply deadline is in the past.")]})
    notice = SupervisionNotice(
        item=item,
        department_id=lead.department_id,
        reason=reason,
        demand=demand,
        reply_deadline=reply_deadline,
        issued_by=actor(by),
    )
    _clean(notice)
    notice.save()
    _notice_audit(
        notice, by, AuditVerb.NOTICE_ISSUE, department=lead.department_id, reply_deadline=reply_deadline.isoformat()
    )
    notify(
        _notice_members(notice),
        kind=NotificationKind.NOTICE_ISSUED,
        message=lambda: (
            _("The office issued a supervision notice on %(item)s; reply by %(date)s. Reason: %(reason)s")
            % {"item": item_label(item), "date": reply_deadline.isoformat(), "reason": reason}
        ),
        url=_notice_link(notice),
    )
    return notice


def _notice_step(
    *,
    notice: SupervisionNotice,
    by: User,
    expected_version: int,
    step: str,
    refused: str,
    apply: Callable[[SupervisionNotice], Sequence[str]],
    verb: AuditVerb,
    tell: tuple[Callable[[], Iterable[User]], str, Callable[[SupervisionNotice], str]],
) -> SupervisionNotice:
    with transaction.atomic():
        current = _lock(SupervisionNotice, notice)
        require(by, NOTICE_FLOW[step].perm, current)
        _check_version(current, expected_version, "notice")
        if not NOTICE_FLOW[step].state_allows(by, current):
            raise DeliveryError(refused % {"status": current.get_status_display()})
        fields = apply(current)
        _write_versioned(current, fields, "notice")
        _notice_audit(current, by, verb)
        recipients, kind, message = tell
        notify(recipients, kind=kind, message=lambda: message(current), url=_notice_link(current))
    _copy_into(notice, current)
    return current


def _notice_office(notice: SupervisionNotice) -> Callable[[], list[User]]:
    def users() -> list[User]:
        issuer = User.objects.filter(pk__in=[notice.issued_by_id], is_active=True).first()
        return [issuer] if issuer is not None else office_users()

    return users


def notice_reply(
    *, notice: SupervisionNotice, by: User, explanation: str, catch_up_plan: str, expected_version: int
) -> SupervisionNotice:
    """The department (its reporter or head) explains and gives a catch-up plan."""
    explanation, catch_up_plan = _text(explanation), _text(catch_up_plan)
    errors: dict[str, list[str]] = {}
    if not explanation:
        errors["explanation"] = [_("Explain why the item is behind.")]
    if not catch_up_plan:
        errors["catch_up_plan"] = [_("Say how the department will catch up.")]
    if errors:
        raise DeliveryError(errors)

    def apply(current: SupervisionNotice) -> Sequence[str]:
        current.explanation = explanation
        current.catch_up_plan = catch_up_plan
        current.replied_at = timezone.now()
        current.replied_by = actor(by)
        current.status = SupervisionNotice.Status.ANSWERED
        return ("explanation", "catch_up_plan", "replied_at", "replied_by", "status")

    item = Item.objects.get(pk=notice.item_id)
    return _notice_step(
        notice=notice,
        by=by,
        expected_version=expected_version,
        step="reply",
        refused=_("This notice is %(status)s; it takes no reply now."),
        apply=apply,
        verb=AuditVerb.NOTICE_REPLY,
        tell=(
            _notice_office(notice),
            NotificationKind.NOTICE_REPLIED,
            lambda current: (
                _("%(department)s answered the supervision notice on %(item)s.")
                % {"department": current.department.name, "item": item_label(item)}
            ),
        ),
    )


def notice_close(
    *, notice: SupervisionNotice, by: User, note: str = "", expected_version: int
) -> SupervisionNotice:
    """The office closes a notice (satisfied with the answer, or the item caught up)."""
    note = _text(note)

    def apply(current: SupervisionNotice) -> Sequence[str]:
        current.status = SupervisionNotice.Status.CLOSED
        current.resolution = note
        current.resolved_at = timezone.now()
        return ("status", "resolution", "resolved_at")

    item = Item.objects.get(pk=notice.item_id)
    return _notice_step(
        notice=notice,
        by=by,
        expected_version=expected_version,
        step="close",
        refused=_("This notice is already %(status)s."),
        apply=apply,
        verb=AuditVerb.NOTICE_CLOSE,
        tell=(
            _notice_members(notice),
            NotificationKind.NOTICE_CLOSED,
            lambda current: (
                _("The office closed the supervision notice on %(item)s.") % {"item": item_label(item)}
            ),
        ),
    )


def notice_escalate(
    *, notice: SupervisionNotice, by: User, note: str, expected_version: int
) -> SupervisionNotice:
    """The office escalates a notice (no or no satisfying answer); the department may answer again."""
    note = _text(note)
    if not note:
        raise DeliveryError({"note": [_("Say why the notice is escalated.")]})

    def apply(current: SupervisionNotice) -> Sequence[str]:
        current.status = SupervisionNotice.Status.ESCALATED
        current.resolution = note
        current.resolved_at = timezone.now()
        return ("status", "resolution", "resolved_at")

    item = Item.objects.get(pk=notice.item_id)
    return _notice_step(
        notice=notice,
        by=by,
        expected_version=expected_version,
        step="escalate",
        refused=_("This notice is %(status)s; it cannot be escalated."),
        apply=apply,
        verb=AuditVerb.NOTICE_ESCALATE,
        tell=(
            _notice_members(notice),
            NotificationKind.NOTICE_ESCALATED,
            lambda current: (
                _("The office escalated the supervision notice on %(item)s: %(note)s")
                % {"item": item_label(item), "note": note}
            ),
        ),
    )


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
    from minsheng.delivery.selectors import TargetStatus

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
                spec = target_spec(target)
                actual, stage = latest.get(target.pk, (None, ""))
                if target.pk not in latest:
                    completion = None
                elif spec.kind == Target.Kind.MILESTONE:
                    completion = target_completion(spec, stage=stage or "", stages=stages)
                else:
                    completion = target_completion(spec, actual)
                targets.append(
                    TargetStatus(
                        id=target.pk,
                        kind=target.kind,
                        subject=target.subject,
                        op=target.op,
                        value=spec.value,
                        value_max=spec.value_max,
                        unit=target.unit,
                        actual=None,
                        stage="",
                        completion=completion,
                        expected=0.0,
                    )
                )
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
