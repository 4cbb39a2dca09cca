"""The office's corrections to a read plan document, as operations on the reader's JSON (no database).

An import draft keeps the reader's JSON (``PlanDocument.to_dict()``) and a list of corrections; the preview
and the import see :func:`corrected`, the JSON with every correction replayed in order. A correction names
what it changes by position in the corrected document as the office saw it (action ``a``, item ``i``, target
``t``, standard ``s``: indices from 0); :func:`correction_apply` checks its arguments and returns what it
changed before and after, which the draft stores with who and when.

The operations: ``target_edit`` (value, up-to value, unit, comparator, period), ``target_add``,
``target_delete``, ``target_weight``, ``standard_add``, ``standard_delete``, ``item_move`` (to another
action), ``item_split`` (at a piece of its text) and ``item_merge`` (with the next item of its action).
Splitting and merging renumber the items after it by one, as a person would.

:func:`document_from_dict` turns the corrected JSON back into a :class:`~minsheng.documents.PlanDocument` for
:func:`minsheng.plans.services.plan_document_import`; a target's weight is not part of the reader's model and
is set on the stored targets after the import.
"""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from minsheng.documents import jsonform
from minsheng.documents.model import PlanDocument

OPS = ("=", ">=", "<=", "~", "range")
KINDS = ("quantity", "milestone")
OPERATIONS = (
    "target_edit",
    "target_add",
    "target_delete",
    "target_weight",
    "standard_add",
    "standard_delete",
    "item_move",
    "item_split",
    "item_merge",
)
_MAX_NUMBER = Decimal("1e15")


class CorrectionError(ValueError):
    """A correction that cannot be applied; ``str(error)`` says why, for the user."""


def corrected(parsed: dict[str, Any], corrections: list[dict[str, Any]]) -> dict[str, Any]:
    """The reader's JSON with the corrections replayed in order."""
    data = copy.deepcopy(parsed)
    for correction in corrections:
        correction_apply(data, correction["op"], correction["args"])
    return data


def correction_apply(data: dict[str, Any], op: str, args: dict[str, Any]) -> tuple[Any, Any]:
    """Apply one operation to ``data`` in place; returns (before, after) of what it changed."""
    if op not in OPERATIONS:
        raise CorrectionError(_("Unknown correction."))
    handler = globals()[f"_{op}"]
    before, after = handler(data, args)
    return before, after


# --- positions and values ---------------------------------------------------------------------------------


def _index(args: dict[str, Any], key: str, size: int) -> int:
    try:
        index = int(args[key])
    except (KeyError, TypeError, ValueError) as exc:
        raise CorrectionError(_("The preview has changed; reload it and try again.")) from exc
    if not 0 <= index < size:
        raise CorrectionError(_("The preview has changed; reload it and try again."))
    return index


def _item(data: dict[str, Any], args: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], int]:
    actions = data.get("actions") or []
    action = actions[_index(args, "a", len(actions))]
    items = action.get("items") or []
    index = _index(args, "i", len(items))
    return action, items[index], index


def _number(raw: Any, *, required: bool, label: str) -> float | None:
    text = "" if raw is None else str(raw).strip().replace(",", "").replace("，", "")
    if not text:
        if required:
            raise CorrectionError(_("Give a value for %(label)s.") % {"label": label})
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise CorrectionError(_("“%(value)s” is not a number.") % {"value": text[:40]}) from exc
    if not value.is_finite() or abs(value) >= _MAX_NUMBER:
        raise CorrectionError(_("“%(value)s” is not a number.") % {"value": text[:40]})
    if value < 0:
        raise CorrectionError(_("%(label)s cannot be negative.") % {"label": label})
    number = float(value)
    return int(number) if number.is_integer() else number


def _short(raw: Any, limit: int) -> str:
    return str(raw or "").strip()[:limit]


def _target_values(args: dict[str, Any], kind: str) -> dict[str, Any]:
    op = str(args.get("op") or "=")
    if op not in OPS:
        raise CorrectionError(_("Choose a comparator."))
    if kind == "milestone":
        return {
            "op": op,
            "value": None,
            "value_max": None,
            "unit": None,
            "period": _short(args.get("period"), 16) or None,
        }
    value = _number(args.get("value"), required=True, label=_("the value"))
    value_max = _number(args.get("value_max"), required=op == "range", label=_("the up-to value"))
    if op != "range":
        value_max = None
    elif value_max is not None and value is not None and value_max < value:
        raise CorrectionError(_("The up-to value must not be below the value."))
    return {
        "op": op,
        "value": value,
        "value_max": value_max,
        "unit": _short(args.get("unit"), 32) or None,
        "period": _short(args.get("period"), 16) or None,
    }


# --- operations ---------------------------------------------------------------------------------------------


def _target_edit(data: dict[str, Any], args: dict[str, Any]) -> tuple[Any, Any]:
    _action, item, _i = _item(data, args)
    target = item["targets"][_index(args, "t", len(item["targets"]))]
    before = dict(target)
    target.update(_target_values(args, target.get("kind") or "quantity"))
    return before, dict(target)


def _target_add(data: dict[str, Any], args: dict[str, Any]) -> tuple[Any, Any]:
    _action, item, _i = _item(data, args)
    kind = str(args.get("kind") or "quantity")
    if kind not in KINDS:
        raise CorrectionError(_("Choose a kind of target."))
    subject = _short(args.get("subject"), 300)
    if kind == "milestone" and not subject:
        raise CorrectionError(_("Say what the milestone is."))
    target = {"kind": kind, "subject": subject, "source": "", **_target_values(args, kind)}
    item["targets"].append(target)
    return None, dict(target)


def _target_delete(data: dict[str, Any], args: dict[str, Any]) -> tuple[Any, Any]:
    _action, item, _i = _item(data, args)
    return item["targets"].pop(_index(args, "t", len(item["targets"]))), None


def _target_weight(data: dict[str, Any], args: dict[str, Any]) -> tuple[Any, Any]:
    _action, item, _i = _item(data, args)
    target = item["targets"][_index(args, "t", len(item["targets"]))]
    weight = _number(args.get("weight"), required=True, label=_("the weight"))
    if weight is not None and weight >= 10000:
        raise CorrectionError(_("A weight must be below 10000."))
    before = target.get("weight", 1)
    target["weight"] = weight
    return before, weight


def _standard_add(data: dict[str, Any], args: dict[str, Any]) -> tuple[Any, Any]:
    _action, item, _i = _item(data, args)
    subject = _short(args.get("subject"), 300)
    if not subject:
        raise CorrectionError(_("Say who or what the standard is for."))
    op = str(args.get("op") or "=")
    if op not in OPS or op == "range":
        op = "="
    standard = {
        "subject": subject,
        "op": op,
        "amount": _number(args.get("amount"), required=True, label=_("the amount")),
        "per": _short(args.get("per"), 32) or None,
        "source": "",
        "amount_max": None,
        "period": _short(args.get("period"), 16) or None,
        "previous": None,
    }
    item["standards"].append(standard)
    return None, dict(standard)


def _standard_delete(data: dict[str, Any], args: dict[str, Any]) -> tuple[Any, Any]:
    _action, item, _i = _item(data, args)
    return item["standards"].pop(_index(args, "s", len(item["standards"]))), None


def _item_move(data: dict[str, Any], args: dict[str, Any]) -> tuple[Any, Any]:
    action, item, index = _item(data, args)
    actions = data["actions"]
    to = actions[_index(args, "to", len(actions))]
    if to is action:
        raise CorrectionError(_("The item is already in that action."))
    action["items"].pop(index)
    position = next((n for n, other in enumerate(to["items"]) if other["no"] > item["no"]), len(to["items"]))
    to["items"].insert(position, item)
    return {"no": item["no"], "action": action["no"]}, {"no": item["no"], "action": to["no"]}


def _renumber_after(data: dict[str, Any], no: int, step: int, skip: dict[str, Any] | None = None) -> None:
    for action in data["actions"]:
        for other in action["items"]:
            if other is not skip and other["no"] > no:
                other["no"] += step


def _item_split(data: dict[str, Any], args: dict[str, Any]) -> tuple[Any, Any]:
    action, item, index = _item(data, args)
    at = str(args.get("at") or "").strip()
    text = item["text"]
    position = text.find(at) if at else -1
    if position <= 0:
        raise CorrectionError(
            _(
                "Give the words where the second item starts, exactly as they are in the item's text (not its beginning)."
            )
        )
    first_text, second_text = text[:position].strip(), text[position:].strip()
    before = copy.deepcopy(item)

    def in_second(piece: dict[str, Any]) -> bool:
        source = piece.get("source") or ""
        return bool(source) and source not in first_text and source in second_text

    second = {
        "no": item["no"] + 1,
        "text": second_text,
        "title": None,
        "targets": [t for t in item["targets"] if in_second(t)],
        "standards": [s for s in item["standards"] if in_second(s)],
        "locations": [p for p in item["locations"] if p in second_text],
        "departments": list(item["departments"]),
    }
    item["text"] = first_text
    item["targets"] = [t for t in item["targets"] if not in_second(t)]
    item["standards"] = [s for s in item["standards"] if not in_second(s)]
    item["locations"] = [p for p in item["locations"] if p in first_text or p not in second_text]
    _renumber_after(data, item["no"], 1)
    action["items"].insert(index + 1, second)
    return before, [copy.deepcopy(item), copy.deepcopy(second)]


def _item_merge(data: dict[str, Any], args: dict[str, Any]) -> tuple[Any, Any]:
    action, item, index = _item(data, args)
    if index + 1 >= len(action["items"]):
        raise CorrectionError(_("The last item of an action has no next item to merge with."))
    following = action["items"].pop(index + 1)
    before = [copy.deepcopy(item), copy.deepcopy(following)]
    item["text"] = f"{item['text']}{following['text']}"
    item["targets"] += following["targets"]
    item["standards"] += following["standards"]
    for key in ("locations", "departments"):
        item[key] += [v for v in following[key] if v not in item[key]]
    _renumber_after(data, following["no"], -1)
    return before, copy.deepcopy(item)


# --- back to the reader's model --------------------------------------------------------------------------


def document_from_dict(data: dict[str, Any]) -> PlanDocument:
    """A :class:`PlanDocument` from the reader's JSON (corrected or not); ``to_dict()`` gives it back."""
    return jsonform.document_from_dict(data)


def weights(data: dict[str, Any]) -> dict[tuple[int, int], float]:
    """(item number, target position) -> the weight the office set, for the targets that have one."""
    return {
        (item["no"], position): target["weight"]
        for action in data.get("actions") or []
        for item in action.get("items") or []
        for position, target in enumerate(item.get("targets") or [])
        if target.get("weight") is not None
    }
