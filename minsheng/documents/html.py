"""Read a saved web page: drop navigation, scripts and footers, keep the article's paragraphs and tables."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from minsheng.documents.blocks import Block, Paragraph, Table, clean_line

_CLUTTER_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
    "input",
    "template",
)
_CLUTTER_WORDS = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|breadcrumb|crumb|footer|foot|sidebar|side|share|copyright|header|topbar|"
    r"banner|toolbar|related|recommend|comment|login|search|ad|ads|advert|qrcode|friendlink|links)([\s_-]|$)",
    re.I,
)
_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "tr",
    "br",
    "td",
    "th",
    "main",
    "center",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _is_clutter(tag: Tag) -> bool:
    if tag.name in _CLUTTER_TAGS:
        return True
    attrs = (
        " ".join([str(tag.get("id") or ""), *(str(c) for c in tag.get("class") or [])]) if tag.attrs else ""
    )
    return bool(attrs and _CLUTTER_WORDS.search(attrs))


def _main_node(soup: BeautifulSoup) -> Tag:
    for selector in ("article", "main", "[role=main]", ".article", ".content", "#content", ".TRS_Editor"):
        found = soup.select(selector)
        candidates = [node for node in found if len(_CJK.findall(node.get_text())) > 50]
        if candidates:
            return max(candidates, key=lambda n: len(_CJK.findall(n.get_text())))
    return soup.body or soup


def _lines(node: Tag, out: list[Block], buffer: list[str]) -> None:
    for child in node.children:
        if isinstance(child, Tag):
            if child.name == "table":
                _flush(buffer, out)
                rows = []
                for tr in child.find_all("tr"):
                    cells: list[str] = []
                    for cell in tr.find_all(["td", "th"]):
                        text = clean_line(cell.get_text(" "))
                        try:
                            span = max(1, min(64, int(str(cell.get("colspan") or 1))))
                        except (TypeError, ValueError):
                            span = 1
                        cells.extend([text] * span)
                    if any(cells):
                        rows.append(cells)
                if rows:
                    out.append(Table(rows))
                continue
            if child.name in _BLOCK_TAGS:
                _flush(buffer, out)
                _lines(child, out, buffer)
                _flush(buffer, out)
            else:
                _lines(child, out, buffer)
        else:
            buffer.append(str(child))


def _flush(buffer: list[str], out: list[Block]) -> None:
    if buffer:
        for line in "".join(buffer).splitlines():
            text = clean_line(re.sub(r"[ \t]+", " ", line))
            if text:
                out.append(Paragraph(text))
        buffer.clear()


def html_blocks(text: str) -> list[Block]:
    soup = BeautifulSoup(text, "lxml")
    for tag in list(soup.find_all(True)):
        if tag.decomposed:  # already removed with an ancestor
            continue
        if _is_clutter(tag):
            tag.decompose()
    title = clean_line(soup.title.get_text()) if soup.title else ""
    main = _main_node(soup)
    out: list[Block] = []
    _lines(main, out, [])
    if title and not any(isinstance(b, Paragraph) for b in out[:1]):
        out.insert(0, Paragraph(title))
    return out
