"""From blocks of text to a :class:`PlanDocument`: find the list, its groups and items, then read each item.

How the list is found (see docs/documents.md):

* every paragraph is classified by its leading marker (一、 / 1. 1、 01 / (1) （1） / ① / 一是) and, where a
  paragraph runs several markers together (一是…二是…, (1)…(2)…, ①…②…), it is split;
* the item style is the marker style that forms the longest runs of consecutive numbers; a higher style
  (一、 over 1.; headings with a declared count (4项) / 共N项; short 交通出行方面 lines) makes the groups;
* before the first group or item is framing (title, status, the notice's header); after the last item,
  lines that look like a page footer or signature are framing too;
* a document with no numbered list falls back to one pledge per paragraph, or to a single paragraph
  split on ；, and a table with 序号 / 项目名称 / 建设内容 / 牵头单位 … columns is read row by row.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from minsheng.documents.blocks import TERMINAL as _TERMINAL
from minsheng.documents.blocks import Block, Table
from minsheng.documents.errors import DocumentError
from minsheng.documents.model import Action, Item, PlanDocument, Target
from minsheng.documents.normalize import analysis_copy
from minsheng.documents.numbers import clean_number, to_number
from minsheng.documents.quantities import UNITS, extract, find_quantities, milestone, split_departments
from minsheng.documents.readers import MAX_BYTES, read_blocks

_CN = "一二三四五六七八九十"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

GROUP_DECL = re.compile(
    rf"^(?:(?P<num>[{_CN}]+|\d{{1,2}})\s*[、.]\s*|\(\s*(?P<pnum>[{_CN}]+)\s*\)\s*)?(?P<title>.{{2,40}}?)\s*"
    rf"(?:\(\s*(?:共\s*)?(?P<cnt>\d+|[{_CN}]+)\s*(?:项|件|个)?\s*\)|[,:]?\s*共\s*(?P<cnt2>\d+|[{_CN}]+)\s*(?:项|件|个))\s*$"
)
CN_DUN = re.compile(rf"^(?P<num>[{_CN}百]+)\s*[、.]\s*(?P<rest>.*)$")
ARABIC = re.compile(r"^(?P<num>\d{1,3})(?:\s*[.、。:)]\s*|\s+)(?P<rest>(?!\d)(?![年月日号%]).*)$")
PAREN = re.compile(rf"^\(\s*(?P<num>\d{{1,3}}|[{_CN}]+)\s*\)\s*(?P<rest>.*)$")
CIRCLED = re.compile(rf"^(?P<num>[{_CIRCLED}])\s*(?P<rest>.*)$")
SHI = re.compile(rf"^(?P<num>[{_CN}]+)是\s*[,:]?\s*(?P<rest>.*)$")
DI = re.compile(rf"^第(?P<num>[{_CN}百]+|\d{{1,3}})(?:项|件|条|个)\s*[,:、.]?\s*(?P<rest>.*)$")
_LINE_STYLES = (
    ("paren", PAREN),
    ("circled", CIRCLED),
    ("di", DI),
    ("shi", SHI),
    ("cn", CN_DUN),
    ("ar", ARABIC),
)
_INLINE = {
    "shi": re.compile(rf"(?:(?<=^)|(?<=[。;,:!?\s]))(?P<num>[{_CN}]+)是"),
    "paren": re.compile(r"\(\s*(?P<num>\d{1,3})\s*\)"),
    "circled": re.compile(rf"(?P<num>[{_CIRCLED}])"),
}
SECTION_HEADING = re.compile(r"^[\u4e00-\u9fff“”、]{2,14}(?:方面|领域|类|行动|工程|板块|篇)[:]?$")
STATUS_LINE = re.compile(r"^[(\[]?\s*(征求意见稿|送审稿|讨论稿|草案|征求意见稿\s*\)|试行)\s*[)\]]?$")
FRAMING_TAIL = re.compile(
    r"^(?:\(?来源|责任编辑|编辑|审核|校对|终审|附件|索引号|发布|打印|关闭|分享|扫一扫|【|\(完\)|（完）|"
    r"\([\u4e00-\u9fff]{2,4}\)$|版权|主办|承办|网站|联系|电话|地址|备案|以上|上述|特此|各地|各部门|"
    r"\d{4}年\d{1,2}月\d{1,2}日$|[\u4e00-\u9fff]{2,20}(?:人民政府|办公室|委员会|领导小组|政府办)$)"
)
INTRO_END = re.compile(r"[:]\s*$")
_TITLE_WORDS = re.compile(r"民生|实事|为民|惠民|项目|事项|清单|行动|工程|计划|方案|通知")
_YEAR = re.compile(r"(20\d{2}|二[〇零]二[〇零一二三四五六七八九])\s*年")


@dataclass(slots=True)
class Line:
    orig: str
    norm: str
    style: str | None = None
    num: int | None = None
    rest_at: int = 0  # where the text after the marker starts
    group: tuple[str, int | None] | None = None  # (title, declared count) for a group heading
    role: str = ""  # "item", "group", "body", "framing"


@dataclass(slots=True)
class _Draft:
    no: int | None
    title: str | None
    orig: str
    norm: str
    body: list[Line] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    extra_targets: list[Target] = field(default_factory=list)


def _marker_number(text: str) -> int | None:
    if text in _CIRCLED:
        return _CIRCLED.index(text) + 1
    value = to_number(text)
    if value is None or not float(value).is_integer() or value < 0:
        return None
    return int(value)


def _classify(line: Line) -> None:
    norm = line.norm
    decl = GROUP_DECL.match(norm)
    if decl and (decl.group("num") is None or not decl.group("num").isdigit() or len(norm) < 30):
        count_text = decl.group("cnt") or decl.group("cnt2")
        title = line.orig[decl.start("title") : decl.end("title")].strip(" ,:，：")
        marker = decl.group("num") or decl.group("pnum")
        if not re.search(r"\d", title) or marker:
            line.group = (title, _marker_number(count_text) if count_text else None)
            line.style = "group"
            line.num = _marker_number(marker) if marker else None
            return
    for style, pattern in _LINE_STYLES:
        m = pattern.match(norm)
        if m:
            num = _marker_number(m.group("num"))
            if num is None or num == 0:
                continue
            line.style, line.num, line.rest_at = style, num, m.start("rest")
            return


def _split_inline(line: Line) -> list[Line]:
    """一是…二是…, (1)…(2)…, ①…②… run together in one paragraph become one line each."""
    best: list[tuple[int, int]] = []
    for style, pattern in _INLINE.items():
        hits = [(m.start(), _marker_number(m.group("num")) or 0) for m in pattern.finditer(line.norm)]
        chain: list[tuple[int, int]] = []
        expected = 1
        for pos, num in hits:
            if num == expected:
                chain.append((pos, num))
                expected += 1
        if len(chain) >= 2 and len(chain) > len(best):
            best = chain
            best_style = style
    if not best:
        return [line]
    out: list[Line] = []
    if best[0][0] > 0:
        out.append(Line(line.orig[: best[0][0]].strip(), line.norm[: best[0][0]].strip()))
    bounds = [pos for pos, _ in best] + [len(line.norm)]
    for (pos, _num), end in zip(best, bounds[1:], strict=False):
        piece = Line(line.orig[pos:end].strip(), line.norm[pos:end].strip())
        _classify(piece)
        if piece.style != best_style:  # keep the marker we split on
            pattern = _LINE_STYLES[[s for s, _ in _LINE_STYLES].index(best_style)][1]
            m = pattern.match(piece.norm)
            if m:
                piece.style, piece.num, piece.rest_at = (
                    best_style,
                    _marker_number(m.group("num")),
                    m.start("rest"),
                )
        out.append(piece)
    return out


def _runs(lines: list[Line], style: str) -> int:
    """How many lines of a style sit in runs of consecutive numbers (restarts at 1 allowed)."""
    total = 0
    run = 0
    prev = None
    for line in lines:
        if line.style != style:
            continue
        if prev is not None and line.num == prev + 1:
            run += 1
        else:
            if run >= 2:
                total += run
            run = 1
        prev = line.num
    if run >= 2:
        total += run
    return total


def _title_like(line: Line) -> bool:
    text = line.norm[line.rest_at :]
    return 0 < len(text) <= 24 and not re.search(r"[。;,]$", text) and not find_quantities(text)


LABEL_LINE = re.compile(
    r"^(?:项目名称|建设内容|建设规模|主要内容|实施内容|目标任务|计划投资|总投资|投资|资金来源|责任单位|牵头单位|"
    r"配合单位|实施单位|实施地点|建设地点|完成时限|完成时间|受益群众|惠及)\s*[:]"
)


def _is_framing_tail(line: Line) -> bool:
    if LABEL_LINE.match(line.norm):
        return False
    return bool(FRAMING_TAIL.match(line.norm)) or len(line.norm) < 6


def _header(lines: list[Line]) -> tuple[str, str | None, int | None, str | None, int]:
    """Title, region, year, status, and how many leading lines are the document head."""
    title = ""
    status = None
    used = 0
    for index, line in enumerate(lines[:4]):
        if STATUS_LINE.match(line.norm):
            status = (
                "draft" if "征求意见" in line.norm or "草案" in line.norm or "讨论" in line.norm else None
            )
            used = index + 1
            continue
        if not title and line.style is None and len(line.norm) <= 80 and not line.norm.endswith("。"):
            title = line.orig
            used = index + 1
            if "征求意见稿" in line.norm:
                status = "draft"
            continue
        break
    head_text = analysis_copy(title)
    year_match = _YEAR.search(head_text)
    year = _year_number(year_match.group(1)) if year_match else None
    first_marked = next((i for i, ln in enumerate(lines) if ln.style), min(len(lines), 12))
    head_lines = lines[: max(first_marked, used)]
    if year is None:
        for line in head_lines:
            m = _YEAR.search(line.norm)
            if m:
                year = _year_number(m.group(1))
                break
    region = _region(title, head_text)
    if region is None:
        for line in head_lines:
            m = _REGION_IN_TEXT.search(line.norm)
            if m:
                region = line.orig[m.start(1) : m.end(1)]
                break
    if region is None:
        for line in head_lines:
            for m in re.finditer(r"《([^》]+)》", line.norm):
                region = region or _region(line.orig[m.start(1) : m.end(1)], m.group(1))
            region = region or _region(line.orig, line.norm)
            if region:
                break
    framing = " ".join(line.norm for line in lines[: max(len(head_lines), used) + 6])
    if status is None:
        if _DRAFT_WORDS.search(framing):
            status = "draft"
        elif _FINAL_WORDS.search(framing):
            status = "final"
    return title, region, year, status, used


_REGION_SUFFIX = "省市州盟县旗区师"
_REGION_IN_TEXT = re.compile(
    r"((?:(?![在于日的和与及向对为是由经据从])[\u4e00-\u9fff]){2,6}?(?:省|市|州|县|区|旗))(?:人民政府|政府|人大|第[一二三四五六七八九十\d]+届)"
)
_REGION_STOP = re.compile(
    r"政府|办公|关于|印发|人民|委员|领导|小组|网站|发布|今年|明年|民生|实事|我|将|的|在"
)
_DRAFT_WORDS = re.compile(r"征求意见稿|草案|讨论稿|公开征求意见|征求意见")
_FINAL_WORDS = re.compile(r"票决|表决|审议通过|会议通过|通过了|审定|印发|公布|确定|出炉|发布|实施方案|正式")


def _year_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    return int(
        "".join(str("〇一二三四五六七八九".index(ch)) if ch in "〇一二三四五六七八九" else "0" for ch in text)
    )


def _region(orig: str, norm: str) -> str | None:
    """The issuing government at the head of a line: the longest run of characters ending in 市/县/区…"""
    lead = re.match(r"^(?:[\u4e00-\u9fff]{1,4}[!|]|[\d\s]*(?:[件项个]\s*)?)[!,:.、]?\s*(?:\d{4}\s*年)?", norm)
    start = lead.end() if lead else 0
    run = re.match(r"[\u4e00-\u9fff]+", norm[start:])
    if not run:
        return None
    best = None
    text = run.group(0)
    for end in range(2, min(len(text), 16) + 1):
        candidate = text[:end]
        if candidate[-1] in _REGION_SUFFIX and not _REGION_STOP.search(candidate):
            if text[end : end + 1] in ("长", "委") and end > 2 and text[end - 2] in _REGION_SUFFIX:
                continue  # 清泽市市长: the 市 of 市长
            best = end
    if best is None or best < 2:
        return None
    return orig[start : start + best]


def _heading_like(text: str) -> bool:
    text = text.strip()
    return 0 < len(text) <= 24 and not re.search(r"[。;,]", text) and not find_quantities(text)


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
            or (line.style is not None and _heading_like(line.norm[line.rest_at :]))
            or SECTION_HEADING.match(line.norm)
        ):
            heading_since = True
    if len(runs) > 1:
        keep = max(runs, key=len)
        for run in runs:
            if run is not keep:
                for line in run:
                    line.role = ""


_ANNOUNCED = re.compile(
    rf"(\d{{1,3}}|[{_CN}]{{1,3}})\s*(?:件|项|个)[\u4e00-\u9fff“”]{{0,10}}?(?:实事|民生项目|民生工程|惠民工程)"
)


def _keep_announced_count(lines: list[Line]) -> None:
    """办好以下十件实事：(一)…(十), then another numbered section: the list ends with its announced count."""
    items = [ln for ln in lines if ln.role == "item"]
    if not items:
        return
    first = lines.index(items[0])
    announced = None
    for line in lines[max(0, first - 3) : first]:
        for m in _ANNOUNCED.finditer(line.norm):
            announced = _marker_number(m.group(1))
    if not announced or len(items) <= announced or items[announced - 1].num != announced:
        return
    if [ln.num for ln in items[:announced]] != list(range(1, announced + 1)):
        return
    for line in items[announced:]:
        line.role = ""


def _drafts_from_lines(lines: list[Line], warnings: list[str]) -> list[tuple[Line | None, list[_Draft]]]:
    styles = {line.style for line in lines if line.style and line.style != "group"}
    scores = {style: _runs(lines, style) for style in styles}
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
            and _heading_like(line.norm[line.rest_at :])
        )
        if marked_heading and (i > first_item or _next_role(lines, i) == "item"):
            line.role = "group"
            line.group = (line.orig[line.rest_at :].strip(" :："), None)
        elif line.style is None and SECTION_HEADING.match(line.norm) and _next_role(lines, i) == "item":
            line.role = "group"
            line.group = (line.orig.rstrip(":："), None)
    # a section heading just before the first item starts the list
    first = next(i for i, ln in enumerate(lines) if ln.role in ("item", "group"))
    groups: list[tuple[Line | None, list[_Draft]]] = []
    current: list[_Draft] = []
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
            draft = _Draft(line.num, None, rest_orig, rest_norm)
            if title_body is None:
                title_body = _title_like(line) and i + 1 < len(lines) and lines[i + 1].role == ""
            if title_body and _title_like(line):
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
            if _is_framing_tail(line) or INTRO_END.search(line.norm):
                continue
            current.append(_Draft(None, None, line.orig, line.norm))
            continue
        if current:
            draft = current[-1]
            waiting = bool(draft.title and not draft.orig)  # a title line waiting for its text
            after_list = last_item is None or i > last_item
            more_body = title_body and find_quantities(line.norm) and len(draft.body) < 6
            last_text = (draft.body[-1].norm if draft.body else draft.norm).rstrip()
            unfinished = bool(last_text) and not last_text.endswith(
                _TERMINAL
            )  # a sentence cut by a page break
            if unfinished and not _is_framing_tail(line):
                draft.body.append(line)
                continue
            if (
                after_list
                and not LABEL_LINE.match(line.norm)
                and (not (waiting or more_body) or _is_framing_tail(line))
            ):
                break  # after the last item: framing (a closing remark, a signature, a footer)
            if waiting:
                draft.orig, draft.norm = line.orig, line.norm
            else:
                draft.body.append(line)
    if current or current_group is not None:
        groups.append((current_group, current))
    return groups


def _fallback_paragraphs(lines: list[Line]) -> list[_Draft]:
    """No numbered list: one pledge per paragraph, or one paragraph split on ；."""
    candidates = []
    for line in lines:
        if line.role or INTRO_END.search(line.norm) or _is_framing_tail(line) or len(line.norm) < 8:
            continue
        if not find_quantities(line.norm) and not re.match(
            r"^(?:新建|建设|实施|开展|提供|为|完成|推进|改造|新增|建成|免费|发放|提高|扩大|支持|落实|继续|加快|持续|推动|组织|开通|打造|新改|减免|对)",
            line.norm,
        ):
            continue
        candidates.append(line)
    # a whole list in one paragraph separated by ；: the paragraph with far more clauses than any other
    by_clauses = sorted(candidates, key=lambda ln: ln.norm.count(";"), reverse=True)
    if by_clauses:
        most = by_clauses[0].norm.count(";")
        runner_up = by_clauses[1].norm.count(";") if len(by_clauses) > 1 else 0
        if len(candidates) == 1 and most >= 2 or most >= 4 and runner_up * 2 < most:
            candidates = [by_clauses[0]]
    if len(candidates) == 1:
        line = candidates[0]
        parts = [m for m in re.finditer(r"[^;]+", line.norm)]
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
                    drafts.append(_Draft(None, None, seg_orig, seg_norm))
            return drafts
    return [_Draft(None, None, line.orig, line.norm) for line in candidates]


_COLUMN_ROLES = (
    ("no", re.compile(r"^序号|^编号|^序$")),
    ("category", re.compile(r"^(?:类别|类型|领域|方面|板块|分类|项目类别)$")),
    ("lead", re.compile(r"牵头(?:单位|部门)|主办单位|责任单位|责任部门")),
    ("support", re.compile(r"配合(?:单位|部门)|协办|参与单位|协同")),
    ("invest", re.compile(r"投资|资金|金额|预算")),
    ("content", re.compile(r"建设内容|主要内容|目标任务|内容|任务|目标|规模|实事")),
    ("name", re.compile(r"项目名称|名称|项目|事项")),
)
_ORG = re.compile(r"(?:局|委|办|院|中心|厅|部|会|公司|政府|管委会|所|站|队|社|署|处|街道|镇|乡|园|集团)$")
_MONEY_UNIT = re.compile(r"(亿元|万元|元)")
_CJK_CELL = re.compile(r"[\u4e00-\u9fff]")
_PROGRESS_CELL = re.compile(r"^(?:持续推进中?|已完成|完成|推进中|正在推进|未启动|已启动|—|-)$")


def _table_roles(header: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(header):
        cell_norm = analysis_copy(cell).replace(" ", "")
        for role, pattern in _COLUMN_ROLES:
            if pattern.search(cell_norm):
                if role == "lead" and "lead" in roles and "support" not in roles:
                    roles["support"] = index
                elif role not in roles:
                    roles[role] = index
                break
    return roles


def _read_table(table: Table, actions: list[tuple[str | None, int | None, list[_Draft]]]) -> str | None:
    """Rows of a plan table become items; a merged category row starts an action. Returns a title row."""
    rows = table.rows
    header_at = None
    for index, row in enumerate(rows[:8]):
        roles = _table_roles(row)
        if ("content" in roles or "name" in roles) and len(roles) >= 2:
            header_at = index
            break
    if header_at is None:
        return None
    header = rows[header_at]
    roles = _table_roles(header)
    title = None
    for row in rows[:header_at]:
        values = [c for c in row if c]
        if values and len(set(values)) == 1:
            title = values[0]
    invest_mult = 1.0
    if "invest" in roles:
        unit = _MONEY_UNIT.search(analysis_copy(header[roles["invest"]]))
        invest_mult = {"亿元": 1e8, "万元": 1e4}.get(unit.group(1), 1.0) if unit else 1e4
    if not actions:
        actions.append((None, None, []))
    previous_no = None
    current_category = None
    for row in rows[header_at + 1 :]:
        values = [c for c in row if c]
        if not values:
            continue
        if row == header:
            continue  # a header repeated on every page
        distinct = set(values)
        no_cell = row[roles["no"]] if "no" in roles and roles["no"] < len(row) else ""
        no_value = _marker_number(analysis_copy(no_cell).strip(" .、")) if no_cell else None
        if len(distinct) == 1 and (len(row) > 2 and len(values) > 1 or no_value is None and len(values) == 1):
            heading = values[0]
            heading_norm = analysis_copy(heading)
            if re.match(
                r"^(?:说明|注|备注|附注|附件|数据来源|填报|制表)", heading_norm
            ) or heading_norm.endswith("。"):
                continue
            if len(heading_norm) <= 40 and not find_quantities(heading_norm):
                m = GROUP_DECL.match(heading_norm)
                count = None
                name = re.sub(rf"^[{_CN}]+\s*[、.]\s*", "", heading).strip()
                if m:
                    count_text = m.group("cnt") or m.group("cnt2")
                    count = _marker_number(count_text) if count_text else None
                    name = heading[m.start("title") : m.end("title")]
                if actions and not actions[-1][2] and actions[-1][0] is None:
                    actions[-1] = (name, count, [])
                else:
                    actions.append((name, count, []))
                continue

        def cell(role: str, row: list[str] = row) -> str:
            index = roles.get(role)
            return row[index] if index is not None and index < len(row) else ""

        category = cell("category")
        if category and category != current_category and no_value is not None:
            current_category = category
            if actions and not actions[-1][2] and actions[-1][0] is None:
                actions[-1] = (category, None, [])
            else:
                actions.append((category, None, []))

        content = cell("content")
        lead = cell("lead")
        if lead and not _ORG.search(analysis_copy(lead).strip()) and re.search(r"\d", lead):
            # the row has more cells than the header (a sub-column): the lead department moved right
            content = f"{content}；{lead}" if content else lead
            lead_at = roles["lead"]
            lead = next((c for c in row[lead_at + 1 :] if c and _ORG.search(analysis_copy(c).strip())), "")
        drafts = actions[-1][2]
        continuation = (no_value is None and not no_cell) or (
            no_value is not None and no_value == previous_no
        )
        if continuation and not drafts:
            continuation = False
        if no_value is None and no_cell and drafts and "no" in roles:
            # a short row whose cells shifted left (merged cells lost): its text cells continue the item
            continuation = True
            texts = [c for c in row if c and _CJK_CELL.search(c)]
            orgs = [c for c in texts if _ORG.search(analysis_copy(c).strip()) and len(c) <= 12]
            content = "；".join(c for c in texts if c not in orgs and not _PROGRESS_CELL.match(c))
            lead = "、".join(orgs)
        if continuation:
            draft = drafts[-1]
            if content and content not in draft.orig:
                draft.orig = f"{draft.orig}；{content}" if draft.orig else content
                draft.norm = analysis_copy(draft.orig)
            for name in split_departments(lead) + split_departments(cell("support")):
                if name not in draft.departments:
                    draft.departments.append(name)
            continue
        name_cell = cell("name")
        text = content or name_cell
        if not text:
            continue
        draft = _Draft(no_value, name_cell if content and name_cell else None, text, analysis_copy(text))
        draft.departments = [n for n in split_departments(lead) + split_departments(cell("support")) if n]
        invest = cell("invest")
        if invest:
            m = re.search(r"\d+(?:\.\d+)?", analysis_copy(invest))
            if m:
                value = float(m.group(0)) * invest_mult
                unit_in_cell = _MONEY_UNIT.search(analysis_copy(invest))
                if unit_in_cell:
                    value = float(m.group(0)) * {"亿元": 1e8, "万元": 1e4, "元": 1}[unit_in_cell.group(1)]
                draft.extra_targets.append(
                    Target(
                        kind="quantity",
                        subject="投资",
                        op="=",
                        value=clean_number(value),
                        unit="元",
                        source=invest,
                    )
                )
        drafts.append(draft)
        previous_no = no_value
    return title


_FLAT_HEADER = re.compile(
    r"序号\s*(?:项目名称|项目|事项名称|实事名称|名称)(?:\s*(?:主要内容|建设内容|目标任务|实施内容|内容|"
    r"[\u4e00-\u9fff]{0,4}分管领导|责任领导|牵头单位|牵头部门|配合单位|责任单位|完成时限|备注|投资[^\u4e00-\u9fff]{0,6}))+"
)
_FLAT_NOT_AFTER = re.compile(
    r"(?:"
    + "|".join(
        sorted(
            UNITS + ["年", "月", "日", "号", "岁", "倍", "万", "亿", "千", "百", "余", "多", "届"],
            key=len,
            reverse=True,
        )
    )
    + r")"
)
_FLAT_ORG = re.compile(r"[\u4e00-\u9fff]{2}(?:局|委|办)(?![\u4e00-\u9fff]{0,1}[长])")
_FLAT_TITLE_END = re.compile(
    r"(?:实施|完成|落实|推进|新建|开展|提升|为全|全区|全市|全县|对|建设|组织|深化|打造)"
)


def _flattened_table(lines: list[Line]) -> list[_Draft] | None:
    """A table whose cells ran together on extraction (序号项目名称主要内容…1增加教育资源供给实施…2…).

    Page-break markers (1、 2、 at line starts) and repeated headers are dropped; the items are found as
    the chain 1, 2, 3 … of bare numbers followed by a character that is not a unit."""
    start = next((i for i, ln in enumerate(lines) if _FLAT_HEADER.search(ln.norm)), None)
    if start is None:
        return None
    orig_parts, norm_parts = [], []
    for index, line in enumerate(lines[start:]):
        cut = 0
        marker = re.match(r"^\d{1,3}、", line.norm)
        if marker and index > 0 or marker and _FLAT_HEADER.search(line.norm[marker.end() :]):
            cut = marker.end()
        orig_parts.append(line.orig[cut:])
        norm_parts.append(line.norm[cut:])
    orig, norm = "".join(orig_parts), "".join(norm_parts)
    # blank out the header wherever it repeats, keeping offsets
    keep = list(range(len(norm)))
    for m in _FLAT_HEADER.finditer(norm):
        for i in range(m.start(), m.end()):
            keep[i] = -1
    body_at = _FLAT_HEADER.search(norm).end()  # type: ignore[union-attr]
    positions: list[int] = []
    pos = body_at
    k = 1
    while True:
        pattern = re.compile(rf"(?<![\d.]){k}(?![\d.%])(?=[\u4e00-\u9fff])")
        found = None
        for m in pattern.finditer(norm, pos):
            if keep[m.start()] == -1 or _FLAT_NOT_AFTER.match(norm, m.end()):
                continue
            found = m
            break
        if found is None:
            break
        positions.append(found.start())
        pos = found.end() + 4
        k += 1
    if len(positions) < 2:
        return None
    drafts = []
    bounds = positions[1:] + [len(norm)]
    for number, (begin, end) in enumerate(zip(positions, bounds, strict=False), start=1):
        text_start = begin + len(str(number))
        keep_idx = [i for i in range(text_start, end) if keep[i] != -1]
        seg_orig = "".join(orig[i] for i in keep_idx)
        seg_norm = "".join(norm[i] for i in keep_idx)
        title_end = _FLAT_TITLE_END.search(seg_norm, 3)
        title = seg_orig[: title_end.start()] if title_end and title_end.start() <= 16 else None
        draft = _Draft(number, title, seg_orig, seg_norm)
        tail_at = seg_norm.rfind("。")
        tail = seg_norm[tail_at + 1 :] if tail_at >= 0 else ""
        for org in _FLAT_ORG.finditer(tail):
            name = seg_orig[tail_at + 1 + org.start() : tail_at + 1 + org.end()]
            if name not in draft.departments:
                draft.departments.append(name)
        for sentence in re.finditer(r"[^。]+。", seg_norm):
            # a sub-row: the lead department of the next part sits right after a full stop
            lead = _FLAT_ORG.search(seg_norm, sentence.end(), sentence.end() + 8)
            if lead:
                name = seg_orig[lead.start() : lead.end()]
                if name not in draft.departments:
                    draft.departments.append(name)
        drafts.append(draft)
    return drafts


def _build_item(draft: _Draft, no: int) -> Item:
    text = draft.orig.strip()
    norm = draft.norm.strip() if draft.norm else analysis_copy(text)
    if draft.body:
        for line in draft.body:
            # a sentence cut by a page or line break continues without a break
            cut = (
                text and not analysis_copy(text[-1:]).endswith(_TERMINAL) and not LABEL_LINE.match(line.norm)
            )
            joiner = "" if cut else "\n"
            text = f"{text}{joiner}{line.orig}" if text else line.orig
        text = text.strip()
        norm = analysis_copy(text)
    if not text and draft.title:
        text = draft.title
        norm = analysis_copy(text)
    targets, standards, locations, departments = extract(text, norm)
    targets.extend(draft.extra_targets)
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


def _check_subtotals(item: Item, warnings: list[str]) -> None:
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
            warnings.append(
                f"item {item.no}: the parts after 其中 add up to {clean_number(total)}{unit}, "
                f"not {clean_number(candidates[-1])}{unit}"
            )


def _document_from_blocks(blocks: list[Block]) -> PlanDocument:
    warnings: list[str] = []
    lines: list[Line] = []
    table_actions: list[tuple[str | None, int | None, list[_Draft]]] = []
    table_title = None
    for block in blocks:
        if isinstance(block, Table):
            found_title = _read_table(block, table_actions)
            table_title = table_title or found_title
            if not table_actions or not any(d for _, _, d in table_actions):
                # not a plan table: read its cells as paragraphs
                for row in block.rows:
                    text = " ".join(dict.fromkeys(c for c in row if c))
                    if text:
                        line = Line(text, analysis_copy(text))
                        _classify(line)
                        lines.append(line)
            continue
        line = Line(block.text, analysis_copy(block.text))
        _classify(line)
        if line.style is None or line.style in ("cn", "ar"):
            pieces = _split_inline(line)
            if len(pieces) > 1:
                lines.extend(pieces)
                continue
        lines.append(line)

    title, region, year, status, used = _header(lines)
    if not title and table_title:
        title = table_title
        norm_title = analysis_copy(title)
        year_match = _YEAR.search(norm_title)
        year = year or (_year_number(year_match.group(1)) if year_match else None)
        region = region or _region(title, norm_title)
        if status is None and _FINAL_WORDS.search(norm_title):
            status = "final"
    body = lines[used:]

    raw_actions: list[tuple[str | None, int | None, list[_Draft]]] = []
    if table_actions and any(d for _, _, d in table_actions):
        raw_actions = table_actions
    elif (flat := _flattened_table(body)) is not None:
        raw_actions = [(None, None, flat)]
    else:
        groups = _drafts_from_lines(body, warnings)
        if groups and any(drafts for _, drafts in groups):
            for group_line, drafts in groups:
                if group_line is None:
                    raw_actions.append((None, None, drafts))
                else:
                    assert group_line.group is not None
                    raw_actions.append((group_line.group[0], group_line.group[1], drafts))
        else:
            drafts = _fallback_paragraphs(body)
            if drafts:
                raw_actions = [(None, None, drafts)]
    raw_actions = [a for a in raw_actions if a[2] or a[0]]
    if not any(drafts for _, _, drafts in raw_actions):
        raise DocumentError("no plan found: the document lists no numbered items or pledges")

    actions: list[Action] = []
    # numbering that restarts in each group (（一）教育方面 1. 2. 3. （二）… 1. 2.) is renumbered 1..N
    restarts_per_group = any(drafts and drafts[0].no == 1 for _, _, drafts in raw_actions[1:]) and any(
        len(drafts) > 0 for _, _, drafts in raw_actions[:1]
    )
    running = 0
    seen: set[int] = set()
    previous: int | None = None
    for index, (group_title, declared, drafts) in enumerate(raw_actions, start=1):
        action = Action(no=index, title=group_title, declared_item_count=declared)
        if restarts_per_group:
            previous = None
        for draft in drafts:
            running += 1
            printed = draft.no
            no = running if printed is None or restarts_per_group else printed
            if printed is not None:
                if not restarts_per_group and printed in seen:
                    warnings.append(f"item number {printed} appears more than once")
                elif previous is not None and printed > previous + 1:
                    missing = ", ".join(str(n) for n in range(previous + 1, printed))
                    warnings.append(f"numbering skips from {previous} to {printed} (missing {missing})")
                elif previous is not None and printed <= previous:
                    warnings.append(f"item number {printed} appears more than once")
                previous = printed
                seen.add(printed)
            item = _build_item(draft, no)
            _check_subtotals(item, warnings)
            action.items.append(item)
        if declared is not None and declared != len(action.items):
            warnings.append(
                f"action {index} ({group_title}) declares {declared} items but lists {len(action.items)}"
            )
        actions.append(action)
    numbers = [item.no for action in actions for item in action.items]
    if len(set(numbers)) != len(numbers):
        # a number printed twice (already warned about): number the items 1..N so each has its own
        for new_no, item in enumerate((item for action in actions for item in action.items), start=1):
            item.no = new_no
    return PlanDocument(
        title=title,
        region=region,
        year=year,
        status="draft" if status == "draft" else "final" if status == "final" else None,
        actions=actions,
        warnings=warnings,
    )


def parse_blocks(blocks: list[Block]) -> PlanDocument:
    try:
        return _document_from_blocks(blocks)
    except DocumentError:
        raise
    except RecursionError as exc:  # pragma: no cover - pathological nesting
        raise DocumentError("the document is too deeply nested to read") from exc


def parse_text(text: str) -> PlanDocument:
    """Read a plan from already-decoded text."""
    from minsheng.documents.readers import text_blocks

    if not isinstance(text, str):
        raise DocumentError("the text to parse must be a string")
    if len(text) > MAX_BYTES:
        raise DocumentError("the text is larger than the 20 MB limit")
    return parse_blocks(text_blocks(text))


def parse_bytes(data: bytes, filename: str = "") -> PlanDocument:
    """Read a plan from the bytes of a file; ``filename`` only breaks ties on the format."""
    return parse_blocks(read_blocks(data, filename))


def parse_file(path: str | os.PathLike[str]) -> PlanDocument:
    """Read a plan from a file on disk."""
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise DocumentError(f"the file is larger than the {MAX_BYTES // (1024 * 1024)} MB limit")
        if os.path.isdir(path):
            raise DocumentError(f"{os.fspath(path)} is a folder, not a file")
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError as exc:
        raise DocumentError(f"no such file: {os.fspath(path)}") from exc
    except IsADirectoryError as exc:
        raise DocumentError(f"{os.fspath(path)} is a folder, not a file") from exc
    except OSError as exc:
        raise DocumentError(f"cannot read {os.fspath(path)}: {exc.strerror or exc}") from exc
    return parse_bytes(data, os.path.basename(os.fspath(path)))
