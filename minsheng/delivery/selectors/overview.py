"""A plan at a glance on a date: the one read that the public plan page, the office dashboard and the
bulletins share.

:func:`plan_overview` builds on :func:`~minsheng.delivery.selectors.status.plan_status` (the same completion,
expected share and lights, docs/delivery.md) and adds what a reader takes in at a glance:

- the overall completion against the expected-by-schedule share (序时进度), both 0..1;
- the lights as counts, each with its word (a light is never a colour alone);
- one row per action, per lead department and per named place (团/区/县/街道/社区…, from ``Item.locations``),
  each rolled up from its items the way the plan is (equal weights, an item without a figure counting 0);
- the year's curve: at every month end of the plan's year, the plan's completion from the figures accepted
  by then, against the expected share on that day (month ends after ``on`` carry the expectation only);
- the lagging items (yellow and red), the furthest behind first, with how far behind in percentage points;
- a forecast per item (:func:`item_forecast`), the items projected to miss their targets first.

``public=True`` counts published figures only, as the public pages do. Queries: those of ``plan_status``
plus two (settings, places), whatever the number of items, targets and reports: the planned values and
accepted figures are the ones ``plan_status`` read (:class:`~minsheng.delivery.selectors.status.Readings`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from minsheng.delivery.models import PlannedValue, ProgressReport, ReportStatus
from minsheng.delivery.schedule import (
    NEARLY_DONE,
    Light,
    Progress,
    Schedule,
    TargetSpec,
    Thresholds,
    expected_share,
    is_level_target,
    item_progress,
    roll_up,
    target_completion,
)
from minsheng.delivery.selectors.status import (
    LIGHT_LABELS,
    Figure,
    ItemStatus,
    PlanStatus,
    Readings,
    TargetStatus,
    delivery_settings_get,
    delivery_start,
    plan_status_with_readings,
    stages_of,
    thresholds_of,
)
from minsheng.plans.models import Item, Target

if TYPE_CHECKING:
    from minsheng.plans.models import Plan

__all__ = [
    "LIGHTS_SHOWN",
    "CurvePoint",
    "Figure",
    "ItemForecast",
    "LaggingItem",
    "LightTally",
    "OverviewItem",
    "OverviewRow",
    "PlanOverview",
    "TargetCurve",
    "TargetForecast",
    "TargetPoint",
    "item_forecast",
    "item_target_curves",
    "plan_overview",
    "target_forecast",
]

LIGHTS_SHOWN = (Light.DONE, Light.GREEN, Light.YELLOW, Light.RED, Light.NOT_STARTED)
"""The order in which the lights are counted and charted (grey, "not started", last)."""

MET = 1 - 1e-9


def _points(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


class _Points:
    """Completion and expected shares (0..1) as percentage points for the pages, one decimal."""

    completion: float | None
    expected: float

    @property
    def completion_points(self) -> float | None:
        return _points(self.completion)

    @property
    def expected_points(self) -> float:
        return round(self.expected * 100, 1)


@dataclass(frozen=True)
class LightTally:
    light: Light
    label: str
    count: int


@dataclass(frozen=True)
class OverviewRow(_Points):
    """One action, lead department or place: its items rolled up like the plan."""

    key: str  # the action's id, the department's name, the place
    label: str  # what a reader sees: "1. 民生安全保障行动", the department's name, the place
    completion: float | None
    expected: float
    light: Light
    items: int
    behind: int  # items yellow or red
    done: int
    item_ids: tuple[int, ...]


@dataclass(frozen=True)
class CurvePoint(_Points):
    on: dt.date
    completion: float | None  # None after the as-of date (not known yet)
    expected: float


@dataclass(frozen=True)
class LaggingItem(_Points):
    id: int
    no: int
    title: str
    lead: str | None
    light: Light
    completion: float | None
    expected: float

    @property
    def behind_points(self) -> float:
        """How far behind schedule, in percentage points (expected − completion)."""
        return round((self.expected - (self.completion or 0.0)) * 100, 1)


@dataclass(frozen=True)
class TargetForecast:
    id: int
    subject: str
    completion: float | None  # from the latest accepted figure
    projected: float | None
    points: int  # accepted figures the projection rests on
    method: str  # "trend" | "level" | "done" | "none"


@dataclass(frozen=True)
class ItemForecast:
    id: int
    no: int
    title: str
    lead: str | None
    completion: float | None
    projected: float | None  # None: no accepted figure to project from
    deadline: dt.date | None
    targets: tuple[TargetForecast, ...] = ()

    @property
    def misses(self) -> bool:
        """Projected to fall short of its targets by its deadline."""
        return self.projected is not None and self.projected < MET

    @property
    def projected_points(self) -> float | None:
        return _points(self.projected)

    @property
    def shortfall_points(self) -> float:
        return 0.0 if self.projected is None else round((1 - self.projected) * 100, 1)


@dataclass(frozen=True)
class OverviewItem(_Points):
    """What an item's card shows and what the filters need."""

    id: int
    no: int
    title: str
    action_id: int | None
    lead: str | None
    supporting: tuple[str, ...]
    places: tuple[str, ...]
    light: Light
    completion: float | None
    expected: float


@dataclass(frozen=True)
class PlanOverview(_Points):
    plan_id: int
    on: dt.date
    public: bool
    completion: float | None
    expected: float
    light: Light
    lights: tuple[LightTally, ...]
    actions: tuple[OverviewRow, ...]
    departments: tuple[OverviewRow, ...]
    places: tuple[OverviewRow, ...]
    unplaced: int  # items that name no place
    curve: tuple[CurvePoint, ...]
    lagging: tuple[LaggingItem, ...]
    forecast: tuple[
        ItemForecast, ...
    ]  # projected to miss first (lowest first), then no figure, then the rest
    items: tuple[OverviewItem, ...]
    status: PlanStatus

    @property
    def projected_to_miss(self) -> tuple[ItemForecast, ...]:
        return tuple(f for f in self.forecast if f.misses)

    @property
    def unforecast(self) -> int:
        """Items with no accepted figure to project from."""
        return sum(1 for f in self.forecast if f.projected is None)

    @property
    def total(self) -> int:
        return len(self.items)


# --- the forecast ----------------------------------------------------------------------------------------


def _spec(target: TargetStatus) -> TargetSpec:
    return TargetSpec(
        kind=target.kind,
        op=target.op,
        value=target.value,
        value_max=target.value_max,
        unit=target.unit,
        weight=target.weight,
    )


def _completion(spec: TargetSpec, figure: Figure, stages: Sequence[tuple[str, float]]) -> float | None:
    if spec.kind == Target.Kind.MILESTONE:
        return target_completion(spec, stage=figure.stage or "", stages=stages)
    return target_completion(spec, figure.actual)


def _least_squares(points: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """Intercept and slope of the least-squares line through the points; None where x does not vary."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread <= 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return mean_y - slope * mean_x, slope


def target_forecast(
    target: TargetStatus,
    figures: Sequence[Figure],
    *,
    start: dt.date,
    deadline: dt.date,
    stages: Sequence[tuple[str, float]],
) -> TargetForecast:
    """A target's projected completion at its item's deadline from its accepted figures (oldest first).

    - no figure: nothing to project from (``None``);
    - met already (latest completion 1): 1;
    - a level to hold (a rate kept at 100%, a ceiling): the latest completion, as it stands;
    - otherwise the trend: the least-squares line through the points (days since the delivery start,
      completion share of each accepted figure), with (start, 0) as the first point since a cumulative
      figure starts from nothing, read at the deadline; never below the latest completion (cumulative
      figures do not go back) and capped at 1.
    """
    spec = _spec(target)
    measured = [(f.period_end, c) for f in figures if (c := _completion(spec, f, stages)) is not None]
    if not measured:
        return TargetForecast(target.id, target.subject, None, None, 0, "none")
    latest = measured[-1][1]
    if latest >= MET:
        return TargetForecast(target.id, target.subject, latest, 1.0, len(measured), "done")
    if is_level_target(spec):
        return TargetForecast(target.id, target.subject, latest, latest, len(measured), "level")
    points = [(0.0, 0.0)] + [(float((on - start).days), share) for on, share in measured]
    line = _least_squares(points)
    projected = latest
    if line is not None:
        intercept, slope = line
        projected = intercept + slope * float((deadline - start).days)
    projected = min(1.0, max(latest, projected))
    return TargetForecast(target.id, target.subject, latest, projected, len(measured), "trend")


def item_forecast(
    item: ItemStatus,
    figures: Mapping[int, Sequence[Figure]],
    *,
    start: dt.date,
    stages: Sequence[tuple[str, float]],
    default_deadline: dt.date,
) -> ItemForecast:
    """An item's projected completion at its deadline: the mean of its targets' projections
    (:func:`target_forecast`) weighted by the targets' weights, a target without a figure counting 0 once
    another has one (as completion does); below 100% unless every target is projected to be met.
    ``figures`` maps a target's id to its accepted figures, oldest first."""
    deadline = item.deadline or default_deadline
    targets = tuple(
        target_forecast(t, figures.get(t.id, ()), start=start, deadline=deadline, stages=stages)
        for t in item.targets
    )
    weights = [t.weight for t in item.targets]
    projected: float | None = None
    if any(t.projected is not None for t in targets):
        total = sum(w for w in weights if w > 0)
        projected = (
            sum((t.projected or 0.0) * w for t, w in zip(targets, weights, strict=True) if w > 0) / total
            if total
            else None
        )
        met = all(
            t.projected is not None and t.projected >= MET
            for t, w in zip(targets, weights, strict=True)
            if w > 0
        )
        if projected is not None and not met:
            projected = min(projected, NEARLY_DONE)
    return ItemForecast(
        id=item.id,
        no=item.no,
        title=item.title,
        lead=item.lead,
        completion=item.completion,
        projected=projected,
        deadline=deadline,
        targets=targets,
    )


def _forecast_order(forecast: ItemForecast) -> tuple[int, float, int]:
    if forecast.misses:
        return (0, forecast.projected or 0.0, forecast.no)
    if forecast.projected is None:
        return (1, 0.0, forecast.no)
    return (2, 0.0, forecast.no)


# --- the overview ----------------------------------------------------------------------------------------


def _month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    ends: list[dt.date] = []
    year, month = first.year, first.month
    while True:
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        end = following - dt.timedelta(days=1)
        if end > last:
            break
        ends.append(end)
        year, month = following.year, following.month
    return ends


def _row(key: str, label: str, children: Sequence[ItemStatus], thresholds: Thresholds) -> OverviewRow:
    progress = roll_up([Progress(c.completion, c.expected, c.light) for c in children], thresholds=thresholds)
    return OverviewRow(
        key=key,
        label=label,
        completion=progress.completion,
        expected=progress.expected,
        light=progress.light,
        items=len(children),
        behind=sum(1 for c in children if c.light in (Light.YELLOW, Light.RED)),
        done=sum(1 for c in children if c.light == Light.DONE),
        item_ids=tuple(c.id for c in children),
    )


def _grouped(
    pairs: Iterable[tuple[str, ItemStatus]],
) -> dict[str, list[ItemStatus]]:
    groups: dict[str, list[ItemStatus]] = defaultdict(list)
    for key, status in pairs:
        groups[key].append(status)
    return groups


def _curve(
    days: Sequence[dt.date],
    items: Sequence[ItemStatus],
    readings: Readings,
    *,
    start: dt.date,
    default_deadline: dt.date,
    stages: Sequence[tuple[str, float]],
    thresholds: Thresholds,
) -> list[Progress]:
    """The plan's completion and expected share on each of ``days`` (ascending) from the figures accepted
    by then: one pass over each target's figures for all the days."""
    per_day: list[list[Progress]] = [[] for _ in days]
    for item in items:
        deadline = item.deadline or default_deadline
        rows: list[list[tuple[TargetSpec, float | None, float]]] = [[] for _ in days]
        for target in item.targets:
            spec = _spec(target)
            known = readings.figures.get(target.id, ())
            schedule = Schedule(start=start, deadline=deadline, planned=readings.planned.get(target.id, {}))
            index, completion = 0, None
            for day, day_rows in zip(days, rows, strict=True):
                if index < len(known) and known[index].period_end <= day:
                    while index < len(known) and known[index].period_end <= day:
                        index += 1
                    completion = _completion(spec, known[index - 1], stages)
                day_rows.append((spec, completion, expected_share(spec, schedule, day)))
        for progresses, day_rows in zip(per_day, rows, strict=True):
            progresses.append(item_progress(day_rows, thresholds=thresholds))
    return [roll_up(progresses, thresholds=thresholds) for progresses in per_day]


def plan_overview(*, plan: Plan, on: dt.date, public: bool = False, forecast: bool = True) -> PlanOverview:
    """The plan at a glance on ``on`` (see the module's docstring). ``public``: published figures only.
    ``forecast=False`` leaves the forecast out (empty), for a page that does not show it."""
    status, readings = plan_status_with_readings(plan=plan, on=on, public=public)
    settings = delivery_settings_get(plan=plan)
    thresholds = thresholds_of(settings)
    stages = stages_of(settings)
    start = delivery_start(plan=plan, settings=settings)
    year_end = dt.date(plan.year, 12, 31)
    figures = readings.figures

    places_of = {
        pk: tuple(p for p in (found or []) if isinstance(p, str) and p)
        for pk, found in Item.objects.filter(plan=plan, removed_in__isnull=True)
        .values_list("id", "locations")
        .order_by()
    }

    counts = status.light_counts
    lights = tuple(
        LightTally(light=light, label=str(LIGHT_LABELS[light]), count=counts.get(light.value, 0))
        for light in LIGHTS_SHOWN
    )
    by_id = {s.id: s for s in status.items}
    actions = tuple(
        _row(
            str(a.id),
            f"{a.no}. {a.title}" if a.title else str(a.no),
            [by_id[i] for i in a.item_ids],
            thresholds,
        )
        for a in status.actions
    )
    by_lead = _grouped((s.lead or "", s) for s in status.items)
    departments = tuple(
        _row(name, name or str(_("No lead department")), by_lead[name], thresholds)
        for name in sorted(by_lead, key=lambda name: (name == "", name))
    )
    by_place = _grouped((place, s) for s in status.items for place in places_of.get(s.id, ()))
    places = tuple(_row(place, place, by_place[place], thresholds) for place in sorted(by_place))

    curve_days = _month_ends(start, max(year_end, start))
    if start <= on <= year_end and on not in curve_days:
        curve_days = sorted([*curve_days, on])
    curve = [
        CurvePoint(on=day, completion=progress.completion if day <= on else None, expected=progress.expected)
        for day, progress in zip(
            curve_days,
            _curve(
                curve_days,
                status.items,
                readings,
                start=start,
                default_deadline=year_end,
                stages=stages,
                thresholds=thresholds,
            ),
            strict=True,
        )
    ]

    lagging = tuple(
        LaggingItem(
            id=s.id,
            no=s.no,
            title=s.title,
            lead=s.lead,
            light=s.light,
            completion=s.completion,
            expected=s.expected,
        )
        for s in sorted(
            (s for s in status.items if s.light in (Light.RED, Light.YELLOW)),
            key=lambda s: (-(s.expected - (s.completion or 0.0)), s.no),
        )
    )
    forecasts = tuple(
        sorted(
            (
                item_forecast(s, figures, start=start, stages=stages, default_deadline=year_end)
                for s in (status.items if forecast else ())
            ),
            key=_forecast_order,
        )
    )
    items = tuple(
        OverviewItem(
            id=s.id,
            no=s.no,
            title=s.title,
            action_id=s.action_id,
            lead=s.lead,
            supporting=tuple(s.supporting),
            places=places_of.get(s.id, ()),
            light=s.light,
            completion=s.completion,
            expected=s.expected,
        )
        for s in status.items
    )
    return PlanOverview(
        plan_id=plan.pk,
        on=on,
        public=public,
        completion=status.completion,
        expected=status.expected,
        light=status.light,
        lights=lights,
        actions=actions,
        departments=departments,
        places=places,
        unplaced=sum(1 for s in status.items if not places_of.get(s.id)),
        curve=tuple(curve),
        lagging=lagging,
        forecast=forecasts,
        items=items,
        status=status,
    )


# --- an item's targets over the year ---------------------------------------------------------------------


@dataclass(frozen=True)
class TargetPoint:
    on: dt.date  # a month end (or the deadline)
    expected: float  # in the target's unit (``measure == "value"``) or in percent (``"percent"``)
    actual: float | None  # the latest figure accepted in that month, in the same measure


@dataclass(frozen=True)
class TargetCurve:
    """A target's accepted figures against its expected schedule, month by month from the delivery start to
    the item's deadline: in the target's unit where it counts a quantity, else in percent of the target
    (a milestone's stage, a target without a value)."""

    target: TargetStatus
    measure: str  # "value" | "percent"
    unit: str
    points: tuple[TargetPoint, ...]

    @property
    def has_figures(self) -> bool:
        return any(p.actual is not None for p in self.points)


def item_target_curves(*, plan: Plan, item: ItemStatus, public: bool = False) -> tuple[TargetCurve, ...]:
    """Each target of an item (its ``item_status``) over the months of its delivery: the expected schedule
    (序时进度, the office's monthly plan where set) and the figures accepted (published only, when
    ``public``). Three queries, whatever the number of targets and figures."""
    settings = delivery_settings_get(plan=plan)
    stages = stages_of(settings)
    start = delivery_start(plan=plan, settings=settings)
    deadline = item.deadline or dt.date(plan.year, 12, 31)
    target_ids = [t.id for t in item.targets]
    planned: dict[int, dict[tuple[int, int], float]] = defaultdict(dict)
    for target_id, year, month, value in PlannedValue.objects.filter(target_id__in=target_ids).values_list(
        "target_id", "year", "month", "value"
    ):
        planned[target_id][(year, month)] = float(value)
    reports = ProgressReport.objects.filter(target_id__in=target_ids, status=ReportStatus.ACCEPTED)
    if public:
        reports = reports.filter(published=True)
    figures: dict[int, list[Figure]] = defaultdict(list)
    for target_id, period_end, actual, stage in reports.order_by("target_id", "period_end", "id").values_list(
        "target_id", "period_end", "actual", "stage"
    ):
        figures[target_id].append(
            Figure(period_end=period_end, actual=None if actual is None else float(actual), stage=stage)
        )
    days = _month_ends(start, max(deadline, start))
    if not days or days[-1] < deadline:
        days.append(deadline)
    curves: list[TargetCurve] = []
    for target in item.targets:
        spec = _spec(target)
        by_value = spec.kind == Target.Kind.QUANTITY and spec.value is not None and spec.value > 0
        schedule = Schedule(start=start, deadline=deadline, planned=planned.get(target.id, {}))
        known = figures.get(target.id, [])
        points: list[TargetPoint] = []
        previous = start - dt.timedelta(days=1)
        for day in days:
            share = expected_share(spec, schedule, day)
            in_month = [f for f in known if previous < f.period_end <= day]
            previous = day
            shown: float | None = None
            if in_month:
                figure = in_month[-1]
                if by_value:
                    shown = figure.actual
                else:
                    completion = _completion(spec, figure, stages)
                    shown = None if completion is None else round(completion * 100, 1)
            expected = share * (spec.value or 0.0) if by_value else round(share * 100, 1)
            points.append(TargetPoint(on=day, expected=round(expected, 4), actual=shown))
        curves.append(
            TargetCurve(
                target=target,
                measure="value" if by_value else "percent",
                unit=target.unit if by_value else "%",
                points=tuple(points),
            )
        )
    return tuple(curves)
