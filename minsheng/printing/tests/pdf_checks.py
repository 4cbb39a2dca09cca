"""What the printing tests read out of a PDF (not a test module: nothing here is collected).

- :func:`pdf_text`: the text of every page, as a reader's copy and paste would get it (pypdf);
- :func:`glyph_problems`: every font is embedded, and every character shown is drawn with a real glyph of
  the embedded font: no code 0 (.notdef) or 0xFFFF (Pango's "unknown glyph", the tofu box), every code
  mapped back to its character by the font's ToUnicode map, and the glyph has outlines unless it is a space;
- :func:`qr_codes`: the URLs of the QR codes on one page (pdftoppm, then zbarimg).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream

TOOLS = ("pdftoppm", "zbarimg", "pdffonts")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def squeezed(text: str) -> str:
    """Text without any white space (a table cell wraps a title over lines)."""
    return "".join(text.split())


def _to_unicode(font) -> dict[int, str]:
    mapping: dict[int, str] = {}
    if "/ToUnicode" not in font:
        return mapping
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for start, end, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            first = int(text, 16)
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


class _Font:
    def __init__(self, name: str, font) -> None:
        self.name = name
        self.problems: list[str] = []
        self.to_unicode = _to_unicode(font)
        self.encoding = str(font.get("/Encoding"))
        self.charstrings = None
        descendants = font.get("/DescendantFonts")
        descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        embedded = next(
            (descriptor[k] for k in ("/FontFile3", "/FontFile2", "/FontFile") if k in descriptor), None
        )
        if embedded is None:
            self.problems.append(f"{name}: not embedded")
            return
        tt = TTFont(io.BytesIO(embedded.get_object().get_data()))
        if "CFF " in tt:
            cff = tt["CFF "].cff
            self.charstrings = cff[cff.fontNames[0]].CharStrings
        self.glyph_order = tt.getGlyphOrder()

    def check(self, codes: list[int]) -> None:
        for code in codes:
            char = self.to_unicode.get(code)
            if code in (0, 0xFFFF):
                self.problems.append(f"{self.name}: code {code:#06x} ({char!r}) is .notdef or a tofu box")
                continue
            if char is None:
                self.problems.append(f"{self.name}: code {code:#06x} has no character in ToUnicode")
                continue
            if self.charstrings is None or char.isspace():
                continue
            glyph = f"cid{code:05d}" if self.glyph_order[1].startswith("cid") else self.glyph_order[code]
            if glyph not in self.charstrings:
                self.problems.append(f"{self.name}: no glyph for {char!r}")
            elif self.charstrings[glyph].calcBounds(self.charstrings) is None:
                self.problems.append(f"{self.name}: the glyph for {char!r} is empty")


def _codes(operand, two_bytes: bool) -> list[int]:
    raw = operand.original_bytes if hasattr(operand, "original_bytes") else bytes(operand)
    if two_bytes:
        return [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw) - 1, 2)]
    return list(raw)


def _walk(reader: PdfReader, content, resources, fonts: dict[int, _Font], seen: set[int]) -> None:
    font_dict = resources.get("/Font", {}) if resources else {}
    current: _Font | None = None
    for operands, operator in ContentStream(content, reader).operations:
        if operator == b"Tf":
            ref = font_dict[operands[0]]
            key = ref.idnum if hasattr(ref, "idnum") else id(ref)
            if key not in fonts:
                fonts[key] = _Font(str(operands[0]), ref.get_object())
            current = fonts[key]
        elif operator in (b"Tj", b"'", b'"', b"TJ") and current is not None:
            pieces = operands[0] if operator == b"TJ" else [operands[-1]]
            two = current.encoding == "/Identity-H"
            for piece in pieces:
                if isinstance(piece, (bytes, str)):
                    current.check(_codes(piece, two))
            if not two:
                current.problems.append(f"{current.name}: encoding {current.encoding}, not Identity-H")
    xobjects = resources.get("/XObject", {}) if resources else {}
    for ref in xobjects.values():
        xobject = ref.get_object()
        key = ref.idnum if hasattr(ref, "idnum") else id(xobject)
        if xobject.get("/Subtype") == "/Form" and key not in seen:
            seen.add(key)
            _walk(reader, xobject, xobject.get("/Resources"), fonts, seen)


def glyph_problems(content: bytes) -> list[str]:
    """Everything wrong with the fonts and glyphs of a PDF (empty when every character has its glyph)."""
    reader = PdfReader(io.BytesIO(content))
    fonts: dict[int, _Font] = {}
    seen: set[int] = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        _walk(reader, page.get_contents(), resources.get_object() if resources else None, fonts, seen)
    problems = sorted({problem for font in fonts.values() for problem in font.problems})
    if not fonts:
        problems.append("no font is used at all")
    return problems


def embedded_fonts(content: bytes) -> list[str]:
    """The fonts pdffonts lists (name, type, emb): a second opinion beside :func:`glyph_problems`."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(content)
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[2:]


def qr_codes(content: bytes, *, page: int) -> list[str]:
    """The URLs the QR codes on ``page`` (from 1) decode to."""
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "doc.pdf"
        pdf.write_bytes(content)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "150",
                "-gray",
                "-png",
                "-f",
                str(page),
                "-l",
                str(page),
                str(pdf),
                f"{folder}/p",
            ],
            check=True,
        )
        image = next(Path(folder).glob("p*.png"))
        result = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True)
    return sorted(line for line in result.stdout.splitlines() if line)
