"""Compare a parsed document with a hand-checked expectation (see FIXTURE-FORMAT.md) and score it."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minsheng.documents import PlanDocument


def _num(value: Any) -> Any:
    return None if value is None else round(float(value), 4)


def target_key(t: Any) -> tuple:
    get = t.get if isinstance(t, dict) else lambda k, d=None: getattr(t, k, d)
    return (
        "T",
        get("kind"),
        get("op"),
        _num(get("value")),
        _num(get("value_max")),
        get("unit"),
        get("period"),
    )


def standard_key(s: Any) -> tuple:
    get = s.get if isinstance(s, dict) else lambda k, d=None: getattr(s, k, d)
    return (
        "S",
        get("op"),
        _num(get("amount")),
        _num(get("amount_max")),
        get("per"),
        get("period"),
        _num(get("previous")),
    )


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    items_expected: int = 0
    items_found: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.items_expected += other.items_expected
        self.items_found += other.items_found
        self.problems.extend(other.problems)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_expected(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def compare(expected: dict[str, Any], document: PlanDocument, *, strict_structure: bool = True) -> Score:
    score = Score()
    name = expected.get("file", "?")
    found_items = {item.no: item for item in document.items}
    score.items_expected = len(expected["items"])
    for exp in expected["items"]:
        item = found_items.get(exp["no"])
        if item is None:
            score.problems.append(f"{name}: item {exp['no']} not found")
            score.fn += sum(1 for t in exp["targets"] if t["kind"] == "quantity") + len(exp["standards"])
            continue
        score.items_found += 1
        if (
            exp.get("text_contains")
            and exp["text_contains"] not in item.text
            and exp["text_contains"] not in (item.title or "")
        ):
            score.problems.append(f"{name}: item {exp['no']} text lacks {exp['text_contains']!r}")
        want = Counter(
            [target_key(t) for t in exp["targets"] if t["kind"] == "quantity"]
            + [standard_key(s) for s in exp["standards"]]
        )
        got = Counter(
            [target_key(t) for t in item.targets if t.kind == "quantity"]
            + [standard_key(s) for s in item.standards]
        )
        tp = sum((want & got).values())
        score.tp += tp
        score.fp += sum((got - want).values())
        score.fn += sum((want - got).values())
        if want != got:
            score.problems.append(
                f"{name}: item {exp['no']} missing {sorted(want - got, key=str)} extra {sorted(got - want, key=str)}"
            )
        expects_milestone = any(t["kind"] == "milestone" for t in exp["targets"])
        has_milestone = any(t.kind == "milestone" for t in item.targets)
        if expects_milestone != has_milestone:
            score.problems.append(f"{name}: item {exp['no']} milestone expected={expects_milestone}")
        # sources: the reader's span must contain the fixture's minimal span
        sources = [t.source for t in item.targets] + [s.source for s in item.standards]
        for t in exp["targets"] + exp["standards"]:
            if t.get("source") and not any(
                t["source"] in s or (s in t["source"] and len(s) >= 2) for s in sources
            ):
                score.problems.append(f"{name}: item {exp['no']} no source covers {t['source']!r}")
        cells = [t.source for t in item.targets if t.subject == "投资"]  # a table cell, not the text
        for s in sources:
            if s not in item.text and s not in cells:
                score.problems.append(f"{name}: item {exp['no']} source {s!r} is not in the item text")
        for key in ("locations", "departments"):
            missing = [v for v in exp.get(key, []) if v not in getattr(item, key)]
            if missing:
                score.problems.append(f"{name}: item {exp['no']} {key} missing {missing}")
    extra_items = set(found_items) - {exp["no"] for exp in expected["items"]}
    if expected.get("complete", True) and extra_items:
        score.problems.append(f"{name}: unexpected items {sorted(extra_items)}")
    if strict_structure:
        got_actions = [(a.title, a.declared_item_count, [i.no for i in a.items]) for a in document.actions]
        want_actions = [(a["title"], a["declared_item_count"], a["item_nos"]) for a in expected["actions"]]
        if expected.get("complete", True) and got_actions != want_actions:
            score.problems.append(f"{name}: actions differ: got {got_actions} want {want_actions}")
        for key in ("title", "region", "year", "status"):
            if key in expected and expected[key] is not None and getattr(document, key) != expected[key]:
                score.problems.append(f"{name}: {key} {getattr(document, key)!r} != {expected[key]!r}")
        if expected.get("complete", True) and len(document.warnings) != expected.get("warnings", 0):
            score.problems.append(
                f"{name}: warnings {document.warnings} (expected {expected.get('warnings', 0)})"
            )
    return score
