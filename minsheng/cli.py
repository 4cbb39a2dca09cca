"""The ``minsheng`` command.

``minsheng parse FILE`` reads a plan document without touching Django or a database. Every other
sub-command is a Django management command (``minsheng migrate``, ``minsheng import``, ``minsheng demo``…).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO


def _format_number(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


LANGUAGES = ("zh-hans", "en")
DOUBTFUL = 0.75  # a reading below this confidence is flagged for a person to check


def translator(language: str) -> Callable[[str], str]:
    """gettext for the reader's warnings from the project's catalogue, without setting up Django."""
    import gettext

    locale = Path(__file__).parent / "locale"
    folder = {"zh-hans": "zh_Hans", "en": "en"}[language]
    return gettext.translation("django", locale, languages=[folder], fallback=True).gettext


def default_language() -> str:
    env = os.environ.get("MINSHENG_LANGUAGE") or os.environ.get("LANGUAGE") or os.environ.get("LANG") or ""
    return "en" if env.lower().startswith("en") else "zh-hans"


def reader_warnings(document, gettext: Callable[[str], str]) -> list[str]:
    """The document's warnings in the user's language, and a doubtful reading if the choice was close."""
    lines = [notice.render(gettext) for notice in document.notices]
    reading = document.reading
    if reading is not None and reading.runner_up and reading.confidence < DOUBTFUL:
        from minsheng.documents.notices import Notice

        doubt = Notice("doubtful-reading", {"chosen": reading.segmenter, "runner_up": reading.runner_up})
        lines.append(doubt.render(gettext))
    return lines


def render_text(document, out: TextIO, gettext: Callable[[str], str] = str) -> None:
    """Write a plan as a table a person can read."""
    head = document.title
    meta = " · ".join(
        part
        for part in (
            document.region or "",
            str(document.year) if document.year else "",
            {"draft": "征求意见稿 draft", "final": "final"}.get(document.status or "", ""),
        )
        if part
    )
    out.write(f"{head}\n")
    if meta:
        out.write(f"{meta}\n")
    total_items = sum(len(a.items) for a in document.actions)
    out.write(f"{len(document.actions)} actions, {total_items} items\n")
    if document.reading is not None:
        r = document.reading
        second = f"; runner-up {r.runner_up} {r.runner_up_score}" if r.runner_up else ""
        out.write(f"reading: {r.segmenter} (score {r.score}{second}; confidence {r.confidence})\n")
    for action in document.actions:
        declared = f" ({action.declared_item_count})" if action.declared_item_count is not None else ""
        out.write(f"\n{action.no}. {action.title or '—'}{declared}\n")
        for item in action.items:
            text = item.title or item.text
            if len(text) > 60:
                text = text[:59] + "…"
            out.write(f"  {item.no:>3}  {text}\n")
            for t in item.targets:
                if t.kind == "milestone":
                    out.write(f"         ◇ milestone   {t.subject}\n")
                    continue
                value = _format_number(t.value)
                if t.op == "range":
                    value = f"{value}–{_format_number(t.value_max)}"
                period = f" /{t.period}" if t.period else ""
                out.write(f"         ● {t.op:<5} {value:>14} {t.unit or ''}{period}   {t.subject}\n")
            for s in item.standards:
                amount = _format_number(s.amount)
                if s.op == "range":
                    amount = f"{amount}–{_format_number(s.amount_max)}"
                per = f" per {s.per}" if s.per else ""
                period = f" per {s.period}" if s.period else ""
                prev = f" (was {_format_number(s.previous)})" if s.previous is not None else ""
                out.write(f"         ¥ {s.op:<5} {amount:>14} 元{per}{period}{prev}   {s.subject}\n")
            extra = []
            if item.departments:
                extra.append("departments: " + "、".join(item.departments))
            if item.locations:
                extra.append("places: " + "、".join(item.locations))
            if extra:
                out.write("         " + "; ".join(extra) + "\n")
    warnings = reader_warnings(document, gettext)
    if warnings:
        out.write(f"\n{gettext('Warnings found in the document')}:\n")
        for w in warnings:
            out.write(f"  ! {w}\n")


def parse_command(argv: Sequence[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    from minsheng.documents import DocumentError, parse_file

    out = out or sys.stdout
    err = err or sys.stderr

    parser = argparse.ArgumentParser(
        prog="minsheng parse", description="Read a plan document and print its items and quantities."
    )
    parser.add_argument("file", help="a .txt, .md, .docx, .xlsx or .html plan document")
    parser.add_argument("--format", choices=("json", "text"), default="text", help="output format")
    parser.add_argument(
        "--language", choices=LANGUAGES, default=None, help="language of the warnings (default: from $LANG)"
    )
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return 2 if exc.code else 0
    try:
        document = parse_file(args.file)
    except DocumentError as exc:
        err.write(f"minsheng parse: error: {exc}\n")
        return 2
    gettext = translator(args.language or default_language())
    if args.format == "json":
        data = document.to_dict()
        data["warnings"] = [notice.render(gettext) for notice in document.notices]
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
        for warning in reader_warnings(document, gettext):  # stdout is the JSON: tell the person on stderr
            err.write(f"minsheng parse: {warning}\n")
    else:
        render_text(document, out, gettext)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "parse":
        return parse_command(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["minsheng", *args])
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
