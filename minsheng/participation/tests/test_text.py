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


def _plain_phrases(texts: list[str], limit: int = 10, min_count: int = 2) -> list[tuple[str, int]]:
    """The phrase list as phrases.py's docstring describes it, done the plain (slow) way: every n-gram of
    every Han run checked for function characters, every phrase with at least ``min_count`` grown."""
    from collections import Counter

    from minsheng.participation import phrases as p

    documents = [p.fold(t) for t in texts]
    counts: Counter[str] = Counter()
    for document in documents:
        found = set()
        for run in p._RUN.findall(document):
            if p._HAN.match(run):
                for size in p.NGRAM_SIZES:
                    for start in range(len(run) - size + 1):
                        gram = run[start : start + size]
                        if gram not in p.STOP_PHRASES and not any(ch in p.STOP_CHARS for ch in gram):
                            found.add(gram)
            elif len(run) >= 3 and not run.isdigit() and run not in p.STOP_WORDS:
                found.add(run)
        counts.update(found)
    kept: dict[str, int] = {}
    for phrase, count in counts.items():
        if count >= min_count:
            while p._HAN.match(phrase):
                holders = [d for d in documents if phrase in d]
                longer = p._grow(phrase, "left", count, holders) or p._grow(phrase, "right", count, holders)
                if longer is None:
                    break
                phrase = longer
            kept[phrase] = count
    result = [
        (phrase, count)
        for phrase, count in kept.items()
        if not any(len(o) > len(phrase) and phrase in o and c == count for o, c in kept.items())
    ]
    result.sort(key=lambda pc: (-pc[1], -len(pc[0]), pc[0]))
    return result[:limit]


def test_the_fast_phrase_count_gives_the_plain_one():
    """Counting from the highest count down, cutting at function characters first and not growing a phrase
    already inside a grown one change nothing (on comments that say each concern once)."""
    import random

    from minsheng.participation.phrases import Corpus

    concerns = [
        "老旧小区燃气管道改造",
        "停车位不够",
        "加装电梯",
        "学校周边交通安全",
        "雨污分流工程",
        "路灯维修",
    ]
    filler = [
        "建议尽快落实",
        "希望政府重视",
        "资金要公开透明",
        "群众反映强烈",
        "请公布时间表",
        "wifi coverage",
    ]
    rng = random.Random(3)
    for _ in range(40):
        texts = [
            "，".join(rng.sample(concerns, rng.randint(1, 3)) + rng.sample(filler, rng.randint(1, 3)))
            for _ in range(rng.choice([2, 5, 12, 40]))
        ]
        assert [(p.text, p.count) for p in recurring_phrases(texts)] == _plain_phrases(texts)
        half = list(range(0, len(texts), 2))
        assert [(p.text, p.count) for p in Corpus(texts).top(half)] == _plain_phrases(
            [texts[i] for i in half]
        )
