"""A plan as one document: the plan as it stands now in the JSON form of ``plan-document.schema.json`` (what
``minsheng parse --format json`` prints). Importing that file (``minsheng import plan.json``, or the upload on
/plans/import/) gives the same actions, items, targets, standards and departments; see docs/open-data.md.

The document is built from the database, not from the last imported file, so that it holds what the plan
holds now (after the office's corrections and a vote's adoption). Each target also carries its ``weight``,
an addition the schema allows; the reader's warnings of the original file are not repeated.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from minsheng.documents.model import Action as DocAction
from minsheng.documents.model import Item as DocItem
from minsheng.documents.model import PlanDocument
from minsheng.documents.model import Standard as DocStandard
from minsheng.documents.model import Target as DocTarget
from minsheng.plans.models import Action, Item, ItemDepartment, Plan, Standard, Target

FINAL = (Plan.Status.ADOPTED, Plan.Status.CLOSED)


def _number(value: Decimal | None) -> float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _target(target: Target) -> DocTarget:
    return DocTarget(
        kind=target.kind,  # type: ignore[arg-type]
        subject=target.subject,
        op=target.op,  # type: ignore[arg-type]
        value=_number(target.value),
        unit=target.unit or None,
        source=target.source,
        value_max=_number(target.value_max),
        period=target.period or None,
    )


def _standard(standard: Standard) -> DocStandard:
    return DocStandard(
        subject=standard.subject,
        op=standard.op,  # type: ignore[arg-type]
        amount=_number(standard.amount) or 0,
        per=standard.per or None,
        source=standard.source,
        amount_max=_number(standard.amount_max),
        period=standard.period or None,
        previous=_number(standard.previous),
    )


def _departments(item: Item) -> list[str]:
    """The lead department first (the importer reads the first name as the lead), then the supporting ones."""
    assignments = sorted(item.assignments.all(), key=lambda a: (a.role != ItemDepartment.Role.LEAD, a.pk))
    return [assignment.department.name for assignment in assignments]


def plan_document_data(*, plan: Plan) -> dict[str, Any]:
    """The plan's current content as the reader's JSON (a dict); five queries whatever its size."""
    items = (
        Item.objects.filter(plan=plan, removed_in__isnull=True)
        .order_by("no", "pk")
        .prefetch_related(
            Prefetch(
                "targets", queryset=Target.objects.filter(removed_in__isnull=True).order_by("position", "pk")
            ),
            Prefetch("standards", queryset=Standard.objects.order_by("position", "pk")),
            Prefetch("assignments", queryset=ItemDepartment.objects.select_related("department")),
        )
    )
    by_action: dict[int, list[Item]] = {}
    for item in items:
        by_action.setdefault(item.action_id, []).append(item)
    actions = [
        DocAction(
            no=action.no,
            title=action.title or None,
            declared_item_count=action.declared_item_count,
            items=[
                DocItem(
                    no=item.no,
                    text=item.text,
                    title=item.title or None,
                    targets=[_target(target) for target in item.targets.all()],
                    standards=[_standard(standard) for standard in item.standards.all()],
                    locations=[str(place) for place in item.locations or []],
                    departments=_departments(item),
                )
                for item in by_action.get(action.pk, [])
            ],
        )
        for action in Action.objects.filter(plan=plan, removed_in__isnull=True).order_by("no", "pk")
    ]
    document = PlanDocument(
        title=plan.title,
        region=plan.region.name,
        year=plan.year,
        status="final" if plan.status in FINAL else "draft",
        actions=[action for action in actions if action.items],
    )
    data = document.to_dict()
    weights = {
        (item.no, position): target.weight
        for item in items
        for position, target in enumerate(item.targets.all())
    }
    for action in data["actions"]:
        for item in action["items"]:
            for position, target in enumerate(item["targets"]):
                target["weight"] = _number(weights[(item["no"], position)])
    return data


def plan_document_bytes(*, plan: Plan) -> bytes:
    """The document as the bytes of a ``.json`` file (UTF-8, indented, Chinese as it is)."""
    return (json.dumps(plan_document_data(plan=plan), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def document_filename(plan: Plan) -> str:
    return f"{plan.region.name}-{plan.year}-plan.json"
