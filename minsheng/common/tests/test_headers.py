"""The headers every page sends, and the session cookie's attributes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minsheng.accounts.tests.factories import OfficeUserFactory
from minsheng.testing import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_every_page_forbids_framing_sniffing_and_foreign_referrers(client, path):
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_session_cookie_is_http_only_and_same_site(client):
    user = OfficeUserFactory(username="cookie")
    response = client.post(reverse("accounts:login"), {"username": "cookie", "password": "pw-for-tests"})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert user.pk


def test_the_pages_with_secrets_are_not_cached(client):
    sign_in(client, OfficeUserFactory())
    response = client.get(reverse("accounts:account"))
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
