"""Sign in and sign out at /accounts/ for people who do not use the admin."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from minsheng.accounts.models import User
from minsheng.accounts.tests.factories import UserFactory
from minsheng.testing import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


@pytest.fixture
def client(client):
    """A browser that asks for English pages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_sign_in_page_extends_the_site(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="username"' in page and 'name="password"' in page
    assert "Livelihood pledges" in page  # the portal's header


def test_signing_in_and_out(client):
    user = UserFactory(username="li", role=User.Role.REPORTER)
    response = client.post(
        reverse("accounts:login"), {"username": "li", "password": "pw-for-tests", "next": "/plans/1/"}
    )
    assert response.status_code == 302 and response["Location"] == "/plans/1/"
    page = client.get("/").content.decode()
    assert "Sign out" in page and user.username in page
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "Sign in" in client.get("/").content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_refused_with_a_message(client):
    UserFactory(username="wang")
    response = client.post(reverse("accounts:login"), {"username": "wang", "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_does_not_redirect_off_site(client):
    UserFactory(username="zhao")
    response = client.post(
        reverse("accounts:login"),
        {"username": "zhao", "password": "pw-for-tests", "next": "https://evil.example/"},
    )
    # to the person's own landing page (LOGIN_REDIRECT_URL), never off the site
    assert response.status_code == 302 and response["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)


def test_sign_out_needs_post(client):
    sign_in(client, UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405


def test_the_header_links_to_sign_in_with_the_current_page(client):
    page = client.get("/").content.decode()
    assert 'href="/accounts/login/?next=/"' in page


def test_login_url_is_the_site_sign_in(settings):
    assert reverse(settings.LOGIN_URL) == "/accounts/login/"


def test_the_sign_in_page_links_to_itself_without_piling_up_next(client):
    page = client.get(reverse("accounts:login") + "?next=/plans/1/").content.decode()
    assert 'href="/accounts/login/"' in page
    assert "next=%2Faccounts" not in page and "next=/accounts" not in page
