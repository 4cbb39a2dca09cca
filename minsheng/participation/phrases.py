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
from collections.abc import Iterable, Sequence
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
_STOPS = re.compile("[" + re.escape("".join(sorted(STOP_CHARS))) + "]")


@dataclass(frozen=True)
class Phrase:
    text: str
    count: int  # in how many comments it occurs


def fold(text: str) -> str:
    """A text as the phrases are counted in it: full-width folded to ASCII, case folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def phrases_of(folded: str) -> set[str]:
    """The candidate phrases of one folded text (see the module's steps 1 and 2). An n-gram holding a
    function character is never a candidate, so the Han runs are cut at those characters first."""
    found: set[str] = set()
    for run in _RUN.findall(folded):
        if _HAN.match(run):
            for part in _STOPS.split(run):
                found.update(
                    part[start : start + size]
                    for size in NGRAM_SIZES
                    for start in range(len(part) - size + 1)
                )
        elif len(run) >= 3 and not run.isdigit() and run not in STOP_WORDS:
            found.add(run)
    found -= STOP_PHRASES
    return found


class Corpus:
    """Texts folded and cut into candidate phrases once, so that several lists (a plan's, each item's) are
    counted from the same cuts: ``top(indices)`` is the phrase list of those texts."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.documents = [fold(t) for t in texts]
        self.phrases = [phrases_of(d) for d in self.documents]

    def counts(self, indices: Sequence[int] | None = None) -> Counter[str]:
        """In how many of the texts at ``indices`` (all by default) each candidate phrase occurs."""
        counts: Counter[str] = Counter()
        for index in range(len(self.documents)) if indices is None else indices:
            counts.update(self.phrases[index])
        return counts

    def top(
        self,
        indices: Sequence[int] | None = None,
        *,
        counts: Counter[str] | None = None,
        limit: int = 10,
        min_count: int = 2,
    ) -> list[Phrase]:
        """The ``limit`` phrases that occur in the most of the texts at ``indices`` (all by default; their
        ``counts`` when already counted), at least ``min_count`` of them.

        A phrase is grown and compared only with phrases of its own count (growing keeps the count, and a
        phrase is dropped only inside a longer one of the same count), so the counts are taken from the
        highest down and the work stops at the first count that completes the list: the lower ones could
        not enter it. Growing remembers where each phrase it passed through ended, so the n-grams of one
        long phrase are grown once."""
        if counts is None:
            counts = self.counts(indices)
        documents = self.documents if indices is None else [self.documents[i] for i in indices]
        levels: dict[int, list[str]] = {}
        for phrase, count in counts.items():
            if count >= min_count:
                levels.setdefault(count, []).append(phrase)
        grown: dict[str, str] = {}
        result: list[Phrase] = []
        for count in sorted(levels, reverse=True):
            kept: set[str] = set()
            for phrase in sorted(levels[count], key=lambda p: (-len(p), p)):
                if not _HAN.match(phrase):
                    kept.add(phrase)
                elif not any(phrase in longer for longer in kept):
                    kept.add(_extend(phrase, count, documents, grown))
            # Drop a phrase inside a longer kept phrase with the same count.
            result += [
                Phrase(phrase, count)
                for phrase in kept
                if not any(len(other) > len(phrase) and phrase in other for other in kept)
            ]
            if len(result) >= limit:
                break
        result.sort(key=lambda p: (-p.count, -len(p.text), p.text))
        return result[:limit]


def recurring_phrases(texts: Iterable[str], *, limit: int = 10, min_count: int = 2) -> list[Phrase]:
    """The ``limit`` phrases that occur in the most of ``texts`` (at least ``min_count`` of them)."""
    return Corpus(texts).top(limit=limit, min_count=min_count)


def _extend(phrase: str, count: int, documents: list[str], grown: dict[str, str] | None = None) -> str:
    """Grow a Han phrase one character at a time, left or right, while the longer phrase still occurs in
    ``count`` documents (气管道改造 → 燃气管道改造 when every comment saying the one says the other).
    ``grown`` remembers, for each phrase passed through, where it ended."""
    grown = {} if grown is None else grown
    if phrase in grown:
        return grown[phrase]
    passed = [phrase]
    holders = [d for d in documents if phrase in d]
    growing = True
    while growing and phrase not in grown:
        growing = False
        for side in ("left", "right"):
            longer = _grow(phrase, side, count, holders)
            if longer is not None:
                phrase, growing = longer, True
                if phrase in grown:  # the rest of the way is known
                    break
                passed.append(phrase)
    phrase = grown.get(phrase, phrase)
    for step in passed:
        grown[step] = phrase
    return phrase


def _grow(phrase: str, side: str, count: int, holders: list[str]) -> str | None:
    """``phrase`` with the character on ``side`` of it that all ``count`` holders share, or None. Only the
    neighbours in the first holder can be shared by all, so only they are tried, in the order they occur
    there."""
    if len(holders) != count or not holders:
        return None
    first = holders[0]
    tried: set[str] = set()
    start = first.find(phrase)
    while start != -1:
        at = start - 1 if side == "left" else start + len(phrase)
        if 0 <= at < len(first) and first[at] not in tried:
            char = first[at]
            tried.add(char)
            longer = char + phrase if side == "left" else phrase + char
            if _HAN.match(char) and char not in STOP_CHARS and all(longer in d for d in holders):
                return longer
        start = first.find(phrase, start + 1)
    return None
