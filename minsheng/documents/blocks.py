"""The reader's blocks: paragraphs of text and tables of cell text, as every format reader returns them.

``readers.py`` (text), ``office.py`` (.docx/.xlsx) and ``html.py`` all build these and import only this
module from each other's side, so the package has no import cycle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# characters that end a sentence or a clause: a line ending otherwise was cut by a page or a line break
TERMINAL = tuple("。；;！？!?：:”」）)】")


@dataclass(slots=True)
class Paragraph:
    text: str


@dataclass(slots=True)
class Table:
    rows: list[list[str]] = field(default_factory=list)


Block = Paragraph | Table

_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_TONED_SET = frozenset(_TONED)
# pinyin a mirror site printed after a character: 岳陽(yáng)樓區(qū), 4萬(wàn)人 (a tone mark tells it from a note)
_PINYIN = re.compile(rf"(?<=[\u3400-\u9fff])[(（](?=[a-zü]*[{_TONED}])[a-zü{_TONED}]{{1,6}}[)）]")


def clean_line(text: str) -> str:
    """Strip conversion artefacts ([bookmark: _GoBack], inserted pinyin), control characters and outer blanks."""
    if "[bookmark" in text:
        text = _BOOKMARK.sub("", text)
    text = _CONTROL.sub("", text)
    if not _TONED_SET.isdisjoint(text):  # cheap test first: most lines hold no tone mark
        text = _PINYIN.sub("", text)
    return text.replace("\u00a0", " ").replace("\u3000", " ").strip()
