"""The catalogues: Chinese complete, English complete, and the committed .mo files match the .po files."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.LOCALE_PATHS[0])


def _entries(po: Path) -> list[dict]:
    """A small .po reader: enough for the files makemessages writes."""
    entries, current, key = [], {}, None
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, key = {}, None
        elif line.startswith("#,"):
            current["flags"] = line[2:].strip()
        elif line.startswith("#"):
            continue
        elif match := re.match(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (\".*\")$", line):
            key = match.group(1)
            current[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    return [entry for entry in entries if entry.get("msgid")]


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_every_message_is_translated_and_none_is_fuzzy(language):
    entries = _entries(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    for entry in entries:
        assert "fuzzy" not in entry.get("flags", ""), entry["msgid"]
        translations = [value for key, value in entry.items() if key.startswith("msgstr")]
        assert translations and all(translations), entry["msgid"]


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_the_committed_mo_file_matches_the_po_file(language):
    directory = LOCALE / language / "LC_MESSAGES"
    with (directory / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in _entries(directory / "django.po"):
        if "msgctxt" in entry:
            assert catalogue.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"], entry["msgid"]
        elif "msgid_plural" in entry:
            assert catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr[0]"]
        else:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


def test_chinese_translations_keep_every_placeholder():
    """Chinese has one plural form: it carries the plural's placeholders (which include the singular's)."""
    for entry in _entries(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"):
        placeholders = set(re.findall(r"%\(\w+\)[sd]", entry["msgid"] + entry.get("msgid_plural", "")))
        translated = entry.get("msgstr") or entry.get("msgstr[0]")
        assert set(re.findall(r"%\(\w+\)[sd]", translated)) == placeholders, entry["msgid"]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path):
    """Extract the Python strings with xgettext and compare the message ids with the committed catalogue."""
    root = Path(settings.BASE_DIR)
    subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            "--keyword=gettext_lazy",
            "--keyword=gettext",
            "--keyword=_",
            "--keyword=ngettext:1,2",
            "--output",
            str(tmp_path / "py.pot"),
            *[
                str(p)
                for p in sorted((root / "minsheng").rglob("*.py"))
                if "documents" not in p.parts and "tests" not in p.parts
            ],
            *[str(p) for p in sorted((root / "config").rglob("*.py"))],
        ],
        check=True,
    )
    pot_ids = {entry["msgid"] for entry in _entries(tmp_path / "py.pot")}
    known = {entry["msgid"] for entry in _entries(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po")}
    assert pot_ids <= known, sorted(pot_ids - known)
