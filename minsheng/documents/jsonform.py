"""A plan document in its own JSON form (``plan-document.schema.json``, what ``minsheng parse --format json``
prints and what ``minsheng export --dataset document`` writes) read back into a :class:`PlanDocument`.

:func:`looks_like_json` tells such a file from a text document by its first character; :func:`read_json`
decodes and checks it; :func:`document_from_dict` builds the dataclasses from the decoded JSON, checking
every field that the import relies on (types, comparators, kinds, numbers) so that a hand-edited or foreign
file fails with a one-line :class:`DocumentError` instead of a traceback. Keys the schema does not know are
ignored (the schema allows additions).
"""

from __future__ import annotations

import json
import math
from typing import Any

from minsheng.documents.errors import DocumentError
from minsheng.documents.model import (
    SCHEMA_VERSION,
    Action,
    DocumentReading,
    Item,
    PlanDocument,
    Standard,
    Target,
)
from minsheng.documents.notices import MESSAGES, Notice

OPS = (">=", "=", "<=", "~", "range")
KINDS = ("quantity", "milestone")
STATUSES = ("draft", "final", None)
_BOM = b"\xef\xbb\xbf"


class NotAJsonDocument(DocumentError):
    """The bytes are not a plan document's JSON at all (not JSON, not an object, another schema): a file that
    only happened to start with ``{`` is then read as text."""


def looks_like_json(data: bytes, suffix: str = "") -> bool:
    """Whether the bytes are meant as the JSON form: a ``.json`` name, or an object as the first thing."""
    head = data[len(_BOM) :] if data.startswith(_BOM) else data
    return suffix == "json" or head.lstrip()[:1] == b"{"


def read_json(data: bytes) -> PlanDocument:
    """The document in the JSON bytes, or :class:`DocumentError` saying what is wrong."""
    try:
        decoded = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise NotAJsonDocument("the JSON file is not UTF-8 text") from exc
    except (json.JSONDecodeError, RecursionError) as exc:
        raise NotAJsonDocument(f"the file is not valid JSON ({exc})") from exc
    if not isinstance(decoded, dict):
        raise NotAJsonDocument("the JSON file does not hold a plan document (an object is expected)")
    if decoded.get("schema_version") != SCHEMA_VERSION:
        raise NotAJsonDocument(
            f'the JSON file is not a plan document of schema version "{SCHEMA_VERSION}" (schema_version)'
        )
    return document_from_dict(decoded)


def document_from_dict(data: dict[str, Any]) -> PlanDocument:
    """A :class:`PlanDocument` from the reader's JSON; ``to_dict()`` gives it back."""
    status = data.get("status")
    if status not in STATUSES:
        raise DocumentError(f"status must be draft, final or null, not {status!r}")
    year = data.get("year")
    if year is not None and not _is_int(year):
        raise DocumentError(f"year must be a whole number, not {year!r}")
    reading = data.get("reading")
    return PlanDocument(
        title=_text(data.get("title"), "title"),
        region=_optional_text(data.get("region"), "region"),
        year=year,
        status=status,
        actions=[_action(action, n) for n, action in enumerate(_list(data.get("actions"), "actions"), 1)],
        warnings=[str(warning) for warning in _list(data.get("warnings"), "warnings")],
        notices=[
            Notice(notice["code"], dict(notice.get("params") or {}))
            for notice in _list(data.get("notices"), "notices")
            if isinstance(notice, dict) and notice.get("code") in MESSAGES
        ],
        reading=_reading(reading) if isinstance(reading, dict) else None,
    )


def _action(data: Any, n: int) -> Action:
    where = f"action {n}"
    if not isinstance(data, dict):
        raise DocumentError(f"{where} is not an object")
    declared = data.get("declared_item_count")
    if declared is not None and not _is_int(declared):
        raise DocumentError(f"{where}: declared_item_count must be a whole number")
    return Action(
        no=_number_at_least_one(data.get("no"), f"{where}: no"),
        title=_optional_text(data.get("title"), f"{where}: title"),
        declared_item_count=declared,
        items=[
            _item(item, f"{where}, item {k}") for k, item in enumerate(_list(data.get("items"), where), 1)
        ],
    )


def _item(data: Any, where: str) -> Item:
    if not isinstance(data, dict):
        raise DocumentError(f"{where} is not an object")
    text = _text(data.get("text"), f"{where}: text")
    if not text.strip():
        raise DocumentError(f"{where}: text is empty")
    return Item(
        no=_number_at_least_one(data.get("no"), f"{where}: no"),
        text=text,
        title=_optional_text(data.get("title"), f"{where}: title"),
        targets=[
            _target(t, f"{where}, target {k}") for k, t in enumerate(_list(data.get("targets"), where), 1)
        ],
        standards=[
            _standard(s, f"{where}, standard {k}")
            for k, s in enumerate(_list(data.get("standards"), where), 1)
        ],
        locations=[_text(place, f"{where}: locations") for place in _list(data.get("locations"), where)],
        departments=[_text(name, f"{where}: departments") for name in _list(data.get("departments"), where)],
    )


def _target(data: Any, where: str) -> Target:
    if not isinstance(data, dict):
        raise DocumentError(f"{where} is not an object")
    kind = data.get("kind")
    if kind not in KINDS:
        raise DocumentError(f"{where}: kind must be quantity or milestone")
    op = _op(data.get("op"), where)
    value = _optional_number(data.get("value"), f"{where}: value")
    value_max = _optional_number(data.get("value_max"), f"{where}: value_max")
    if kind == "quantity" and value is None:
        raise DocumentError(f"{where}: a quantity needs a value")
    if kind == "milestone" and (value is not None or value_max is not None):
        raise DocumentError(f"{where}: a milestone has no value")
    if op == "range" and (value_max is None or value is None or value_max < value):
        raise DocumentError(f"{where}: a range needs value_max at or above value")
    return Target(
        kind=kind,
        subject=_text(data.get("subject"), f"{where}: subject"),
        op=op,
        value=value,
        unit=_optional_text(data.get("unit"), f"{where}: unit"),
        source=_text(data.get("source"), f"{where}: source"),
        value_max=value_max,
        period=_optional_text(data.get("period"), f"{where}: period"),
    )


def _standard(data: Any, where: str) -> Standard:
    if not isinstance(data, dict):
        raise DocumentError(f"{where} is not an object")
    op = _op(data.get("op"), where)
    amount = _optional_number(data.get("amount"), f"{where}: amount")
    if amount is None or amount < 0:
        raise DocumentError(f"{where}: amount must be a number, not negative")
    amount_max = _optional_number(data.get("amount_max"), f"{where}: amount_max")
    if op == "range" and (amount_max is None or amount_max < amount):
        raise DocumentError(f"{where}: a range needs amount_max at or above amount")
    return Standard(
        subject=_text(data.get("subject"), f"{where}: subject"),
        op=op,
        amount=amount,
        per=_optional_text(data.get("per"), f"{where}: per"),
        source=_text(data.get("source"), f"{where}: source"),
        amount_max=amount_max,
        period=_optional_text(data.get("period"), f"{where}: period"),
        previous=_optional_number(data.get("previous"), f"{where}: previous"),
    )


def _reading(data: dict[str, Any]) -> DocumentReading | None:
    try:
        return DocumentReading(
            segmenter=str(data["segmenter"]),
            score=float(data["score"]),
            runner_up=None if data.get("runner_up") is None else str(data["runner_up"]),
            runner_up_score=None if data.get("runner_up_score") is None else float(data["runner_up_score"]),
            confidence=float(data["confidence"]),
        )
    except (KeyError, TypeError, ValueError):
        return None  # additive and informative only: a reading that does not fit is dropped


# --- checks --------------------------------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DocumentError(f"{where}: a list is expected")
    return value


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DocumentError(f"{where} must be text")
    return value


def _optional_text(value: Any, where: str) -> str | None:
    return None if value is None else _text(value, where)


def _number_at_least_one(value: Any, where: str) -> int:
    if not _is_int(value) or value < 1:
        raise DocumentError(f"{where} must be a whole number from 1")
    return int(value)


def _optional_number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DocumentError(f"{where} must be a number")
    return value


def _op(value: Any, where: str) -> Any:
    if value not in OPS:
        raise DocumentError(f"{where}: op must be one of {', '.join(OPS)}")
    return value
