"""In a real browser (the system Chromium), at a phone's width and a desktop's: the office goes from its
dashboard to the bulletins and posters page, issues a bulletin as of a date and downloads it, then
downloads one item's QR poster; both files are what they say (a PDF naming the plan and the lagging items;
a one-page poster whose QR codes open the item's page and its rating form). Screenshots of the page are
taken at both widths (kept in the test's temporary folder).

The database work happens before Playwright starts (its sync API runs an event loop)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from minsheng.printing.tests.conftest import build_print_world
from minsheng.printing.tests.marks import needs_pdf, needs_tools
from minsheng.printing.tests.pdf_checks import pdf_text, qr_codes, squeezed
from minsheng.testing import BROWSER_TEST, click, no_sideways_scroll, phones, two_factor_device

pytestmark = [*BROWSER_TEST, *needs_pdf, needs_tools]
FACTORY_PASSWORD = "pw-for-tests"  # the accounts factories' password


@pytest.fixture
def world(settings):
    settings.MINSHENG_SITE_URL = ""  # the QR codes take the address the browser used
    return build_print_world()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 900)], ids=["phone", "desktop"])
def test_office_downloads_a_bulletin_and_a_poster(world, live_server, tmp_path, width, height):
    plan, office = world.plan, world.office.username
    dashboard = reverse("delivery:dashboard", args=[plan.pk])
    page_url = reverse("printing:plan", args=[plan.pk])
    item = world.items[2]
    poster_url = reverse("printing:item_poster", args=[item.pk])
    expected_codes = sorted(
        [
            live_server.url + reverse("portal:item", args=[item.pk]),
            live_server.url + reverse("voting:rating", args=[plan.pk]) + f"#item-{item.pk}",
        ]
    )
    two_factor_device(world.office)
    with phones(live_server.url, width=width, height=height) as person:
        browser = person(office, FACTORY_PASSWORD)
        browser.goto(dashboard)
        click(browser, f"a[href='{page_url}']")
        assert browser.url.endswith(page_url)
        no_sideways_scroll(browser)
        browser.screenshot(path=str(tmp_path / f"printing-{width}.png"), full_page=True)

        browser.fill("input[name=on]", "2025-07-15")
        browser.select_option("select[name=format]", "pdf")
        with browser.expect_download(timeout=120_000) as bulletin_download:
            browser.click("form.bulletin-form button[type=submit]")
        bulletin = tmp_path / bulletin_download.value.suggested_filename
        bulletin_download.value.save_as(bulletin)

        browser.click("details summary")
        with browser.expect_download(timeout=120_000) as poster_download:
            browser.click(f"a.poster-item[href='{poster_url}']")
        poster = tmp_path / poster_download.value.suggested_filename
        poster_download.value.save_as(poster)

    assert bulletin.name.endswith(".pdf")
    text = squeezed(pdf_text(bulletin.read_bytes()))
    assert squeezed(plan.title) in text
    for title, lead in world.lagging():
        assert title in text and lead in text
    content = poster.read_bytes()
    assert len(PdfReader(io.BytesIO(content)).pages) == 1
    assert qr_codes(content, page=1) == expected_codes
    assert (tmp_path / f"printing-{width}.png").stat().st_size > 0
