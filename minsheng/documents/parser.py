"""From blocks of text to a :class:`PlanDocument`: find the list, its groups and items, then read each item.

How the list is found (see docs/documents.md):

* every paragraph is classified by its leading marker (一、 / 1. 1、 01 / (1) （1） / ① / 一是) and, where a
  paragraph runs several markers together (一是…二是…, (1)…(2)…, ①…②…), it is split;
* the item style is the marker style that forms the longest runs of consecutive numbers; a higher style
  (一、 over 1.; headings with a declared count (4项) / 共N项; short 交通出行方面 lines) makes the groups;
* before the first group or item is framing (title, status, the notice's header); after the last item,
  lines that look like a page footer or signature are framing too;
* a document with no numbered list falls back to one pledge per paragraph, or to a single paragraph
  split on ；, and a table with 序号 / 项目名称 / 建设内容 / 牵头单位 … columns is read row by row.
"""

from __future__ import annotations

import os

from minsheng.documents.blocks import Block, Table
from minsheng.documents.errors import DocumentError
from minsheng.documents.header import FINAL_WORDS, YEAR, read_header, region_in, year_number
from minsheng.documents.items import build_item, check_subtotals
from minsheng.documents.lines import Draft, Line, classify, split_inline
from minsheng.documents.model import Action, PlanDocument
from minsheng.documents.normalize import analysis_copy
from minsheng.documents.readers import MAX_BYTES, read_blocks
from minsheng.documents.segmenters import numbered_lines, unnumbered_paragraphs
from minsheng.documents.tables import flattened_table, read_table


def _document_from_blocks(blocks: list[Block]) -> PlanDocument:
    warnings: list[str] = []
    lines: list[Line] = []
    table_actions: list[tuple[str | None, int | None, list[Draft]]] = []
    table_title = None
    for block in blocks:
        if isinstance(block, Table):
            found_title = read_table(block, table_actions)
            table_title = table_title or found_title
            if not table_actions or not any(d for _, _, d in table_actions):
                # not a plan table: read its cells as paragraphs
                for row in block.rows:
                    text = " ".join(dict.fromkeys(c for c in row if c))
                    if text:
                        line = Line(text, analysis_copy(text))
                        classify(line)
                        lines.append(line)
            continue
        line = Line(block.text, analysis_copy(block.text))
        classify(line)
        if line.style is None or line.style in ("cn", "ar"):
            pieces = split_inline(line)
            if len(pieces) > 1:
                lines.extend(pieces)
                continue
        lines.append(line)

    title, region, year, status, used = read_header(lines)
    if not title and table_title:
        title = table_title
        norm_title = analysis_copy(title)
        year_match = YEAR.search(norm_title)
        year = year or (year_number(year_match.group(1)) if year_match else None)
        region = region or region_in(title, norm_title)
        if status is None and FINAL_WORDS.search(norm_title):
            status = "final"
    body = lines[used:]

    raw_actions: list[tuple[str | None, int | None, list[Draft]]] = []
    if table_actions and any(d for _, _, d in table_actions):
        raw_actions = table_actions
    elif (flat := flattened_table(body)) is not None:
        raw_actions = [(None, None, flat)]
    else:
        groups = numbered_lines(body, warnings)
        if groups and any(drafts for _, drafts in groups):
            for group_line, drafts in groups:
                if group_line is None:
                    raw_actions.append((None, None, drafts))
                else:
                    assert group_line.group is not None
                    raw_actions.append((group_line.group[0], group_line.group[1], drafts))
        else:
            drafts = unnumbered_paragraphs(body)
            if drafts:
                raw_actions = [(None, None, drafts)]
    raw_actions = [a for a in raw_actions if a[2] or a[0]]
    if not any(drafts for _, _, drafts in raw_actions):
        raise DocumentError("no plan found: the document lists no numbered items or pledges")

    actions: list[Action] = []
    # numbering that restarts in each group (（一）教育方面 1. 2. 3. （二）… 1. 2.) is renumbered 1..N
    restarts_per_group = any(drafts and drafts[0].no == 1 for _, _, drafts in raw_actions[1:]) and any(
        len(drafts) > 0 for _, _, drafts in raw_actions[:1]
    )
    running = 0
    seen: set[int] = set()
    previous: int | None = None
    for index, (group_title, declared, drafts) in enumerate(raw_actions, start=1):
        action = Action(no=index, title=group_title, declared_item_count=declared)
        if restarts_per_group:
            previous = None
        for draft in drafts:
            running += 1
            printed = draft.no
            no = running if printed is None or restarts_per_group else printed
            if printed is not None:
                if not restarts_per_group and printed in seen:
                    warnings.append(f"item number {printed} appears more than once")
                elif previous is not None and printed > previous + 1:
                    missing = ", ".join(str(n) for n in range(previous + 1, printed))
                    warnings.append(f"numbering skips from {previous} to {printed} (missing {missing})")
                elif previous is not None and printed <= previous:
                    warnings.append(f"item number {printed} appears more than once")
                previous = printed
                seen.add(printed)
            item = build_item(draft, no)
            check_subtotals(item, warnings)
            action.items.append(item)
        if declared is not None and declared != len(action.items):
            warnings.append(
                f"action {index} ({group_title}) declares {declared} items but lists {len(action.items)}"
            )
        actions.append(action)
    numbers = [item.no for action in actions for item in action.items]
    if len(set(numbers)) != len(numbers):
        # a number printed twice (already warned about): number the items 1..N so each has its own
        for new_no, item in enumerate((item for action in actions for item in action.items), start=1):
            item.no = new_no
    return PlanDocument(
        title=title,
        region=region,
        year=year,
        status="draft" if status == "draft" else "final" if status == "final" else None,
        actions=actions,
        warnings=warnings,
    )


def parse_blocks(blocks: list[Block]) -> PlanDocument:
    try:
        return _document_from_blocks(blocks)
    except DocumentError:
        raise
    except RecursionError as exc:  # pragma: no cover - pathological nesting
        raise DocumentError("the document is too deeply nested to read") from exc


def parse_text(text: str) -> PlanDocument:
    """Read a plan from already-decoded text."""
    from minsheng.documents.readers import text_blocks

    if not isinstance(text, str):
        raise DocumentError("the text to parse must be a string")
    if len(text) > MAX_BYTES:
        raise DocumentError("the text is larger than the 20 MB limit")
    return parse_blocks(text_blocks(text))


def parse_bytes(data: bytes, filename: str = "") -> PlanDocument:
    """Read a plan from the bytes of a file; ``filename`` only breaks ties on the format."""
    return parse_blocks(read_blocks(data, filename))


def parse_file(path: str | os.PathLike[str]) -> PlanDocument:
    """Read a plan from a file on disk."""
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise DocumentError(f"the file is larger than the {MAX_BYTES // (1024 * 1024)} MB limit")
        if os.path.isdir(path):
            raise DocumentError(f"{os.fspath(path)} is a folder, not a file")
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError as exc:
        raise DocumentError(f"no such file: {os.fspath(path)}") from exc
    except IsADirectoryError as exc:
        raise DocumentError(f"{os.fspath(path)} is a folder, not a file") from exc
    except OSError as exc:
        raise DocumentError(f"cannot read {os.fspath(path)}: {exc.strerror or exc}") from exc
    return parse_bytes(data, os.path.basename(os.fspath(path)))
