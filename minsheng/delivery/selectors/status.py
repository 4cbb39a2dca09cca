"""Delivery status: settings and reporting periods, completion, expected share and lights of targets,
items, actions and plans, computed on read from accepted reports with :mod:`minsheng.delivery.schedule`
(the rules are in docs/delivery.md). :func:`plan_status` runs seven queries whatever the number of items,
targets and reports.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from minsheng.delivery.models import (
    Cadence,
    DeliverySettings,
    PlannedValue,
    ProgressReport,
    ReportStatus,
)
from minsheng.delivery.schedule import (
    Light,
    Progress,
    Schedule,
    TargetSpec,
    Thresholds,
    expected_share,
    item_progress,
    roll_up,
    target_completion,
)
from minsheng.plans.models import Department, Item, ItemDepartment, Target

if TYPE_CHECKING:
    from minsheng.plans.models import Plan

LIGHT_LABELS = {
    Light.NOT_STARTED: _("not started"),
    Light.GREEN: _("on schedule"),
    Light.YELLOW: _("behind"),
    Light.RED: _("far behind"),
    Light.DONE: _("done"),
}

# What each ReportEvent.action means, for a report's history.
EVENT_LABELS = {
    "create": _("drafted"),
    "edit": _("changed"),
    "submit": _("submitted to the department head"),
    "approve": _("approved by the department head"),
    "return": _("returned"),
    "accept": _("accepted"),
    "publish": _("published"),
    "unpublish": _("withdrawn from the public pages"),
    "record": _("recorded by the office"),
    "evidence_add": _("evidence attached"),
    "evidence_remove": _("evidence removed"),
}

# A report counts as handed in for its period once it has left the draft (submitted, approved, returned
# by the office or accepted); only a period with none of these for a target is overdue.
HANDED_IN = (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.RETURNED, ReportStatus.ACCEPTED)


@dataclass(frozen=True)
class Figure:
    """An accepted figure of a target: cumulative ``actual`` (a quantity) or ``stage`` (a milestone)."""

    period_end: dt.date
    actual: float | None
    stage: str


@dataclass
class Readings:
    """What a status was computed from, for the reads that go on from it (the overview's curve and
    forecast): per target id its planned monthly values and its accepted figures, oldest first, the last
    accepted one of each period (published ones only for a public status)."""

    planned: dict[int, dict[tuple[int, int], float]] = field(default_factory=dict)
    figures: dict[int, list[Figure]] = field(default_factory=dict)


@dataclass
class TargetStatus:
    id: int
    kind: str
    subject: str
    op: str
    value: float | None
    value_max: float | None
    unit: str
    actual: float | None  # latest accepted cumulative actual (quantity) or None
    stage: str  # latest accepted stage (milestone) or ""
    completion: float | None
    expected: float
    as_of: dt.date | None = None  # the date of the latest accepted figure
    weight: float = 1.0


def target_status(
    target: Target | _TargetRow,
    spec: TargetSpec,
    figure: dict[str, Any] | None,
    *,
    stages: list[tuple[str, float]],
    expected: float = 0.0,
) -> TargetStatus:
    """A target's status from its latest accepted figure (``figure``: ``actual``, ``stage``, ``period_end``;
    None when nothing was accepted yet): completion by the target's kind, the figure as shown."""
    if figure is None:
        completion = None
    elif spec.kind == Target.Kind.MILESTONE:
        completion = target_completion(spec, stage=figure["stage"] or "", stages=stages)
    else:
        completion = target_completion(spec, figure["actual"])
    return TargetStatus(
        id=target.pk,
        kind=target.kind,
        subject=target.subject,
        op=target.op,
        value=spec.value,
        value_max=spec.value_max,
        unit=target.unit,
        actual=None if figure is None or figure["actual"] is None else float(figure["actual"]),
        stage=figure["stage"] if figure else "",
        completion=completion,
        expected=expected,
        as_of=figure.get("period_end") if figure else None,
        weight=spec.weight,
    )


@dataclass
class ItemStatus:
    id: int
    no: int
    title: str
    completion: float | None
    expected: float
    light: Light
    has_quantities: bool
    overdue: bool
    lead: str | None
    targets: list[TargetStatus] = field(default_factory=list)
    action_id: int | None = None
    supporting: list[str] = field(default_factory=list)
    deadline: dt.date | None = None
    assigned: bool = False  # the office has assigned it (an Assignment row): overdue reports count


@dataclass
class ActionStatus:
    id: int
    no: int
    title: str
    completion: float | None
    expected: float
    light: Light
    item_ids: list[int] = field(default_factory=list)


@dataclass
class PlanStatus:
    plan_id: int
    on: dt.date
    completion: float | None
    expected: float
    light: Light
    items: list[ItemStatus] = field(default_factory=list)
    actions: list[ActionStatus] = field(default_factory=list)
    public: bool = False

    @property
    def light_counts(self) -> dict[str, int]:
        counts = {light.value: 0 for light in Light}
        for item in self.items:
            counts[item.light.value] += 1
        return counts


# --- settings and periods --------------------------------------------------------------------------------


def delivery_settings_get(*, plan: Plan) -> DeliverySettings:
    """The plan's delivery settings, or the defaults (an unsaved row) where the office set none."""
    found = DeliverySettings.objects.filter(plan=plan).first()
    return found if found is not None else DeliverySettings(plan=plan)


def delivery_start(*, plan: Plan, settings: DeliverySettings | None = None) -> dt.date:
    """When delivery starts: the settings' start, else 1 January of the plan's year."""
    if settings is not None and settings.start:
        return settings.start
    return dt.date(plan.year, 1, 1)


def default_deadline(*, plan: Plan) -> dt.date:
    return dt.date(plan.year, 12, 31)


def thresholds_of(settings: DeliverySettings) -> Thresholds:
    return Thresholds(yellow_gap=float(settings.yellow_gap), red_gap=float(settings.red_gap))


def stages_of(settings: DeliverySettings) -> list[tuple[str, float]]:
    return [(str(name), float(share)) for name, share in settings.stages]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_end_for(*, cadence: str, day: dt.date) -> dt.date:
    """The end of the reporting period (month or quarter) that ``day`` falls in."""
    month = day.month
    if cadence == Cadence.QUARTERLY:
        month = ((month - 1) // 3 + 1) * 3
    return _month_end(day.year, month)


def period_ends(*, cadence: str, start: dt.date, until: dt.date) -> list[dt.date]:
    """The ends of the reporting periods (month or quarter ends) from start to until."""
    step = 3 if cadence == Cadence.QUARTERLY else 1
    ends: list[dt.date] = []
    end = period_end_for(cadence=cadence, day=start)
    while end <= until:
        ends.append(end)
        month = end.month + step
        year = end.year + (month - 1) // 12
        end = _month_end(year, (month - 1) % 12 + 1)
    return ends


def report_due_date(*, period_end: dt.date, due_day: int) -> dt.date:
    """Reports for a period are due on ``due_day`` of the month after it ends."""
    year, month = (
        (period_end.year + 1, 1) if period_end.month == 12 else (period_end.year, period_end.month + 1)
    )
    return dt.date(year, month, min(due_day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    due: dt.date


def reporting_periods(
    *, cadence: str, due_day: int, start: dt.date, deadline: dt.date, until: dt.date | None = None
) -> list[Period]:
    """Every reporting period from ``start`` through the one holding ``deadline`` (ending by ``until``)."""
    last = period_end_for(cadence=cadence, day=deadline)
    if until is not None:
        last = min(last, until)
    periods: list[Period] = []
    previous = start - dt.timedelta(days=1)
    for end in period_ends(cadence=cadence, start=start, until=last):
        periods.append(
            Period(
                start=previous + dt.timedelta(days=1),
                end=end,
                due=report_due_date(period_end=end, due_day=due_day),
            )
        )
        previous = end
    return periods


def target_spec(target: Target | _TargetRow) -> TargetSpec:
    return TargetSpec(
        kind=target.kind,
        op=target.op,
        value=None if target.value is None else float(target.value),
        value_max=None if target.value_max is None else float(target.value_max),
        unit=target.unit,
        weight=float(target.weight),
    )


def item_has_money(item: Item) -> bool:
    """Whether an item states money (a funding standard, or a target counted in 元): only then do its
    reports carry funds spent. Uses prefetched ``standards`` and ``targets`` where present."""
    cache = getattr(item, "_prefetched_objects_cache", {})
    has_standard = bool(cache["standards"]) if "standards" in cache else item.standards.exists()
    if has_standard:
        return True
    targets = cache["targets"] if "targets" in cache else item.targets.filter(removed_in__isnull=True)
    return any(t.removed_in_id is None and t.unit.strip().endswith("元") for t in targets)


# --- status ----------------------------------------------------------------------------------------------


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _item_title(item: Item) -> str:
    return item.title or _short(item.text)


@dataclass(frozen=True)
class _TargetRow:
    """A current target's fields as :func:`target_spec` and :func:`target_status` read them (a plain row:
    building model instances cost more than the rest of a big plan's status)."""

    pk: int
    item_id: int
    kind: str
    subject: str
    op: str
    value: Any
    value_max: Any
    unit: str
    weight: Any


_TARGET_FIELDS = ("pk", "item_id", "kind", "subject", "op", "value", "value_max", "unit", "weight")


def _status_items(
    queryset: QuerySet[Item],
    *,
    plan: Plan,
    on: dt.date,
    public: bool,
    settings: DeliverySettings,
    readings: Readings | None = None,
) -> list[ItemStatus]:
    """The status of each item; four queries (items, targets, planned values, departments) plus one for
    the reports, whatever the number of items. Plain rows throughout: a plan of 4,000 items and 9,000
    targets is read without building a model instance. ``readings``, where given, is filled with the
    planned values and accepted figures read on the way."""
    current = queryset.filter(removed_in__isnull=True)
    items = list(
        current.order_by("no", "id").values_list(
            "id",
            "no",
            "title",
            "text",
            "action_id",
            "delivery_assignment__id",
            "delivery_assignment__deadline",
            "delivery_assignment__cadence",
            "delivery_assignment__due_day",
        )
    )
    item_ids = current.values("pk")
    targets_of: dict[int, list[_TargetRow]] = defaultdict(list)
    targets_query = Target.objects.filter(item__in=item_ids, removed_in__isnull=True)
    for row in targets_query.order_by("item_id", "position", "id").values_list(*_TARGET_FIELDS):
        targets_of[row[1]].append(_TargetRow(*row))
    readings = readings if readings is not None else Readings()
    planned = readings.planned
    for target_id, year, month, value in (
        PlannedValue.objects.filter(target__in=targets_query.values("pk"))
        .order_by("target_id", "year", "month")
        .values_list("target_id", "year", "month", "value")
    ):
        planned.setdefault(target_id, {})[(year, month)] = float(value)
    departments: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for item_id, role, name in (
        ItemDepartment.objects.filter(item__in=item_ids)
        .order_by("role", "department__name")
        .values_list("item_id", "role", "department__name")
    ):
        departments[item_id].append((role, name))
    statuses = (
        [ReportStatus.ACCEPTED]
        if public
        else [*HANDED_IN]  # accepted figures count; the others tell whether a period was handed in
    )
    reports = ProgressReport.objects.filter(
        target__in=targets_query.values("pk"), period_end__lte=on, status__in=statuses
    )
    if public:
        reports = reports.filter(published=True)
    latest: dict[int, dict[str, Any]] = {}
    handed_in: dict[int, list[dt.date]] = defaultdict(list)
    figures = readings.figures
    rows = reports.order_by("target_id", "period_end", "id").values_list(
        "target_id", "period_end", "status", "actual", "stage"
    )
    for target_id, period_end, status, actual, stage in rows:
        handed_in[target_id].append(period_end)
        if status == ReportStatus.ACCEPTED:
            latest[target_id] = {"period_end": period_end, "actual": actual, "stage": stage}
            figure = Figure(period_end, None if actual is None else float(actual), stage)
            found = figures.setdefault(target_id, [])
            if found and found[-1].period_end == period_end:
                found[-1] = figure
            else:
                found.append(figure)

    thresholds = thresholds_of(settings)
    stages = stages_of(settings)
    start = delivery_start(plan=plan, settings=settings)
    plan_deadline = default_deadline(plan=plan)
    result: list[ItemStatus] = []
    for item_id, no, title, text, action_id, assignment_id, deadline, cadence, due_day in items:
        assigned = assignment_id is not None
        deadline = deadline if assigned else plan_deadline
        targets = targets_of.get(item_id, [])
        rows_for_item: list[tuple[TargetSpec, float | None, float]] = []
        target_statuses: list[TargetStatus] = []
        for target in targets:
            spec = target_spec(target)
            expected = expected_share(
                spec, Schedule(start=start, deadline=deadline, planned=planned.get(target.pk, {})), on
            )
            target_state = target_status(
                target, spec, latest.get(target.pk), stages=stages, expected=expected
            )
            rows_for_item.append((spec, target_state.completion, expected))
            target_statuses.append(target_state)
        overdue = (
            not public
            and assigned
            and _overdue(
                targets=target_statuses,
                handed_in=handed_in,
                cadence=cadence,
                due_day=due_day,
                start=start,
                deadline=deadline,
                on=on,
            )
        )
        progress = item_progress(rows_for_item, overdue=overdue, thresholds=thresholds)
        named = departments.get(item_id, [])
        result.append(
            ItemStatus(
                id=item_id,
                no=no,
                title=title or _short(text),
                completion=progress.completion,
                expected=progress.expected,
                light=progress.light,
                has_quantities=any(t.kind == Target.Kind.QUANTITY for t in targets),
                overdue=overdue,
                lead=next((name for role, name in named if role == ItemDepartment.Role.LEAD), None),
                targets=target_statuses,
                action_id=action_id,
                supporting=[name for role, name in named if role != ItemDepartment.Role.LEAD],
                deadline=deadline,
                assigned=assigned,
            )
        )
    return result


def overdue_periods(
    *,
    targets: Sequence[TargetStatus],
    handed_in: dict[int, list[dt.date]],
    cadence: str,
    due_day: int,
    start: dt.date,
    deadline: dt.date,
    on: dt.date,
) -> list[Period]:
    """The periods whose due date has passed by ``on`` with no report handed in, dated within the period,
    for some target not yet complete. ``handed_in`` maps a target id to its sorted report dates."""
    periods = [
        p
        for p in reporting_periods(cadence=cadence, due_day=due_day, start=start, deadline=deadline)
        if p.due < on
    ]
    late: list[Period] = []
    for period in periods:
        for target in targets:
            if target.completion is not None and target.completion >= 1 - 1e-9:
                continue
            dates = handed_in.get(target.id, [])
            index = bisect.bisect_left(dates, period.start)
            if index >= len(dates) or dates[index] > period.end:
                late.append(period)
                break
    return late


def _overdue(**kwargs: Any) -> bool:
    return bool(overdue_periods(**kwargs))


def _plan_items(plan: Plan, department: Department | None) -> QuerySet[Item]:
    items = Item.objects.filter(plan=plan)
    if department is not None:
        items = items.filter(
            Exists(ItemDepartment.objects.filter(item=OuterRef("pk"), department=department))
        )
    return items


def plan_status(
    *, plan: Plan, on: dt.date, public: bool = False, department: Department | None = None
) -> PlanStatus:
    """Every current item's completion, expectation and light on a date (public=True: published figures only;
    ``department``: only the items it delivers, lead or supporting). Seven queries whatever the size."""
    return plan_status_with_readings(plan=plan, on=on, public=public, department=department)[0]


def plan_status_with_readings(
    *, plan: Plan, on: dt.date, public: bool = False, department: Department | None = None
) -> tuple[PlanStatus, Readings]:
    """:func:`plan_status` and the planned values and accepted figures it was computed from."""
    settings = delivery_settings_get(plan=plan)
    readings = Readings()
    statuses = _status_items(
        _plan_items(plan, department),
        plan=plan,
        on=on,
        public=public,
        settings=settings,
        readings=readings,
    )
    thresholds = thresholds_of(settings)
    by_action: dict[int, list[ItemStatus]] = defaultdict(list)
    for status in statuses:
        by_action[status.action_id or 0].append(status)
    actions: list[ActionStatus] = []
    action_rows = {a.pk: a for a in plan.actions.filter(pk__in=list(by_action)).order_by("no", "id")}
    for action_id, action in action_rows.items():
        children = by_action[action_id]
        progress = roll_up([_progress(c) for c in children], thresholds=thresholds)
        actions.append(
            ActionStatus(
                id=action_id,
                no=action.no,
                title=action.title,
                completion=progress.completion,
                expected=progress.expected,
                light=progress.light,
                item_ids=[c.id for c in children],
            )
        )
    total = roll_up([_progress(s) for s in statuses], thresholds=thresholds)
    found = PlanStatus(
        plan_id=plan.pk,
        on=on,
        completion=total.completion,
        expected=total.expected,
        light=total.light,
        items=statuses,
        actions=actions,
        public=public,
    )
    return found, readings


def items_status(*, plan: Plan, items: QuerySet[Item], on: dt.date, public: bool = False) -> list[ItemStatus]:
    """The status of those of ``items`` that belong to ``plan`` (the same rules as :func:`plan_status`),
    in plan order; six queries whatever their number (the API pages through items with it)."""
    settings = delivery_settings_get(plan=plan)
    return _status_items(items.filter(plan=plan), plan=plan, on=on, public=public, settings=settings)


def _progress(status: ItemStatus) -> Progress:
    return Progress(status.completion, status.expected, status.light)


def item_status(*, item: Item, on: dt.date, public: bool = False) -> ItemStatus:
    """One item's status (the same rules as :func:`plan_status`); a removed item has none to show."""
    if item.removed_in_id is None:
        settings = delivery_settings_get(plan=item.plan)
        found = _status_items(
            Item.objects.filter(pk=item.pk), plan=item.plan, on=on, public=public, settings=settings
        )
        if found:
            return found[0]
    return ItemStatus(
        id=item.pk,
        no=item.no,
        title=_item_title(item),
        completion=None,
        expected=0.0,
        light=Light.NOT_STARTED,
        has_quantities=False,
        overdue=False,
        lead=None,
        action_id=item.action_id,
    )
