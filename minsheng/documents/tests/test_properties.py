"""Property tests: nothing but DocumentError escapes the reader; numbers read back to their value."""

from __future__ import annotations

import cn2an
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng.documents import DocumentError, parse_bytes, parse_text
from minsheng.documents.quantities import extract

PLAN_ALPHABET = st.sampled_from(
    list(
        "一二三四五六七八九十百千万亿两零余约以上下不少于低至-—~、，。；;:：()（）①②③是项个名人元%0123456789 .\n"
    )
    + [
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
    try:
        parse_bytes(data, name)
    except DocumentError:
        pass


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
