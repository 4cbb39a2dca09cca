"""Competing readings of one document, and the scorer that chooses between them.

Every segmenter (a plan table, a table whose cells ran together, numbered lines, rows one cell per line,
title lines with bullets, quoted titles in prose, one pledge per paragraph or per ；) proposes a
:class:`Reading`. :func:`score` rates each on what a real list looks like, and :func:`choose` keeps the best
and remembers the runner-up, the best reading that finds other items, so a caller (the import preview) can
flag a reading that was a close call.

The score (higher is better) adds:

* ``layout``: how much structure the segmenter relied on (a table's header, printed numbers …), 0–3;
* ``count``: 2 when the number of items equals a count the document announces (十件实事, 共20项), else 0;
* ``numbering``: the share of printed item numbers that follow the one before (or restart at 1 after a
  heading), 0–1, counted twice;
* ``pledges``: the share of items that read like a pledge (a quantity, or a short name, or an opening verb);
* ``figures``: the share of items holding a quantity (in their text or in a figure cell);
* ``coverage``: the share of the body's text that the items hold, 0–1;
* minus ``size``: 1 for a reading of a single item, and for items far longer than a pledge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from minsheng.documents.lines import PLEDGE_START, Draft
from minsheng.documents.quantities import has_quantity

RawAction = tuple[str | None, int | None, list[Draft]]

LAYOUT = {
    "table": 3.0,
    "flattened-table": 3.0,
    "rows": 2.5,
    "table-rows": 2.5,
    "numbered": 2.0,
    "bullets": 1.5,
    "titles": 1.0,
    "quoted-titles": 1.0,
    "paragraphs": 0.5,
}


@dataclass(slots=True)
class Reading:
    segmenter: str
    actions: list[RawAction]
    score: float = 0.0
    features: dict[str, float] = field(default_factory=dict)

    @property
    def drafts(self) -> list[Draft]:
        return [draft for _, _, drafts in self.actions for draft in drafts]


def _numbering(reading: Reading) -> float:
    steps = good = 0
    for _, _, drafts in reading.actions:
        previous: int | None = None
        for draft in drafts:
            if draft.no is None:
                continue
            if previous is not None or draft.no == 1:
                steps += 1
                good += draft.no == (previous or 0) + 1
            previous = draft.no
    return good / steps if steps else 0.0


def _pledge_like(draft: Draft) -> bool:
    text = (draft.norm or "").strip()
    if draft.title and len(draft.title) <= 40:
        return True
    if PLEDGE_START.match(text):
        return True
    return 0 < len(text) <= 400 and has_quantity(text[:400])


def _has_figure(draft: Draft) -> bool:
    return bool(draft.extra_targets or draft.extra_standards) or has_quantity((draft.norm or "")[:400])


def score(reading: Reading, body_chars: int, announced: set[int]) -> float:
    drafts = reading.drafts
    n = len(drafts)
    held = sum(len(d.norm or "") + len(d.title or "") + sum(len(b.norm) for b in d.body) for d in drafts)
    sample = drafts[:200]  # the share of pledges is the same on a sample; a 1,500-item list stays fast
    features = {
        "layout": LAYOUT.get(reading.segmenter, 0.0),
        "count": 2.0 if n in announced else 0.0,
        "numbering": 2 * _numbering(reading),
        "pledges": sum(_pledge_like(d) for d in sample) / len(sample) if sample else 0.0,
        "figures": sum(_has_figure(d) for d in sample) / len(sample) if sample else 0.0,
        "coverage": min(1.0, held / body_chars) if body_chars else 0.0,
        "size": -1.0 if n < 2 or held / max(n, 1) > 600 else 0.0,
    }
    reading.features = features
    reading.score = round(sum(features.values()), 3)
    return reading.score


def _head(draft: Draft) -> str:
    return "".join(re.findall(r"[\u3400-\u9fff]", draft.title or draft.norm or "")[:4])


def _full(draft: Draft) -> str:
    return f"{draft.title or ''}{draft.norm or ''}"


def same_items(a: Reading, b: Reading) -> bool:
    """Two readings that find the same items (a table by its columns and by its cells) are one reading."""
    left, right = a.drafts, b.drafts
    if len(left) != len(right):
        return False
    for x, y in zip(left, right, strict=True):
        if x.no is not None and y.no is not None and x.no != y.no:
            return False
        if _head(x) not in _full(y) and _head(y) not in _full(x):
            return False
    return True


def choose(readings: list[Reading], body_chars: int, announced: set[int]) -> tuple[Reading, Reading | None]:
    """The best reading and the best one that finds other items (None when no segmenter disagrees)."""
    for reading in readings:
        score(reading, body_chars, announced)
    ranked = sorted(readings, key=lambda r: r.score, reverse=True)
    best = ranked[0]
    return best, next((r for r in ranked[1:] if not same_items(best, r)), None)


def confidence(best: Reading, runner_up: Reading | None) -> float:
    """0.5 when two readings tie, towards 1 as the best pulls ahead (a margin of 2 points gives ~0.88)."""
    if runner_up is None:
        return 1.0
    margin = max(0.0, best.score - runner_up.score)
    return round(1 - 0.5 * 0.35**margin, 3)
