"""Editing an adopted plan in the browser, and carrying unfinished items into next year's plan.

Both are new versions made by the import itself (:func:`minsheng.plans.services.plan_document_import`), so
that versions, item revisions, the diff stored on the version (``changes``), the followers' notice and the
audit trail are the same as for a revised document, and there is one diff in the house:

- :func:`plan_snapshot` reads the plan's current actions, items, targets (with weights), standards and
  departments as the reader's JSON, with :class:`~minsheng.plans.services.Pins` naming the stored item and
  target behind each entry, so that the import keeps every id (reports and assignments stay attached).
- :func:`plan_item_edit` changes one item in that snapshot (text, title, action, targets: subject, value,
  up-to value, unit, comparator, period, weight, add, remove; its lead and supporting departments) and
  imports it as the next version, with a required reason stored on the version (``changes["reason"]``,
  ``changes["edits"]``: each field before and after) and in an audit event.
- :func:`plan_items_carry_over` adds chosen items of a plan to the next year's plan of its region (created
  as a draft when there is none) as a new version of it; each new item points back to the one it came from
  (``Item.carried_from``).

Reads: :func:`plan_versions_page` (every version of a plan with what it changed, old and new text side by
side), :func:`item_lineage` (an item and the items it was carried from, oldest last).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.services import audit_record
from minsheng.common.services import require
from minsheng.plans.corrections import document_from_dict
from minsheng.plans.models import (
    Action,
    Department,
    Item,
    ItemDepartment,
    ItemRevision,
    Op,
    Plan,
    PlanVersion,
    Target,
)
from minsheng.plans.services import Pins, PlanImportError, plan_document_import

if TYPE_CHECKING:
    from minsheng.accounts.models import User

MAX_REASON = 1000
_MAX_NUMBER = Decimal("1e15")


class PlanEditError(ValidationError):
    """An edit or a carry-over that cannot be done; the message says why (on its field where it has one)."""


# --- the plan as the reader's JSON ----------------------------------------------------------------------------


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _item_entry(item: Item) -> dict[str, Any]:
    assignments = sorted(item.assignments.all(), key=lambda a: (a.role != ItemDepartment.Role.LEAD, a.pk))
    return {
        "no": item.no,
        "text": item.text,
        "title": item.title or None,
        "targets": [
            {
                "kind": t.kind,
                "subject": t.subject,
                "op": t.op,
                "value": _number(t.value),
                "value_max": _number(t.value_max),
                "unit": t.unit or None,
                "period": t.period or None,
                "source": t.source,
                "weight": float(t.weight),
            }
            for t in item.targets.all()
        ],
        "standards": [
            {
                "subject": s.subject,
                "op": s.op,
                "amount": float(s.amount),
                "amount_max": _number(s.amount_max),
                "per": s.per or None,
                "period": s.period or None,
                "previous": _number(s.previous),
                "source": s.source,
            }
            for s in item.standards.all()
        ],
        "locations": list(item.locations or []),
        "departments": [a.department.name for a in assignments],
    }


def _current_items(plan: Plan) -> list[Item]:
    return list(
        Item.objects.filter(plan=plan, removed_in=None)
        .order_by("no", "id")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.filter(removed_in=None).order_by("position", "id")),
            "standards",
            Prefetch("assignments", queryset=ItemDepartment.objects.select_related("department")),
        )
    )


def plan_snapshot(*, plan: Plan) -> tuple[dict[str, Any], Pins]:
    """The plan's current content as the reader's JSON (weights included), and the pins to its rows."""
    items = _current_items(plan)
    by_action: dict[int, list[Item]] = {}
    for item in items:
        by_action.setdefault(item.action_id, []).append(item)
    data: dict[str, Any] = {
        "title": plan.title,
        "region": plan.region.name,
        "year": plan.year,
        "status": "final" if plan.status in (Plan.Status.ADOPTED, Plan.Status.CLOSED) else "draft",
        "actions": [
            {
                "no": action.no,
                "title": action.title or None,
                "declared_item_count": action.declared_item_count,
                "items": [_item_entry(item) for item in by_action.get(action.pk, [])],
                "_id": action.pk,
            }
            for action in Action.objects.filter(plan=plan, removed_in=None).order_by("no", "id")
        ],
        "warnings": [],
        "notices": [],
    }
    pins = Pins(
        items={item.no: item.pk for item in items},
        targets={(item.no, index): t.pk for item in items for index, t in enumerate(item.targets.all())},
    )
    return data, pins


def _import(
    *, plan_data: dict[str, Any], region: str, year: int, filename: str, by: User, pins: Pins | None
) -> Any:
    for action in plan_data["actions"]:
        action.pop("_id", None)
    try:
        return plan_document_import(
            document=document_from_dict(plan_data),
            region=region,
            year=year,
            filename=filename,
            by=by,
            pins=pins,
        )
    except PlanImportError as exc:
        raise PlanEditError(str(exc)) from exc


# --- editing an item of an adopted plan -----------------------------------------------------------------------


@dataclass
class TargetChange:
    """One target row of the edit form: ``id`` of the stored target (None for a new one)."""

    id: int | None
    subject: str = ""
    op: str = Op.EXACTLY
    value: Decimal | None = None
    value_max: Decimal | None = None
    unit: str = ""
    period: str = ""
    weight: Decimal = Decimal(1)
    kind: str = Target.Kind.QUANTITY
    remove: bool = False


@dataclass
class ItemChange:
    """What the office sets on an item (every field, as the edit form holds them)."""

    title: str
    text: str
    action: Action
    targets: list[TargetChange]
    lead: Department | None
    supporting: list[Department] = field(default_factory=list)


def _target_check(index: int, change: TargetChange) -> None:
    prefix = _("Target %(n)d: ") % {"n": index + 1}
    if change.op not in Op.values:
        raise PlanEditError(prefix + _("choose a comparator."))
    if change.kind not in Target.Kind.values:
        raise PlanEditError(prefix + _("choose quantity or milestone."))
    for amount in (change.value, change.value_max, change.weight):
        if amount is not None and (not amount.is_finite() or abs(amount) >= _MAX_NUMBER):
            raise PlanEditError(prefix + _("the number is too large."))
    if change.kind == Target.Kind.QUANTITY:
        if change.value is None:
            raise PlanEditError(prefix + _("a quantity target needs a value."))
        if change.op == Op.RANGE and (change.value_max is None or change.value_max < change.value):
            raise PlanEditError(prefix + _("a range needs an up-to value at least the value."))
    elif change.value is not None or change.value_max is not None:
        raise PlanEditError(prefix + _("a milestone has no value."))
    if change.weight is None or change.weight < 0:
        raise PlanEditError(prefix + _("the weight must be 0 or more."))
    if len(change.unit) > 32 or len(change.period) > 16 or len(change.subject) > 300:
        raise PlanEditError(prefix + _("the unit, period or subject is too long."))
    if change.id is None and not change.subject.strip():
        raise PlanEditError(prefix + _("say what a new target measures."))


def _amount(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@transaction.atomic
def plan_item_edit(*, item: Item, change: ItemChange, reason: str, by: User) -> PlanVersion:
    """Save the office's edit of an item of an adopted plan as the plan's next version.

    Every stored id is kept (the item, its targets, its assignment and reports). The reason is required and
    stored on the version with each changed field before and after; nothing is saved when nothing changed."""
    require(by, "plans.edit_plan")
    plan = Plan.objects.select_for_update().select_related("region").get(pk=item.plan_id)
    item = Item.objects.get(pk=item.pk)
    reason = (reason or "").strip()
    if plan.status != Plan.Status.ADOPTED:
        raise PlanEditError(
            _("Only an adopted plan is edited here; a draft is corrected by importing it again.")
        )
    if item.removed_in_id is not None:
        raise PlanEditError(_("This item is no longer in the plan."))
    if not reason:
        raise PlanEditError({"reason": [_("Say why the plan changes; the reason is kept with the version.")]})
    if len(reason) > MAX_REASON:
        raise PlanEditError({"reason": [_("The reason is too long.")]})
    text = (change.text or "").strip()
    if not text:
        raise PlanEditError({"text": [_("The item's text cannot be empty.")]})
    if change.action.plan_id != plan.pk or change.action.removed_in_id is not None:
        raise PlanEditError({"action": [_("Choose an action of this plan.")]})
    departments: list[Department] = [change.lead] if change.lead else []
    for department in change.supporting:
        if department not in departments:
            departments.append(department)
    assigned = set(ItemDepartment.objects.filter(item=item).values_list("department_id", flat=True))
    if change.lead is None and (change.supporting or assigned):
        raise PlanEditError({"lead": [_("Choose a lead department.")]})
    for department in departments:
        if department.region_id != plan.region_id:
            raise PlanEditError(
                _("%(department)s belongs to another region.") % {"department": department.name}
            )
        if department.retired_at is not None and department.pk not in assigned:
            raise PlanEditError(
                _("%(department)s is retired; choose an active department.") % {"department": department.name}
            )
    stored = {t.pk: t for t in Target.objects.filter(item=item, removed_in=None)}
    for index, target_change in enumerate(change.targets):
        if target_change.id is not None and target_change.id not in stored:
            raise PlanEditError(_("The item has changed meanwhile; reload the page."))
        if not target_change.remove:
            _target_check(index, target_change)

    data, pins = plan_snapshot(plan=plan)
    entry, home = next(
        (entry, action) for action in data["actions"] for entry in action["items"] if entry["no"] == item.no
    )
    before = copy.deepcopy(entry)
    entry["text"] = text
    entry["title"] = (change.title or "").strip()[:300] or None
    stored_order = {pk: index for (no, index), pk in pins.targets.items() if no == item.no}
    mentioned = {c.id: c for c in change.targets if c.id is not None}
    targets: list[dict[str, Any]] = []
    target_pins: dict[tuple[int, int], int] = {k: v for k, v in pins.targets.items() if k[0] != item.no}
    edits: list[dict[str, Any]] = []
    for pk, index in sorted(stored_order.items(), key=lambda pair: pair[1]):
        old = entry["targets"][index]
        wanted = mentioned.get(pk)
        if wanted is not None and wanted.remove:
            edits.append({"field": "target", "target": pk, "before": old, "after": None})
            continue
        values = old if wanted is None else _target_entry(wanted, old)
        for key in _TARGET_FIELDS:
            if (old.get(key) or None) != (values.get(key) or None):
                edits.append({"field": key, "target": pk, "before": old.get(key), "after": values.get(key)})
        target_pins[(item.no, len(targets))] = pk
        targets.append(values)
    for new_target in change.targets:
        if new_target.id is None and not new_target.remove:
            values = _target_entry(new_target, {})
            edits.append({"field": "target", "target": None, "before": None, "after": values})
            targets.append(values)
    entry["targets"] = targets
    entry["departments"] = [d.name for d in departments]
    if change.action.pk != home["_id"]:
        home["items"].remove(entry)
        goal = next(action for action in data["actions"] if action["_id"] == change.action.pk)
        goal["items"] = sorted([*goal["items"], entry], key=lambda e: e["no"])

    edits = _item_edits(before, entry, home_before=home["no"], home_after=change.action.no) + edits
    if not edits:
        raise PlanEditError(_("Nothing was changed."))
    number = (plan.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    result = _import(
        plan_data=data,
        region=plan.region.name,
        year=plan.year,
        filename=f"{plan.year}-edit-v{number}.json",
        by=by,
        pins=Pins(items=pins.items, targets=target_pins),
    )
    version = result.version
    # weights are not part of the reader's model: set them on the stored targets, as a confirmed import does
    weight_changed = False
    for position, values in enumerate(targets):
        weight = Decimal(str(values["weight"])).quantize(Decimal("0.0001"))
        updated = (
            Target.objects.filter(item=item, position=position, removed_in=None)
            .exclude(weight=weight)
            .update(weight=weight)
        )
        weight_changed |= bool(updated)
    if weight_changed and item.no not in result.changed:
        revision = ItemRevision(
            item=item, version=version, kind=ItemRevision.Kind.CHANGED, no=item.no, text=text
        )
        revision.full_clean()
        revision.save()
        version.changes["changed"] = sorted([*version.changes.get("changed", []), item.no])
    version.changes = {**version.changes, "source": "edit", "reason": reason, "item": item.pk, "edits": edits}
    version.full_clean()
    version.save(update_fields=["changes"])
    audit_record(
        actor=by,
        verb=AuditVerb.PLAN_EDIT,
        obj=plan,
        details={"version": version.number, "item": item.pk, "no": item.no, "reason": reason, "edits": edits},
    )
    return version


_TARGET_FIELDS = ("subject", "op", "value", "value_max", "unit", "period", "weight")


def _target_entry(change: TargetChange, old: dict[str, Any]) -> dict[str, Any]:
    """A target of the reader's JSON with the form's values (kind and source stay those of the stored one)."""
    return {
        "kind": old.get("kind", change.kind),
        "subject": change.subject.strip() or old.get("subject", ""),
        "op": change.op,
        "value": _amount(change.value),
        "value_max": _amount(change.value_max) if change.op == Op.RANGE else None,
        "unit": change.unit.strip() or None,
        "period": change.period.strip() or None,
        "source": old.get("source", ""),
        "weight": float(change.weight),
    }


def _item_edits(
    before: dict[str, Any], after: dict[str, Any], *, home_before: int, home_after: int
) -> list[dict[str, Any]]:
    """Each changed field of the item itself, before and after (the version keeps them for its history)."""
    edits: list[dict[str, Any]] = []
    for key in ("title", "text", "departments"):
        if (before.get(key) or None) != (after.get(key) or None):
            edits.append({"field": key, "before": before.get(key), "after": after.get(key)})
    if home_before != home_after:
        edits.append({"field": "action", "before": home_before, "after": home_after})
    return edits


# --- carrying unfinished items into next year's plan ----------------------------------------------------------


@dataclass
class CarryOverResult:
    plan: Plan
    version: PlanVersion
    created: bool
    carried: list[tuple[Item, int]]  # (the item it came from, its number in the new plan)


def _next_year_title(plan: Plan) -> str:
    year, following = str(plan.year), str(plan.year + 1)
    if year in plan.title:
        return plan.title.replace(year, following)[:300]
    return f"{following} {plan.title}"[:300]


@transaction.atomic
def plan_items_carry_over(*, plan: Plan, items: list[Item], by: User) -> CarryOverResult:
    """Add ``items`` of ``plan`` to the region's plan for the next year, as its next version (the plan is
    created as a draft when there is none). Each new item keeps the text, targets, weights, standards, places
    and departments of the one it came from, and points back to it (``carried_from``)."""
    require(by, "plans.edit_plan")
    plan = Plan.objects.select_related("region").get(pk=plan.pk)
    if not items:
        raise PlanEditError(_("Choose at least one item to carry over."))
    wanted = {item.pk for item in items}
    sources = [item for item in _current_items(plan) if item.pk in wanted]
    if len(sources) != len(wanted):
        raise PlanEditError(_("Only current items of the plan can be carried over."))
    following = Plan.objects.select_for_update().filter(region=plan.region, year=plan.year + 1).first()
    if following is not None and following.status in (Plan.Status.VOTING, Plan.Status.CLOSED):
        raise PlanEditError(
            _("Next year's plan is at the stage “%(stage)s”; items cannot be added to it now.")
            % {"stage": following.get_status_display()}
        )
    if following is not None:
        already = list(
            Item.objects.filter(plan=following, removed_in=None, carried_from__in=wanted)
            .order_by("carried_from__no")
            .values_list("carried_from__no", flat=True)
        )
        if already:
            raise PlanEditError(
                _("Item %(no)d was already carried into next year's plan.") % {"no": already[0]}
            )
        data, pins = plan_snapshot(plan=following)
    else:
        data = {
            "title": _next_year_title(plan),
            "region": plan.region.name,
            "year": plan.year + 1,
            "status": "draft",
            "actions": [],
            "warnings": [],
            "notices": [],
        }
        pins = Pins()
    number = max((entry["no"] for action in data["actions"] for entry in action["items"]), default=0)
    actions = {(action.get("title") or ""): action for action in data["actions"]}
    numbers: dict[int, Item] = {}
    for item in sources:
        number += 1
        entry = _item_entry(item)
        entry["no"] = number
        title = item.action.title or ""
        home = actions.get(title)
        if home is None:
            home = {
                "no": max((a["no"] for a in data["actions"]), default=0) + 1,
                "title": title or None,
                "declared_item_count": None,
                "items": [],
            }
            data["actions"].append(home)
            actions[title] = home
        home["items"].append(entry)
        numbers[number] = item
    result = _import(
        plan_data=data,
        region=plan.region.name,
        year=plan.year + 1,
        filename=f"{plan.year + 1}-carried-from-{plan.year}.json",
        by=by,
        pins=pins if following is not None else None,
    )
    new_items = {i.no: i for i in Item.objects.filter(plan=result.plan, no__in=numbers, removed_in=None)}
    carried: list[tuple[Item, int]] = []
    for no, source in numbers.items():
        new_item = new_items[no]
        new_item.carried_from = source
        new_item.full_clean()
        new_item.save(update_fields=["carried_from"])
        for position, target in enumerate(source.targets.all()):
            Target.objects.filter(item=new_item, position=position, removed_in=None).update(
                weight=target.weight
            )
        carried.append((source, no))
    version = result.version
    version.changes = {
        **version.changes,
        "source": "carry_over",
        "from_plan": plan.pk,
        "carried": [{"from": source.pk, "from_no": source.no, "no": no} for source, no in carried],
    }
    version.full_clean()
    version.save(update_fields=["changes"])
    audit_record(
        actor=by,
        verb=AuditVerb.PLAN_CARRY_OVER,
        obj=result.plan,
        details={"from_plan": plan.pk, "version": version.number, "carried": version.changes["carried"]},
    )
    return CarryOverResult(plan=result.plan, version=version, created=result.created, carried=carried)


# --- reads --------------------------------------------------------------------------------------------------


@dataclass
class FieldEdit:
    """One field an edit changed, as the versions page shows it."""

    label: str
    target: int | None
    before: str
    after: str


def _shown(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, dict):  # a whole target added or removed
        parts = [
            value.get("subject") or "",
            value.get("op") or "",
            value.get("value"),
            value.get("unit") or "",
        ]
        return " ".join(str(part) for part in parts if part not in ("", None))
    if isinstance(value, list):
        return "、".join(str(part) for part in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _label(name: str) -> str:
    if name == "target":
        return str(Target._meta.verbose_name)
    model = Item if name in ("title", "text", "departments", "action") else Target
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _field_edits(changes: dict[str, Any]) -> list[FieldEdit]:
    return [
        FieldEdit(
            label=_label(str(edit.get("field", ""))),
            target=edit.get("target"),
            before=_shown(edit.get("before")),
            after=_shown(edit.get("after")),
        )
        for edit in changes.get("edits") or []
        if isinstance(edit, dict)
    ]


@dataclass
class VersionRow:
    version: PlanVersion
    edits: list[FieldEdit] = field(default_factory=list)
    added: list[tuple[int, str]] = field(default_factory=list)
    removed: list[tuple[int, str]] = field(default_factory=list)
    changed: list[tuple[int, str, str]] = field(default_factory=list)
    renumbered: list[tuple[int, int]] = field(default_factory=list)


def plan_versions_page(*, plan: Plan) -> list[VersionRow]:
    """Every version of the plan, newest first, with what it changed: added and removed items with their
    text, changed items with the text before and after, renumbered items (two queries)."""
    versions = list(plan.versions.defer("content", "parsed").select_related("created_by").order_by("-number"))
    revisions = list(
        ItemRevision.objects.filter(version__plan=plan)
        .select_related("version")
        .only("item_id", "kind", "no", "text", "version__number")
        .order_by("item_id", "version__number")
    )
    last_text: dict[int, str] = {}
    by_version: dict[int, list[tuple[ItemRevision, str]]] = {}
    for revision in revisions:
        by_version.setdefault(revision.version.number, []).append(
            (revision, last_text.get(revision.item_id, ""))
        )
        last_text[revision.item_id] = revision.text
    rows = []
    for version in versions:
        row = VersionRow(version=version, edits=_field_edits(version.changes or {}))
        for revision, before in sorted(by_version.get(version.number, []), key=lambda pair: pair[0].no):
            if revision.kind == ItemRevision.Kind.ADDED:
                row.added.append((revision.no, revision.text))
            elif revision.kind == ItemRevision.Kind.REMOVED:
                row.removed.append((revision.no, revision.text))
            elif revision.kind == ItemRevision.Kind.CHANGED:
                row.changed.append((revision.no, before, revision.text))
        row.renumbered = [(old, new) for old, new in version.changes.get("renumbered", [])]
        rows.append(row)
    return rows


def item_lineage(*, item: Item, limit: int = 20) -> list[Item]:
    """The items ``item`` was carried from, the nearest first (one query per year carried, a few at most)."""
    chain: list[Item] = []
    current = item
    seen = {item.pk}
    while current.carried_from_id is not None and len(chain) < limit:
        found = (
            Item.objects.select_related("plan__region", "removed_in")
            .defer("removed_in__content", "removed_in__parsed")
            .prefetch_related(
                Prefetch(
                    "revisions",
                    queryset=ItemRevision.objects.select_related("version")
                    .defer("version__content", "version__parsed")
                    .order_by("version__number"),
                )
            )
            .filter(pk=current.carried_from_id)
            .first()
        )
        if found is None or found.pk in seen:
            break
        seen.add(found.pk)
        chain.append(found)
        current = found
    return chain
