"""django-axes counts failed sign-ins per account and address and per account across every address: guessing
spread over many addresses still meets the limit."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from minsheng.accounts.tests.factories import ReporterFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


@pytest.fixture
def client(client):
    """A browser that asks for English pages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    yield
    AccessAttempt.objects.all().delete()


def _try(client, username: str, password: str, address: str):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_failures_from_many_addresses_lock_the_account(client, axes_on):
    user = ReporterFactory(username="wang")
    for number in range(5):
        response = _try(client, "wang", "wrong-guess", f"10.0.0.{number + 1}")
        assert response.status_code in (200, 429)
    locked = _try(client, "wang", "pw-for-tests", "10.0.1.99")  # the right password, from a new address
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account is not locked by wang's failures.
    ReporterFactory(username="li")
    assert _try(client, "li", "pw-for-tests", "10.0.1.99").status_code == 302
    assert user.pk  # wang still exists; only signing in is refused


def test_a_few_failures_do_not_lock(client, axes_on):
    ReporterFactory(username="zhou")
    for number in range(3):
        _try(client, "zhou", "wrong-guess", f"10.0.0.{number + 1}")
    assert _try(client, "zhou", "pw-for-tests", "10.0.2.1").status_code == 302


def test_the_per_account_count_is_what_locks_here(client, axes_on, settings):
    """With the count per account and address alone (the old setting), the same guessing is not stopped:
    the test above fails for the reason the setting exists."""
    settings.AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
    ReporterFactory(username="wu")
    for number in range(5):
        _try(client, "wu", "wrong-guess", f"10.0.0.{number + 1}")
    assert _try(client, "wu", "pw-for-tests", "10.0.1.99").status_code == 302
