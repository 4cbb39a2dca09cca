"""Read .docx (paragraphs and tables in body order, merged cells) and .xlsx (sheets as tables)."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from minsheng.documents.blocks import Block, Paragraph, Table, clean_line
from minsheng.documents.errors import DocumentError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def _paragraph_text(p: etree._Element) -> str:
    parts: list[str] = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}delText", f"{W}noBreakHyphen"):
        tag = node.tag
        if tag == f"{W}t":
            parts.append(node.text or "")
        elif tag == f"{W}tab":
            parts.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        # deleted text (w:delText, tracked changes) is not part of the document
    return "".join(parts)


def _cell_text(tc: etree._Element) -> str:
    lines = [clean_line(_paragraph_text(p)) for p in tc.iter(f"{W}p")]
    return "\n".join(line for line in lines if line)


def _table_rows(tbl: etree._Element) -> list[list[str]]:
    """Rows of cell text; a horizontally merged cell fills every column it spans, a vertically merged one
    repeats the text of the cell it continues."""
    rows: list[list[str]] = []
    above: dict[int, str] = {}
    for tr in tbl.findall(f"{W}tr"):
        row: list[str] = []
        col = 0
        for tc in tr.findall(f"{W}tc"):
            props = tc.find(f"{W}tcPr")
            span = 1
            vmerge = None
            if props is not None:
                grid = props.find(f"{W}gridSpan")
                if grid is not None:
                    try:
                        span = max(1, min(64, int(grid.get(f"{W}val", "1"))))
                    except ValueError:
                        span = 1
                vm = props.find(f"{W}vMerge")
                if vm is not None:
                    vmerge = vm.get(f"{W}val", "continue")
            text = _cell_text(tc)
            if vmerge == "continue":
                text = above.get(col, "")
            for _ in range(span):
                row.append(text)
                above[col] = text
                col += 1
        rows.append(row)
    return rows


def docx_blocks(archive: zipfile.ZipFile) -> list[Block]:
    try:
        root = etree.fromstring(archive.read("word/document.xml"), _PARSER)
    except (etree.XMLSyntaxError, KeyError, zipfile.BadZipFile, OSError) as exc:
        raise DocumentError("the .docx document is damaged (its text part cannot be read)") from exc
    body = root.find(f"{W}body")
    if body is None:
        raise DocumentError("the .docx document has no body")
    blocks: list[Block] = []
    for child in body:
        if child.tag == f"{W}p":
            for line in _paragraph_text(child).split("\n"):
                text = clean_line(line)
                if text:
                    blocks.append(Paragraph(text))
        elif child.tag == f"{W}tbl":
            rows = _table_rows(child)
            if rows:
                blocks.append(Table(rows))
        elif child.tag == f"{W}sdt":  # content controls wrap paragraphs
            for p in child.iter(f"{W}p"):
                text = clean_line(_paragraph_text(p))
                if text:
                    blocks.append(Paragraph(text))
    return blocks


def _cell_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_line(str(value))


def xlsx_blocks(data: bytes) -> list[Block]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    blocks: list[Block] = []
    for sheet in workbook.worksheets:
        fill: dict[tuple[int, int], object] = {}
        for merged in sheet.merged_cells.ranges:
            top_left = sheet.cell(merged.min_row, merged.min_col).value
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    fill[(r, c)] = top_left
        rows: list[list[str]] = []
        for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_value(fill.get((r, c), v)) for c, v in enumerate(row, start=1)]
            while cells and not cells[-1]:
                cells.pop()
            if any(cells):
                rows.append(cells)
        if rows:
            blocks.append(Table(rows))
    return blocks
