"""Segmenters over marked lines and plain paragraphs; each proposes one reading of the list.

* :func:`numbered_lines` - the marker style whose numbers run on longest holds the items; a higher style
  (一、 over 1.), a heading with a declared count, or a short 交通出行方面 line makes the groups; unnumbered
  paragraphs are an item's body, or the single item of a group holding one line.
* :func:`unnumbered_paragraphs` - one pledge per paragraph (a news story's opening and closing left out),
  or one paragraph split on ；.

Segmenters mark ``Line.role`` on the copy of the lines they are given.
"""

from __future__ import annotations

import itertools
import re

from minsheng.documents.blocks import TERMINAL
from minsheng.documents.lines import (
    CN,
    INTRO_END,
    LABEL_LINE,
    PLEDGE_START,
    SECTION_HEADING,
    Draft,
    Line,
    heading_like,
    is_framing_tail,
    marker_number,
    style_runs,
    title_like,
)
from minsheng.documents.quantities import has_quantity


def _next_role(lines: list[Line], i: int) -> str | None:
    """The role of the next line that is an item or a group, skipping nothing else."""
    return lines[i + 1].role if i + 1 < len(lines) else None


def _keep_one_run(lines: list[Line]) -> None:
    """Numbering that restarts with no heading between starts another list (notes under a table, a table
    of hotlines): keep the longest run of items and demote the others."""
    runs: list[list[Line]] = [[]]
    prev: Line | None = None
    heading_since = False
    for line in lines:
        if line.role == "item":
            # a list starting again at 1; a repeated or skipped number is a typo within the list
            restart = prev is not None and line.num == 1
            if restart and not heading_since:
                runs.append([])
            runs[-1].append(line)
            prev, heading_since = line, False
        elif (
            line.role == "group"
            or (line.style is not None and heading_like(line.norm[line.rest_at :]))
            or SECTION_HEADING.match(line.norm)
        ):
            heading_since = True
    if len(runs) > 1:
        keep = max(runs, key=len)
        for run in runs:
            if run is not keep:
                for line in run:
                    line.role = ""


# narrower than lines.announced_counts (which the scorer uses): only a count of 实事/民生项目 may end a list
ANNOUNCED_LIST = re.compile(
    rf"(\d{{1,3}}|[{CN}]{{1,3}})\s*(?:件|项|个)[\u4e00-\u9fff“”]{{0,10}}?(?:实事|民生项目|民生工程|惠民工程)"
)


def _keep_announced_count(lines: list[Line]) -> None:
    """办好以下十件实事：(一)…(十), then another numbered section: the list ends with its announced count."""
    items = [ln for ln in lines if ln.role == "item"]
    if not items:
        return
    first = lines.index(items[0])
    announced = None
    for line in lines[max(0, first - 3) : first]:
        for m in ANNOUNCED_LIST.finditer(line.norm):
            announced = marker_number(m.group(1))
    if not announced or len(items) <= announced or items[announced - 1].num != announced:
        return
    if [ln.num for ln in items[:announced]] != list(range(1, announced + 1)):
        return
    for line in items[announced:]:
        line.role = ""


def _join_bare_numbers(lines: list[Line]) -> None:
    """1 组织… and 2组织…: a number run into the text continues a list numbered with a space after it,
    unless the next numbered line repeats its number (1. 建设学校 / 2所小学… / 2. 新建…: a count, not item 2)."""
    numbered = [i for i, line in enumerate(lines) if line.style in ("ar", "bare")]
    following = {a: lines[b].num for a, b in itertools.pairwise(numbered)}
    previous = 0
    for i, line in enumerate(lines):
        if (
            line.style == "bare"
            and (line.num == previous + 1 or line.num == 1)
            and following.get(i) != line.num
        ):
            line.style = "ar"
        if line.style == "ar" and line.num is not None:
            previous = line.num


def numbered_lines(lines: list[Line]) -> list[tuple[Line | None, list[Draft]]]:
    """Lines with a leading marker: the style whose numbers run on longest holds the items."""
    _join_bare_numbers(lines)
    styles = {line.style for line in lines if line.style and line.style != "group"}
    scores = {style: style_runs(lines, style) for style in styles}
    item_style = max(scores, key=lambda s: (scores[s], s != "cn")) if scores else None
    if item_style is not None and scores[item_style] < 2:
        item_style = None
    has_groups = any(line.style == "group" for line in lines)

    if item_style is None and not has_groups:
        return []
    for line in lines:
        if line.style == item_style:
            line.role = "item"
        elif line.style == "group":
            line.role = "group"
    _keep_one_run(lines)
    _keep_announced_count(lines)
    item_at = [i for i, ln in enumerate(lines) if ln.role == "item"]
    if not item_at and not has_groups:
        return []
    first_item = item_at[0] if item_at else 0
    last_item = item_at[-1] if item_at else None
    # other marked lines (一、 (一) over 1.) and short 交通出行方面 lines, up to the last item, are groups
    for i, line in enumerate(lines):
        if line.role or (last_item is not None and i > last_item):
            continue
        marked_heading = (
            line.style is not None
            and line.style != item_style
            and item_style is not None
            and heading_like(line.norm[line.rest_at :])
        )
        if marked_heading and (i > first_item or _next_role(lines, i) == "item"):
            line.role = "group"
            line.group = (line.orig[line.rest_at :].strip(" :："), None)
        elif line.style is None and SECTION_HEADING.match(line.norm) and _next_role(lines, i) == "item":
            line.role = "group"
            line.group = (line.orig.rstrip(":："), None)
    # a section heading just before the first item starts the list
    first = next(i for i, ln in enumerate(lines) if ln.role in ("item", "group"))
    groups: list[tuple[Line | None, list[Draft]]] = []
    current: list[Draft] = []
    current_group: Line | None = None
    title_body = None  # do items carry a body in the following paragraphs?
    unnumbered_under_groups = item_style is None
    for i in range(first, len(lines)):
        line = lines[i]
        if line.role == "group":
            if current or current_group is not None:
                groups.append((current_group, current))
            current_group, current = line, []
            continue
        if line.role == "item":
            rest_orig = line.orig[line.rest_at :].strip()
            rest_norm = line.norm[line.rest_at :].strip()
            draft = Draft(line.num, None, rest_orig, rest_norm)
            if title_body is None:
                title_body = title_like(line) and i + 1 < len(lines) and lines[i + 1].role == ""
            if title_body and title_like(line):
                draft.title = re.sub(r"^(?:项目名称|名称|项目)\s*[:：]\s*", "", rest_orig.rstrip("。."))
                draft.orig, draft.norm = "", ""
            else:
                m = re.match(r"^(?P<t>[^,;。:!?]{2,16})[。.](?=\S)", rest_norm)
                if m and len(rest_norm) > m.end() + 4:
                    draft.title = rest_orig[: m.end("t")]
            current.append(draft)
            continue
        # an unnumbered paragraph: an item's body, an item of its own under a group, or framing
        if unnumbered_under_groups and current_group is not None:
            if is_framing_tail(line) or INTRO_END.search(line.norm):
                continue
            current.append(Draft(None, None, line.orig, line.norm))
            continue
        if current_group is not None and not current and last_item is not None and i < last_item:
            # an action holding one unnumbered line between numbered ones: that line is its item
            if not (is_framing_tail(line) or INTRO_END.search(line.norm)):
                current.append(Draft(None, None, line.orig, line.norm))
            continue
        if current:
            draft = current[-1]
            waiting = bool(draft.title and not draft.orig)  # a title line waiting for its text
            after_list = last_item is None or i > last_item
            more_body = title_body and has_quantity(line.norm) and len(draft.body) < 6
            last_text = (draft.body[-1].norm if draft.body else draft.norm).rstrip()
            unfinished = bool(last_text) and not last_text.endswith(
                TERMINAL
            )  # a sentence cut by a page break
            if unfinished and not is_framing_tail(line):
                draft.body.append(line)
                continue
            if (
                after_list
                and not LABEL_LINE.match(line.norm)
                and (not (waiting or more_body) or is_framing_tail(line))
            ):
                break  # after the last item: framing (a closing remark, a signature, a footer)
            if waiting:
                draft.orig, draft.norm = line.orig, line.norm
            else:
                draft.body.append(line)
    if current or current_group is not None:
        groups.append((current_group, current))
    return groups


_PLEDGE_VERB = re.compile(
    r"^(?:新建|建设|实施|开展|提供|为|完成|推进|改造|新增|建成|免费|发放|提高|扩大|支持|落实|继续|加快|持续|推动|组织|开通|"
    r"打造|新改|减免|对)"
)
_QUANTITY_FIRST = re.compile(
    r"^(?:\d[\d.,]*\s*(?:万|亿)?\s*(?![年月日号时点岁])[\u4e00-\u9fff]|[两三四五六七八九十百千万]+[个所座条家户套项名人])"
)


def _starts_like_a_pledge(line: Line) -> bool:
    return bool(_QUANTITY_FIRST.match(line.norm) or PLEDGE_START.match(line.norm))


_LEAD_IN = re.compile(r"^[^:;。]{2,30}?(?:分别是|分别为|包括|如下|具体是|主要有|是)\s*:\s*")


def _without_lead_in(line: Line) -> Line:
    """这十件实事分别是:完成…: the pledge without the sentence that announces the list."""
    m = _LEAD_IN.match(line.norm)
    if m is None or not _starts_like_a_pledge(Line(line.orig[m.end() :], line.norm[m.end() :])):
        return line
    return Line(line.orig[m.end() :], line.norm[m.end() :])


def _trim_to_pledges(candidates: list[Line]) -> list[Line]:
    """Where the paragraphs between the first and the last that open like a pledge (20万学生…, 新建…) mostly
    do, the news story's opening and closing paragraphs around them are not pledges, even with a figure."""
    opens = [_starts_like_a_pledge(line) for line in candidates]
    if sum(opens) < 3:
        return candidates
    first = opens.index(True)
    last = len(opens) - 1 - opens[::-1].index(True)
    core = opens[first : last + 1]
    if sum(core) < 0.75 * len(core):
        return candidates
    return candidates[first : last + 1]


def unnumbered_paragraphs(lines: list[Line]) -> list[Draft]:
    """No numbered list: one pledge per paragraph, or one paragraph split on ；."""
    candidates = []
    for line in lines:
        if line.role or INTRO_END.search(line.norm):
            continue
        # a short line is a pledge only when it opens like one (建设停车场); otherwise framing
        short_pledge = 4 <= len(line.norm) < 8 and bool(_PLEDGE_VERB.match(line.norm))
        if not short_pledge and (is_framing_tail(line) or len(line.norm) < 8):
            continue
        if not has_quantity(line.norm) and not _PLEDGE_VERB.match(line.norm):
            continue
        candidates.append(_without_lead_in(line))
    candidates = _trim_to_pledges(candidates)
    # a whole list in one paragraph separated by ；: the paragraph with far more clauses than any other
    by_clauses = sorted(candidates, key=lambda ln: ln.norm.count(";"), reverse=True)
    if by_clauses:
        most = by_clauses[0].norm.count(";")
        runner_up = by_clauses[1].norm.count(";") if len(by_clauses) > 1 else 0
        if (len(candidates) == 1 and most >= 2) or (most >= 4 and runner_up * 2 < most):
            candidates = [by_clauses[0]]
    if len(candidates) == 1:
        line = candidates[0]
        parts = list(re.finditer(r"[^;]+", line.norm))
        if len(parts) >= 3:
            head = re.match(r"^[^:]*:", line.norm)
            drafts = []
            for part in parts:
                start, end = part.start(), part.end()
                if head and start < head.end():
                    start = head.end()
                seg_orig = line.orig[start:end].strip().rstrip("。.")
                seg_norm = line.norm[start:end].strip().rstrip("。.")
                if seg_norm:
                    drafts.append(Draft(None, None, seg_orig, seg_norm))
            return drafts
    return [Draft(None, None, line.orig, line.norm) for line in candidates]
