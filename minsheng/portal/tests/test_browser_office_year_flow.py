"""The office starts a year from the browser, end to end (the system Chromium): it signs in, uploads the seed
.docx, sees 40 items and the warnings in the preview, corrects one target and confirms; creates a department
and adds a reporter to it; assigns an item to that department; and the reporter signs in with the one-time
link, chooses a password, lands on the department's workspace and sees the item.

The database work happens before Playwright starts (see minsheng.testing.phones); ids the flow creates are
read from the pages' addresses. Elements are found by classes and form actions, not by words."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from minsheng.accounts.models import User
from minsheng.accounts.services import user_create
from minsheng.testing import BROWSER_TEST, PASSWORD, click, no_sideways_scroll, phones, two_factor_device

pytestmark = BROWSER_TEST
NEW_PASSWORD = "the-reporters-own-password-7"
DEPARTMENT = "铁门关市示范教育局"


@pytest.fixture
def browser(live_server):
    two_factor_device(user_create(username="office", password=PASSWORD, role=User.Role.OFFICE, is_staff=True))
    with phones(live_server.url) as person:
        yield person


def test_office_imports_the_seed_adds_a_reporter_assigns_an_item_and_the_reporter_sees_it(browser, seed_docx):
    office = browser("office")

    # Import: the preview shows 40 items and the warnings; one target is corrected; confirm.
    office.goto(reverse("plans_import:upload"))
    office.set_input_files("form.import-upload input[type=file]", str(seed_docx))
    click(office, "form.import-upload button[type=submit]")
    assert office.locator("article.import-item").count() == 40
    assert office.locator("article.import-item p.warning").count() >= 1
    first = office.locator("article.import-item").first
    first.locator("details.correct summary").first.click()
    form = first.locator("form.target-edit").first
    form.locator("input[name=value]").fill("10")
    form.locator("button[type=submit]").click()
    office.wait_for_load_state()
    assert office.locator("section.import-corrections li").count() == 1
    click(office, "button.confirm-import")
    click(office, "p.import-status a")
    plan_id = int(re.search(r"/plans/(\d+)/", office.url).group(1))

    # People: a new department of the plan's region, and a reporter in it with a one-time link.
    office.goto(reverse("people:department_new"))
    office.select_option("select[name=region]", label="第二师铁门关市")
    office.fill("input[name=name]", DEPARTMENT)
    click(office, "form.department-form button[type=submit]")
    click(office, "a[href*='/people/new/?department=']")
    office.fill("input[name=name]", "钱老师")
    office.fill("input[name=contact]", "13900000077")
    office.select_option("select[name=role]", "reporter")
    office.check("input[name=sign_in][value=link]")
    click(office, "form.person-form button[type=submit]")
    link = office.locator(".sign-in-link a").get_attribute("href")
    assert link and "/accounts/link/" in link

    # Assign item 1 to the new department, from the plan's delivery dashboard.
    office.goto(reverse("delivery:dashboard", args=[plan_id]))
    click(office, "a[href$='/assign/']")
    item_id = int(re.search(r"/items/(\d+)/assign/", office.url).group(1))
    office.select_option("select[name=lead]", label=DEPARTMENT)
    click(office, "main form.form button[type=submit]")
    assert f"/delivery/plans/{plan_id}/" in office.url
    no_sideways_scroll(office)

    # The reporter: the one-time link, a password of their own, the workspace with the item.
    reporter = browser(None)
    reporter.goto(urlparse(link).path)
    click(reporter, "form.sign-in-link button[type=submit]")
    reporter.fill("input[name=new_password1]", NEW_PASSWORD)
    reporter.fill("input[name=new_password2]", NEW_PASSWORD)
    click(reporter, "form.password-form button[type=submit]")
    assert reporter.url.endswith(reverse("delivery:workspace"))
    assert reporter.locator(f"a[href='{reverse('delivery:item', args=[item_id])}']").count() >= 1
    no_sideways_scroll(reporter)
