"""Two factors in a real browser (the system Chromium): a new office user signs in with a password, is
taken to enrolment, reads the key beside the QR code, confirms with a code, keeps the recovery codes and
lands on the office's work; a second sign-in asks for a code and takes a recovery code.

The database work happens before Playwright starts (see minsheng.testing.phones). Pages are found by their
form actions and classes, so the test does not depend on the language of the words."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse

from minsheng.accounts.models import User
from minsheng.accounts.services import user_create
from minsheng.testing import BROWSER_TEST, PASSWORD, click, no_sideways_scroll, phones, totp_code

pytestmark = BROWSER_TEST


@pytest.fixture
def flow() -> dict:
    user_create(username="newoffice", password=PASSWORD, role=User.Role.OFFICE, is_staff=True)
    return {
        "login": reverse("accounts:login"),
        "verify": reverse("accounts:two_factor"),
        "enrol": reverse("accounts:two_factor_enrol"),
        "delivery": reverse("delivery:home"),
        "people": reverse("people:home"),
    }


def _password(page, flow: dict) -> None:
    page.goto(flow["login"] + "?next=" + flow["people"])
    page.fill("input[name=username]", "newoffice")
    page.fill("input[name=password]", PASSWORD)
    click(page, "form.sign-in button[type=submit]")


def test_office_enrols_an_authenticator_at_the_first_sign_in_then_signs_in_with_a_recovery_code(
    flow, live_server
):
    with phones(live_server.url) as person:
        page = person()
        _password(page, flow)
        assert flow["enrol"] in page.url  # no authenticator yet: set one up
        assert page.locator("figure.qr svg path").count() == 1  # the QR code, drawn by the site
        no_sideways_scroll(page)
        key = base64.b32decode(page.locator("code.secret").inner_text()).hex()
        page.fill("input[name=code]", totp_code(key))
        click(page, "form.two-factor button[type=submit]")
        codes = page.locator("ul.recovery-codes code").all_inner_texts()
        assert len(codes) == 10
        click(page, "main a.button")
        assert page.url.endswith(flow["people"])  # where the sign-in was going

        later = person()  # another phone: password, then a recovery code
        _password(later, flow)
        assert flow["verify"] in later.url
        later.fill("input[name=code]", codes[0])
        click(later, "form.two-factor button[type=submit]")
        assert later.url.endswith(flow["people"])
        assert later.locator("ul.messages li").count() == 1  # "you used a recovery code; 9 are left"
