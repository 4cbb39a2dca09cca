"""The development measurement: the reader against every answer file in ../shared/data/plans/gold/.

The matching rules are the shared scorer's own (``../shared/bin/score_parse.py``, loaded from there), and
the documents are read as ``../shared/bin/score-reader`` reads them (the two framing lines dropped, items
after ``truncated_after`` not scored), so this figure and that one agree.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, field
from types import ModuleType

from minsheng.documents import parse_text
from minsheng.documents.tests.conftest import SHARED_PLANS

GOLD = SHARED_PLANS / "gold"
SCORER = SHARED_PLANS.parents[1] / "bin" / "score_parse.py"


@dataclass
class DocumentScore:
    name: str
    precision: float
    recall: float
    f1: float
    quantities: int  # gold quantities that count (not optional)
    problems: list[str] = field(default_factory=list)


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_parse", SCORER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure() -> tuple[tuple[float, float, float], list[DocumentScore]]:
    rules = _scorer()
    tp = fp = fn = 0
    scores = []
    for gold_file in sorted(GOLD.glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        text = "".join(
            (SHARED_PLANS / f"{gold_file.stem}.txt").read_text(encoding="utf-8").splitlines(True)[3:]
        )
        parsed = parse_text(text).to_dict()
        last = gold.get("truncated_after")
        if last:
            for action in parsed["actions"]:
                action["items"] = [item for item in action["items"] if item["no"] <= last]
        precision, recall, f1, _misses = rules.score(parsed, gold)
        a, b, c = rules.score.counts
        tp, fp, fn = tp + a, fp + b, fn + c
        counted = sum(not q["optional"] for item in gold["items"] for q in item["quantities"])
        scores.append(
            DocumentScore(gold_file.stem, precision, recall, f1, counted, rules.structure(parsed, gold))
        )
    return rules.prf(tp, fp, fn), scores


def report(pooled: tuple[float, float, float], scores: list[DocumentScore]) -> str:
    lines = [
        f"{s.name}: P {s.precision:.2f} R {s.recall:.2f} F1 {s.f1:.2f}"
        + (f"  structure: {'; '.join(s.problems)}" if s.problems else "")
        for s in scores
    ]
    lines.append("pooled: precision {:.3f} recall {:.3f} F1 {:.3f}".format(*pooled))
    return "\n".join(lines)
