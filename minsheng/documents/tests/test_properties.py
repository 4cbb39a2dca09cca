"""Property tests: nothing but DocumentError escapes the reader; numbers read back to their value."""

from __future__ import annotations

import contextlib

import cn2an
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng.documents import DocumentError, parse_bytes, parse_text
from minsheng.documents.quantities import extract

PLAN_ALPHABET = st.sampled_from(
    [
        *list(
            "一二三四五六七八九十百千万亿两零余约以上下不少于低至-—~、，。；;:：()（）①②③是项个名人元%0123456789 .\n"
        ),
        "行动(4项)",
        "按照每人",
        "的标准",
        "其中",
        "“",
        "”",
        "第",
        "岁",
        "年",
        "号",
        "团",
        "千米",
        "万元",
        "批次",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_never_raises_anything_else(text):
    try:
        document = parse_text(text)
    except DocumentError:
        return
    assert document.to_dict()["schema_version"] == "1"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PLAN_ALPHABET, max_size=80).map("".join))
def test_plan_like_text_never_raises_anything_else(text):
    try:
        document = parse_text(text)
    except DocumentError:
        return
    for item in document.items:
        for target in item.targets:
            assert target.source in item.text or target.kind == "milestone"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096), st.sampled_from(["a.txt", "a.docx", "a.xlsx", "a.html", "a.md", "a"]))
def test_arbitrary_bytes_never_raise_anything_else(data, name):
    with contextlib.suppress(DocumentError):
        parse_bytes(data, name)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=2, max_value=99_999_999), st.sampled_from(["个", "名", "所", "千米", "批次", "户"])
)
def test_numbers_in_chinese_or_arabic_read_back(number, unit):
    spellings = [str(number), f"{number:,}"]
    if unit != "千米":  # 两千米 is 2000 米 in Chinese: a Chinese numeral before 千米 is ambiguous
        spellings.append(cn2an.an2cn(number))
    for written in spellings:
        found = [t for t in extract(f"新建完成{written}{unit}。")[0] if t.kind == "quantity"]
        assert [(t.value, t.unit) for t in found] == [(number, unit)], written


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=9))
def test_wan_multiplier_reads_back(whole, tenth):
    found = extract(f"惠及{whole}.{tenth}万名群众。")[0]
    assert [t.value for t in found] == [round((whole + tenth / 10) * 10_000)]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=99_999), st.integers(min_value=0, max_value=99))
def test_money_amounts_read_back_in_yuan(yuan, cents):
    text = f"按照每人{yuan}.{cents:02d}元的标准发放补贴。"
    [standard] = extract(text)[1]
    assert standard.amount == round(yuan + cents / 100, 2)
    assert standard.per == "人"


def _cn(n: int) -> str:
    return cn2an.an2cn(n)


MARKERS = {
    "dot": lambda n: f"{n}.",
    "dun": lambda n: f"{n}、",
    "space": lambda n: f"{n} ",
    "paren": lambda n: f"({n})",
    "fullwidth-paren": lambda n: f"（{n}）",
    "circled": lambda n: "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"[n - 1],
    "chinese": lambda n: f"{_cn(n)}、",
    "shi": lambda n: f"{_cn(n)}是",
    "bare": lambda n: f"{n}",
    "own-line": lambda n: f"{n}\n",
}
PLEDGE_WORDS = st.sampled_from(["新建", "改造", "提升", "开展", "实施", "建设", "扩大", "完善"])
PLEDGE_NOUNS = st.sampled_from(
    ["社区食堂", "口袋公园", "农贸市场", "老旧小区", "健身步道", "托育机构", "公交线路"]
)
UNITS_ = st.sampled_from(["个", "所", "公里", "户", "人次", "家"])


@st.composite
def pledge(draw) -> str:
    return f"{draw(PLEDGE_WORDS)}{draw(PLEDGE_NOUNS)}{draw(st.integers(1, 9999))}{draw(UNITS_)}。"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    style=st.sampled_from(sorted(MARKERS)),
    pledges=st.lists(pledge(), min_size=2, max_size=40),
)
def test_a_generated_list_of_n_items_reads_back_as_n_items(style, pledges):
    if style == "circled":
        pledges = pledges[:20]
    marker = MARKERS[style]
    text = "2025年民生实事项目清单\n" + "".join(f"{marker(n)}{p}\n" for n, p in enumerate(pledges, start=1))
    document = parse_text(text)
    assert [item.no for item in document.items] == list(range(1, len(pledges) + 1))
    assert all(any(t.kind == "quantity" for t in item.targets) for item in document.items)


LAYOUT_ALPHABET = st.sampled_from(
    [*list("0123456789\n\n\n|\t●《》“”‘’;。,:()%个人元"), "序号", "项目名称", "单位", "工作目标", "已完成数", "占比", "进度", "元/月/人", "(人)", "(万元)", "投资", "就业促进工程", "县住建局", "新建", "上半年", "已完成", "实际完成", "新增", "万", "10", "1\n", "2\n", "3\n"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LAYOUT_ALPHABET, max_size=120).map("".join))
def test_layout_like_text_never_raises_anything_else(text):
    """Cells, bullets, quoted titles and progress words in any order: a reading or a DocumentError."""
    try:
        document = parse_text(text)
    except DocumentError:
        return
    assert document.reading is not None and 0.5 <= document.reading.confidence <= 1
    assert len({item.no for item in document.items}) == len(document.items)
