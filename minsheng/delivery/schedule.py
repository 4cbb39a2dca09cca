"""Completion, schedule (序时进度) and lights, as plain functions of plain values.

Nothing here touches the database: selectors gather targets, accepted figures and schedules, and these
functions turn them into numbers a page or ``minsheng status`` shows. The rules (docs/delivery.md):

* **Target completion** (0..1, or None where nothing is measurable yet):
  ``>=`` / ``=`` / ``~`` → actual ÷ value, capped at 1; ``range`` → actual ÷ the lower bound, capped;
  ``<=`` (keep below: 失业率控制在3%以内) → 1 while actual ≤ value, else value ÷ actual;
  a milestone → the weight of the stage reached (立项 10%, 招标 20%, 开工 40%, 完工 90%, 验收 100%).
* **Expected share by a date**: linear from the start to the deadline, or the office's monthly planned
  cumulative values (construction stops in winter); a percentage to maintain (水质达标率保持在100%) and
  a ``<=`` ceiling are expected in full from the start.
* **Item** = weighted mean of its targets' completions, a target without a figure counting as 0 once any
  target of the item has one (and of their expected shares); action and plan roll up the same way over
  their items. An item is ``done`` only when every one of its targets is measured and met: one target
  without data or short of its value keeps it below 1, whatever the rounding.
* **Light**: ``done`` at completion 1; ``not_started`` with no accepted figure while nothing is due yet;
  ``red`` with an overdue report or behind by more than ``red_gap``; ``yellow`` behind by more than
  ``yellow_gap``; else ``green``.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

DEFAULT_STAGES: tuple[tuple[str, float], ...] = (
    ("approved", 0.10),  # 立项
    ("tendered", 0.20),  # 招标
    ("started", 0.40),  # 开工
    ("completed", 0.90),  # 完工
    ("accepted", 1.00),  # 验收
)


class Light(StrEnum):
    NOT_STARTED = "not_started"
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """How far behind schedule (in shares of the whole target) turns an item yellow, then red."""

    yellow_gap: float = 0.10
    red_gap: float = 0.25

    def __post_init__(self) -> None:
        if not 0 <= self.yellow_gap <= self.red_gap <= 1:
            raise ValueError("need 0 <= yellow_gap <= red_gap <= 1")


@dataclass(frozen=True, slots=True)
class TargetSpec:
    kind: str  # "quantity" | "milestone"
    op: str  # ">=", "=", "<=", "~", "range"
    value: float | None
    value_max: float | None = None
    unit: str | None = None
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a target is due and how it is expected to progress.

    ``planned`` maps (year, month) to the cumulative value (or, for a milestone, share 0..1) planned by
    that month's end; where it is empty the expectation is linear from ``start`` to ``deadline``.
    """

    start: date
    deadline: date
    planned: Mapping[tuple[int, int], float] = field(default_factory=dict)


def _f(value: float | Decimal | None) -> float | None:
    return None if value is None else float(value)


def is_level_target(spec: TargetSpec) -> bool:
    """A level to hold all along (a rate kept at 100%, a ceiling) rather than a quantity that accumulates."""
    return spec.kind == "quantity" and (spec.op == "<=" or (spec.unit or "").strip() in ("%", "％"))


def stage_share(stage: str | None, stages: Sequence[tuple[str, float]] = DEFAULT_STAGES) -> float:
    if not stage:
        return 0.0
    for name, share in stages:
        if name == stage:
            return share
    raise ValueError(f"unknown stage {stage!r}")


def target_completion(
    spec: TargetSpec,
    actual: float | Decimal | None = None,
    stage: str | None = None,
    stages: Sequence[tuple[str, float]] = DEFAULT_STAGES,
) -> float | None:
    """How much of the target is delivered, 0..1; None where nothing has been reported or can be measured."""
    if spec.kind == "milestone":
        return None if stage is None else stage_share(stage, stages)
    value = _f(spec.value)
    measured = _f(actual)
    if measured is None or value is None:
        return None
    if measured < 0:
        raise ValueError("an actual value cannot be negative")
    if spec.op == "<=":
        if measured <= value:
            return 1.0
        return max(0.0, value / measured) if measured else 1.0
    if value <= 0:
        return 1.0 if measured >= value else 0.0
    return min(1.0, measured / value)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def expected_share(spec: TargetSpec, schedule: Schedule, on: date) -> float:
    """The share of the target expected to be delivered by ``on`` (序时进度), 0..1."""
    if on < schedule.start:
        return 0.0
    if is_level_target(spec):
        return 1.0
    if on >= schedule.deadline:
        return 1.0
    if schedule.planned:
        return _planned_share(spec, schedule, on)
    total = (schedule.deadline - schedule.start).days
    if total <= 0:
        return 1.0
    return min(1.0, max(0.0, (on - schedule.start).days / total))


def _planned_share(spec: TargetSpec, schedule: Schedule, on: date) -> float:
    """Cumulative planned value by ``on``: the last month-end plan, linear within the current month."""
    months = sorted(schedule.planned)
    before = [m for m in months if _month_end(*m) <= on]
    after = [m for m in months if _month_end(*m) > on]
    value = _f(spec.value) if spec.kind == "quantity" else 1.0
    if not value:
        return 0.0
    prev_value = schedule.planned[before[-1]] if before else 0.0
    prev_date = _month_end(*before[-1]) if before else schedule.start
    if not after:
        return min(1.0, prev_value / value)
    next_month = after[0]
    next_date = _month_end(*next_month)
    span = (next_date - prev_date).days or 1
    interpolated = prev_value + (schedule.planned[next_month] - prev_value) * ((on - prev_date).days / span)
    return min(1.0, max(0.0, interpolated / value))


def weighted_mean(pairs: Iterable[tuple[float | None, float]]) -> float | None:
    """Mean of the values that are not None, weighted; None when none is."""
    total = 0.0
    weights = 0.0
    for value, weight in pairs:
        if value is None or weight <= 0:
            continue
        total += value * weight
        weights += weight
    return total / weights if weights else None


@dataclass(frozen=True, slots=True)
class Progress:
    completion: float | None
    expected: float
    light: Light


def light_for(
    completion: float | None,
    expected: float,
    *,
    overdue: bool = False,
    thresholds: Thresholds | None = None,
) -> Light:
    thresholds = thresholds or Thresholds()
    if completion is not None and completion >= 1 - 1e-9:
        return Light.DONE
    if overdue:
        return Light.RED
    if completion is None and expected <= thresholds.yellow_gap:
        return Light.NOT_STARTED
    gap = expected - (completion or 0.0)
    if gap > thresholds.red_gap:
        return Light.RED
    if gap > thresholds.yellow_gap:
        return Light.YELLOW
    return Light.GREEN


def item_progress(
    targets: Sequence[tuple[TargetSpec, float | None, float]],
    *,
    overdue: bool = False,
    thresholds: Thresholds | None = None,
) -> Progress:
    """Roll an item's targets (spec, completion, expected) into one completion, expectation and light."""
    any_measured = any(c is not None for _, c, _ in targets)
    completion = weighted_mean(((c or 0.0), spec.weight) for spec, c, _ in targets) if any_measured else None
    expected = weighted_mean((e, spec.weight) for spec, _, e in targets) or 0.0
    if completion is not None and not all_met(c for spec, c, _ in targets if spec.weight > 0):
        # Not every target is measured and met: never "done", whatever the weights and the rounding.
        completion = min(completion, NEARLY_DONE)
    return Progress(
        completion, expected, light_for(completion, expected, overdue=overdue, thresholds=thresholds)
    )


NEARLY_DONE = 0.99
"""The highest completion an item that is not done may show (a percentage rounded to 100 would say done)."""


def all_met(completions: Iterable[float | None]) -> bool:
    """Every target measured and at its value (an empty list is not met: nothing was measured)."""
    values = list(completions)
    return bool(values) and all(c is not None and c >= 1 - 1e-9 for c in values)


def roll_up(children: Sequence[Progress], *, thresholds: Thresholds | None = None) -> Progress:
    """An action's or a plan's progress from its items' (equal weights; items without figures count as 0
    once anything is expected of them)."""
    if not children:
        return Progress(None, 0.0, Light.NOT_STARTED)
    any_measured = any(c.completion is not None for c in children)
    completion = sum((c.completion or 0.0) for c in children) / len(children) if any_measured else None
    expected = sum(c.expected for c in children) / len(children)
    overdue = False
    return Progress(
        completion, expected, light_for(completion, expected, overdue=overdue, thresholds=thresholds)
    )


FAR_OFF_FACTOR = 3.0
"""A figure more than this many times its target's value is far off: accepted only once confirmed."""


class FarOff(StrEnum):
    """Why a figure needs the reviewer's confirmation before it is accepted."""

    OVER_TARGET = "over_target"  # more than FAR_OFF_FACTOR times the target's value
    WENT_DOWN = "went_down"  # a cumulative value below the figure accepted for an earlier period


def far_off(
    spec: TargetSpec, actual: float | Decimal | None, previous: float | Decimal | None
) -> list[FarOff]:
    """What is odd about a quantity figure ``actual``, given the last accepted figure before it (``previous``).

    A level to hold (a rate, a ceiling) may go down from one period to the next; a cumulative count may not.
    Milestones and targets without a value are not checked for size.
    """
    measured = _f(actual)
    if spec.kind != "quantity" or measured is None:
        return []
    found: list[FarOff] = []
    value = _f(spec.value)
    if value is not None and value > 0 and measured > FAR_OFF_FACTOR * value:
        found.append(FarOff.OVER_TARGET)
    before = _f(previous)
    if before is not None and not is_level_target(spec) and measured < before:
        found.append(FarOff.WENT_DOWN)
    return found
