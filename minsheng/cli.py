"""The ``minsheng`` command.

``minsheng parse FILE`` reads a plan document without touching Django or a database. Every other
sub-command is a Django management command (``minsheng migrate``, ``minsheng import``, ``minsheng demo``…).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import TextIO


def _format_number(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def render_text(document, out: TextIO) -> None:
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
    if document.warnings:
        out.write("\nwarnings:\n")
        for w in document.warnings:
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
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return 2 if exc.code else 0
    try:
        document = parse_file(args.file)
    except DocumentError as exc:
        err.write(f"minsheng parse: error: {exc}\n")
        return 2
    if args.format == "json":
        json.dump(document.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        render_text(document, out)
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
