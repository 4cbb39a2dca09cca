"""How long a session lasts: the office and admins are signed out after 30 idle minutes and 12 hours after
signing in (both settings); everyone else keeps the longer session. Time is moved, never waited for."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.tests.factories import OfficeUserFactory, PublicUserFactory, UserFactory
from minsheng.testing import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


@pytest.fixture
def client(client):
    """A browser that asks for English pages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_an_office_session_ends_after_30_idle_minutes(client, clock):
    sign_in(client, OfficeUserFactory())
    assert client.get(reverse("people:home")).status_code == 200
    clock.shift(dt.timedelta(minutes=29))
    assert client.get(reverse("people:home")).status_code == 200  # still there, and seen again now
    clock.shift(dt.timedelta(minutes=29))
    assert client.get(reverse("people:home")).status_code == 200
    clock.shift(dt.timedelta(minutes=30, seconds=30))
    response = client.get(reverse("people:home"))
    assert _signed_out(response)
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page


def test_an_office_session_ends_12_hours_after_signing_in_however_busy(client, clock):
    sign_in(client, OfficeUserFactory())
    for _step in range(12 * 3):  # a request every 20 minutes for 12 hours
        assert client.get(reverse("people:home")).status_code == 200
        clock.shift(dt.timedelta(minutes=20))
    clock.shift(dt.timedelta(minutes=1))
    response = client.get(reverse("people:home"))
    assert _signed_out(response)
    assert "12 hours after signing in" in client.get(response["Location"]).content.decode()


def test_an_admin_who_is_not_office_is_timed_out_too(client, clock):
    sign_in(client, UserFactory(is_superuser=True))
    assert client.get(reverse("admin:index")).status_code == 200
    clock.shift(dt.timedelta(minutes=31))
    assert _signed_out(client.get(reverse("admin:index")))


def test_the_limits_are_settings(client, clock, settings):
    settings.MINSHENG_OFFICE_IDLE_MINUTES = 5
    sign_in(client, OfficeUserFactory())
    assert client.get(reverse("people:home")).status_code == 200
    clock.shift(dt.timedelta(minutes=6))
    assert _signed_out(client.get(reverse("people:home")))


def test_the_public_keeps_a_longer_session(client, clock):
    sign_in(client, PublicUserFactory())
    assert client.get(reverse("accounts:account")).status_code == 200
    clock.shift(dt.timedelta(hours=13))
    assert client.get(reverse("accounts:account")).status_code == 200
    clock.shift(dt.timedelta(days=13))
    assert client.get(reverse("accounts:account")).status_code == 200


def test_the_office_cookie_expires_with_the_idle_limit(client, clock):
    sign_in(client, OfficeUserFactory())
    clock.shift(dt.timedelta(minutes=2))  # the first "seen" write sets the cookie's expiry
    response = client.get(reverse("people:home"))
    assert response.status_code == 200
    assert response.cookies["sessionid"]["max-age"] == 31 * 60
    assert timezone.now() == START + dt.timedelta(minutes=2)
