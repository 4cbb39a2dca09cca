"""QR posters: one A4 page per item, its title, lead department and targets on it, and two QR codes that a
phone reads back as the item's public page and its rating form, on the site's address."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from minsheng.printing.posters import posters_get, posters_pdf, target_words
from minsheng.printing.tests.conftest import AS_OF
from minsheng.printing.tests.marks import needs_pdf, needs_tools
from minsheng.printing.tests.pdf_checks import glyph_problems, pdf_text, qr_codes, squeezed

pytestmark = [pytest.mark.django_db, *needs_pdf]
SITE = "https://minsheng.example.gov.cn"


@needs_tools
def test_one_page_per_item_and_each_qr_code_opens_that_items_page_and_rating_form(print_world, zh):
    posters = posters_get(plan=print_world.plan, on=AS_OF, site_url=SITE + "/")
    content = posters_pdf(posters)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == len(print_world.items) == 4
    for page, (no, item) in enumerate(sorted(print_world.items.items()), start=1):
        expected = sorted(
            [
                SITE + reverse("portal:item", args=[item.pk]),
                SITE + reverse("voting:rating", args=[print_world.plan.pk]) + f"#item-{item.pk}",
            ]
        )
        assert qr_codes(content, page=page) == expected, f"item {no}"
        text = squeezed(reader.pages[page - 1].extract_text())
        assert squeezed(item.title) in text and print_world.leads[no].name in text
    assert glyph_problems(content) == []


def test_a_poster_states_the_targets_and_the_published_progress(print_world, zh):
    posters = posters_get(plan=print_world.plan, on=AS_OF, site_url=SITE, item=print_world.items[3])
    assert [p.no for p in posters.items] == [3]
    poster = posters.items[0]
    assert poster.targets == ["健康体检：17,000 名"]
    assert poster.lead == "卫健委"
    assert round(poster.completion, 3) == round(7000 / 17000, 3)
    text = squeezed(pdf_text(posters_pdf(posters)))
    assert "健康体检：17,000名" in text and "老年人免费健康体检" in text and "已完成41%" in text


def test_a_poster_shows_published_figures_only(print_world, zh):
    from minsheng.delivery.models import ProgressReport

    ProgressReport.objects.filter(target__item=print_world.items[3]).update(published=False)
    poster = posters_get(plan=print_world.plan, on=AS_OF, site_url=SITE, item=print_world.items[3]).items[0]
    assert poster.completion is None


def test_target_words_state_the_comparator(print_world, zh):
    from minsheng.delivery.selectors import plan_status

    item = print_world.items[2]
    target = item.targets.get()
    target.op, target.value = ">=", 500
    target.save()
    status = next(s for s in plan_status(plan=print_world.plan, on=AS_OF).items if s.id == item.pk)
    assert target_words(status.targets[0]) == "食品安全抽检：不少于 500 批次"
