"""From blocks of text to a :class:`PlanDocument`: propose every reading, keep the best, read its items.

1. blocks → classified lines (``lines.py``), plan tables read by their columns (``tables.py``);
2. the head (``header.py``): title, status, region, year;
3. :func:`propose`: every segmenter's reading of the body (``segmenters.py``, ``layouts.py``, ``tables.py``);
4. ``readings.choose``: the best by score, the runner-up that finds other items, a confidence;
5. the chosen drafts numbered (as printed, or 1..N), read into items (``items.py``), with a notice for
   each gap, repeat, declared count missed or subtotal that does not add up (``notices.py``).
"""

from __future__ import annotations

import os
import re

from minsheng.documents.blocks import Block, Table
from minsheng.documents.errors import DocumentError
from minsheng.documents.header import FINAL_WORDS, PROGRESS_WORDS, YEAR, read_header, region_in, year_number
from minsheng.documents.items import build_item, check_subtotals
from minsheng.documents.layouts import bullet_titles, quoted_titles, row_lines, titled_paragraphs
from minsheng.documents.lines import Draft, Line, announced_counts, classify, marker_number, split_inline
from minsheng.documents.model import Action, DocumentReading, PlanDocument
from minsheng.documents.normalize import analysis_copy
from minsheng.documents.notices import Notice
from minsheng.documents.readers import MAX_BYTES, read_blocks
from minsheng.documents.readings import RawAction, Reading, choose, confidence
from minsheng.documents.segmenters import ANNOUNCED_LIST, numbered_lines, unnumbered_paragraphs
from minsheng.documents.tables import flattened_table, read_table


def _lines_and_tables(blocks: list[Block]) -> tuple[list[Line], list[RawAction], str | None]:
    """Paragraphs as classified lines (runs of inline markers split); plan tables read row by row."""
    lines: list[Line] = []
    table_actions: list[RawAction] = []
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
    return lines, table_actions, table_title


def _fresh(lines: list[Line]) -> list[Line]:
    """The same lines with no roles yet: each segmenter marks its own copy."""
    return [Line(ln.orig, ln.norm, ln.style, ln.num, ln.rest_at, ln.group) for ln in lines]


def _ungrouped(groups: list[tuple[str | None, list[Draft]]] | None) -> list[RawAction]:
    return [(title, None, drafts) for title, drafts in groups or []]


def _cells_as_lines(blocks: list[Block]) -> list[Line]:
    """The cells of every table, one line each, so a table can be read as rows of cells too."""
    cells: list[Line] = []
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                cells.extend(Line(cell, analysis_copy(cell)) for cell in row if cell.strip())
    return cells


def propose(body: list[Line], table_actions: list[RawAction], table_cells: list[Line]) -> list[Reading]:
    """Every plausible segmentation of the body, one :class:`Reading` per segmenter that finds a list."""
    readings: list[Reading] = []
    if table_actions and any(d for _, _, d in table_actions):
        readings.append(Reading("table", table_actions))
    if table_cells:
        readings.append(Reading("table-rows", _ungrouped(row_lines(table_cells))))
    if (flat := flattened_table(_fresh(body))) is not None:
        readings.append(Reading("flattened-table", [(None, None, flat)]))
    numbered: list[RawAction] = []
    for group_line, drafts in numbered_lines(_fresh(body)):
        group = group_line.group if group_line is not None else None
        numbered.append((group[0], group[1], drafts) if group else (None, None, drafts))
    readings.append(Reading("numbered", numbered))
    readings.append(Reading("rows", _ungrouped(row_lines(body))))
    readings.append(Reading("bullets", _ungrouped(bullet_titles(body))))
    readings.append(Reading("titles", _ungrouped(titled_paragraphs(body))))
    readings.append(Reading("quoted-titles", _ungrouped(quoted_titles(body))))
    readings.append(Reading("paragraphs", [(None, None, unnumbered_paragraphs(_fresh(body)))]))
    for reading in readings:
        reading.actions = [a for a in reading.actions if a[2] or a[0]]
    return [r for r in readings if r.drafts]


def _document_from_blocks(blocks: list[Block]) -> PlanDocument:
    notices: list[Notice] = []
    lines, table_actions, table_title = _lines_and_tables(blocks)
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
    readings = propose(body, table_actions, _cells_as_lines(blocks))
    if not readings:
        raise DocumentError("no plan found: the document lists no numbered items or pledges")
    announced = announced_counts(" ".join(line.norm for line in lines[:12]))  # said before the list
    best, runner_up = choose(readings, sum(len(line.norm) for line in body), announced)
    raw_actions = best.actions
    if PROGRESS_WORDS.search(" ".join(line.norm for line in lines[:4])):
        for draft in best.drafts:
            draft.progress = True

    actions = _number_items(raw_actions, notices)
    _check_announced(lines[:12], actions, notices)
    reading = DocumentReading(
        segmenter=best.segmenter,
        score=best.score,
        runner_up=runner_up.segmenter if runner_up else None,
        runner_up_score=runner_up.score if runner_up else None,
        confidence=confidence(best, runner_up),
    )
    return PlanDocument(
        title=title,
        region=region,
        year=year,
        status="draft" if status == "draft" else "final" if status == "final" else None,
        actions=actions,
        warnings=[notice.render() for notice in notices],
        notices=notices,
        reading=reading,
    )


_PAST = re.compile(r"去年|上年|往年|过去|前年|上一年")


def _check_announced(head: list[Line], actions: list[Action], notices: list[Notice]) -> None:
    """A list shorter than the one count the document announces for it (办好以下十件民生实事) is said, never
    silently read short. Only fewer: a vote's list may hold more candidates than the items to choose."""
    counts: set[int] = set()
    for line in head:
        for m in ANNOUNCED_LIST.finditer(line.norm):
            clause = re.split(r"[,;:。，；：]", line.norm[: m.start()])[-1]
            if not _PAST.search(clause):  # 去年承诺的12件民生实事全部办结: last year's list, not this one
                counts.add(marker_number(m.group(1)) or 0)
    counts.discard(0)
    found = sum(len(action.items) for action in actions)
    if len(counts) == 1 and found < (announced := counts.pop()):
        notices.append(Notice("announced-count", {"announced": announced, "found": found}))


def _number_items(raw_actions: list[RawAction], notices: list[Notice]) -> list[Action]:
    """Items numbered as printed (or 1..N), with a notice for each gap, repeat or declared count missed."""
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
                    notices.append(Notice("number-repeated", {"number": printed}))
                elif previous is not None and printed > previous + 1:
                    missing = ", ".join(str(n) for n in range(previous + 1, printed))
                    notices.append(
                        Notice("numbering-gap", {"previous": previous, "next": printed, "missing": missing})
                    )
                elif previous is not None and printed <= previous:
                    notices.append(Notice("number-repeated", {"number": printed}))
                previous = printed
                seen.add(printed)
            item = build_item(draft, no)
            check_subtotals(item, notices)
            action.items.append(item)
        if declared is not None and declared != len(action.items):
            notices.append(
                Notice(
                    "declared-count",
                    {"action": index, "title": group_title, "declared": declared, "found": len(action.items)},
                )
            )
        actions.append(action)
    numbers = [item.no for action in actions for item in action.items]
    if len(set(numbers)) != len(numbers):
        # a number printed twice (already warned about): number the items 1..N so each has its own
        for new_no, item in enumerate((item for action in actions for item in action.items), start=1):
            item.no = new_no
    return actions


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
    """Read a plan from the bytes of a file; ``filename`` only breaks ties on the format. A plan document in
    its own JSON form (``plan-document.schema.json``) is read back as it is (see :mod:`.jsonform`)."""
    from minsheng.documents.jsonform import NotAJsonDocument, looks_like_json, read_json

    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if data and len(data) <= MAX_BYTES and looks_like_json(data, suffix):
        try:
            return read_json(data)
        except NotAJsonDocument:
            if suffix == "json":
                raise
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
