"""One-time sign-in links (single use, expiring, stored as a hash) and the password that must be chosen
before anything else, for every role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import AuditEvent, SignInLink, User
from minsheng.accounts.services import sign_in_link_create
from minsheng.accounts.tests.factories import UserFactory
from minsheng.testing import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]
NEW_PASSWORD = "a-brand-new-password-7"
ROLES = [User.Role.OFFICE, User.Role.REPORTER, User.Role.DEPT_HEAD, User.Role.DEPUTY, User.Role.PUBLIC]


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _choose(client, password=NEW_PASSWORD):
    return client.post(reverse("accounts:password"), {"new_password1": password, "new_password2": password})


@pytest.mark.parametrize("role", ROLES)
def test_a_link_signs_in_once_and_the_person_chooses_a_password(client, role):
    user = UserFactory(role=role, first_name="张三")
    user.set_unusable_password()
    user.save()
    token = sign_in_link_create(user=user)
    url = reverse("accounts:sign_in_link", args=[token])

    page = client.get(url)  # a look (or a mail scanner) does not spend it
    assert page.status_code == 200 and "张三" in page.content.decode()
    assert SignInLink.objects.get().used_at is None

    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password")
    assert client.session["_auth_user_id"] == str(user.pk)
    # Every other page sends them back to choose a password first.
    assert client.get("/").headers["Location"] == reverse("accounts:password")
    assert client.get(reverse("delivery:home"))["Location"] == reverse("accounts:password")
    assert client.get(reverse("accounts:password")).status_code == 200
    assert 'name="old_password"' not in client.get(reverse("accounts:password")).content.decode()

    response = _choose(client)
    assert response.status_code == 302 and response["Location"] == reverse("delivery:home")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.must_change_password
    if role == User.Role.OFFICE:  # the office then enrols its second factor
        assert client.get("/")["Location"].startswith(reverse("accounts:two_factor"))
    else:
        assert client.get("/").status_code == 200  # the way is open now
    assert set(AuditEvent.objects.values_list("verb", flat=True)) >= {
        "sign_in_link_create",
        "sign_in_link_use",
        "password_set",
    }

    client.logout()
    again = client.post(url)
    assert again.status_code == 404 and "already used" in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_expired_unknown_or_deactivated_link_signs_no_one_in(client):
    user = UserFactory()
    token = sign_in_link_create(user=user)
    SignInLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    for url in (
        reverse("accounts:sign_in_link", args=[token]),
        reverse("accounts:sign_in_link", args=["nope"]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    token = sign_in_link_create(user=user)
    user.is_active = False
    user.save()
    response = client.post(reverse("accounts:sign_in_link", args=[token]))
    assert response.status_code == 404 and "expired" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", ROLES)
def test_an_initial_password_must_be_changed_at_the_first_sign_in(client, role):
    user = UserFactory(role=role, must_change_password=True)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "pw-for-tests"})
    assert response.status_code == 302
    assert client.get("/")["Location"] == reverse("accounts:password")
    weak = _choose(client, "123")
    assert weak.status_code == 400
    user.refresh_from_db()
    assert user.must_change_password
    assert _choose(client).status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(NEW_PASSWORD)
    if role == User.Role.OFFICE:  # still signed in, and the office now gives its second factor
        assert client.get("/")["Location"].startswith(reverse("accounts:two_factor"))
    else:
        assert client.get("/").status_code == 200  # still signed in after the change


def test_signing_out_is_open_before_the_password_is_chosen(client):
    user = UserFactory(must_change_password=True)
    sign_in(client, user)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_person_changes_their_password_with_the_old_one(client):
    user = UserFactory()
    sign_in(client, user)
    page = client.get(reverse("accounts:password")).content.decode()
    assert 'name="old_password"' in page
    wrong = client.post(
        reverse("accounts:password"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 400
    ok = client.post(
        reverse("accounts:password"),
        {"old_password": "pw-for-tests", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_the_password_page_asks_a_visitor_to_sign_in(client):
    response = client.get(reverse("accounts:password"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
