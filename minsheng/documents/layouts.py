"""Segmenters for lists that carry no marker on the item's own line.

Each function takes the body lines and proposes item drafts, or None where its layout is not there:

* :func:`row_lines` - a table extracted one cell per line (序号 / 民生实事 / 责任单位 … each on its own line),
  or a list whose numbers stand alone on their line with the text on the next (1 / 新增…): a row starts at a
  bare number of the chain 1, 2, 3 … followed by text; a heading cell just before a row number (就业促进工程)
  starts a group. In a progress table (进度 / 已完成 / 占比 columns) the first figure of a row or sub-row is
  its target, the figures after it (achieved, ratio) and the remark cells are not targets; a figure with
  no unit of its own takes the money column's (投资(万元)).
* :func:`bullet_titles` - bare title lines, each followed by ● bullet lines holding its targets;
  :func:`titled_paragraphs` - the same without bullets: short title lines, each followed by its paragraphs.
* :func:`quoted_titles` - pledges named by a quoted or 《》 title at the start of a sentence inside running
  prose (“城市道路照明建设工程”完成施工图设计…): an item runs to the next such title or the paragraph's end.
"""

from __future__ import annotations

import itertools
import re

from minsheng.documents.lines import ORG_CELL, SECTION_HEADING, Draft, Line
from minsheng.documents.model import Standard, Target
from minsheng.documents.normalize import analysis_copy
from minsheng.documents.numbers import clean_number
from minsheng.documents.quantities import UNITS, has_quantity, split_departments

Groups = list[tuple[str | None, list[Draft]]]

_ROW_NO = re.compile(r"^(\d{1,5})\s*\*?\s*[.、]?\s*$")
_PROGRESS_HEAD = re.compile(r"进度|进展|已完成|完成情况|完成数|占比|完成目标|完成率")
_UNIT_WORDS = "|".join(sorted([*UNITS, "元", "万元", "亿元", "%"], key=len, reverse=True))
_UNIT_CELL = re.compile(rf"^(?:{_UNIT_WORDS})(?:/(?:人|户|月|年|次|名))*$")
_NUMBER_CELL = re.compile(r"^(?P<v>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<pct>%)?$")
# a money column (投资(万元)) gives its unit to a figure with none of its own
_MONEY_HEAD = re.compile(r"(?:投资|资金|金额|预算)[^()]{0,6}\((?P<u>万元|亿元|元)\)")
_LABEL_UNIT = re.compile(rf"\((?P<u>{_UNIT_WORDS})\)$")


def _cell(line: Line) -> tuple[str, str]:
    """A cell's printed and analysis text, without the | a table-to-text copy leaves after it."""
    orig = line.orig.strip().rstrip("|").strip()
    norm = line.norm.strip().rstrip("|").strip()
    return orig, norm


def row_lines(lines: list[Line]) -> Groups | None:
    """Rows whose cells stand one per line: a row starts at the next number of the chain 1, 2, 3 …"""
    starts: list[int] = []
    expected = 1
    for i, line in enumerate(lines):
        m = _ROW_NO.match(_cell(line)[1])
        if not m or int(m.group(1)) != expected or i + 1 >= len(lines):
            continue
        following = _cell(lines[i + 1])[1].replace(" ", "")
        if not following or any(p.match(following) for p in (_NUMBER_CELL, _ROW_NO, _UNIT_CELL, ORG_CELL)):
            continue  # a figure in a cell (2, 26000) is followed by its unit, another figure or a department
        starts.append(i)
        expected += 1
    if len(starts) < 3:
        return None
    header = lines[max(0, starts[0] - 16) : starts[0]]  # the header cells, and what stands above them
    head = " ".join(line.norm for line in header)
    progress = bool(_PROGRESS_HEAD.search(head))
    money = _MONEY_HEAD.search(head)
    category_first = _category_before_number(header)
    labels = {
        i - 1
        for i in starts
        if i > 0
        and (SECTION_HEADING.match(_cell(lines[i - 1])[1]) or (category_first and _label(lines[i - 1])))
    }
    sizes = sorted(b - a for a, b in itertools.pairwise(starts))
    last_size = (sizes[len(sizes) // 2] if sizes else 8) + 2
    groups: Groups = [(None, [])]
    bounds = [*starts[1:], min(len(lines), starts[-1] + last_size)]
    for number, (start, end) in enumerate(zip(starts, bounds, strict=True), start=1):
        if start - 1 in labels:
            title = _cell(lines[start - 1])[0]
            if groups[-1][1] or groups[-1][0] is not None:
                groups.append((title, []))
            else:
                groups[-1] = (title, [])
        cells = [
            _cell(line) for i, line in enumerate(lines[start + 1 : end], start=start + 1) if i not in labels
        ]
        groups[-1][1].append(
            _read_row(number, [c for c in cells if c[1]], progress, money.group("u") if money else None)
        )
    return groups


_CATEGORY_HEAD = re.compile(r"^(?:类别|类型|领域|方面|板块|分类|项目类别|工程名称|名称|工程|行动)$")
_NOT_A_LABEL = re.compile(r"[\d。,;:%]|完成|进度|推进|达到|开工|启动|时间|前$|中$|已|未|正在")


def _category_before_number(head: list[Line]) -> bool:
    """A header whose category column (类别, 工程名称…) comes before 序号: the label opens each group's first row."""
    cells = [_cell(line)[1].replace(" ", "") for line in head]
    at = next((i for i, c in enumerate(cells) if c in ("序号", "编号")), None)
    return at is not None and any(_CATEGORY_HEAD.match(c) for c in cells[:at])


def _label(line: Line) -> bool:
    text = _cell(line)[1].replace(" ", "")
    return 2 <= len(text) <= 12 and not _NOT_A_LABEL.search(text) and not ORG_CELL.match(text)


def _read_row(number: int, cells: list[tuple[str, str]], progress: bool, money_unit: str | None) -> Draft:
    """One row's cells: text, departments, and figures with the unit of their unit cell, label or header."""
    texts: list[str] = []
    departments: list[str] = []
    targets: list[Target] = []
    standards: list[Standard] = []
    unit: str | None = None
    label_unit: str | None = None
    after_target = False
    for index, (orig, norm) in enumerate(cells):
        compact = norm.replace(" ", "")
        if _UNIT_CELL.match(compact):
            unit = orig.replace(" ", "")
            continue
        figure = _NUMBER_CELL.match(compact)
        if figure:
            if after_target or (progress and figure.group("pct")):
                continue  # achieved so far, or the share of the plan (80%): progress, not a target
            value = float(figure.group("v").replace(",", ""))
            printed = "%" if figure.group("pct") else unit or label_unit or money_unit
            if printed is None:
                continue
            _add_figure(value, printed, orig, texts, targets, standards)
            after_target = progress
            continue
        if ORG_CELL.match(compact):
            departments.extend(n for n in split_departments(orig) if n not in departments)
            continue
        if after_target:
            following = cells[index + 1][1].replace(" ", "") if index + 1 < len(cells) else ""
            if not (
                _UNIT_CELL.match(following) or (_LABEL_UNIT.search(compact) and _NUMBER_CELL.match(following))
            ):
                continue  # a remark on the progress
            after_target, unit = False, None  # a sub-row of the same item
        texts.append(orig)
        label = _LABEL_UNIT.search(compact)
        label_unit = label.group("u") if label else None
    text = "；".join(texts)
    title = texts[0] if len(texts) > 1 and len(texts[0]) <= 30 else None
    draft = Draft(number, title, text, analysis_copy(text), departments=departments, progress=progress)
    draft.extra_targets, draft.extra_standards = targets, standards
    return draft


def _add_figure(
    value: float,
    printed: str,
    source: str,
    texts: list[str],
    targets: list[Target],
    standards: list[Standard],
) -> None:
    unit = analysis_copy(printed)
    subject = re.sub(r"\([^()]*\)$", "", texts[-1]) if texts else ""
    if unit.startswith(("元", "万元", "亿元")):
        scale = 1e4 if unit.startswith("万") else 1e8 if unit.startswith("亿") else 1
        rate = unit.split("/")[1:]
        if rate:
            per = next((p for p in rate if p in ("人", "户", "名", "次")), None)
            period = next((p for p in rate if p in ("月", "年")), None)
            standards.append(Standard(subject, "=", clean_number(value * scale), per, source, period=period))
            return
        printed, value = "元", value * scale
    targets.append(Target("quantity", subject, "=", clean_number(value), printed, source))


_BULLET = re.compile(r"^[●■◆•▪◇○□►▶▸★☆※]\s*")


def bullet_titles(lines: list[Line]) -> Groups | None:
    drafts: list[Draft] = []
    for i, line in enumerate(lines):
        if _BULLET.match(line.norm) or i + 1 >= len(lines) or not _BULLET.match(lines[i + 1].norm):
            continue
        if len(line.norm) > 40 or line.norm.endswith(("。", ";")):
            continue
        body = []
        for following in lines[i + 1 :]:
            if not _BULLET.match(following.norm):
                break
            body.append(_BULLET.sub("", following.orig))
        text = "\n".join(body)
        drafts.append(Draft(None, line.orig.strip().rstrip(":："), text, analysis_copy(text)))
    return [(None, drafts)] if len(drafts) >= 2 else None


_TITLE_LINE = re.compile(r"^[^。;,:!?]{4,30}$")


def titled_paragraphs(lines: list[Line]) -> Groups | None:
    """Short title lines (no figure, no full stop), each followed by the paragraphs that state its targets."""
    drafts: list[Draft] = []
    for line in lines:
        if _title_line(line):
            drafts.append(Draft(None, line.orig.strip().rstrip(":："), "", ""))
        elif drafts:
            body = _BULLET.sub("", line.orig).strip()
            text = f"{drafts[-1].orig}\n{body}" if drafts[-1].orig else body
            drafts[-1].orig, drafts[-1].norm = text, analysis_copy(text)
    if len(drafts) < 2 or any(not d.orig for d in drafts):
        return None  # two title lines in a row: short pledges one per line, not titles
    titles = sum(len(d.title or "") for d in drafts)
    bodies = sum(len(d.norm) for d in drafts)
    return [(None, drafts)] if bodies >= 2.5 * titles else None  # a title names what its paragraphs state


def _title_line(line: Line) -> bool:
    text = line.norm.strip().rstrip(":")
    return bool(_TITLE_LINE.match(text)) and not has_quantity(text) and not _BULLET.match(text)


_QUOTED_START = re.compile(
    r"(?:^|(?<=[。;!?]))\s*(?:“(?P<t>[^“”]{2,40}(?:“[^”]*”[^“”]*)?)”|《(?P<b>[^《》]{2,40})》)"
)


def quoted_titles(lines: list[Line]) -> Groups | None:
    drafts: list[Draft] = []
    for line in lines:
        if "“" not in line.norm and "《" not in line.norm:
            continue
        hits = list(_QUOTED_START.finditer(line.norm))
        for hit, after in zip(hits, [*hits[1:], None], strict=False):
            end = after.start() if after else len(line.norm)
            orig, norm = line.orig[hit.start() : end].strip(), line.norm[hit.start() : end].strip()
            name = "t" if hit.group("t") is not None else "b"
            title = line.orig[hit.start(name) : hit.end(name)]
            drafts.append(Draft(None, title, orig, norm))
    return [(None, drafts)] if len(drafts) >= 3 else None
