"""Find the targets, standards, places and departments in one item's text.

All matching runs on the analysis copy (see :mod:`normalize`); spans cut the printed text. The steps:

1. *mask* what looks like a number but is not a quantity: quotations, dates, ages, ordinals, codes,
   document numbers, service frequencies, idioms, department notes;
2. find every number followed by a known unit (or %), with its comparator, range and multiplier;
3. money amounts in a clause that speaks of a rate (标准, 每人, 人均, /月 …) are *standards*, the rest
   *targets*; 由X元提高至Y元 makes X the standard's ``previous``;
4. an item with no quantity target gets one milestone target.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from minsheng.documents.model import Standard, Target
from minsheng.documents.numbers import MULTIPLIERS, clean_number, to_number

UNITS = sorted(
    [
        "平方公里",
        "平方米",
        "立方米",
        "万千瓦",
        "千瓦时",
        "千瓦",
        "千米",
        "公里",
        "延米",
        "米",
        "公顷",
        "亩",
        "吨",
        "公斤",
        "千克",
        "人次",
        "名",
        "人",
        "户",
        "个",
        "所",
        "家",
        "座",
        "处",
        "条",
        "辆",
        "套",
        "张",
        "间",
        "栋",
        "幢",
        "台",
        "架",
        "场次",
        "场",
        "批次",
        "批",
        "件",
        "项",
        "颗",
        "例",
        "天",
        "次",
        "期",
        "班",
        "支",
        "只",
        "头",
        "棵",
        "株",
        "盏",
        "口",
        "眼",
        "部",
        "册",
        "本",
        "份",
        "类",
        "床",
        "单",
        "宗",
        "笔",
        "门",
        "站",
        "艘",
        "趟",
        "片",
        "块",
        "枚",
        "根",
        "组",
        "双",
        "副",
        "班次",
        "车次",
        "棵次",
        "户次",
        "家次",
        "村",
        "个百分点",
        "分钟",
        "元",
    ],
    key=len,
    reverse=True,
)


def _trie_pattern(words: list[str]) -> str:
    """One regex for many words, longest first at every branch: re tries a trie far faster than a flat
    alternation of a hundred literals."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


_UNIT = _trie_pattern(UNITS)
_AR = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN = r"(?:[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万]*(?:点[零〇一二三四五六七八九]+)?)"
_NUM = rf"(?:{_AR}|{_CN})"

QUANTITY = re.compile(
    rf"(?P<a>{_NUM})(?P<am>万|亿)?(?P<ayu>余|多)?"
    rf"(?:(?P<u1>{_UNIT}|%)?(?P<sep>-|~|至|到)(?P<b>{_NUM})(?P<bm>万|亿)?)?"
    rf"(?:(?<=[万亿]) )?(?P<unit>{_UNIT}|%)(?:\([\u4e00-\u9fff]{{1,3}}\))?(?P<post>以上|以下|以内|左右|余)?"
)
# 13.3万常住人口: people counted in 万 with no measure word
PEOPLE = re.compile(
    rf"(?P<a>{_AR})(?P<am>万|亿)(?=(?:常住|户籍|城乡|农村|城镇|困难)?(?:人口|群众|居民|市民|职工|农民|学生|儿童|老年人|妇女))"
)
PERCENT_WORDS = re.compile(r"百分之(?P<a>[零〇一二两三四五六七八九十百点]+)(?P<post>以上|以下|以内|左右)?")
# a bare amount per head where the document dropped 元: 按照1500/人的标准
BARE_RATE = re.compile(rf"(?P<a>{_AR})(?P<am>万)?/(?P<per>人|户|月|年|名|次)")

# (pattern, characters one of which must be in the text for the pattern to matter): masks are the hot path
_LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_MASK_SOURCES: list[tuple[str, str]] = [
    (r"“[^”]{0,40}”", "“"),
    (r"‘[^’]{0,40}’", "‘"),
    (r'"[^"]{0,40}"', '"'),
    (r"《[^》]{0,60}》", "《"),
    (r"\[\d{4}\]\s*\d+号", "号"),  # 〔2023〕22号 (brackets normalised)
    (r"\d{4}(?:\s*[-~至到]\s*\d{4})?\s*年(?:度)?(?:\d{1,2}月)?(?:\d{1,2}日)?", "年"),
    (r"\d{1,2}月(?:\d{1,2}日|底|份|前|末|初|中旬|上旬|下旬)", "月"),
    (r"\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}:\d{2}(?::\d{2})?", "月:"),
    (
        r"(?:\d+|[一二两三四五六七八九十]+)(?:\s*[-~至到]\s*(?:\d+|[一二三四五六七八九十]+))?\s*(?:周)?岁(?:及|或)?(?:以上|以下|以内|左右)?",
        "岁",
    ),
    (r"第[\d零〇一二两三四五六七八九十百]+", "第"),
    (r"[A-Za-z]+-?\d+[A-Za-z\d-]*", _LATIN),
    (r"\d+[A-Za-z]+", _LATIN),
    (r"\d+号(?:线|楼|院|房|地块|路|门|桥)?", "号"),
    (r"\d{3,4}-\d{7,8}|1\d{10}", "-1"),
    (r"(?:\d+|[一二两三四五六七八九十]+)[团师]", "团师"),
    (r"[一二三四五六七八九十]+连", "连"),
    (
        r"(?<![零〇一二两三四五六七八九十百千万亿\d])一([^零〇一二两三四五六七八九十百千万亿点余多\d])一([^零〇一二两三四五六七八九十百千万亿点余多\d])",
        "一",
    ),
    (
        r"(?<![零〇一二两三四五六七八九十百千万亿\d])一(?:件事|次性|站式|网通办|体化|批|系列|些|线|流|起|道|同|律|致|直|定|般|带一路|对一|把手|刻钟)",
        "一",
    ),
    (
        r"(?<![零〇一二两三四五六七八九十百千万亿\d])[两二三四五六七八九十]+(?:癌|病|率|险|证|类人员|中|化|级|星|甲|乙|期)",
        "两二三四五六七八九十",
    ),
    (r"(?<![零〇一二两三四五六七八九十百千万亿\d])[一二两三四五六七八九十]+村", "村"),
    (r"(?<![零〇一二两三四五六七八九十百千万亿\d])二次(?=[\u4e00-\u9fff])(?!以上)", "二"),
    (r"\d+分钟[^\s,;。]{0,6}圈", "圈"),
    (r"(?:\d+|[一二两三四五六七八九十]+)公里(?:充分就业|就业圈|生活圈|服务圈)", "公里"),
    (r"每(?:个|人)?[一二两三四五六七八九十\d]+剂", "剂"),
    (
        r"每(?:个\S{1,4}?)?(?:月|年|周|季度|季|天|日|星期|学期)[^,;。:]{0,8}?(?:至少|不少于|不低于)?[\d一二两三四五六七八九十]+(?:次|场|期|回|轮)",
        "每",
    ),
    (r"\((?:每|一)(?:年|月|周|季度|天)[^)]{0,8}\)", "("),
    (r"\((?:牵头|责任|配合|主办|协办)(?:单位|部门)[^)]*\)?", "("),
    (r"(?:\d+|[一二三四五六七八九十]+)(?:级|星级|A级)", "级"),
    (r"\d+\+\d+", "+"),
    (r"(?:\d+|[一二两三四五六七八九十]+)个(?:确保|重点|一)", "个"),
]
_MASKS = [(re.compile(pattern), needs) for pattern, needs in _MASK_SOURCES]

_GE_BEFORE = ("不少于", "不低于", "至少有", "至少", "超过", "多于", "高于", "大于", "逾", "以上达")
_LE_BEFORE = ("不超过", "不高于", "不大于", "控制在", "低于", "少于", "以内")
_APPROX_BEFORE = ("大约", "约", "近", "左右")
_CLAUSE_END = re.compile(r"[,;。:!?\n]")
_RATE_CLAUSE = re.compile(
    r"标准|每(?:人|户|名|个|颗|只|头|亩|位|生|餐|次|台|辆|套|间|处|所|座|村|平方米|吨)|人均|户均|生均|/人|/户|/月|/年"
)
_PER = re.compile(
    r"每个(?P<noun>(?!月|年|季度|人|周)[\u4e00-\u9fff]{2})(?=每|补|奖|发|给|按|\d|不|的|标准|资助|[,;。])|"
    r"每(?:人|户|名|位|生|颗|只|头|亩|例|件|个|张|床|餐|次|台|辆|套|间|处|所|座|村|平方米|公里|千米|吨|册)|"
    r"人均|户均|生均|/(?:人|户|名|生)"
)
_PER_MAP = {"名": "人", "位": "人", "人均": "人", "户均": "户", "生均": "生"}
_MONTH = re.compile(r"每月|月人均|月均|/月|按月|每人每月|月补助")
_YEAR = re.compile(r"每年|年人均|年均|/年|每人每年|按年")
_RAISE = re.compile(r"^(?:提高|提升|上调|增加|增|调整|提)(?:至|到|为)")
_TARGET_MONTH = re.compile(r"月均|每月")
_TARGET_YEAR = re.compile(r"年均")

_VERBS = re.compile(
    r"^(?:力争|计划|预计|确保|全年|累计|共|新|再|完成|实现|达到|达|开展|建设|建成|新建|改建|扩建|改造|提供|为|向|对|"
    r"扶持|支持|带动|培训|实施|推进|推动|组织|举办|开发|打造|惠及|投放|发放|覆盖|服务|保障|供养|筛查|接种|"
    r"改扩建|新增|增加|落实|提升|引进|推广|选派|建立|安排|资金|其中|包括|和|及|与|、|的|将|在|全市|全县|全区|"
    r"不少于|不低于|至少|超过|约|达到|提高|有)+"
)
_SUBJECT_STOP = re.compile(r"[,;。:、()\s]|和|及|与|或")
_DEPT_NOTE = re.compile(
    r"[(（]\s*(?:牵头|责任|主办)(?:单位|部门)\s*[:：]\s*([^)）]+?)\s*(?:[)）]|$)|"
    r"(?:牵头|责任|主办)(?:单位|部门)\s*[:：]\s*([^,;。)）\n]+)"
)
_ORG_NAME = r"[\u4e00-\u9fff]{1,12}?(?:分局|局|委|办|院|中心|厅|部|会|公司|政府|管委会|所|站|队|社|署|处)"
_DEPT_INLINE = re.compile(
    rf"((?:{_ORG_NAME}[、和及与])*{_ORG_NAME})(?:共同|联合|负责)?(?:牵头|配合|协助|协办|参与实施|参与)"
)
_DEPT_SPLIT = re.compile(r"[、,，;；/\s]+")
_PLACE = re.compile(
    r"(?:\d{1,3}|[一二三四五六七八九十]{1,3})团(?!结|队|员|委|体|购|场|组|建)|"
    r"(?<![各全该本])[一二三四五六七八九十]{1,3}连(?![队续接锁])|"
    r"(?:(?![及和与的在为对向等个各全结])[\u4e00-\u9fff]){2,4}?(?:社区|街道|乡|镇|村)(?![民委级组庄落容貌晚])|"
    r"(?:(?![及和与的在为对向等个各全沿])[\u4e00-\u9fff]){2}(?:县|区)(?![域城级委政直属内外])"
)
_PLACE_VERBS = re.compile(
    r"^(?:其中|包括|解决|涉及|惠及|实施|建设|推进|完成|改造|提升|新建|打造|开展|覆盖|支持|位于|在|为|对|向|将|于|是|到)+"
)
_PLACE_TAIL_STOP = (
    "城区",
    "辖区",
    "园区",
    "景区",
    "小区",
    "片区",
    "山区",
    "市区",
    "新区",
    "校区",
    "老区",
    "矿区",
    "街区",
    "城县",
    "山区县",
    "地区",
    "展区",
    "院区",
    "厂区",
    "湾区",
    "灾区",
    "库区",
    "保护区",
    "示范区",
    "开发区",
    "功能区",
    "试验区",
    "先行区",
    "管理区",
    "服务区",
    "商业区",
    "住宅区",
)
_PLACE_STOP = re.compile(
    r"^(?:城市|城乡|城镇|农村|乡村|各|全|所在|每个|示范|和美|美丽|村居|本|全市|有条件的|偏远|边远|行政|"
    r"嵌入式|重点|中心|特色|小|新|老旧|宜居|文明|智慧|平安|幸福|困难)"
)


@dataclass(slots=True)
class Found:
    start: int
    end: int
    value: float
    value_max: float | None
    unit: str
    op: str
    money: bool
    unit_at: int = -1  # where the unit is printed, so the printed (maybe Traditional) form is kept


class Mask:
    """Which characters of the analysis copy cannot be part of a quantity."""

    __slots__ = ("flags",)

    def __init__(self, norm: str) -> None:
        self.flags = bytearray(len(norm))
        present = set(norm)
        for pattern, needs in _MASKS:
            if needs and present.isdisjoint(needs):
                continue
            for m in pattern.finditer(norm):
                self.flags[m.start() : m.end()] = b"\x01" * (m.end() - m.start())

    def hit(self, start: int, end: int) -> bool:
        return self.flags.find(1, start, end) != -1


def _mask(norm: str) -> Mask:
    return Mask(norm)


_OP_WORDS = sorted(
    [(w, ">=") for w in _GE_BEFORE] + [(w, "<=") for w in _LE_BEFORE] + [(w, "~") for w in _APPROX_BEFORE],
    key=lambda pair: len(pair[0]),
    reverse=True,
)


_OP_OF = dict(_OP_WORDS)
_OP_WORD_AT_END = re.compile("(?:" + "|".join(re.escape(w) for w, _ in _OP_WORDS) + ")$")


_RATE_WORDS_AT_END = re.compile(r"(?:每(?:人|户|名|生|位|月|年)|人均|户均|月均|年均|按|达到|达|为)+$")


def _op_word_before(norm: str, start: int, clause_start: int) -> tuple[str, str] | None:
    """A comparator just before a number, also across rate words: 不低于每人每月1105元."""
    m = _OP_WORD_AT_END.search(norm, max(clause_start, start - 4), start)
    if m:
        return m.group(0), _OP_OF[m.group(0)]
    rate = _RATE_WORDS_AT_END.search(norm, max(clause_start, start - 8), start)
    if rate and rate.start() > clause_start:
        m = _OP_WORD_AT_END.search(norm, max(clause_start, rate.start() - 4), rate.start())
        if m:
            return m.group(0), _OP_OF[m.group(0)]
    return None


def _op_before(norm: str, start: int, clause_start: int) -> str | None:
    found = _op_word_before(norm, start, clause_start)
    return found[1] if found else None


@lru_cache(maxsize=256)
def _clause_ends(norm: str) -> list[int]:
    return [m.start() for m in _CLAUSE_END.finditer(norm)]


def _clause_bounds(norm: str, start: int, end: int) -> tuple[int, int]:
    """The clause (between , ; 。 : ! ? or line ends) that holds ``norm[start:end]``."""
    ends = _clause_ends(norm)
    i = bisect_left(ends, start)
    left = ends[i - 1] + 1 if i > 0 else 0
    j = bisect_left(ends, end)
    right = ends[j] if j < len(ends) else len(norm)
    return left, right


def find_quantities(norm: str, masked: Mask | None = None) -> list[Found]:
    masked = _mask(norm) if masked is None else masked
    found: list[Found] = []
    for m in QUANTITY.finditer(norm):
        start, end = m.start(), m.end()
        if masked.hit(start, end):
            # a masked prefix (e.g. a year) may hide a real quantity further on; retry after the mask
            continue
        a_text = m.group("a")
        if start > 0 and (norm[start - 1].isdigit() or norm[start - 1] == "."):
            continue
        a = to_number(a_text)
        if a is None:
            continue
        unit = m.group("unit")
        u1 = m.group("u1")
        if u1 and u1 != unit:
            continue
        is_cn = not a_text[0].isdigit()
        a *= MULTIPLIERS.get(m.group("am") or "", 1)
        value_max = None
        op = "="
        if m.group("b"):
            b = to_number(m.group("b"))
            if b is None:
                continue
            b *= MULTIPLIERS.get(m.group("bm") or "", 1) or MULTIPLIERS.get(m.group("am") or "", 1)
            if m.group("bm") and not m.group("am"):
                a *= MULTIPLIERS[m.group("bm")]
            if b <= a:
                continue
            value_max = b
            op = "range"
        clause_start, _ = _clause_bounds(norm, start, end)
        if op == "=":
            post = m.group("post")
            if m.group("ayu") or post in ("以上", "余"):
                op = ">="
            elif post in ("以下", "以内"):
                op = "<="
            elif post == "左右":
                op = "~"
            else:
                op = _op_before(norm, start, clause_start) or "="
        if is_cn and a == 1 and op != ">=":
            continue  # 一 alone reads as "a" (一批, 一项工作) unless a comparator makes it a count
        if unit == "元" and m.group("am"):
            pass  # 万元 / 亿元: the multiplier is already applied; money is in yuan
        found.append(Found(start, end, a, value_max, unit, op, unit == "元", m.start("unit")))
    for m in PEOPLE.finditer(norm):
        if masked.hit(m.start(), m.end()) or (m.start() > 0 and norm[m.start() - 1].isdigit()):
            continue
        value = to_number(m.group("a"))
        if value is not None:
            value *= MULTIPLIERS[m.group("am")]
            clause_start, _ = _clause_bounds(norm, m.start(), m.end())
            op = _op_before(norm, m.start(), clause_start) or "="
            found.append(Found(m.start(), m.end(), value, None, "人", op, False))
    for m in PERCENT_WORDS.finditer(norm):
        if masked.hit(m.start(), m.end()):
            continue
        value = to_number(m.group("a"))
        if value is not None:
            clause_start, _ = _clause_bounds(norm, m.start(), m.end())
            post = {"以上": ">=", "以下": "<=", "以内": "<=", "左右": "~"}.get(m.group("post") or "")
            op = post or _op_before(norm, m.start(), clause_start) or "="
            found.append(Found(m.start(), m.end(), value, None, "%", op, False))
    for m in BARE_RATE.finditer(norm):
        if masked.hit(m.start(), m.end()) or any(f.start <= m.start() < f.end for f in found):
            continue
        clause_start, clause_end = _clause_bounds(norm, m.start(), m.end())
        if "标准" in norm[clause_start:clause_end] or "补" in norm[clause_start:clause_end]:
            value = float(m.group("a").replace(",", "")) * (10_000 if m.group("am") else 1)
            found.append(
                Found(
                    m.start(),
                    m.start() + len(m.group("a")) + len(m.group("am") or ""),
                    value,
                    None,
                    "元",
                    "=",
                    True,
                )
            )
    found.sort(key=lambda f: f.start)
    _inherit_enumerated_ops(norm, found)
    return found


_ANY_NUMBER = re.compile(r"[\d一二两三四五六七八九十百千万]")


@lru_cache(maxsize=8192)
def has_quantity(norm: str) -> bool:
    """Whether a line states any quantity; cached, since every segmenter and the scorer ask of the same lines."""
    return bool(_ANY_NUMBER.search(norm)) and bool(find_quantities(norm))


def _inherit_enumerated_ops(norm: str, found: list[Found]) -> None:
    """不低于70元、150元、240元: one comparator governs an enumeration with the same unit."""
    for prev, cur in itertools.pairwise(found):
        if cur.op == "=" and prev.op in (">=", "<=", "~") and prev.unit == cur.unit:
            between = norm[prev.end : cur.start]
            if between in ("、", ",", "和", "及") and not any(
                w in norm[cur.start - 4 : cur.start] for w in ("约",)
            ):
                cur.op = prev.op


def _printed_unit(orig: str, q: Found) -> str:
    """The unit as printed (個 stays 個), but one percent sign for all (％ is %)."""
    if q.unit == "%" or q.unit_at < 0:
        return q.unit
    return orig[q.unit_at : q.unit_at + len(q.unit)]


def _strip_subject(text: str) -> str:
    text = _VERBS.sub("", text)
    text = re.sub(r"(?:的|为|达|达到|有|共|累计|实现)$", "", text)
    return text.strip(" “”\"'")


def _subject(orig: str, norm: str, found: Found, clause_start: int, clause_end: int) -> str:
    before = norm[clause_start : found.start]
    pieces = _SUBJECT_STOP.split(before)
    candidate = _strip_subject(pieces[-1] if pieces else "")
    if len(candidate) < 2 and pieces and len(pieces[-1]) >= 2 and not find_quantities(pieces[-1]):
        verb = re.sub(r"^(?:力争|计划|预计|确保|全年|累计)+", "", pieces[-1])
        if len(verb) >= 2:
            return orig[found.start - len(verb) : found.start]
    offset_end = found.start
    if len(candidate) >= 2:
        offset_end = found.start - (len(before) - len(before.rstrip()))
        # cut the printed text at the same offsets
        head = len(before) - len(pieces[-1])
        raw = orig[clause_start + head : offset_end]
        raw_norm = norm[clause_start + head : offset_end]
        skip = len(raw_norm) - len(_VERBS.sub("", raw_norm))
        subject = raw[skip:]
        subject = re.sub(
            r"(?:的|为|达|达到|有|共|累计|实现|不少于|不低于|至少|超过|约|近|达到)+$", "", subject
        )
        subject = subject.strip(" “”\"'")
        if len(subject) >= 2:
            return subject[-16:]
    after = norm[found.end : clause_end]
    piece = re.split(r"[,;。:、()\s]|提供|开展|进行|实施|发放|的", after, maxsplit=1)[0]
    piece_start = found.end
    subject = orig[piece_start : piece_start + len(piece)].strip(" “”\"'")
    if subject:
        return subject[:16]
    return orig[clause_start:clause_end].strip()[:16] or found.unit


def _standard_subject(orig: str, norm: str, clause_start: int, clause_end: int, item_end: int) -> str:
    clause = norm[clause_start:clause_end]
    m = re.search(r"([^\d元的,;。:、每()]{2,16}?)(?:资助|补助|补贴|救助)?标准", clause)
    if m:
        raw = orig[clause_start + m.start(1) : clause_start + m.end(1)]
        raw = re.sub(r"^(?:将|按照|按|的|执行|落实|提高|把)+", "", raw)
        if len(raw) >= 2 and raw not in ("分级", "办案补贴", "每人", "补助", "补贴"):
            return raw
    # the service the rate pays for is named in the next clause: 按照每人209元的标准，为…提供免费健康体检
    rest = norm[clause_end + 1 : item_end]
    nxt = _CLAUSE_END.split(rest, maxsplit=1)[0]
    verb = None
    for v in re.finditer(r"提供|开展|发放|接种|进行|实施|给予|落实", nxt):
        verb = v
    if verb:
        start = clause_end + 1 + verb.end()
        piece = orig[start : clause_end + 1 + len(nxt)].strip()
        if piece:
            return piece[:16]
    m2 = re.search(r"(补助|补贴|津贴|助学金|奖学金|救助)", clause)
    return m2.group(1) if m2 else "标准"


def _period_before(
    norm: str, clause_start: int, pos: int, pattern_month: re.Pattern[str], pattern_year: re.Pattern[str]
) -> str | None:
    window = norm[clause_start:pos]
    month = [m.end() for m in pattern_month.finditer(window)]
    year = [m.end() for m in pattern_year.finditer(window)]
    if not month and not year:
        return None
    return "月" if (max(month) if month else -1) > (max(year) if year else -1) else "年"


def _per_before(norm: str, clause_start: int, pos: int, end: int, after_end: int) -> str | None:
    after = norm[end:after_end]
    m_after = re.match(r"[^,;。、]{0,2}?/(人|户|名|颗|个|生)", after)
    if m_after:
        return _PER_MAP.get(m_after.group(1), m_after.group(1))
    last = None
    for m in _PER.finditer(norm, clause_start, end):
        if m.start() >= pos:
            break
        last = m
    if last is None:
        return None
    if last.group("noun"):
        return last.group("noun")
    key = last.group(0).lstrip("每/")
    return _PER_MAP.get(last.group(0), _PER_MAP.get(key, key))


def extract(orig: str, norm: str | None = None) -> tuple[list[Target], list[Standard], list[str], list[str]]:
    """Targets, standards, places and departments of one item's text (``orig`` as printed)."""
    from minsheng.documents.normalize import analysis_copy

    norm = analysis_copy(orig) if norm is None else norm
    masked = _mask(norm)
    quantities = find_quantities(norm, masked)
    targets: list[Target] = []
    standards: list[Standard] = []
    skip: set[int] = set()
    for index, q in enumerate(quantities):
        if index in skip:
            continue
        clause_start, clause_end = _clause_bounds(norm, q.start, q.end)
        clause = norm[clause_start:clause_end]
        if q.money and _RATE_CLAUSE.search(clause):
            previous = None
            amount, current = q.value, q
            nxt = quantities[index + 1] if index + 1 < len(quantities) else None
            if nxt is not None and nxt.money and _RAISE.match(norm[q.end : nxt.start]):
                previous, amount, current = q.value, nxt.value, nxt
                skip.add(index + 1)
            per = _per_before(norm, clause_start, current.start, current.end, clause_end)
            period = _period_before(norm, clause_start, current.start, _MONTH, _YEAR)
            if re.match(r"[^,;。、]{0,2}?/月", norm[current.end : clause_end]):
                period = "月"
            elif re.match(r"[^,;。、]{0,2}?/年", norm[current.end : clause_end]):
                period = "年"
            source_start = q.start
            per_m = None
            for candidate in _PER.finditer(norm[clause_start : q.start]):
                per_m = candidate
            if per_m is not None and q.start - (clause_start + per_m.start()) <= 12:
                source_start = clause_start + per_m.start()
            standards.append(
                Standard(
                    subject=_standard_subject(orig, norm, clause_start, clause_end, len(norm)),
                    op=current.op,  # type: ignore[arg-type]
                    amount=clean_number(amount),
                    amount_max=clean_number(current.value_max) if current.value_max is not None else None,
                    per=per,
                    period=period,
                    previous=clean_number(previous) if previous is not None else None,
                    source=orig[source_start : current.end],
                )
            )
            continue
        period = None
        window = norm[clause_start : q.start]
        if _TARGET_MONTH.search(window):
            period = "月"
        elif _TARGET_YEAR.search(window):
            period = "年"
        source_start = q.start
        op_word = _op_word_before(norm, q.start, clause_start)
        if op_word is not None:
            source_start = q.start - len(op_word[0])
        targets.append(
            Target(
                kind="quantity",
                subject=_subject(orig, norm, q, clause_start, clause_end),
                op=q.op,  # type: ignore[arg-type]
                value=clean_number(q.value),
                value_max=clean_number(q.value_max) if q.value_max is not None else None,
                unit=_printed_unit(orig, q),
                period=period,
                source=orig[source_start : q.end],
            )
        )
    return targets, standards, places(orig, norm, masked), departments(orig, norm)


def milestone(orig: str, title: str | None) -> Target:
    first = re.split(r"[，,；;。]", orig.strip(), maxsplit=1)[0].strip()
    subject = (title or first or orig.strip())[:30]
    return Target(kind="milestone", subject=subject, op="=", value=None, unit=None, source=orig.strip())


def places(orig: str, norm: str, masked: Mask | None = None) -> list[str]:
    out: list[str] = []
    if not any(ch in norm for ch in "团连社街乡镇村县区"):
        return out
    for m in _PLACE.finditer(norm):
        name_norm = m.group(0)
        if (
            masked is not None
            and masked.hit(m.start(), m.end())
            and not re.match(r"\d|[一二三四五六七八九十]", name_norm)
        ):
            continue
        lead = _PLACE_VERBS.match(name_norm)
        start = m.start() + (lead.end() if lead else 0)
        name_norm = norm[start : m.end()]
        if (
            len(name_norm) < 3
            or name_norm.endswith(_PLACE_TAIL_STOP)
            or (name_norm[-1] in "县区" and len(name_norm) > 4)
        ) and not re.match(r"\d|[一二三四五六七八九十]", name_norm):
            continue
        if _PLACE_STOP.match(name_norm) or any(
            name_norm.endswith(s) for s in ("农村", "乡村", "城乡", "村镇", "乡镇", "城镇", "小镇")
        ):
            continue
        if re.search(r"[的了和与及在为对向等个所家]", name_norm[:-2] if len(name_norm) > 2 else ""):
            continue
        name = orig[start : m.end()]
        if name not in out:
            out.append(name)
    return out


def departments(orig: str, norm: str) -> list[str]:
    out: list[str] = []
    if not any(word in norm for word in ("单位", "部门", "牵头", "配合", "协助", "协办", "参与")):
        return out
    for m in _DEPT_NOTE.finditer(norm):
        group = 1 if m.group(1) is not None else 2
        raw = orig[m.start(group) : m.end(group)]
        for name in _DEPT_SPLIT.split(raw):
            name = name.strip(" ()（）")
            if name and name not in out:
                out.append(name)
    for m in _DEPT_INLINE.finditer(norm):
        raw = orig[m.start(1) : m.end(1)]
        for name in re.split(r"[、和及与]", raw):
            name = re.sub(r"^(?:由|并由|请|负责|各)", "", name)
            if name and name not in out:
                out.append(name)
    return out


def split_departments(cell: str) -> list[str]:
    return [name.strip(" ()（）") for name in _DEPT_SPLIT.split(cell) if name.strip(" ()（）")]
