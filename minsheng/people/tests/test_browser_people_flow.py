"""The people flows in a real browser (the system Chromium): the office creates a department and adds a
reporter to it, and the reporter signs in with the one-time link, chooses a password and lands on the
department's workspace; the office adds people from a sheet with bad rows (refused, every bad row listed),
then from a good one.

The database work happens before Playwright starts (see minsheng.testing.phones). Pages are found by their
form actions, so the test does not depend on the language of the words."""

from __future__ import annotations

import io
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from openpyxl import Workbook

from minsheng.accounts.models import User
from minsheng.accounts.services import user_create
from minsheng.plans.models import Department, Region
from minsheng.testing import BROWSER_TEST, PASSWORD, click, no_sideways_scroll, phones, two_factor_device

pytestmark = BROWSER_TEST
NEW_PASSWORD = "the-reporters-own-password-5"


def _sheet(path, *rows) -> str:
    workbook = Workbook()
    workbook.active.title = "people"
    workbook.active.append(["姓名", "手机号或邮箱", "角色", "部门"])
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    path.write_bytes(out.getvalue())
    return str(path)


@pytest.fixture
def world(tmp_path) -> dict:
    region = Region.objects.create(name="示范市")
    Department.objects.create(region=region, name="示范·民政局")
    two_factor_device(user_create(username="office", password=PASSWORD, role=User.Role.OFFICE, is_staff=True))
    return {
        "region": region.pk,
        "bad_sheet": _sheet(
            tmp_path / "bad.xlsx",
            ("张三", "13800000001", "填报员", "示范·民政局"),
            ("", "13800000002", "填报员", "示范·民政局"),
            ("李四", "12345", "人大代表", None),
            ("王五", "13800000004", "老板", None),
        ),
        "good_sheet": _sheet(
            tmp_path / "good.xlsx",
            ("张三", "13800000001", "填报员", "示范·民政局"),
            ("李四", "13800000003", "人大代表", None),
        ),
    }


@pytest.fixture
def browser(world, live_server):
    with phones(live_server.url) as person:
        yield person


def test_office_creates_a_department_and_adds_a_reporter_who_signs_in_with_the_link(browser, world):
    office = browser("office")
    office.goto(reverse("delivery:home"))
    click(office, f"a[href='{reverse('people:home')}']")
    no_sideways_scroll(office)
    click(office, f"a[href='{reverse('people:department_new')}']")
    office.select_option("select[name=region]", str(world["region"]))
    office.fill("input[name=name]", "示范·教育局")
    click(office, "form.department-form button[type=submit]")
    assert "/people/departments/" in office.url
    no_sideways_scroll(office)

    click(office, "a[href*='/people/new/?department=']")
    office.fill("input[name=name]", "赵老师")
    office.fill("input[name=contact]", "13900000009")
    office.select_option("select[name=role]", "reporter")
    assert office.locator("select[name=department] option:checked").inner_text() == "示范·教育局"
    office.check("input[name=sign_in][value=link]")
    click(office, "form.person-form button[type=submit]")
    link = office.locator(".sign-in-link a").get_attribute("href")
    assert link and "/accounts/link/" in link
    no_sideways_scroll(office)

    reporter = browser(None)
    reporter.goto(urlparse(link).path)
    click(reporter, "form.sign-in-link button[type=submit]")
    assert reporter.url.endswith(reverse("accounts:password"))
    reporter.goto(reverse("delivery:workspace"))  # not before a password is chosen
    assert reporter.url.endswith(reverse("accounts:password"))
    reporter.fill("input[name=new_password1]", NEW_PASSWORD)
    reporter.fill("input[name=new_password2]", NEW_PASSWORD)
    click(reporter, "form.password-form button[type=submit]")
    assert reporter.url.endswith(reverse("delivery:workspace"))
    assert reporter.locator("text=示范·教育局").count() >= 1
    no_sideways_scroll(reporter)

    # The link works once.
    again = browser(None)
    again.goto(urlparse(link).path)
    assert again.locator("form.sign-in-link").count() == 0
    # And the reporter signs in with the phone number and the new password from now on.
    browser("13900000009", NEW_PASSWORD)


def test_office_adds_people_from_a_sheet_with_bad_rows_then_a_good_one(browser, world):
    office = browser("office")
    office.goto(reverse("people:home"))
    click(office, f"a[href='{reverse('people:upload')}']")
    with office.expect_download() as download:
        office.click(f"a[href='{reverse('people:template')}']")
    assert download.value.suggested_filename == "people.xlsx"

    office.set_input_files("form.upload-form input[type=file]", world["bad_sheet"])
    click(office, "form.upload-form button[type=submit]")
    errors = office.locator("ul.row-errors li")
    assert errors.count() == 3
    for row, text in zip((3, 4, 5), errors.all_inner_texts(), strict=True):
        assert str(row) in text  # every bad row, by its number
    no_sideways_scroll(office)
    office.goto(reverse("people:home"))
    assert office.locator("#people li", has_text="13800000001").count() == 0  # the good row was not added
    click(office, f"a[href='{reverse('people:upload')}']")

    office.set_input_files("form.upload-form input[type=file]", world["good_sheet"])
    click(office, "form.upload-form button[type=submit]")
    assert office.locator(".sign-in-link a").count() == 2
    office.goto(reverse("people:home"))
    assert office.locator("#people li", has_text="13800000001").count() == 1
    assert office.locator("#people li", has_text="13800000003").count() == 1
