"""The office runs a plan's stages in a real browser (the system Chromium): it signs in and lands on its
delivery home → opens the plan's public page from the menu → "run the stages" → moves the plan to
collecting suggestions → saves the suggestion window with its dates and rules → a resident, signed in,
lands on their own page, and sees on the plan's public page that suggestions are open.

The database work happens before Playwright starts. Forms are found by their actions, so the test does not
depend on the language of the words.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.accounts.services import user_create
from minsheng.plans.tests.factories import PlanFactory
from minsheng.testing import BROWSER_TEST, PASSWORD, click, no_sideways_scroll, phones, two_factor_device

pytestmark = BROWSER_TEST


@pytest.fixture
def flow() -> dict:
    plan = PlanFactory(status="draft")
    two_factor_device(user_create(username="office", password=PASSWORD, role=User.Role.OFFICE, is_staff=True))
    user_create(username="resident", password=PASSWORD, role=User.Role.PUBLIC)
    now = timezone.localtime()
    return {
        "plan": reverse("portal:plan", args=[plan.pk]),
        "stages": reverse("portal:stages", args=[plan.pk]),
        "stage_set": reverse("portal:stage_set", args=[plan.pk]),
        "window": reverse("portal:window_save", args=[plan.pk, "solicitation"]),
        "opens": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes": (now + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        "delivery": reverse("delivery:home"),
        "mine": reverse("participation:mine"),
        "inbox": reverse("notifications:inbox"),
    }


def test_the_office_opens_suggestions_from_the_stages_page(flow, live_server):
    with phones(live_server.url) as person:
        office = person("office")
        assert office.url.endswith(flow["delivery"])  # landed on its own work
        assert office.locator(f"nav.site-menu a[href='{flow['inbox']}']").count() == 1
        office.goto(flow["plan"])
        click(office, f"a[href='{flow['stages']}']")
        no_sideways_scroll(office)
        office.select_option(f"form[action='{flow['stage_set']}'] select[name=status]", "solicitation")
        click(office, f"form[action='{flow['stage_set']}'] button[type=submit]")
        assert office.locator("ol.stages li[aria-current=step]").count() == 1
        window = f"form[action='{flow['window']}']"
        office.fill(f"{window} input[name='solicitation-opens_at']", flow["opens"])
        office.fill(f"{window} input[name='solicitation-closes_at']", flow["closes"])
        office.fill(f"{window} input[name='solicitation-flag_threshold']", "5")
        click(office, f"{window} button[type=submit]")
        assert office.locator("#h-window-solicitation + p.window-open").count() == 1

        resident = person("resident")
        assert resident.url.endswith(flow["mine"])
        resident.goto(flow["plan"])
        assert resident.locator(".plan-stage p.window-open").count() == 1
        assert resident.locator(f"a[href='{flow['stages']}']").count() == 0
        no_sideways_scroll(resident)
