"""The bulletin as the office hands it out: its PDF (text that can be copied, every Chinese glyph present,
the plan, the lagging items with their lead departments and how far behind), its Word twin (the same
tables), and the period it covers (after the previous bulletin)."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from django.utils import translation

from minsheng.printing.bulletins import bulletin_context, bulletin_docx, bulletin_get, bulletin_pdf
from minsheng.printing.models import Bulletin
from minsheng.printing.pdf import html_to_pdf
from minsheng.printing.selectors import activity_get, bulletin_period
from minsheng.printing.services import bulletin_issue
from minsheng.printing.tests.conftest import AS_OF
from minsheng.printing.tests.marks import needs_pdf, needs_tools
from minsheng.printing.tests.pdf_checks import embedded_fonts, glyph_problems, pdf_text, squeezed

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(print_world, zh):
    return bulletin_get(plan=print_world.plan, on=AS_OF)


@needs_pdf[0]
@needs_pdf[1]
def test_the_pdf_names_the_plan_and_every_lagging_item_with_its_lead_department_and_every_glyph_is_there(
    print_world, data, caplog
):
    content = bulletin_pdf(data)
    assert ".notdef" not in caplog.text  # WeasyPrint says so when a character has no font
    assert content.startswith(b"%PDF")
    text = squeezed(pdf_text(content))
    assert squeezed("测试市2025年民生实事推进情况通报") in text
    for title, lead in print_world.lagging():
        assert title in text and lead in text
    # how far behind, as the overview computed it (expected 53.6% on 15 July, item 2 at 20%)
    assert "33.6个百分点" in text and "53.6个百分点" in text and "12.4个百分点" in text
    # the period's notices and figures
    assert "进度明显滞后" not in text  # the reason is not printed, the item and department are
    assert "本期下发督办单2份，回复1份。" in text  # since delivery started: 20 May and 10 July
    assert "7,000名" in text
    assert glyph_problems(content) == []


@needs_pdf[0]
@needs_pdf[1]
@needs_tools
def test_every_font_of_the_pdf_is_embedded_noto_cjk(data):
    lines = embedded_fonts(bulletin_pdf(data))
    assert lines
    for line in lines:
        assert "Noto" in line.split()[0], line
        assert " yes yes yes " in f" {' '.join(line.split()[-5:-2])} ", line  # emb, sub, uni


@needs_pdf[0]
@needs_pdf[1]
def test_the_glyph_check_catches_a_character_no_font_has(zh):
    """The check can fail: a character outside every installed font becomes a tofu box, and is caught."""
    good = html_to_pdf("<p>民生实事</p>")
    assert glyph_problems(good) == []
    bad = html_to_pdf("<p>民生\U000f0001实事</p>")
    assert glyph_problems(bad)


@needs_pdf[0]
@needs_pdf[1]
def test_the_extracted_text_equals_what_was_rendered(zh):
    words = "铁门关市2025年民生实事：燃气管网9千米、食品抽检不少于500批次、体检1.7万名（每人209元）"
    text = pdf_text(html_to_pdf(f"<p>{words}</p>"))
    assert squeezed(text) == squeezed(words)


def test_the_word_bulletin_holds_the_same_tables_as_the_pdf(print_world, data):
    document = docx.Document(io.BytesIO(bulletin_docx(data)))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    context = bulletin_context(data)
    # one table per action, with its items' rows
    for action in context["actions"]:
        rows = [[str(r.no), r.title, r.lead, r.completion, r.expected, r.light] for r in action.rows]
        assert any(table[1:] == rows for table in tables), action.heading
    lagging = [[str(r.no), r.title, r.lead, r.completion, r.expected, r.behind] for r in context["lagging"]]
    assert [row[:2] for row in lagging] == [
        ["4", "新建普惠性幼儿园"],
        ["2", "开展食品安全抽检"],
        ["3", "老年人免费健康体检"],
    ]
    assert any(table[1:] == lagging for table in tables)
    departments = [
        [r.name, str(r.items), r.completion, r.expected, str(r.lagging)] for r in context["departments"]
    ]
    assert any(table[1:] == departments for table in tables)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "测试市2025年民生实事推进情况通报" in text
    assert len(document.inline_shapes) == 3  # the charts: lights, actions, the year's curve


@needs_pdf[0]
@needs_pdf[1]
def test_the_pdf_holds_the_rows_of_the_word_tables(data):
    context = bulletin_context(data)
    text = squeezed(pdf_text(bulletin_pdf(data)))
    for row in context["lagging"]:
        assert squeezed(f"{row.title}{row.lead}{row.completion}{row.expected}{row.behind}") in text


def test_the_period_starts_after_the_previous_bulletin(print_world):
    plan = print_world.plan
    first = bulletin_period(plan=plan, on=dt.date(2025, 6, 30))
    assert (first.since, first.previous) == (dt.date(2024, 12, 31), None)
    Bulletin.objects.create(
        plan=plan, as_of=dt.date(2025, 6, 30), since=first.since, format="pdf", sha256="0" * 64, size=1
    )
    second = bulletin_period(plan=plan, on=AS_OF)
    assert second.since == dt.date(2025, 6, 30) and second.previous.as_of == dt.date(2025, 6, 30)
    activity = activity_get(plan=plan, period=second)
    # only the figures accepted after 30 June (the 06-30 figures, accepted on 8 July)
    assert sorted((f.item_no, f.period_end) for f in activity.figures) == [
        (1, dt.date(2025, 6, 30)),
        (2, dt.date(2025, 6, 30)),
        (3, dt.date(2025, 6, 30)),
    ]
    assert [(n.item_no, n.department) for n in activity.issued] == [(2, "市场监管局")]
    assert [(n.item_no, n.replied) for n in activity.answered] == [(2, dt.date(2025, 7, 12))]
    # the first bulletin's period held the notice of 20 May and the figures accepted on 8 April
    earlier = activity_get(plan=plan, period=first)
    assert [n.item_no for n in earlier.issued] == [4]
    assert {f.period_end for f in earlier.figures} == {dt.date(2025, 3, 31)}
    # a date given wins over the previous bulletin
    assert bulletin_period(plan=plan, on=AS_OF, since=dt.date(2025, 1, 31)).since == dt.date(2025, 1, 31)


def test_gathering_a_bulletin_takes_the_same_queries_however_many_reports(
    print_world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):
        bulletin_get(plan=print_world.plan, on=AS_OF)


def test_issuing_records_who_when_and_the_period_and_audits_it(print_world):
    from minsheng.accounts.models import AuditEvent

    with translation.override("zh-hans"):
        issued = bulletin_issue(plan=print_world.plan, on=AS_OF, fmt="docx", by=print_world.office)
    record = issued.record
    assert (record.as_of, record.since, record.format, record.issued_by) == (
        AS_OF,
        dt.date(2024, 12, 31),
        "docx",
        print_world.office,
    )
    assert record.size == len(issued.content)
    event = AuditEvent.objects.get(verb="bulletin_issue")
    assert event.actor == print_world.office and event.details["sha256"] == record.sha256
    # the next one starts where this one ended
    assert bulletin_period(plan=print_world.plan, on=dt.date(2025, 8, 15)).since == AS_OF
