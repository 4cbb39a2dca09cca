"""The item reader: a segmented item's text becomes an :class:`Item` with its targets and standards.

:func:`build_item` joins the draft's body, reads its quantities (``quantities.extract``), adds the figures a
table gave in their own cells, leaves out what a progress report achieved, and gives an item without a
quantity one milestone. :func:`check_subtotals` adds a notice where the parts after 其中 miss every total.
"""

from __future__ import annotations

import re

from minsheng.documents.blocks import TERMINAL
from minsheng.documents.lines import LABEL_LINE, Draft
from minsheng.documents.model import Item, Target
from minsheng.documents.normalize import analysis_copy
from minsheng.documents.notices import Notice
from minsheng.documents.numbers import clean_number
from minsheng.documents.quantities import extract, find_quantities, milestone


def build_item(draft: Draft, no: int) -> Item:
    text = draft.orig.strip()
    norm = draft.norm.strip() if draft.norm else analysis_copy(text)
    if draft.body:
        for line in draft.body:
            # a sentence cut by a page or line break continues without a break
            cut = text and not analysis_copy(text[-1:]).endswith(TERMINAL) and not LABEL_LINE.match(line.norm)
            joiner = "" if cut else "\n"
            text = f"{text}{joiner}{line.orig}" if text else line.orig
        text = text.strip()
        norm = analysis_copy(text)
    if not text and draft.title:
        text = draft.title
        norm = analysis_copy(text)
    targets, standards, locations, departments = extract(text, norm)
    targets = _distinct(targets, draft)
    if (opening := _opening_count(text, norm, targets)) is not None:
        targets.insert(0, opening)
    targets.extend(draft.extra_targets)
    standards.extend(draft.extra_standards)
    for name in draft.departments:
        if name not in departments:
            departments.append(name)
    if not any(t.kind == "quantity" for t in targets):
        targets.insert(0, milestone(text, draft.title))
    return Item(
        no=no,
        title=draft.title,
        text=text,
        targets=targets,
        standards=standards,
        locations=locations,
        departments=departments,
    )


_ACHIEVED = re.compile(r"已|实际完成")
# an item that opens with a count in 万 and no measure word: 52.29万 符合条件的居民…
_OPENING_COUNT = re.compile(r"^\s*(?P<v>\d+(?:\.\d+)?)\s*(?P<m>万|亿)\s*(?=[\u4e00-\u9fff])")


def _opening_count(text: str, norm: str, targets: list[Target]) -> Target | None:
    m = _OPENING_COUNT.match(norm)
    if m is None or any(text.find(t.source) == m.start("v") for t in targets if t.source):
        return None
    value = float(m.group("v")) * (10_000 if m.group("m") == "万" else 100_000_000)
    subject = re.split(r"[,;。]", text[m.end() :], maxsplit=1)[0][:30]
    return Target("quantity", subject, "=", clean_number(value), None, text[m.start("v") : m.end("m")])


def _distinct(found: list[Target], draft: Draft) -> list[Target]:
    """Targets read from the text, less the ones that only restate another figure.

    A figure the table states in its own cell is that cell's; nothing is a target of 0. In a progress
    report a figure printed twice (7.4万口 in the pledge, again in the progress sentence) is one target,
    and the figures of a sentence after 已完成 / 实际完成 … are achieved, not planned."""
    if not (draft.progress or draft.extra_targets or draft.extra_standards):
        return [target for target in found if target.value != 0]
    cell_values = {t.value for t in draft.extra_targets} | {s.amount for s in draft.extra_standards}
    kept: list[Target] = []
    seen: set[tuple[float | None, str | None]] = set()
    for target in found:
        key = (target.value, target.unit)
        if target.value == 0 or target.value in cell_values:
            continue
        if draft.progress and (key in seen or _achieved(draft.norm, target.source)):
            continue
        seen.add(key)
        kept.append(target)
    return kept


def _achieved(norm: str, source: str) -> bool:
    at = norm.find(analysis_copy(source))
    if at < 0:
        return False
    sentence_start = max(norm.rfind(mark, 0, at) for mark in "。;") + 1
    return bool(_ACHIEVED.search(norm, sentence_start, at))


def check_subtotals(item: Item, notices: list[Notice]) -> None:
    if "其中" not in item.text:
        return
    norm = analysis_copy(item.text)
    for sentence in re.finditer(r"[^。;]+", norm):
        s = sentence.group(0)
        at = s.find("其中")
        if at < 0:
            continue
        found = find_quantities(s)
        before = [f for f in found if f.start < at]
        after = [f for f in found if f.start >= at and f.op == "="]
        if len(after) < 2:
            continue
        unit = after[0].unit
        parts = [f.value for f in after if f.unit == unit]
        if len(parts) < 2:
            continue
        candidates = [f.value for f in before if f.unit == unit]
        if not candidates:
            continue
        total = sum(parts)
        if not any(abs(total - c) <= max(1e-6, abs(c) * 1e-9) for c in candidates):
            stated = f"{clean_number(candidates[-1])}{unit}"
            notices.append(
                Notice(
                    "subtotal", {"item": item.no, "total": f"{clean_number(total)}{unit}", "stated": stated}
                )
            )
