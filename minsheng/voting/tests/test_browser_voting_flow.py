"""The vote and the rating in a real browser (the system Chromium) on a phone-sized screen, each person in a
browser of their own, signing in on the sign-in page:

- vote: the office sets up and opens the vote; a deputy's wrong ballot is refused with the ticks kept, the
  right one is cast; a second ballot from another tab is refused; another deputy votes; the office sees the
  turnout, closes the vote; everyone sees the tally with its chart, the adopted plan, and downloads the CSV.
- rating: the office sets up and opens the rating; a resident rates and changes the rating in place (htmx),
  a deputy rates; the office closes it, sees the flagged item and issues a supervision notice from the flag;
  a visitor sees the results with their charts and no comments.

The database is prepared before Playwright starts (its sync API runs an event loop, and Django would take the
test body for async code). Pages are found by form actions, fields and classes, not by words.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.accounts.services import user_create
from minsheng.plans.models import ItemDepartment, Plan
from minsheng.plans.tests.factories import ActionFactory, DepartmentFactory, ItemFactory, PlanFactory
from minsheng.testing import BROWSER_TEST, PASSWORD, click, no_sideways_scroll, phones, two_factor_device

pytestmark = BROWSER_TEST


@pytest.fixture
def plans() -> dict:
    """A plan at the voting stage with five candidates; an adopted plan with three items for the rating;
    the office, three deputies and a resident."""
    two_factor_device(user_create(username="office", password=PASSWORD, role=User.Role.OFFICE, is_staff=True))
    for username in ("deputy1", "deputy2", "deputy3"):
        user_create(username=username, password=PASSWORD, role=User.Role.DEPUTY)
    user_create(username="laowang", password=PASSWORD, role=User.Role.PUBLIC)
    voting = PlanFactory(year=2027, status=Plan.Status.VOTING, title="示范市2027年民生实事候选项目")
    action = ActionFactory(plan=voting, title="民生保障行动")
    candidates = [
        ItemFactory(action=action, no=no, text=text)
        for no, text in enumerate(
            [
                "新建社区食堂10个。",
                "改造老旧小区30个。",
                "新增停车位800个。",
                "建设口袋公园6个。",
                "为2万名老人免费体检。",
            ],
            start=1,
        )
    ]
    adopted = PlanFactory(
        year=2025, region=voting.region, status=Plan.Status.ADOPTED, title="示范市2025年民生实事"
    )
    adopted_action = ActionFactory(plan=adopted)
    department = DepartmentFactory(region=voting.region, name="住建局")
    rated = []
    for no, text in enumerate(["改造燃气管道9千米。", "新建公厕5座。", "更换路灯300盏。"], start=1):
        item = ItemFactory(action=adopted_action, no=no, text=text)
        ItemDepartment.objects.create(item=item, department=department, role=ItemDepartment.Role.LEAD)
        rated.append(item)
    return {"voting": voting, "candidates": candidates, "adopted": adopted, "rated": rated}


@pytest.fixture
def browser(plans, live_server):
    problems: list[str] = []
    with phones(live_server.url, errors=problems) as person:
        yield person
    # A refused ballot or rating answers 400 (the browser logs that as a failed resource): not a problem.
    real = [p for p in problems if "status of 400" not in p and "status of 404" not in p]
    assert not real, real


_click = click
_no_sideways_scroll = no_sideways_scroll


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _submit_in_place(page, target: str) -> None:
    """Submit the form inside ``target`` and wait until htmx has swapped in the server's answer."""
    page.evaluate(f"document.querySelector('{target}').dataset.old = 'yes'")
    page.click(f"{target} button[type=submit]")
    page.wait_for_selector(f"{target}:not([data-old])")


def _chart_drawn(page) -> None:
    page.wait_for_selector(".chart-box.drawn canvas")
    width = page.evaluate("document.querySelector('.chart-box.drawn canvas').getBoundingClientRect().width")
    assert 200 < width <= 390


def test_vote_open_cast_refuse_second_ballot_close_and_tally(browser, plans):
    plan = plans["voting"]
    candidates = plans["candidates"]
    now = timezone.now()

    # The office sets the rules (exactly 2 of 5) and opens the vote.
    office = browser("office")
    office.goto(reverse("voting:vote_manage", args=[plan.pk]))
    _no_sideways_scroll(office)
    office.check("input[name=rule][value=exactly]")
    office.fill("input[name=choose]", "2")
    office.fill("input[name=opens_at]", _local(now - dt.timedelta(hours=1)))
    office.fill("input[name=closes_at]", _local(now + dt.timedelta(days=2)))
    _click(office, "main form.form:not([action]) button[type=submit]")
    _click(office, "form[action$='/vote/open/'] button[type=submit]")
    assert office.locator("form[action$='/vote/close/']").count() == 1

    # A deputy opens the ballot in two tabs; ticks three: the counter warns, the server refuses, ticks stay.
    deputy = browser("deputy1")
    second_tab = deputy.context.new_page()
    vote_url = reverse("voting:vote", args=[plan.pk])
    deputy.goto(vote_url)
    second_tab.goto(vote_url)
    _no_sideways_scroll(deputy)
    for item in candidates[:3]:
        deputy.check(f"input[name=items][value='{item.pk}']")
    assert deputy.locator(".counter.wrong-count").count() == 1
    _click(deputy, "form.ballot-form button[type=submit]")
    assert deputy.locator(".ballot-errors").count() == 1
    assert deputy.locator("input[name=items]:checked").count() == 3
    deputy.uncheck(f"input[name=items][value='{candidates[2].pk}']")
    assert deputy.locator(".counter.wrong-count").count() == 0
    _click(deputy, "form.ballot-form button[type=submit]")
    assert deputy.locator(".notice.voted").count() == 1
    assert deputy.locator("input[name=items]").count() == 0

    # The second tab still shows the form: its ballot is refused.
    second_tab.check(f"input[name=items][value='{candidates[3].pk}']")
    second_tab.check(f"input[name=items][value='{candidates[4].pk}']")
    _click(second_tab, "form.ballot-form button[type=submit]")
    assert second_tab.locator(".ballot-errors").count() == 1

    # Another deputy votes for items 1 and 4.
    other = browser("deputy2")
    other.goto(vote_url)
    other.check(f"input[name=items][value='{candidates[0].pk}']")
    other.check(f"input[name=items][value='{candidates[3].pk}']")
    _click(other, "form.ballot-form button[type=submit]")
    assert other.locator(".notice.voted").count() == 1

    # The office sees the turnout (who has not voted, never what anyone chose) and closes the vote.
    office.reload()
    assert office.locator("details summary").count() == 1
    assert office.locator("details li", has_text="deputy3").count() == 1
    _click(office, "form[action$='/vote/close/'] button[type=submit]")
    assert office.url.endswith(reverse("voting:vote_results", args=[plan.pk]))

    # Everyone sees the tally: 2 ballots of 3 deputies, item 1 chosen with 2 votes; items 2 and 4 tie (1 each)
    # for the second place, so the office decides with a published reason.
    visitor = browser()
    results = reverse("voting:vote_results", args=[plan.pk])
    visitor.goto(results)
    _chart_drawn(visitor)
    assert visitor.locator("dd.ballots").inner_text() == "2"
    assert visitor.locator("dd.turnout").inner_text() == "66.7%"
    assert visitor.locator("table.tally tr.chosen").count() == 1
    assert visitor.locator("table.tally tr.tied").count() == 2
    assert visitor.locator(".notice.tie").count() == 1
    _no_sideways_scroll(visitor)
    with visitor.expect_download() as download:
        visitor.click("a[href$='/vote/results.csv']")
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    votes = {row[0]: row[2] for row in rows[1:] if row and row[0].isdigit()}
    assert votes == {"1": "2", "2": "1", "3": "0", "4": "1", "5": "0"}

    office.goto(reverse("voting:vote_manage", args=[plan.pk]))
    office.check(f"input[name=items][value='{candidates[3].pk}']")
    office.fill("textarea[name=reason]", "经主任会议第二轮表决决定")
    _click(office, "form[action$='/vote/tie/'] button[type=submit]")
    visitor.goto(results)
    assert visitor.locator(".notice.tie", has_text="经主任会议第二轮表决决定").count() == 1
    assert visitor.locator("table.tally tr.chosen").count() == 2
    # The adopted plan holds the chosen items only.
    visitor.goto(reverse("portal:plan", args=[plan.pk]))
    body = visitor.locator("main").inner_text()
    assert "新建社区食堂" in body and "建设口袋公园" in body and "改造老旧小区" not in body


def test_rating_round_rate_change_close_flag_and_notice(browser, plans):
    plan = plans["adopted"]
    items = plans["rated"]
    now = timezone.now()

    office = browser("office")
    office.goto(reverse("voting:rating_manage", args=[plan.pk]))
    _no_sideways_scroll(office)
    office.fill("input[name=threshold]", "80")
    office.fill("input[name=opens_at]", _local(now - dt.timedelta(hours=1)))
    office.fill("input[name=closes_at]", _local(now + dt.timedelta(days=2)))
    _click(office, "main form.form:not([action]) button[type=submit]")
    _click(office, "form[action$='/rating/open/'] button[type=submit]")
    assert office.locator("form[action$='/rating/close/']").count() == 1

    # A resident rates item 2 in place (htmx: the page does not reload), then changes the rating.
    resident = browser("laowang")
    resident.goto(reverse("voting:rating", args=[plan.pk]))
    _no_sideways_scroll(resident)
    target = f"#item-{items[1].pk}"
    resident.evaluate("window.notReloaded = true")
    resident.click(f"{target} label.grade-dissatisfied")
    resident.click(f"{target} details summary")
    resident.fill(f"{target} textarea[name=comment]", "公厕位置太偏")
    _submit_in_place(resident, target)
    assert resident.locator(f"{target} .your-rating strong").count() == 1
    assert resident.evaluate("window.notReloaded") is True
    # focus stays where the reader was (the save button of the item), not lost to the page's top
    resident.wait_for_function(f"document.querySelector('{target}').contains(document.activeElement)")
    assert resident.evaluate("document.activeElement.matches('button[type=submit]')") is True
    resident.click(f"{target} label.grade-basic")
    _submit_in_place(resident, target)
    assert resident.locator(f"{target} input[value=basic]:checked").count() == 1
    # A bad comment is refused in place, the rating kept.
    resident.fill(f"{target} textarea[name=comment]", "<b>差</b>")
    _submit_in_place(resident, target)
    assert resident.locator(f"{target} .errors").count() == 1
    assert resident.evaluate("window.notReloaded") is True
    resident.reload()
    assert resident.locator(f"{target} input[value=basic]:checked").count() == 1
    assert resident.input_value(f"{target} textarea[name=comment]") == "公厕位置太偏"

    # A deputy rates item 2 dissatisfied (the whole page, as without scripts, also works).
    deputy = browser("deputy1")
    deputy.goto(reverse("voting:rating", args=[plan.pk]))
    deputy.click(f"{target} label.grade-dissatisfied")
    _submit_in_place(deputy, target)
    assert deputy.locator(f"{target} .your-rating strong").count() == 1

    # The office closes the rating; item 2 is flagged (deputies 0%), and a notice is issued from the flag.
    office.reload()
    assert office.locator("main", has_text="1").count() == 1
    _click(office, "form[action$='/rating/close/'] button[type=submit]")
    assert office.url.endswith(reverse("voting:rating_results", args=[plan.pk]))
    _chart_drawn(office)
    assert office.locator("ul.flags li").count() == 1
    assert office.locator("ul.comments li", has_text="公厕位置太偏").count() == 1  # the office reads comments
    _click(office, "ul.flags a[href*='/flags/']")
    assert office.input_value("textarea[name=reason]").count("80") == 1
    office.fill("textarea[name=demand]", "说明群众不满意的原因并提出整改措施")
    _click(office, "main form.form button[type=submit]")
    assert "/delivery/notices/" in office.url

    # A visitor sees the results and charts, the flag, and no comments.
    visitor = browser()
    visitor.goto(reverse("voting:rating_results", args=[plan.pk]))
    _chart_drawn(visitor)
    assert visitor.locator("tr.flagged").count() == 1
    assert visitor.locator("ul.comments").count() == 0
    _no_sideways_scroll(visitor)
