"""How ``word/bulletin.docx``, the Word bulletin's docxtpl template, is made: ``python -m
minsheng.printing.docx_template`` writes it again. The office may also edit the shipped file in Word (its
letterhead, fonts, wording): keep the ``{{ … }}`` and ``{%p … %}`` / ``{%tr … %}`` tags, which docxtpl fills
from :func:`minsheng.printing.bulletins.bulletin_context` (the same rows the PDF shows).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TEMPLATE = Path(__file__).resolve().parent / "word" / "bulletin.docx"
FONT = "Noto Sans CJK SC"


def _font(style, size: float | None = None, bold: bool | None = None) -> None:
    style.font.name = FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    if size:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold


def _table(document, headers: list[str], cells: list[str], loop: str) -> None:
    """A table: a header row, a ``{%tr for … %}`` row, the row of cells, a ``{%tr endfor %}`` row."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, text in enumerate(headers):
        cell = table.rows[0].cells[index]
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    table.rows[1].cells[0].text = "{%tr for row in " + loop + " %}"
    for index, text in enumerate(cells):
        table.rows[2].cells[index].text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"


def build(path: Path = TEMPLATE) -> Path:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for margin in ("left_margin", "right_margin"):
        setattr(section, margin, Cm(2.0))
    _font(document.styles["Normal"], 10.5)
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12)):
        _font(document.styles[name], size, True)

    title = document.add_paragraph("{{ title }}", style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lead = document.add_paragraph("{{ lead }}")
    lead.alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_paragraph("{{ words.overall }}", style="Heading 1")
    document.add_paragraph("{{ summary }}")
    document.add_paragraph("{{ lights_line }}")
    document.add_paragraph("{{ chart_lights }}")
    document.add_paragraph("{{ chart_actions }}")
    document.add_paragraph("{{ words.curve }}", style="Heading 2")
    document.add_paragraph("{{ chart_curve }}")
    _table(
        document,
        ["{{ words.month_end }}", "{{ words.done }}", "{{ words.expected }}"],
        ["{{ row.on }}", "{{ row.completion }}", "{{ row.expected }}"],
        "curve",
    )

    document.add_paragraph("{{ words.actions }}", style="Heading 1")
    document.add_paragraph("{%p for action in actions %}")
    document.add_paragraph("{{ action.heading }}", style="Heading 2")
    document.add_paragraph("{{ action.summary }}")
    _table(
        document,
        [
            "{{ words.no }}",
            "{{ words.item }}",
            "{{ words.lead }}",
            "{{ words.done }}",
            "{{ words.expected }}",
            "{{ words.light }}",
        ],
        [
            "{{ row.no }}",
            "{{ row.title }}",
            "{{ row.lead }}",
            "{{ row.completion }}",
            "{{ row.expected }}",
            "{{ row.light }}",
        ],
        "action.rows",
    )
    document.add_paragraph("{%p endfor %}")

    document.add_paragraph("{{ words.departments }}", style="Heading 1")
    _table(
        document,
        [
            "{{ words.department }}",
            "{{ words.items }}",
            "{{ words.done }}",
            "{{ words.expected }}",
            "{{ words.lagging_count }}",
        ],
        [
            "{{ row.name }}",
            "{{ row.items }}",
            "{{ row.completion }}",
            "{{ row.expected }}",
            "{{ row.lagging }}",
        ],
        "departments",
    )

    document.add_paragraph("{%p if places %}")
    document.add_paragraph("{{ words.places }}", style="Heading 1")
    _table(
        document,
        [
            "{{ words.place }}",
            "{{ words.items }}",
            "{{ words.done }}",
            "{{ words.expected }}",
            "{{ words.lagging_count }}",
        ],
        [
            "{{ row.name }}",
            "{{ row.items }}",
            "{{ row.completion }}",
            "{{ row.expected }}",
            "{{ row.lagging }}",
        ],
        "places",
    )
    document.add_paragraph("{%p endif %}")

    document.add_paragraph("{{ words.lagging }}", style="Heading 1")
    document.add_paragraph("{{ lagging_summary }}")
    _table(
        document,
        [
            "{{ words.no }}",
            "{{ words.item }}",
            "{{ words.lead }}",
            "{{ words.done }}",
            "{{ words.expected }}",
            "{{ words.behind }}",
        ],
        [
            "{{ row.no }}",
            "{{ row.title }}",
            "{{ row.lead }}",
            "{{ row.completion }}",
            "{{ row.expected }}",
            "{{ row.behind }}",
        ],
        "lagging",
    )

    document.add_paragraph("{{ words.notices }}", style="Heading 1")
    document.add_paragraph("{{ notices_summary }}")
    document.add_paragraph("{{ words.issued }}", style="Heading 2")
    _table(
        document,
        [
            "{{ words.no }}",
            "{{ words.item }}",
            "{{ words.department }}",
            "{{ words.issued_on }}",
            "{{ words.reply_by }}",
            "{{ words.status }}",
        ],
        [
            "{{ row.item_no }}",
            "{{ row.item_title }}",
            "{{ row.department }}",
            "{{ row.issued }}",
            "{{ row.reply_by }}",
            "{{ row.status }}",
        ],
        "issued",
    )
    document.add_paragraph("{{ words.answered }}", style="Heading 2")
    _table(
        document,
        [
            "{{ words.no }}",
            "{{ words.item }}",
            "{{ words.department }}",
            "{{ words.issued_on }}",
            "{{ words.replied_on }}",
            "{{ words.status }}",
        ],
        [
            "{{ row.item_no }}",
            "{{ row.item_title }}",
            "{{ row.department }}",
            "{{ row.issued }}",
            "{{ row.replied }}",
            "{{ row.status }}",
        ],
        "answered",
    )

    document.add_paragraph("{{ words.figures }}", style="Heading 1")
    document.add_paragraph("{{ figures_summary }}")
    _table(
        document,
        [
            "{{ words.no }}",
            "{{ words.item }}",
            "{{ words.target }}",
            "{{ words.figure }}",
            "{{ words.as_of }}",
            "{{ words.department }}",
        ],
        [
            "{{ row.item_no }}",
            "{{ row.item_title }}",
            "{{ row.target }}",
            "{{ row.figure }}",
            "{{ row.period_end }}",
            "{{ row.department }}",
        ],
        "figures",
    )

    document.add_paragraph("{%p if forecast %}")
    document.add_paragraph("{{ words.forecast }}", style="Heading 1")
    document.add_paragraph("{{ forecast_note }}")
    _table(
        document,
        [
            "{{ words.no }}",
            "{{ words.item }}",
            "{{ words.lead }}",
            "{{ words.done }}",
            "{{ words.projected }}",
        ],
        ["{{ row.no }}", "{{ row.title }}", "{{ row.lead }}", "{{ row.completion }}", "{{ row.projected }}"],
        "forecast",
    )
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{{ footer }}")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


if __name__ == "__main__":
    build()
