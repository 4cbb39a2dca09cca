"""The pages in a real browser (the system Chromium): on a phone, at double text size, nothing scrolls sideways.

The database work happens before Playwright starts: its sync API runs an event loop, and Django would take
the test body for async code.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from minsheng.plans.services import plan_import
from minsheng.testing import BROWSER_TEST, phones

pytestmark = BROWSER_TEST


@pytest.fixture
def urls(seed_docx) -> dict[str, str]:
    plan = plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name).plan
    return {
        "home": "/",
        "plan": reverse("portal:plan", args=[plan.pk]),
        "item": reverse("portal:item", args=[plan.items.get(no=13).pk]),
    }


@pytest.fixture
def page(urls, live_server):
    with phones(live_server.url, width=360, height=740) as person:
        yield person()


def test_pages_reflow_on_a_phone_at_200_percent_text(page, urls):
    for url in urls.values():
        page.goto(url)
        assert page.locator("link[rel=stylesheet]").count() == 1
        assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") == "768px"
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{url} scrolls sideways by {overflow}px at 200% text"
    assert page.locator("mark").count() == 2


def test_the_language_buttons_switch_to_english_and_back(page, urls):
    page.goto(urls["plan"])
    assert page.locator("h2", has_text="资金估算").count() == 1
    page.get_by_role("button", name="English").click()
    assert page.locator("h2", has_text="Funding estimate").count() == 1
    page.get_by_role("button", name="中文").click()
    assert page.locator("h2", has_text="资金估算").count() == 1
