"""An analysis copy of the text, the same length as what was printed.

Matching runs on the analysis copy (Simplified characters, ASCII digits and punctuation); spans found there
cut the printed text at the same offsets, so ``text`` and ``source`` keep what the document says.
"""

from __future__ import annotations

from functools import lru_cache

_PUNCT = {
    "（": "(", "）": ")", "，": ",", "：": ":", "；": ";", "．": ".", "！": "!", "？": "?",
    "－": "-", "—": "-", "–": "-", "―": "-", "～": "~", "〜": "~", "％": "%", "　": " ",
    "【": "[", "】": "]", "〔": "[", "〕": "]", "［": "[", "］": "]", "﹪": "%", "‰": "‰",
    "﹐": ",", "﹔": ";", "﹕": ":", "､": "、", "·": "·", "＂": '"',
    "「": "“", "」": "”", "『": "“", "』": "”",
}  # fmt: skip
_TABLE: dict[int, str | int] = {ord(k): v for k, v in _PUNCT.items()}
_TABLE.update({cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _PUNCT})


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _simplify(text: str) -> str:
    if text.isascii():
        return text
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    # a phrase conversion changed the length: convert one character at a time to keep offsets
    convert = _converter().convert
    return "".join(ch if ch.isascii() else (c if len(c := convert(ch)) == 1 else ch) for ch in text)


def analysis_copy(text: str) -> str:
    """Simplified, ASCII digits and punctuation; ``len(result) == len(text)``."""
    return _simplify(text).translate(_TABLE)
