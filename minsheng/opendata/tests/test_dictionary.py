"""docs/open-data.md holds the data dictionary exactly as the declarations give it."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management import call_command
from django.utils import translation

from minsheng.opendata.dictionary import END, START, markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "open-data.md"


def test_the_documented_dictionary_matches_the_declarations():
    text = DOC.read_text("utf-8")
    documented = text[text.index(START) : text.index(END) + len(END)]
    with translation.override("en"):
        generated = markdown()
    assert documented == generated, "run: minsheng export --dictionary, and paste it into docs/open-data.md"


def test_the_command_prints_the_dictionary_in_either_language():
    english, chinese = io.StringIO(), io.StringIO()
    call_command("export", dictionary="en", stdout=english)
    call_command("export", dictionary="zh-hans", stdout=chinese)
    assert "| `as_of` | date (YYYY-MM-DD) |" in english.getvalue()
    assert "### 进度数据 (`progress`)" in chinese.getvalue()
