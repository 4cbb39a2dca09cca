"""Lines of a document and their leading markers.

A :class:`Line` is one paragraph (or one table row read as text) with its analysis copy; :func:`classify`
finds its marker style (一、 ``cn`` / 1. 1、 01 1␣ ``ar`` / 1开展 ``bare`` / (1) ``paren`` / ① ``circled`` /
一是 ``shi`` / 第一项 ``di``) and number, or a group heading with a declared count (一、XX行动(4项)).
:func:`split_inline` cuts a paragraph that runs markers together (一是…二是…) into one line each. A
:class:`Draft` is an item as a segmenter found it, before its quantities are read (``items.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from minsheng.documents.model import Standard, Target
from minsheng.documents.numbers import to_number
from minsheng.documents.quantities import has_quantity

CN = "一二三四五六七八九十"
CIRCLED_DIGITS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

GROUP_DECL = re.compile(
    rf"^(?:(?P<num>[{CN}]+|\d{{1,2}})\s*[、.]\s*|\(\s*(?P<pnum>[{CN}]+)\s*\)\s*)?(?P<title>.{{2,40}}?)\s*"
    rf"(?:\(\s*(?:共\s*)?(?P<cnt>\d+|[{CN}]+)\s*(?:项|件|个)?\s*\)|[,:]?\s*共\s*(?P<cnt2>\d+|[{CN}]+)\s*(?:项|件|个))\s*$"
)
CN_DUN = re.compile(rf"^(?P<num>[{CN}百]+)\s*[、.,]\s*(?P<rest>.*)$")
# item numbers have no upper bound worth guessing: a list of 1,500 items keeps them all
ARABIC = re.compile(r"^(?P<num>\d{1,5})(?:\s*[.、。:)]\s*|\s+)(?P<rest>(?!\d)(?![年月日号%]).*)$")
# a number run straight into the text (1开展学生双减计划), but not a quantity (20万学生, 3天内, 2024年)
# (a measure word may follow: in 3支持就业 the chain of numbers, not the word, decides)
NOT_AFTER_NUMBER = re.compile(r"[年月日号岁倍万亿千百余多届级周期件项%]|小时|以[上下内]")
BARE = re.compile(r"^(?P<num>\d{1,5})(?P<rest>[\u4e00-\u9fff“].*)$")
PAREN = re.compile(rf"^\(\s*(?P<num>\d{{1,5}}|[{CN}]+)\s*\)\s*(?P<rest>.*)$")
CIRCLED = re.compile(rf"^(?P<num>[{CIRCLED_DIGITS}])\s*(?P<rest>.*)$")
SHI = re.compile(rf"^(?P<num>[{CN}]+)是\s*[,:]?\s*(?P<rest>.*)$")
DI = re.compile(rf"^第(?P<num>[{CN}百]+|\d{{1,3}})(?:项|件|条|个)\s*[,:、.]?\s*(?P<rest>.*)$")
LINE_STYLES = (
    ("paren", PAREN),
    ("circled", CIRCLED),
    ("di", DI),
    ("shi", SHI),
    ("cn", CN_DUN),
    ("ar", ARABIC),
    ("bare", BARE),
)
_INLINE = {
    "shi": re.compile(rf"(?:(?<=^)|(?<=[。;,:!?\s]))(?P<num>[{CN}]+)是"),
    "paren": re.compile(r"\(\s*(?P<num>\d{1,5})\s*\)"),
    "circled": re.compile(rf"(?P<num>[{CIRCLED_DIGITS}])"),
}
SECTION_HEADING = re.compile(r"^[\u4e00-\u9fff“”、]{2,14}(?:方面|领域|类|行动|工程|板块|篇)[:]?$")
FRAMING_TAIL = re.compile(
    r"^(?:\(?来源|责任编辑|编辑|审核|校对|终审|附件|索引号|发布|打印|关闭|分享|扫一扫|【|\(完\)|（完）|"
    r"\([\u4e00-\u9fff]{2,4}\)$|版权|主办|承办|网站|联系|电话|地址|备案|以上|上述|特此|各地|各部门|"
    r"\d{4}年\d{1,2}月\d{1,2}日$|[\u4e00-\u9fff]{2,20}(?:人民政府|办公室|委员会|领导小组|政府办)$)"
)
INTRO_END = re.compile(r"[:]\s*$")
# a table cell naming departments only: 县住建局, 市人力资源社会保障局、市教体局、, 团市委
ORG_CELL = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,14}?(?:分局|局|委|办|院|中心|厅|部|会|联|公司|政府|管委会|指挥部|所|站|队|社|署|处|街道)[、,;]?)+$"
)


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
class Draft:
    no: int | None
    title: str | None
    orig: str
    norm: str
    body: list[Line] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    extra_targets: list[Target] = field(default_factory=list)
    extra_standards: list[Standard] = field(default_factory=list)
    progress: bool = False  # a progress report: figures already achieved are not targets


def marker_number(text: str) -> int | None:
    if text in CIRCLED_DIGITS:
        return CIRCLED_DIGITS.index(text) + 1
    value = to_number(text)
    if value is None or not float(value).is_integer() or value < 0:
        return None
    return int(value)


def classify(line: Line) -> None:
    norm = line.norm
    decl = GROUP_DECL.match(norm)
    if decl and (decl.group("num") is None or not decl.group("num").isdigit() or len(norm) < 30):
        count_text = decl.group("cnt") or decl.group("cnt2")
        title = line.orig[decl.start("title") : decl.end("title")].strip(" ,:，：")
        marker = decl.group("num") or decl.group("pnum")
        if not re.search(r"\d", title) or marker:
            line.group = (title, marker_number(count_text) if count_text else None)
            line.style = "group"
            line.num = marker_number(marker) if marker else None
            return
    for style, pattern in LINE_STYLES:
        m = pattern.match(norm)
        if m:
            num = marker_number(m.group("num"))
            if num is None or num == 0:
                continue
            if style == "bare" and NOT_AFTER_NUMBER.match(norm, m.start("rest")):
                continue
            line.style, line.num, line.rest_at = style, num, m.start("rest")
            return


def split_inline(line: Line) -> list[Line]:
    """一是…二是…, (1)…(2)…, ①…②… run together in one paragraph become one line each."""
    best: list[tuple[int, int]] = []
    for style, pattern in _INLINE.items():
        hits = [(m.start(), marker_number(m.group("num")) or 0) for m in pattern.finditer(line.norm)]
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
        classify(piece)
        if piece.style != best_style:  # keep the marker we split on
            pattern = LINE_STYLES[[s for s, _ in LINE_STYLES].index(best_style)][1]
            m = pattern.match(piece.norm)
            if m:
                piece.style, piece.num, piece.rest_at = (
                    best_style,
                    marker_number(m.group("num")),
                    m.start("rest"),
                )
        out.append(piece)
    return out


def style_runs(lines: list[Line], style: str) -> int:
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


def title_like(line: Line) -> bool:
    text = line.norm[line.rest_at :]
    return 0 < len(text) <= 24 and not re.search(r"[。;,]$", text) and not has_quantity(text)


LABEL_LINE = re.compile(
    r"^(?:项目名称|建设内容|建设规模|主要内容|实施内容|目标任务|计划投资|总投资|投资|资金来源|责任单位|牵头单位|"
    r"配合单位|实施单位|实施地点|建设地点|完成时限|完成时间|受益群众|惠及)\s*[:]"
)


def is_framing_tail(line: Line) -> bool:
    if LABEL_LINE.match(line.norm):
        return False
    return bool(FRAMING_TAIL.match(line.norm)) or len(line.norm) < 6


def heading_like(text: str) -> bool:
    text = text.strip()
    return 0 < len(text) <= 24 and not re.search(r"[。;,]", text) and not has_quantity(text)


# how a pledge opens: 新建…, 实施…, 为…提供, a quoted name
PLEDGE_START = re.compile(
    r"^(?:新建|建设|实施|开展|提供|为|完成|推进|改造|新增|建成|免费|发放|提高|扩大|支持|落实|继续|加快|持续|推动|"
    r"组织|开通|打造|新改|减免|对|启动|增加|解决|创建|帮扶|做好|加强|整治|提升|优化|促进|保障|建立|实现|打通|开工|深化|完善|“)"
)

_ANNOUNCED = re.compile(
    rf"(?<![\d.])(\d{{1,5}}|[{CN}]{{1,3}})\s*(?:件|项|个|大|类)[\u4e00-\u9fff“”]{{0,10}}?"
    r"(?:实事|民生|项目|工程|惠民)"
)


def announced_counts(text: str) -> set[int]:
    """Counts the document announces for its list: 十件民生实事, 10项重点民生实事, 共八方面20项."""
    counts = {marker_number(m.group(1)) for m in _ANNOUNCED.finditer(text)}
    counts |= {marker_number(m.group(1)) for m in re.finditer(r"共[^,。;]{0,6}?(\d{1,5})\s*[项件个]", text)}
    return {c for c in counts if c}
