"""The public face in a real browser (the system Chromium), on a phone (390 px) and a desktop (1366 px), on a
plan year built by the demo (delivery with figures, an open vote, an open rating: only the demo builds every
stage at once, hence these tests live here).

- a resident finds an item by search and by filter, opens it and sees its chart drawn;
- a resident switches to the large-text mode (关怀模式) and it stays on from page to page;
- axe-core finds no serious or critical violation on the home, plan, item, dashboard, ballot and rating pages,
  in both modes (skipped with the reason when axe-core is not installed: ``make test`` installs it).

Screenshots go to a temporary folder (printed), never into the repository. The database work happens before
Playwright starts (its sync API runs an event loop that Django would take for async code).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.tests.factories import DeputyFactory, OfficeUserFactory, PublicUserFactory
from minsheng.delivery.selectors import plan_status
from minsheng.demo.delivery import demo_delivery_setup, demo_year
from minsheng.demo.voting import demo_voting_setup
from minsheng.plans.services import plan_import
from minsheng.testing import (
    AXE,
    AXE_MISSING,
    BROWSER_TEST,
    PASSWORD,
    axe_violations,
    click,
    phones,
    two_factor_device,
)

pytestmark = BROWSER_TEST

SHOTS = Path(tempfile.gettempdir()) / "minsheng-screenshots"
WIDTHS = {"phone": 390, "desktop": 1366}


@pytest.fixture
def year(seed_docx) -> dict:
    today = timezone.localdate()
    plan = plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name, year=demo_year(today)).plan
    office = OfficeUserFactory(username="pf-office", password=PASSWORD)
    two_factor_device(office)  # the office signs in with its second factor
    DeputyFactory(username="pf-deputy", password=PASSWORD)
    PublicUserFactory(username="pf-resident", password=PASSWORD)
    delivery = demo_delivery_setup(plan=plan, office=office, today=today)
    voting = demo_voting_setup(office=office, rated_plan=plan)
    status = {s.no: s for s in plan_status(plan=plan, on=today, public=True).items}
    no = next(n for n in delivery.items_with_figures if status[n].completion is not None)
    item = plan.items.get(no=no)
    SHOTS.mkdir(parents=True, exist_ok=True)
    return {
        "item": item,
        "word": status[no].title[:6],
        "lead": status[no].lead,
        "urls": {
            "home": "/",
            "plan": reverse("portal:plan", args=[plan.pk]),
            "item": reverse("portal:item", args=[item.pk]),
            "dashboard": reverse("delivery:dashboard", args=[plan.pk]),
            "ballot": reverse("voting:vote", args=[voting.candidates_plan.pk]),
            "rating": reverse("voting:rating", args=[plan.pk]),
        },
    }


def _shot(page, name: str) -> None:
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")


def test_a_resident_finds_an_item_by_search_and_by_filter_and_sees_its_chart(live_server, year):
    for size in WIDTHS:
        _find_by_search_and_filter(live_server, year, size)


def _find_by_search_and_filter(live_server, year, size: str) -> None:
    urls, item = year["urls"], year["item"]
    errors: list[str] = []
    with phones(live_server.url, width=WIDTHS[size], height=900, errors=errors) as person:
        page = person()
        page.goto(urls["plan"])
        page.wait_for_selector(".chart-box.drawn canvas")  # the overview's charts are drawn
        assert page.locator("table.figures").count() >= 3  # and their tables are there too
        _shot(page, f"plan-{size}")

        # by search: the address keeps the words, the card leads to the item
        page.fill("input[name=q]", year["word"])
        click(page, "form.filters button[type=submit]")
        assert "q=" in page.url
        card = page.locator(f"li.card#item-{item.no} a")
        assert card.is_visible()
        _shot(page, f"plan-search-{size}")
        card.click()
        page.wait_for_load_state()
        assert page.url.endswith(urls["item"])
        page.wait_for_selector(".target-charts .chart-box.drawn canvas")
        assert page.locator("svg.qr").count() == 1
        _shot(page, f"item-{size}")

        # by filter: the item's lead department
        page.goto(urls["plan"])
        page.select_option("select[name=department]", year["lead"])
        click(page, "form.filters button[type=submit]")
        assert "department=" in page.url
        assert page.locator(f"li.card#item-{item.no} a").is_visible()
        assert page.locator("li.card").count() < 40
        _shot(page, f"plan-filter-{size}")
    assert not errors, f"{size}: {errors}"  # no script error, nothing refused by the content security policy


def test_a_resident_switches_to_large_text_and_it_stays_on(live_server, year):
    for size in WIDTHS:
        _large_text(live_server, year, size)


def _large_text(live_server, year, size: str) -> None:
    urls = year["urls"]
    with phones(live_server.url, width=WIDTHS[size], height=900) as person:
        page = person()
        page.goto(urls["plan"])
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") < 20
        click(page, "form.care-switch button[value=on]")
        assert page.url.endswith(urls["plan"])
        assert page.evaluate("document.documentElement.classList.contains('care')") is True
        for url in (urls["plan"], urls["item"], urls["home"]):
            page.goto(url)
            assert page.evaluate("document.documentElement.classList.contains('care')") is True, url
            assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 20
            smallest = page.evaluate(
                "Math.min(...[...document.querySelectorAll('main p, main li, main td, main th')]"
                ".map(e => parseFloat(getComputedStyle(e).fontSize)))"
            )
            assert smallest >= 20, f"{url}: text at {smallest}px"
            # a light always carries its word
            for light in page.locator("main .light").all()[:5]:
                assert light.inner_text().strip()
        page.goto(urls["plan"])
        _shot(page, f"plan-large-text-{size}")
        page.goto(urls["item"])
        _shot(page, f"item-large-text-{size}")
        click(page, "form.care-switch button[value=off]")
        assert page.evaluate("document.documentElement.classList.contains('care')") is False


@pytest.mark.skipif(not AXE.exists(), reason=AXE_MISSING)
def test_no_serious_accessibility_violation_on_the_public_and_office_pages_in_both_modes(live_server, year):
    urls = year["urls"]
    found: list[str] = []
    with phones(live_server.url, width=WIDTHS["desktop"], height=900) as person:
        for care in (False, True):
            visitor, office, deputy, resident = (
                person(),
                person("pf-office"),
                person("pf-deputy"),
                person("pf-resident"),
            )
            pages = [
                (visitor, urls["home"]),
                (visitor, urls["plan"]),
                (visitor, urls["item"]),
                (office, urls["dashboard"]),
                (deputy, urls["ballot"]),
                (resident, urls["rating"]),
            ]
            for page, url in pages:
                if care:
                    page.context.add_cookies(
                        [{"name": "minsheng_care", "value": "1", "url": live_server.url}]
                    )
                page.goto(url)
                page.wait_for_load_state("networkidle")
                assert page.evaluate("document.documentElement.classList.contains('care')") is care
                found += [f"{'large text' if care else 'standard'} · {line}" for line in axe_violations(page)]
    assert not found, "\n".join(found)
