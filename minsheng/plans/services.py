"""Writes for plans. Importing a document is the main one: :func:`plan_import` reads a file with the document
reader and hands the result to :func:`plan_document_import`, which creates the plan or a new version of it.

Identity across versions (see docs/importing.md): an item of the new document keeps the primary key of the
old item it matches, first by identical normalized text, then by the same action and number with similar
text, then by very similar text anywhere. Targets are matched within an item by (kind, unit, value, source),
then (kind, unit, subject), then (kind, unit, value). What is no longer in the document is marked
``removed_in`` the new version, never deleted: later records (progress reports, comments) refer to it.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.services import audit_bulk_create, audit_record, audit_update
from minsheng.common.database import statistics_refresh_after_commit
from minsheng.common.services import clean_for_bulk, constraint_message
from minsheng.plans.models import (
    Action,
    Department,
    Item,
    ItemDepartment,
    ItemRevision,
    Plan,
    PlanVersion,
    Region,
    Standard,
    Target,
)
from minsheng.plans.signals import plan_version_created

if TYPE_CHECKING:
    from minsheng.accounts.models import User
    from minsheng.documents import PlanDocument
    from minsheng.documents.model import Action as DocAction
    from minsheng.documents.model import Item as DocItem
    from minsheng.documents.model import Target as DocTarget

# Items matched by number within the same action need at least this text similarity (0..1).
SAME_NUMBER_SIMILARITY = 0.5
# Items matched anywhere in the plan, ignoring numbers, need at least this similarity.
ANYWHERE_SIMILARITY = 0.8
# Renumbering moves numbers out of the way first so that the unique (plan, no) index never sees a clash.
_RENUMBER_OFFSET = 1_000_000
_FOUR_PLACES = Decimal("0.0001")


class PlanImportError(Exception):
    """The document cannot be imported; ``str(error)`` is a one-line message for the user."""


@dataclass
class ImportResult:
    """What an import did. ``unchanged`` means the document equals the latest version and nothing was written."""

    plan: Plan
    version: PlanVersion
    created: bool = False
    unchanged: bool = False
    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    renumbered: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Pins:
    """Identities fixed in advance, for a document built from the plan itself (an edit in the browser):
    ``items`` maps a document item's number to the item it continues, ``targets`` maps (item number, target
    position in the document) to the target it continues. Pinned pairs are matched before any text matching,
    so an edit that rewrites a text or a target's value and unit keeps every id (and the reports on it)."""

    items: dict[int, int] = field(default_factory=dict)
    targets: dict[tuple[int, int], int] = field(default_factory=dict)


def plan_import(
    *,
    content: bytes,
    filename: str,
    region: str | None = None,
    year: int | None = None,
    by: User | None = None,
) -> ImportResult:
    """Read a plan document (``content`` of a file called ``filename``) and import it, in one transaction.

    ``region`` and ``year`` default to what the document states. Raises :class:`PlanImportError` for a file
    that cannot be read or holds no plan; the database is then untouched.
    """
    from minsheng.documents import DocumentError, parse_bytes

    if len(content) > settings.MINSHENG_MAX_DOCUMENT_BYTES:
        raise PlanImportError(
            _("The file is too large (%(size)d bytes; at most %(limit)d).")
            % {"size": len(content), "limit": settings.MINSHENG_MAX_DOCUMENT_BYTES}
        )
    try:
        document = parse_bytes(content, filename)
    except DocumentError as exc:
        raise PlanImportError(str(exc)) from exc
    return plan_document_import(
        document=document, content=content, filename=filename, region=region, year=year, by=by
    )


def plan_document_import(
    *,
    document: PlanDocument,
    region: str | None = None,
    year: int | None = None,
    content: bytes = b"",
    filename: str = "",
    by: User | None = None,
    pins: Pins | None = None,
) -> ImportResult:
    """Import an already-read document: create the plan, or add a version to the region's plan for the year.
    ``pins`` fixes which stored items and targets the document's continue (see :class:`Pins`)."""
    region_name = (region or document.region or "").strip()
    year = year or document.year
    if not region_name:
        raise PlanImportError(_("The document does not name its region; give one."))
    if not year:
        raise PlanImportError(_("The document does not state its year; give one."))
    if not document.items:
        raise PlanImportError(_("The document holds no items."))
    seen: set[int] = set()
    for item in document.items:
        if item.no in seen:
            raise PlanImportError(_("Item number %(no)d appears twice in the document.") % {"no": item.no})
        seen.add(item.no)
    parsed = document.to_dict()
    sha256 = hashlib.sha256(content or _canonical_json(parsed).encode()).hexdigest()

    with transaction.atomic():
        region_obj = _region_get_or_create(name=region_name)
        plan = Plan.objects.select_for_update().filter(region=region_obj, year=year).first()
        created = plan is None
        if plan is None:
            plan = Plan(
                region=region_obj,
                year=year,
                title=(document.title or region_name)[:300],
                status=Plan.Status.ADOPTED if document.status == "final" else Plan.Status.DRAFT,
            )
            plan.full_clean()
            plan.save()
            previous = None
        else:
            previous = plan.versions.order_by("-number").first()
            if plan.status == Plan.Status.VOTING:
                # The candidates on the deputies' ballot must not change under them.
                raise PlanImportError(
                    _("The plan is at the voting stage; its items are the candidates and cannot change now.")
                )
            # A document built from the plan itself (pins: an edit in the browser) is always a new version;
            # the editing service has checked that something changed.
            if (
                pins is None
                and previous is not None
                and (previous.sha256 == sha256 or _canonical_json(previous.parsed) == _canonical_json(parsed))
            ):
                return ImportResult(plan=plan, version=previous, unchanged=True)

        last_number = plan.versions.aggregate(last=Max("number"))["last"] or 0
        version = PlanVersion(
            plan=plan,
            number=last_number + 1,
            filename=filename[:255],
            content=content,
            sha256=sha256,
            parsed=parsed,
            created_by=by if by is not None and by.is_authenticated else None,
        )
        version.full_clean()
        version.save()

        result = ImportResult(plan=plan, version=version, created=created)
        try:
            _Sync(plan=plan, version=version, document=document, result=result, pins=pins).run()
        except ValidationError as exc:
            raise PlanImportError(
                _("The document cannot be stored: %(problem)s") % {"problem": "; ".join(exc.messages)}
            ) from exc
        except IntegrityError as exc:
            problem = constraint_message(exc, Action, Item, Target, Standard, ItemDepartment, ItemRevision)
            raise PlanImportError(
                _("The document cannot be stored: %(problem)s") % {"problem": problem}
            ) from exc

        version.changes = {
            "previous": previous.number if previous else None,
            "added": result.added,
            "removed": result.removed,
            "changed": result.changed,
            "renumbered": [list(pair) for pair in result.renumbered],
            "warnings": list(document.warnings),
        }
        version.full_clean()
        version.save(update_fields=["changes"])
        if document.title and plan.title != document.title[:300]:
            plan.title = document.title[:300]
            plan.full_clean()
            plan.save(update_fields=["title", "updated_at"])
        audit_record(
            actor=by,
            verb=AuditVerb.PLAN_IMPORT,
            obj=plan,
            details={"version": version.number, "filename": filename, "sha256": sha256, **version.changes},
        )
        # The plan's rows may have changed the tables' sizes a lot: the planner hears of it after the commit.
        statistics_refresh_after_commit(
            model._meta.db_table for model in (Action, Item, Target, Standard, ItemDepartment, ItemRevision)
        )
        if previous is not None:
            # followers of changed or removed items hear about it once the version is stored
            transaction.on_commit(lambda: _version_announce(version=version, by=by))
    return result


def _version_announce(*, version: PlanVersion, by: User | None) -> None:
    """Announce the stored version to the apps above (participation tells the items' followers)."""
    plan_version_created.send(sender=PlanVersion, version=version, by=by)


# Other apps may hold a plan at its stage (the deputies' vote keeps a plan at Voting while the vote is open):
# a guard returns a message refusing the move, or "".
_status_guards: list[Callable[[Plan, str], str]] = []


def plan_status_guard_add(guard: Callable[[Plan, str], str]) -> None:
    """Register a guard (once, from an app's ready())."""
    if guard not in _status_guards:
        _status_guards.append(guard)


def plan_status_problem(*, plan: Plan, status: str) -> str:
    """Why the plan may not move to ``status`` now, or ""."""
    for guard in _status_guards:
        if problem := guard(plan, status):
            return problem
    return ""


class PlanStatusError(ValidationError):
    """The plan may not move to that stage now; the message says why."""


@transaction.atomic
def plan_status_set(*, plan: Plan, status: str, by: User | None = None) -> Plan:
    """Move a plan to another stage of its year (solicitation, draft, consultation, voting, adopted, closed).
    Raises PlanStatusError when a guard refuses the move."""
    old = Plan.objects.select_for_update().values_list("status", flat=True).get(pk=plan.pk)
    if problem := plan_status_problem(plan=plan, status=status):
        raise PlanStatusError(problem)
    plan.status = status
    plan.full_clean()
    plan.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, verb=AuditVerb.PLAN_STATUS_SET, obj=plan, details={"from": old, "to": status})
    return plan


@transaction.atomic
def plan_items_adopt(
    *, plan: Plan, keep: Iterable[Item], by: User | None = None, source: str, note: str = ""
) -> PlanVersion:
    """Adopt the plan with only the ``keep`` items (the deputies' choice): a new version of the plan in which
    every other current item, and every action left empty, is marked removed; the plan becomes adopted.

    The version's file is the adopted list as plain text, and its parsed document is the previous one
    without the dropped items. ``source`` says what decided (``"vote"``).
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    current = list(Item.objects.filter(plan=plan, removed_in=None).select_related("action").order_by("no"))
    keep_ids = {item.pk for item in keep}
    unknown = keep_ids - {item.pk for item in current}
    if unknown:
        raise PlanImportError(_("Only current items of the plan can be adopted."))
    if not keep_ids:
        raise PlanImportError(_("The adopted plan must hold at least one item."))
    previous = plan.versions.order_by("-number").first()
    dropped = [item for item in current if item.pk not in keep_ids]
    kept_nos = {item.no for item in current if item.pk in keep_ids}

    parsed = dict(previous.parsed) if previous is not None and isinstance(previous.parsed, dict) else {}
    actions = []
    for action in parsed.get("actions") or []:
        items = [entry for entry in action.get("items") or [] if entry.get("no") in kept_nos]
        if items:
            actions.append({**action, "items": items})
    parsed["actions"] = actions
    parsed["status"] = "final"
    content = _adopted_text(plan, current, keep_ids).encode("utf-8")

    version = PlanVersion(
        plan=plan,
        number=(previous.number if previous else 0) + 1,
        filename=f"{plan.year}-adopted-{source}.txt"[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        parsed=parsed,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    version.full_clean()
    version.save()
    Item.objects.filter(pk__in=[item.pk for item in dropped]).update(removed_in=version)
    for item in dropped:
        revision = ItemRevision(
            item=item, version=version, kind=ItemRevision.Kind.REMOVED, no=item.no, text=item.text
        )
        revision.full_clean()
        revision.save()
    empty_actions = {item.action_id for item in dropped} - {
        item.action_id for item in current if item.pk in keep_ids
    }
    Action.objects.filter(pk__in=empty_actions, removed_in=None).update(removed_in=version)
    version.changes = {
        "previous": previous.number if previous else None,
        "added": [],
        "removed": sorted(item.no for item in dropped),
        "changed": [],
        "renumbered": [],
        "warnings": [],
        "source": source,
        "note": note,
    }
    version.full_clean()
    version.save(update_fields=["changes"])
    old_status = plan.status
    plan.status = Plan.Status.ADOPTED
    plan.full_clean()
    plan.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=by,
        verb=AuditVerb.PLAN_ADOPT,
        obj=plan,
        details={"version": version.number, "source": source, "from": old_status, **version.changes},
    )
    if dropped:
        transaction.on_commit(lambda: _version_announce(version=version, by=by))
    return version


def _adopted_text(plan: Plan, items: Sequence[Item], keep_ids: set[int]) -> str:
    lines = [plan.title, ""]
    action_id = None
    for item in items:
        if item.pk not in keep_ids:
            continue
        if item.action_id != action_id:
            action_id = item.action_id
            lines += ["", item.action.title or f"({item.action.no})"]
        lines.append(f"{item.no}. {item.text}")
    return "\n".join(lines).strip() + "\n"


# --- helpers -------------------------------------------------------------------------------------------


def _canonical_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _normalize(text: str | None) -> str:
    """Text compared for identity: compatibility forms folded, whitespace removed."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(folded.split()).lower()


def _similarity(a: str, b: str) -> float:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SAME_NUMBER_SIMILARITY:
        return 0.0
    return matcher.ratio()


def _decimal(value: float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(_FOUR_PLACES)


def _region_get_or_create(*, name: str) -> Region:
    region = Region.objects.filter(name=name).first()
    if region is None:
        region = Region(name=name)
        region.full_clean()
        region.save()
    return region


def _target_values(target: DocTarget, position: int) -> dict[str, Any]:
    return {
        "position": position,
        "kind": target.kind,
        "subject": (target.subject or "")[:300],
        "op": target.op,
        "value": _decimal(target.value),
        "value_max": _decimal(target.value_max),
        "unit": target.unit or "",
        "period": target.period or "",
        "source": target.source or "",
    }


def _standard_rows(item: DocItem) -> list[dict[str, Any]]:
    return [
        {
            "position": position,
            "subject": (standard.subject or "")[:300],
            "op": standard.op,
            "amount": _decimal(standard.amount),
            "amount_max": _decimal(standard.amount_max),
            "per": standard.per or "",
            "period": standard.period or "",
            "previous": _decimal(standard.previous),
            "source": standard.source or "",
        }
        for position, standard in enumerate(item.standards)
    ]


def _model_values(obj: Any, keys: Iterable[str]) -> dict[str, Any]:
    return {key: getattr(obj, key) for key in keys}


def _action_key(title: str | None, no: int) -> tuple[str, Any]:
    return ("title", _normalize(title)) if title else ("no", no)


class _Sync:
    """Brings a plan's actions, items, targets, standards and assignments in line with a new document.

    New rows are gathered and written in bulk at the end (a handful of queries for a whole plan, not one per
    row and constraint): each row's fields are validated in Python as it is built
    (:func:`~minsheng.common.services.clean_for_bulk`), and the database's constraints, which hold every
    invariant of these tables, refuse a bad row on the write; the caller turns that into a message.
    """

    def __init__(
        self,
        *,
        plan: Plan,
        version: PlanVersion,
        document: PlanDocument,
        result: ImportResult,
        pins: Pins | None = None,
    ):
        self.plan = plan
        self.version = version
        self.document = document
        self.result = result
        self.pins = pins or Pins()
        self._new_items: list[Item] = []
        self._new_targets: list[Target] = []
        self._new_standards: list[Standard] = []
        self._new_assignments: list[ItemDepartment] = []
        self._new_revisions: list[ItemRevision] = []

    def run(self) -> None:
        actions = self._sync_actions()
        self._sync_items(actions)
        self._write_new_rows()

    @staticmethod
    def _check(obj: Any) -> None:
        clean_for_bulk(obj, ValidationError)

    def _write_new_rows(self) -> None:
        """Write the gathered rows: items first (the others refer to them), then what hangs on them."""
        # each new row's fields recorded in the audit trail as a save would (one query per kind)
        audit_bulk_create(Item, self._new_items)
        audit_bulk_create(Target, self._new_targets)
        audit_bulk_create(Standard, self._new_standards)
        audit_bulk_create(ItemDepartment, self._new_assignments)
        ItemRevision.objects.bulk_create(self._new_revisions)

    # Actions ----------------------------------------------------------------------------------------------

    def _sync_actions(self) -> list[Action]:
        """One Action row per action of the document, in order; matched by title, else by number."""
        old: dict[tuple[str, Any], list[Action]] = defaultdict(list)
        for action in Action.objects.filter(plan=self.plan, removed_in=None).order_by("no"):
            old[_action_key(action.title, action.no)].append(action)
        rows: list[Action] = []
        for doc_action in self.document.actions:
            candidates = old.get(_action_key(doc_action.title, doc_action.no))
            kept = candidates.pop(0) if candidates else None
            rows.append(kept or Action(plan=self.plan, added_in=self.version))
        # Actions gone from the document leave the current set first, and actions that change number step
        # aside, so that renumbering never clashes with the unique (plan, no) index.
        audit_update(
            Action.objects.filter(pk__in=[a.pk for left in old.values() for a in left]),
            removed_in=self.version,
        )
        moving = [a.pk for a, d in zip(rows, self.document.actions, strict=True) if a.pk and a.no != d.no]
        Action.objects.filter(pk__in=moving).update(no=F("no") + _RENUMBER_OFFSET)
        for action, doc_action in zip(rows, self.document.actions, strict=True):
            values = {
                "no": doc_action.no,
                "title": (doc_action.title or "")[:300],
                "declared_item_count": doc_action.declared_item_count,
            }
            if action.pk and action.pk not in moving and _model_values(action, values) == values:
                continue
            for key, value in values.items():
                setattr(action, key, value)
            self._check(action)
            action.save()
        return rows

    # Items ------------------------------------------------------------------------------------------------

    def _sync_items(self, actions: Sequence[Action]) -> None:
        old_items = list(
            Item.objects.filter(plan=self.plan, removed_in=None)
            .select_related("action")
            .prefetch_related("targets", "standards", "assignments__department")
        )
        new_items: list[tuple[Action, DocAction, DocItem]] = [
            (action, doc_action, doc_item)
            for action, doc_action in zip(actions, self.document.actions, strict=True)
            for doc_item in doc_action.items
        ]
        matches = self._match_items(old_items, new_items)
        matched_old = {item.pk for item in matches.values()}
        removed = [item for item in old_items if item.pk not in matched_old]

        # Free numbers: removed items leave the current set, moving items step aside.
        audit_update(Item.objects.filter(pk__in=[item.pk for item in removed]), removed_in=self.version)
        for item in removed:
            self._revision(item, ItemRevision.Kind.REMOVED)
            self.result.removed.append(item.no)
        moving = {old.pk for index, old in matches.items() if old.no != new_items[index][2].no}
        Item.objects.filter(pk__in=moving).update(no=F("no") + _RENUMBER_OFFSET)

        departments = self._departments(entry[2] for entry in new_items)
        for index, (action, _doc_action, doc_item) in enumerate(new_items):
            old = matches.get(index)
            if old is None:
                self._item_create(action, doc_item, departments)
            else:
                self._item_update(old, action, doc_item, departments, renumber=old.pk in moving)
        self.result.added.sort()
        self.result.removed.sort()
        self.result.changed.sort()
        self.result.renumbered.sort()

    def _match_items(
        self, old_items: list[Item], new_items: list[tuple[Action, DocAction, DocItem]]
    ) -> dict[int, Item]:
        """Index in ``new_items`` -> the old item it continues."""
        matches: dict[int, Item] = {}
        free = {item.pk: item for item in old_items}
        # 0. Pinned (an edit of the plan itself says which item each one is).
        for index, (_action, _doc_action, doc_item) in enumerate(new_items):
            pinned = self.pins.items.get(doc_item.no)
            if pinned is not None and pinned in free:
                matches[index] = free.pop(pinned)
        by_text: dict[str, list[Item]] = defaultdict(list)
        for item in free.values():
            by_text[_normalize(item.text)].append(item)
        # 1. Identical text (perhaps renumbered or moved to another action).
        for index, (_action, _doc_action, doc_item) in enumerate(new_items):
            candidates = by_text.get(_normalize(doc_item.text))
            if candidates:
                item = candidates.pop(0)
                matches[index] = item
                del free[item.pk]
        # 2. Same action and number, similar text.
        for index, (_action, doc_action, doc_item) in enumerate(new_items):
            if index in matches:
                continue
            key = _action_key(doc_action.title, doc_action.no)
            text = _normalize(doc_item.text)
            for item in free.values():
                if item.no == doc_item.no and _action_key(item.action.title, item.action.no) == key:
                    if _similarity(_normalize(item.text), text) >= SAME_NUMBER_SIMILARITY:
                        matches[index] = item
                        del free[item.pk]
                    break
        # 3. Very similar text anywhere.
        for index, (_action, _doc_action, doc_item) in enumerate(new_items):
            if index in matches or not free:
                continue
            text = _normalize(doc_item.text)
            best, best_score = None, ANYWHERE_SIMILARITY
            for item in free.values():
                score = _similarity(_normalize(item.text), text)
                if score >= best_score:
                    best, best_score = item, score
            if best is not None:
                matches[index] = best
                del free[best.pk]
        return matches

    def _item_values(self, action: Action, doc_item: DocItem) -> dict[str, Any]:
        return {
            "action": action,
            "no": doc_item.no,
            "title": (doc_item.title or "")[:300],
            "text": doc_item.text,
            "locations": list(doc_item.locations),
        }

    def _item_create(self, action: Action, doc_item: DocItem, departments: dict[str, Department]) -> None:
        item = Item(plan=self.plan, added_in=self.version, **self._item_values(action, doc_item))
        self._check(item)
        self._new_items.append(item)
        for position, doc_target in enumerate(doc_item.targets):
            self._target_create(item, _target_values(doc_target, position))
        self._standards_replace(item, _standard_rows(doc_item))
        self._assignments_replace(item, doc_item.departments, departments)
        self._revision(item, ItemRevision.Kind.ADDED)
        self.result.added.append(item.no)

    def _item_update(
        self,
        item: Item,
        action: Action,
        doc_item: DocItem,
        departments: dict[str, Department],
        *,
        renumber: bool,
    ) -> None:
        old_no = item.no  # the in-memory value; the row may hold the offset number by now
        values = self._item_values(action, doc_item)
        changed = (
            any(getattr(item, key) != value for key, value in values.items() if key not in ("no", "action"))
            or item.action_id != action.pk
        )
        for key, value in values.items():
            setattr(item, key, value)
        if changed or renumber:
            self._check(item)
            item.save()
        changed |= self._targets_sync(item, doc_item.targets, doc_item.no)
        rows = _standard_rows(doc_item)
        keys = list(rows[0]) if rows else []
        if [_model_values(s, keys) for s in item.standards.all()] != rows:
            self._standards_replace(item, rows, delete=True)
            changed = True
        if doc_item.departments:
            current = [(a.department.name, a.role) for a in item.assignments.all()]
            if current != _assignment_plan(doc_item.departments):
                self._assignments_replace(item, doc_item.departments, departments, delete=True)
                changed = True
        if changed:
            self._revision(item, ItemRevision.Kind.CHANGED)
            self.result.changed.append(item.no)
        elif renumber:
            self._revision(item, ItemRevision.Kind.RENUMBERED)
            self.result.renumbered.append((old_no, item.no))

    # Targets, standards, assignments ----------------------------------------------------------------------

    def _targets_sync(self, item: Item, doc_targets: Sequence[DocTarget], no: int) -> bool:
        """Update the item's targets in place; returns whether anything changed."""
        old = [t for t in item.targets.all() if t.removed_in_id is None]
        new = [_target_values(t, position) for position, t in enumerate(doc_targets)]
        keys = (
            lambda v: (v["kind"], v["unit"], v["value"], _normalize(v["source"])),
            lambda v: (v["kind"], v["unit"], _normalize(v["subject"])),
            lambda v: (v["kind"], v["unit"], v["value"]),
        )
        pairs: dict[int, Target] = {}
        free = list(old)
        for index in range(len(new)):
            pinned = self.pins.targets.get((no, index))
            for target in free:
                if target.pk == pinned:
                    pairs[index] = target
                    free.remove(target)
                    break
        for key in keys:
            for index, values in enumerate(new):
                if index in pairs:
                    continue
                wanted = key(values)
                for target in free:
                    if key(_model_values(target, values)) == wanted:
                        pairs[index] = target
                        free.remove(target)
                        break
        changed = False
        for index, values in enumerate(new):
            paired = pairs.get(index)
            if paired is None:
                self._target_create(item, values)
                changed = True
                continue
            before = _model_values(paired, values)
            if before != values:
                if {k: v for k, v in before.items() if k != "position"} != {
                    k: v for k, v in values.items() if k != "position"
                }:
                    changed = True
                for name, value in values.items():
                    setattr(paired, name, value)
                self._check(paired)
                paired.save()
        if free:
            audit_update(Target.objects.filter(pk__in=[t.pk for t in free]), removed_in=self.version)
            changed = True
        return changed

    def _target_create(self, item: Item, values: dict[str, Any]) -> Target:
        target = Target(item=item, added_in=self.version, **values)
        self._check(target)
        self._new_targets.append(target)
        return target

    def _standards_replace(self, item: Item, rows: list[dict[str, Any]], *, delete: bool = False) -> None:
        if delete:
            item.standards.all().delete()
        for row in rows:
            standard = Standard(item=item, **row)
            self._check(standard)
            self._new_standards.append(standard)

    def _departments(self, doc_items: Iterable[DocItem]) -> dict[str, Department]:
        names = {name for doc_item in doc_items for name in doc_item.departments}
        found = {d.name: d for d in Department.objects.filter(region=self.plan.region, name__in=names)}
        for name in sorted(names - set(found)):
            department = Department(region=self.plan.region, name=name)
            self._check(department)
            department.save()
            found[name] = department
        return found

    def _assignments_replace(
        self, item: Item, names: Sequence[str], departments: dict[str, Department], *, delete: bool = False
    ) -> None:
        if delete:
            item.assignments.all().delete()
        for name, role in _assignment_plan(names):
            assignment = ItemDepartment(item=item, department=departments[name], role=role)
            self._check(assignment)
            self._new_assignments.append(assignment)

    def _revision(self, item: Item, kind: str) -> None:
        revision = ItemRevision(item=item, version=self.version, kind=kind, no=item.no, text=item.text)
        self._check(revision)
        self._new_revisions.append(revision)


def _assignment_plan(names: Sequence[str]) -> list[tuple[str, str]]:
    """The document's departments as assignments: the first named leads, the others support."""
    seen: list[str] = []
    for name in names:
        if name not in seen:
            seen.append(name)
    return [
        (name, ItemDepartment.Role.LEAD if index == 0 else ItemDepartment.Role.SUPPORTING)
        for index, name in enumerate(seen)
    ]
