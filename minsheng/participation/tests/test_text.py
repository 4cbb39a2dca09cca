"""The checks on written text and the recurring-phrase counter: plain functions."""

from __future__ import annotations

import pytest

from minsheng.participation.phrases import recurring_phrases
from minsheng.participation.text import TextProblem, clean_user_text, fold, has_markup, sensitive_matches

pytestmark = pytest.mark.usefixtures("en")


@pytest.mark.parametrize(
    "text",
    [
        "人数<100，费用>5万元",
        "a < b and c > d",
        "< script >",  # not a tag to a browser either
        "价格 &lt; 10",
        "邮箱 a@b.cn 网址 https://example.org/x?a=1&b=2",
        "表情👨‍👩‍👧很好",  # the zero-width joiner inside an emoji sequence is allowed
        "第一行\n\t第二行",
    ],
)
def test_plain_text_passes_unchanged(text):
    assert clean_user_text(text, limit=200) == text


@pytest.mark.parametrize(
    "text",
    [
        "<script>x</script>",
        "<SCRIPT SRC=//x>",
        "</p>",
        "<a href='x'>链接</a>",
        "<svg/onload=alert(1)>",
        "<img src=x",
        "JavaScript:alert(1)",
        "&#60;script&#62;",
        "&#x3C;script",
    ],
)
def test_markup_is_recognised(text):
    assert has_markup(text)


def test_line_endings_and_outer_space_are_the_only_changes():
    assert clean_user_text("  甲\r\n乙\r丙  ", limit=10) == "甲\n乙\n丙"


def test_the_limit_counts_characters_not_bytes():
    assert clean_user_text("长" * 10, limit=10) == "长" * 10
    with pytest.raises(TextProblem, match="11 characters, at most 10"):
        clean_user_text("长" * 11, limit=10)


def test_optional_text_may_be_empty():
    assert clean_user_text(None, limit=10, required=False) == ""
    with pytest.raises(TextProblem, match="This is empty"):
        clean_user_text(None, limit=10)


def test_matching_folds_width_case_spaces_and_punctuation():
    assert fold("ＡＢＣ 敏-感，词") == "abc敏感词"
    assert sensitive_matches("这里有敏 感·词和ＢＡＤ", ["敏感词", "bad", "无关"]) == ["敏感词", "bad"]
    assert sensitive_matches("什么也没有", ["敏感词"]) == []


# --- recurring phrases -----------------------------------------------------------------------------------


def test_phrases_count_once_per_comment():
    texts = ["停车位停车位停车位不够", "停车位太少", "绿化不错"]
    phrases = {p.text: p.count for p in recurring_phrases(texts)}
    assert phrases == {"停车位": 2}


def test_phrases_grow_past_four_characters():
    texts = ["天然气管道老化", "更换天然气管道", "天然气管道漏气怎么办"]
    assert recurring_phrases(texts)[0].text == "天然气管道"


def test_function_characters_and_stock_phrases_are_not_phrases():
    texts = ["我们希望可以进行改造", "希望进行的改造", "建议进行改造的"]
    phrases = [p.text for p in recurring_phrases(texts)]
    assert "改造" in phrases
    assert not {"希望", "进行", "建议", "的改造"} & set(phrases)


def test_latin_words_are_counted_whole():
    texts = ["Need more WiFi in the park", "wifi please", "The park needs wifi"]
    phrases = {p.text: p.count for p in recurring_phrases(texts)}
    assert phrases["wifi"] == 3
    assert phrases["park"] == 2
    assert "the" not in phrases


def test_the_limit_and_the_order():
    texts = ["燃气管道 老旧小区 停车位"] * 3 + ["停车位 老旧小区"] * 2 + ["停车位"]
    phrases = recurring_phrases(texts, limit=2)
    assert [(p.text, p.count) for p in phrases] == [("停车位", 6), ("老旧小区", 5)]


def test_no_comments_no_phrases():
    assert recurring_phrases([]) == []
