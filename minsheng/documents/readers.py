"""Turn the bytes of a plan document into blocks: paragraphs of text and tables of cell text.

The format is decided by content (a .docx/.xlsx is a zip with a known part, HTML starts with a tag), the
file name only breaking ties. Everything that can go wrong becomes a :class:`DocumentError`.
"""

from __future__ import annotations

import io
import re
import zipfile

from minsheng.documents.blocks import TERMINAL, Block, Paragraph, Table, clean_line
from minsheng.documents.errors import DocumentError

MAX_BYTES = 20 * 1024 * 1024  # the size cap of any input file
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # what a .docx/.xlsx may expand to
MAX_ZIP_RATIO = 200  # expanded / compressed size of one part; more is a zip bomb
MAX_ZIP_MEMBERS = 5000

_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ue000-\uf8ff\ufffd]")


def read_blocks(data: bytes, filename: str = "") -> list[Block]:
    if not data:
        raise DocumentError("the file is empty")
    if len(data) > MAX_BYTES:
        raise DocumentError(f"the file is larger than the {MAX_BYTES // (1024 * 1024)} MB limit")
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if data[:4] == b"PK\x03\x04":
        return _read_zip(data, suffix)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DocumentError(
            "old binary Word/Excel files (.doc/.xls) are not supported; save as .docx or .xlsx"
        )
    if data[:5] == b"%PDF-":
        raise DocumentError("PDF files are not supported; use .docx, .xlsx, .txt or .html")
    if suffix in ("docx", "xlsx"):
        raise DocumentError(f"the file is not a valid .{suffix} document (corrupt or wrong type)")
    text = decode_text(data)
    head = text.lstrip()[:512].lower()
    if suffix in ("html", "htm") or head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in head:
        from minsheng.documents.html import html_blocks

        return html_blocks(text)
    return text_blocks(text)


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK; refuse binary content."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    if b"\x00" in data and candidates[0] != "utf-16":
        raise DocumentError("the file is binary, not a text document")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise DocumentError("the file is not readable text (unknown encoding or binary content)")


def _looks_like_text(text: str) -> bool:
    if not text.strip():
        return True
    sample = text[:20000]
    return len(_BAD_CHARS.findall(sample)) <= len(sample) * 0.01


_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[/,，共]\s*共?\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)


_WIDE = re.compile(
    r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"
)


def _display_width(text: str) -> int:
    """Columns on screen: CJK and full-width characters take two."""
    return len(text) + len(_WIDE.findall(text))


def unwrap_lines(raw_lines: list[str]) -> list[str]:
    """Text copied from a PDF: lines broken at a fixed width, page numbers, a running header on every page.

    Detected when many lines share one length; a line of that length that does not end a sentence is
    joined with the next one (unless the next is indented: a new paragraph). Otherwise lines pass as they are."""
    lines = [line.rstrip() for line in raw_lines]
    long = sorted(_display_width(line) for line in lines if len(line.strip()) >= 20)
    if len(long) < 6:
        return lines
    width = long[int(len(long) * 0.75)]
    near = sum(1 for n in long if width - 4 <= n <= width + 2)
    if near < max(4, len(long) * 0.5):
        return lines
    counts: dict[str, int] = {}
    for line in lines:
        if line.strip():
            counts[line.strip()] = counts.get(line.strip(), 0) + 1
    out: list[str] = []
    joining = False
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue  # blank lines in a wrapped copy are page breaks, not paragraph ends
        if _PAGE_NUMBER.match(stripped) or (
            counts[stripped] >= 2 and len(stripped) >= 6 and not stripped.endswith(TERMINAL)
        ):
            continue  # a page number or a running header
        indented = line[:1] in (" ", "\u3000", "\t")
        if joining and out and not indented:
            out[-1] += stripped
        else:
            out.append(line)
        joining = _display_width(line) >= width - 4 and not stripped.endswith(TERMINAL)
    return out


def text_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    pending_table: list[list[str]] = []
    for raw in unwrap_lines(text.splitlines()):
        line = clean_line(raw)
        if line.endswith("|") and line.count("|") == 1:
            line = line[:-1].rstrip()  # one cell per line, each closed by the | of a table copied as text
        if not line:
            continue
        separator = "|" if line.count("|") >= 2 else "\t" if raw.count("\t") >= 2 else None
        if separator:  # a table pasted as text with | or TAB separators
            source = line if separator == "|" else raw.strip("\r\n")
            cells = [clean_line(c) for c in source.strip("|").split(separator)]
            while cells and not cells[-1]:
                cells.pop()
            pending_table.append(cells)
            continue
        if pending_table:
            blocks.append(Table(pending_table))
            pending_table = []
        blocks.append(Paragraph(line.lstrip("#").strip() if line.startswith("#") else line))
    if pending_table:
        blocks.append(Table(pending_table))
    return blocks


def _check_zip(archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise DocumentError("the file holds too many parts to be a document")
    total = 0
    for info in infos:
        total += info.file_size
        if (
            info.compress_size
            and info.file_size / info.compress_size > MAX_ZIP_RATIO
            and info.file_size > 1_000_000
        ):
            raise DocumentError("the file expands to far more than its size (a zip bomb?); refused")
    if total > MAX_UNZIPPED_BYTES:
        raise DocumentError("the file expands to more than 200 MB; refused")


def _read_zip(data: bytes, suffix: str) -> list[Block]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DocumentError("the file is a damaged archive, not a readable .docx or .xlsx") from exc
    _check_zip(archive)
    try:
        if "word/document.xml" in names:
            from minsheng.documents.office import docx_blocks

            return docx_blocks(archive)
        if "xl/workbook.xml" in names:
            from minsheng.documents.office import xlsx_blocks

            return xlsx_blocks(data)
    except DocumentError:
        raise
    except Exception as exc:
        raise DocumentError(
            f"the file is a damaged .{suffix or 'docx/xlsx'} document ({type(exc).__name__})"
        ) from exc
    raise DocumentError("the archive is neither a .docx nor a .xlsx document")
