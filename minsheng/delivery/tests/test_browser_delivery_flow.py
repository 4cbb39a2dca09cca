"""The delivery flow in a real browser (the system Chromium), each person signing in on the sign-in page:
the office assigns an item → the reporter submits a report with evidence → the department head approves →
the office returns it once, then accepts it → the item's completion and light change on its public page →
the office issues a supervision notice and the department answers it.

The database work happens before Playwright starts (its sync API runs an event loop, and Django would take
the test body for async code); the test itself only drives the browser. Pages are found by their form
actions and the lights by their classes, so the test does not depend on the language of the words.
"""

from __future__ import annotations

import io
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from PIL import Image

from minsheng.accounts.models import User
from minsheng.accounts.services import user_create
from minsheng.plans.models import Department
from minsheng.plans.services import plan_import
from minsheng.testing import BROWSER_TEST, PASSWORD, click, no_sideways_scroll, phones, two_factor_device

pytestmark = BROWSER_TEST


@pytest.fixture
def flow(seed_docx, tmp_path, settings) -> dict:
    """The seed plan, a department with a reporter and a head, an office user, and a photo to upload."""
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name).plan
    item = plan.items.get(no=9)  # one target: 100名
    target = item.targets.get()
    department = Department.objects.create(region=plan.region, name="示范·教育局")
    for username, role in (
        ("office", User.Role.OFFICE),
        ("reporter", User.Role.REPORTER),
        ("head", User.Role.DEPT_HEAD),
    ):
        user = user_create(
            username=username,
            password=PASSWORD,
            role=role,
            is_staff=role == User.Role.OFFICE,
            department=None if role == User.Role.OFFICE else department,
        )
        if role == User.Role.OFFICE:
            two_factor_device(user)
    photo = tmp_path / "现场照片.png"
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, format="PNG")
    photo.write_bytes(buffer.getvalue())
    return {
        "item": item.pk,
        "target": target.pk,
        "value": "100",
        "department": department.pk,
        "photo": str(photo),
        "public": reverse("portal:item", args=[item.pk]),
        "assign": reverse("delivery:assign", args=[item.pk]),
        "dashboard": reverse("delivery:dashboard", args=[plan.pk]),
        "delivery_item": reverse("delivery:item", args=[item.pk]),
    }


@pytest.fixture
def browser(flow, live_server):
    with phones(live_server.url) as person:
        yield person


_click = click
_no_sideways_scroll = no_sideways_scroll


def test_office_assigns_reporter_submits_head_approves_office_returns_then_accepts_and_a_notice_is_answered(
    browser, flow
):
    public = browser(None)
    public.goto(flow["public"])
    assert public.locator("section.progress").count() == 0  # nothing to show before the item is assigned

    # The office assigns the item to the department.
    office = browser("office")
    office.goto(flow["assign"])
    _no_sideways_scroll(office)
    office.select_option("select[name=lead]", str(flow["department"]))
    office.select_option("select[name=cadence]", "monthly")
    _click(office, "form.form button[type=submit]")
    assert office.url.split("#")[0].endswith(flow["dashboard"])
    assert office.locator(f"#item-9 a[href='{flow['delivery_item']}']").count() == 1
    _no_sideways_scroll(office)

    public.goto(flow["public"])
    assert public.locator("section.progress .light-red").count() == 1  # assigned, nothing delivered yet

    # The reporter drafts the report from the workspace, attaches a photo and submits it.
    reporter = browser("reporter")
    reporter.goto(reverse("delivery:workspace"))
    _no_sideways_scroll(reporter)
    _click(reporter, f"a[href^='{reverse('delivery:report_new', args=[flow['target']])}']")
    reporter.select_option("select[name=period_end]", "2025-12-31")
    reporter.fill("input[name=actual]", flow["value"])
    reporter.fill("textarea[name=narrative]", "已为100名学生提供服务。")
    _click(reporter, "form.form button[type=submit]")
    assert "/delivery/reports/" in reporter.url
    report_url = urlparse(reporter.url).path
    reporter.set_input_files("form[action$='/evidence/'] input[type=file]", flow["photo"])
    _click(reporter, "form[action$='/evidence/'] button[type=submit]")
    assert reporter.locator("a[href^='/delivery/evidence/']", has_text="现场照片.png").count() == 1
    _no_sideways_scroll(reporter)
    _click(reporter, "form[action$='/submit/'] button[type=submit]")
    assert reporter.locator("form[action$='/submit/']").count() == 0

    # The department head approves it.
    head = browser("head")
    head.goto(reverse("delivery:workspace"))
    _click(head, f"section[aria-labelledby=h-submitted] a[href='{report_url}']")
    _click(head, "form[action$='/approve/'] button[type=submit]")
    assert head.locator("form[action$='/approve/']").count() == 0

    # The office finds it on the dashboard and returns it once, with a reason.
    office.goto(flow["dashboard"])
    _click(office, f"section[aria-labelledby=h-review] a[href='{report_url}']")
    office.fill("form[action$='/return/'] textarea[name=reason]", "请补充验收照片。")
    _click(office, "form[action$='/return/'] button[type=submit]")
    assert office.locator(".reason", has_text="请补充验收照片。").count() == 1

    # The reporter sees why, adds the photo of the inspection, submits again; the head approves again.
    reporter.goto(reverse("delivery:workspace"))
    assert reporter.locator(".reason", has_text="请补充验收照片。").count() == 1
    reporter.goto(report_url)
    reporter.set_input_files("form[action$='/evidence/'] input[type=file]", flow["photo"])
    _click(reporter, "form[action$='/evidence/'] button[type=submit]")
    _click(reporter, "form[action$='/submit/'] button[type=submit]")
    head.goto(report_url)
    _click(head, "form[action$='/approve/'] button[type=submit]")

    # The office accepts it; the item's public page now shows it done, with the figure on its timeline.
    public.goto(flow["public"])
    assert public.locator("section.progress .light-red").count() == 1
    office.goto(report_url)
    assert office.locator("form[action$='/accept/'] input[name=publish]").is_checked()
    _click(office, "form[action$='/accept/'] button[type=submit]")
    assert office.locator("form[action$='/accept/']").count() == 0
    public.goto(flow["public"])
    assert public.locator("section.progress .light-done").count() == 1
    assert public.locator("section.progress .progress-line", has_text="100%").count() == 1
    assert public.locator("ol.timeline li", has_text="100").count() == 1
    _no_sideways_scroll(public)

    # The office issues a supervision notice; the department answers it.
    office.goto(flow["delivery_item"])
    _no_sideways_scroll(office)
    _click(office, f"a[href='{reverse('delivery:notice_new', args=[flow['item']])}']")
    office.fill("textarea[name=reason]", "请说明后续巩固措施。")
    office.fill("textarea[name=demand]", "七日内书面答复。")
    office.fill("input[name=reply_deadline]", "2099-01-31")
    _click(office, "form.form button[type=submit]")
    assert "/delivery/notices/" in office.url
    notice_url = office.url
    head.goto(reverse("delivery:workspace"))
    _click(head, "section[aria-labelledby=h-notices] a")
    _no_sideways_scroll(head)
    head.fill("textarea[name=explanation]", "已全部完成。")
    head.fill("textarea[name=catch_up_plan]", "持续跟踪服务质量。")
    _click(head, "form[action$='/reply/'] button[type=submit]")
    assert head.locator("form[action$='/reply/']").count() == 0
    assert head.locator("text=已全部完成。").count() == 1
    office.goto(notice_url)
    assert office.locator("text=持续跟踪服务质量。").count() == 1
    assert office.locator("form[action$='/close/']").count() == 1
    public.goto(flow["public"])
    assert public.locator("ol.timeline li").count() >= 3  # the figure, the notice and its answer
