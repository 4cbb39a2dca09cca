"""Checks on text people write, and sensitive-word matching. Plain functions, no database.

The rule is *refuse, never strip*: a text with markup or invisible control characters is refused with a
message saying why, so that what is stored is exactly what the person sent and saw. Outer whitespace is
trimmed and line endings become ``\\n`` (as any form does); nothing else is changed. Stored text is escaped
wherever it is shown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.utils.translation import gettext as _

# What a browser would read as markup: a tag (<b>, </div>, <!-- -->, <img src=x onerror=…>; as in HTML, "<"
# directly followed by a letter, "/", "!" or "?", so "a < b" is text), a dangerous tag left unclosed,
# script URLs, and "<" written as a character reference.
_MARKUP = re.compile(
    r"<(?:[a-zA-Z]|/[a-zA-Z]|!|\?)[^<>]*>"
    r"|</?(?:script|style|iframe|frame|img|svg|math|object|embed|link|meta|base|form|input)\b"
    r"|(?:javascript|vbscript)\s*:"
    r"|&#0*(?:60|x0*3c);",
    re.IGNORECASE,
)
_ZERO_WIDTH_JOINER = "\u200d"  # part of emoji sequences; allowed


class TextProblem(ValueError):
    """The text cannot be accepted; ``str(problem)`` says why, for the person who wrote it."""


def invisible_characters(text: str) -> list[str]:
    """Control and format characters other than newline, tab and the zero-width joiner."""
    found = []
    for char in text:
        category = unicodedata.category(char)
        if char in "\n\t" or char == _ZERO_WIDTH_JOINER:
            continue
        if category in ("Cc", "Cf", "Cs", "Co", "Cn") and char not in found:
            found.append(char)
    return found


def has_markup(text: str) -> bool:
    return bool(_MARKUP.search(text))


def clean_user_text(
    value: object, *, limit: int, required: bool = True, empty_message: str | None = None
) -> str:
    """The text as it will be stored, or :class:`TextProblem`.

    Empty (after trimming), longer than ``limit`` characters, markup (HTML tags, scripts, ``javascript:``)
    and invisible control characters are refused."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    else:
        raise TextProblem(_("Write plain text."))
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        if required:
            raise TextProblem(empty_message or _("This is empty: write something."))
        return ""
    if len(text) > limit:
        raise TextProblem(
            _("This is too long: %(length)d characters, at most %(limit)d.")
            % {"length": len(text), "limit": limit}
        )
    if invisible_characters(text):
        raise TextProblem(_("This contains invisible control characters; remove them and try again."))
    if has_markup(text):
        raise TextProblem(_("Write plain text: HTML tags and scripts are not accepted."))
    return text


def fold(text: str) -> str:
    """Text for matching: compatibility forms folded (full-width → ASCII), case folded, and whitespace,
    punctuation and invisible characters removed, so that "敏 感", "敏-感" and "ＡＢＣ" match "敏感" and "abc"."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LNS")


def sensitive_matches(text: str, words: Iterable[str]) -> list[str]:
    """The words (as configured) that occur in ``text``, in the order given, each once."""
    haystack = fold(text)
    found: list[str] = []
    for word in words:
        needle = fold(word)
        if needle and needle in haystack and word not in found:
            found.append(word)
    return found
