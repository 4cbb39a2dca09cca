"""Reads for delivery. Each selector owns its queries; page query counts stay constant as data grows.

INTERFACE (fixed; implementations to be written).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from minsheng.delivery.schedule import Light

if TYPE_CHECKING:
    from minsheng.plans.models import Item, Plan


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


@dataclass
class PlanStatus:
    plan_id: int
    on: dt.date
    completion: float | None
    expected: float
    light: Light
    items: list[ItemStatus] = field(default_factory=list)


def plan_status(*, plan: Plan, on: dt.date, public: bool = False) -> PlanStatus:
    """Every current item's completion, expectation and light on a date (public=True: published figures only)."""
    raise NotImplementedError


def item_status(*, item: Item, on: dt.date, public: bool = False) -> ItemStatus:
    raise NotImplementedError


def period_ends(*, cadence: str, start: dt.date, until: dt.date) -> list[dt.date]:
    """The ends of the reporting periods (month or quarter ends) from start to until."""
    raise NotImplementedError


def report_due_date(*, period_end: dt.date, due_day: int) -> dt.date:
    """Reports for a period are due on ``due_day`` of the month after it ends."""
    raise NotImplementedError
