"""The participation flows in a real browser (the system Chromium) on a phone-sized screen, each person in a
browser of their own, signing in on the sign-in page:

- suggest → screen: a resident registers, suggests a project while the plan collects suggestions; the office
  screens it from its queue; the resident sees the outcome in their notifications and on the public list.
- comment → flag → moderate: a resident comments on an item of the draft; another reports the comment, which
  is hidden; the office publishes it again from the moderation queue.
- respond → see the response and the draft→final diff: the office imports the revised document (through
  ``plan_import``, then ``item_changes_notify``), answers the comment linking the change it caused; the
  resident is notified and sees the response under their comment and the change with words added and removed.

The database is prepared before Playwright starts (its sync API runs an event loop, and Django would take
the test body for async code); the one step in the middle of a flow that writes directly (importing the
revised document) is marked as allowed with DJANGO_ALLOW_ASYNC_UNSAFE (nothing else runs at that moment) and
closes the connection it opened.
Pages are found by their form actions and fields, so the test does not depend on the language of the words.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.accounts.services import user_create
from minsheng.participation import services as participation
from minsheng.participation.models import Phase
from minsheng.plans.models import Plan
from minsheng.plans.services import plan_import, plan_status_set
from minsheng.testing import BROWSER_TEST, PASSWORD, click, no_sideways_scroll, phones, two_factor_device

pytestmark = BROWSER_TEST


@pytest.fixture
def draft(seed_txt) -> dict:
    """The seed draft open for comment (post-moderation; one report hides a comment), a plan for next year
    collecting suggestions, the office and two residents."""
    office = user_create(username="office", password=PASSWORD, role=User.Role.OFFICE, is_staff=True)
    two_factor_device(office)
    for username in ("laowang", "xiaoli"):
        user_create(username=username, password=PASSWORD, role=User.Role.PUBLIC)
    plan = plan_import(content=seed_txt.read_bytes(), filename=seed_txt.name).plan
    plan_status_set(plan=plan, status=Plan.Status.CONSULTATION, by=office)
    now = timezone.now()
    participation.window_set(
        plan=plan,
        phase=Phase.CONSULTATION,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=14),
        flag_threshold=1,
        by=office,
    )
    ideas = plan_import(
        content=seed_txt.read_bytes(), filename="next-year.txt", region=plan.region.name, year=plan.year + 1
    ).plan
    plan_status_set(plan=ideas, status=Plan.Status.SOLICITATION, by=office)
    participation.window_set(
        plan=ideas,
        phase=Phase.SOLICITATION,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        by=office,
    )
    item = plan.items.get(no=1)
    return {
        "plan": plan,
        "item": item,
        "item_url": reverse("participation:item", args=[item.pk]),
        "suggest": reverse("participation:suggest", args=[ideas.pk]),
        "suggestions": reverse("participation:suggestions", args=[ideas.pk]),
        "seed": seed_txt.read_text(encoding="utf-8"),
        "office": office,
    }


@pytest.fixture
def browser(draft, live_server):
    with phones(live_server.url) as person:
        yield person


_click = click
_no_sideways_scroll = no_sideways_scroll


def test_suggest_then_screen(browser, draft):
    # A resident registers from the suggestion page and comes back to it signed in.
    resident = browser()
    resident.goto(draft["suggest"])
    assert resident.locator("textarea[name=content]").count() == 0  # no form before signing in
    _click(resident, f"main > p a[href^='{reverse('participation:register')}']")
    _no_sideways_scroll(resident)
    resident.fill("input[name=username]", "zhangdama")
    resident.fill("input[name=password]", PASSWORD)
    resident.fill("input[name=password_again]", PASSWORD)
    resident.fill("input[name=email]", "zhangdama@example.org")
    _click(resident, "form[action$='/register/'] button[type=submit]")
    assert resident.url.endswith(draft["suggest"])

    # A bad suggestion is refused on the form with everything kept; a good one goes to screening.
    resident.fill("input[name=title]", "老旧小区加装电梯")
    resident.fill("textarea[name=content]", "为6层老旧住宅楼加装电梯。")
    resident.fill("input[name=place]", "31团")
    resident.fill("textarea[name=reason]", "<script>alert(1)</script>")
    resident.fill("input[name=cost]", "1,200,000")
    _click(resident, "main form.form button[type=submit]")
    assert resident.locator(".has-error textarea[name=reason]").count() == 1
    assert resident.input_value("input[name=title]") == "老旧小区加装电梯"
    assert resident.input_value("textarea[name=content]") == "为6层老旧住宅楼加装电梯。"
    _no_sideways_scroll(resident)
    resident.fill("textarea[name=reason]", "老年人上下楼困难。")
    _click(resident, "main form.form button[type=submit]")
    assert "/participation/suggestions/" in resident.url
    suggestion_url = resident.url.removeprefix(resident.url.split("/participation/")[0])
    assert resident.locator("h1", has_text="老旧小区加装电梯").count() == 1

    # The public list does not show it before screening.
    visitor = browser()
    visitor.goto(draft["suggestions"])
    assert visitor.locator(f"a[href='{suggestion_url}']").count() == 0

    # The office finds it in the screening queue and accepts it with a note.
    office = browser("office")
    office.goto(reverse("participation:screening"))
    _no_sideways_scroll(office)
    _click(office, "main ol.rows a")
    office.fill("textarea[name=accept-note]", "列入明年草案候选")
    _click(office, "button[name=decision][value=accept]")
    assert office.url.endswith(reverse("participation:screening"))
    assert office.locator("main ol.rows a").count() == 0

    # The resident is told, and the public list shows the outcome.
    resident.goto(reverse("notifications:inbox"))
    assert resident.locator("li.unread a", has_text="老旧小区加装电梯").count() == 1
    _click(resident, "li.unread form button[type=submit]")
    assert resident.locator("li.unread").count() == 0
    visitor.goto(draft["suggestions"])
    row = visitor.locator("ul.suggestions li", has=visitor.locator(f"a[href='{suggestion_url}']"))
    assert row.count() == 1
    assert row.locator(".meta", has_text="列入明年草案候选").count() == 1
    _no_sideways_scroll(visitor)


def test_comment_then_flag_then_moderate(browser, draft):
    item_url = draft["item_url"]
    author = browser("laowang")
    author.goto(item_url)
    _no_sideways_scroll(author)
    author.fill("textarea[name=text]", "")
    _click(author, "form[action$='/comment/'] button[type=submit]")
    assert author.locator("#comment-form .errorlist").count() == 1  # empty: said on the form
    author.fill("textarea[name=text]", "建议燃气管道改造时\n同步更换老旧阀门。")
    _click(author, "form[action$='/comment/'] button[type=submit]")
    comment = author.locator("article.comment", has_text="同步更换老旧阀门")
    assert comment.count() == 1
    comment_id = comment.get_attribute("id")
    assert author.locator(f"#{comment_id} form[action$='/flag/']").count() == 0  # not one's own

    # Support once; the button becomes "withdraw".
    _click(author, "form[action$='/support/'] button[type=submit]")
    assert author.locator("form[action$='/support/withdraw/']").count() == 1
    assert author.locator("form[action$='/support/'] button").count() == 0

    # Another resident reports it; with a threshold of one report it is hidden at once.
    reader = browser("xiaoli")
    reader.goto(item_url)
    reader.click(f"#{comment_id} details.flag summary")
    reader.fill(f"#{comment_id} input[name$='-reason']", "与本事项无关")
    _click(reader, f"#{comment_id} form[action$='/flag/'] button[type=submit]")
    assert reader.locator(f"#{comment_id}").count() == 0
    visitor = browser()
    visitor.goto(item_url)
    assert visitor.locator("article.comment", has_text="同步更换老旧阀门").count() == 0

    # The author still sees it, with its status.
    author.goto(item_url)
    assert author.locator(".own-comments", has_text="同步更换老旧阀门").count() == 1

    # The office publishes it again from the moderation queue.
    office = browser("office")
    office.goto(reverse("participation:moderation"))
    _no_sideways_scroll(office)
    entry = office.locator(f"li#{comment_id}")
    assert entry.count() == 1
    entry.locator("input[name=note]").fill("未发现违规")
    _click(office, f"li#{comment_id} button[name=decision][value=publish]")
    assert office.locator(f"li#{comment_id}").count() == 0
    assert office.locator("section.history li", has_text="未发现违规").count() == 1
    visitor.goto(item_url)
    shown = visitor.locator(f"#{comment_id}")
    assert shown.count() == 1
    assert shown.locator("p.text br").count() == 1  # the line break kept, the text escaped
    _no_sideways_scroll(visitor)


def test_respond_then_see_the_response_and_the_draft_to_final_diff(browser, draft, monkeypatch):
    item_url = draft["item_url"]
    resident = browser("laowang")
    resident.goto(item_url)
    resident.fill("textarea[name=text]", "9千米太少，主管道应延长到12千米。")
    _click(resident, "form[action$='/comment/'] button[type=submit]")
    comment_id = resident.locator("article.comment", has_text="主管道应延长").get_attribute("id")
    assert resident.locator("#changes ins").count() == 0  # no revised version yet

    # The office imports the revised document (item 1: 9千米 → 12千米); the import tells the followers.
    # (Inside Playwright's event loop Django keeps connections apart from the test's own: close them after.)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    try:
        revised = draft["seed"].replace("市政燃气主管道9千米", "市政燃气主管道12千米", 1)
        result = plan_import(content=revised.encode(), filename="revised.txt", by=draft["office"])
        assert result.changed and not result.created and not result.unchanged
        # the import already told the follower on commit: telling again notifies no one twice
        assert participation.item_changes_notify(version=result.version, by=draft["office"]) == 0
        revision = result.version.item_revisions.get(item=draft["item"])
    finally:
        connections.close_all()
        monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE")

    # The office answers the comment from the item page, linking the change it caused.
    office = browser("office")
    office.goto(item_url)
    _click(office, f"#{comment_id} a[href*='/office/comments/']")
    _no_sideways_scroll(office)
    office.check("input[name=kind][value=partly]")
    office.fill("textarea[name=text]", "主管道调整为12千米，其余按计划实施。")
    office.select_option("select[name=revision]", str(revision.pk))
    _click(office, "form[action$='/respond/'] button[type=submit]")
    # back on the page of the item's comments that holds the comment, at the comment
    assert office.url.endswith(f"{item_url}?comment={comment_id.removeprefix('comment-')}#{comment_id}")

    # The resident is notified of the change and of the response, and sees both on the item page.
    resident.goto(reverse("notifications:inbox"))
    assert resident.locator("li.unread").count() == 2
    _click(resident, f"li.unread a[href$='#{comment_id}']")
    response = resident.locator(f"#{comment_id} .response-partly")
    assert response.count() == 1
    assert response.locator("text=主管道调整为12千米").count() == 1
    _click(resident, f"#{comment_id} .response a[href='#change-{revision.pk}']")
    change = resident.locator(f"#change-{revision.pk}")
    assert change.locator("del", has_text="9").count() == 1
    assert change.locator("ins", has_text="12").count() == 1
    _no_sideways_scroll(resident)

    # The public consultation report shows the outcome and the change too.
    visitor = browser()
    visitor.goto(reverse("participation:report", args=[draft["plan"].pk]))
    assert visitor.locator(f"#change-{revision.pk} ins", has_text="12").count() == 1
    _no_sideways_scroll(visitor)
