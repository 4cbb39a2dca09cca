"""Recurring words and phrases in a set of comments, for the consultation report. Plain functions.

Chinese is written without spaces, so there are no words to count without a dictionary. Instead:

1. Each comment is folded (full-width → ASCII, case) and cut into runs of Han characters and runs of
   Latin letters or digits; punctuation, spaces and emoji separate runs.
2. From Han runs we take every 2-, 3- and 4-character sequence (n-gram); from Latin runs whole words of
   three letters or more. An n-gram that contains a function character (的, 了, 是, 在 …) or is a stock
   phrase of comments (建议, 希望, 可以 …) is dropped.
3. A phrase counts once per comment (document frequency), so one long repetitive comment does not dominate;
   a phrase must occur in at least ``min_count`` comments.
4. A kept phrase grows a character at a time to the left or right while the longer phrase occurs in as
   many comments (天然气管 → 天然气管道, past the 4-character n-grams), and a phrase inside a longer kept
   phrase with the same count is dropped (燃气 and 气管 go when 燃气管 has the same count).

The result is ordered by count, then length, then the phrase. It is a frequency list, not linguistics: it
finds repeated concerns (燃气管道, 老旧小区, 停车位) well and says nothing about sentiment.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# Function characters: an n-gram holding one of these is rarely a phrase worth reporting.
STOP_CHARS = frozenset(
    "的了是在和与及或而也就都还又把被对为于从向给让着过之其这那哪些个我你他她它们您咱啊吧呢吗呀哦嘛很太更最"
    "不没要会能可以得地所等将并且但"
)
# Stock phrases of comments themselves.
STOP_PHRASES = frozenset(
    {
        "建议",
        "希望",
        "觉得",
        "认为",
        "进行",
        "一下",
        "一些",
        "问题",
        "情况",
        "目前",
        "现在",
        "今年",
        "明年",
        "非常",
    }
)
STOP_WORDS = frozenset(
    {"the", "and", "for", "are", "but", "not", "you", "with", "this", "that", "have", "was", "our", "they"}
)
NGRAM_SIZES = (2, 3, 4)

_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Phrase:
    text: str
    count: int  # in how many comments it occurs


def _phrases_of(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    found: set[str] = set()
    for run in _RUN.findall(folded):
        if _HAN.match(run):
            for size in NGRAM_SIZES:
                for start in range(len(run) - size + 1):
                    gram = run[start : start + size]
                    if gram in STOP_PHRASES or any(ch in STOP_CHARS for ch in gram):
                        continue
                    found.add(gram)
        elif len(run) >= 3 and not run.isdigit() and run not in STOP_WORDS:
            found.add(run)
    return found


def recurring_phrases(texts: Iterable[str], *, limit: int = 10, min_count: int = 2) -> list[Phrase]:
    """The ``limit`` phrases that occur in the most of ``texts`` (at least ``min_count`` of them)."""
    documents = [unicodedata.normalize("NFKC", t).casefold() for t in texts]
    counts: Counter[str] = Counter()
    for document in documents:
        counts.update(_phrases_of(document))
    kept: dict[str, int] = {}
    for phrase, count in counts.items():
        if count >= min_count:
            longest = _extend(phrase, count, documents) if _HAN.match(phrase) else phrase
            kept[longest] = count
    # Drop a phrase inside a longer kept phrase with the same count.
    by_count: dict[int, list[str]] = {}
    for phrase, count in kept.items():
        by_count.setdefault(count, []).append(phrase)
    result = [
        Phrase(phrase, count)
        for phrase, count in kept.items()
        if not any(len(other) > len(phrase) and phrase in other for other in by_count[count])
    ]
    result.sort(key=lambda p: (-p.count, -len(p.text), p.text))
    return result[:limit]


def _extend(phrase: str, count: int, documents: list[str]) -> str:
    """Grow a Han phrase one character at a time, left or right, while the longer phrase still occurs in
    ``count`` documents (气管道改造 → 燃气管道改造 when every comment saying the one says the other)."""
    holders = [d for d in documents if phrase in d]
    grown = True
    while grown:
        grown = False
        for side in ("left", "right"):
            neighbours: Counter[str] = Counter()
            for document in holders:
                found: set[str] = set()
                start = document.find(phrase)
                while start != -1:
                    at = start - 1 if side == "left" else start + len(phrase)
                    if 0 <= at < len(document):
                        found.add(document[at])
                    start = document.find(phrase, start + 1)
                neighbours.update(found)
            for char, docs in neighbours.most_common(1):
                if docs == count and _HAN.match(char) and char not in STOP_CHARS:
                    phrase = char + phrase if side == "left" else phrase + char
                    grown = True
    return phrase
