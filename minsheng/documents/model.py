"""Typed results of reading a plan document.

The shape follows the JSON contract in ``plan-document.schema.json`` beside this module (schema_version "1",
the shared contract plus the additive ``reading`` and ``notices``);
:meth:`PlanDocument.to_dict` produces exactly that JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from minsheng.documents.notices import Notice

Op = Literal[">=", "=", "<=", "~", "range"]
TargetKind = Literal["quantity", "milestone"]
Status = Literal["draft", "final"]

SCHEMA_VERSION = "1"


@dataclass(slots=True)
class Target:
    """One measurable promise inside an item: 9千米 of gas mains, >= 500 批次 of inspections."""

    kind: TargetKind
    subject: str
    op: Op
    value: float | None
    unit: str | None
    source: str
    value_max: float | None = None
    period: str | None = None


@dataclass(slots=True)
class Standard:
    """Money per beneficiary or per unit: 按照每人209元的标准 -> amount 209, per 人."""

    subject: str
    op: Op
    amount: float
    per: str | None
    source: str
    amount_max: float | None = None
    period: str | None = None
    previous: float | None = None


@dataclass(slots=True)
class Item:
    no: int
    text: str
    title: str | None = None
    targets: list[Target] = field(default_factory=list)
    standards: list[Standard] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Action:
    no: int
    title: str | None
    declared_item_count: int | None
    items: list[Item] = field(default_factory=list)


@dataclass(slots=True)
class DocumentReading:
    """Which segmentation was chosen, its score, the runner-up's, and the confidence of the choice."""

    segmenter: str
    score: float
    runner_up: str | None
    runner_up_score: float | None
    confidence: float


@dataclass(slots=True)
class PlanDocument:
    title: str
    region: str | None
    year: int | None
    status: Status | None
    actions: list[Action] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    reading: DocumentReading | None = None

    @property
    def items(self) -> list[Item]:
        return [item for action in self.actions for item in action.items]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["notices"] = [notice.to_dict() for notice in self.notices]
        return {"schema_version": SCHEMA_VERSION, **data}
