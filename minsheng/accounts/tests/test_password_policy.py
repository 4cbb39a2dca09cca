"""Every path that creates a user applies AUTH_PASSWORD_VALIDATORS: the one service (used by the people
pages and sheets, public registration and the demo), the admin's add form and ``createsuperuser``."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from minsheng.accounts.models import User
from minsheng.accounts.services import user_create
from minsheng.accounts.tests.factories import OfficeUserFactory, UserFactory
from minsheng.testing import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


@pytest.fixture
def client(client):
    """A browser that asks for English pages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


WEAK = ["123", "12345678901", "password123", "zhangsan-li"]


@pytest.mark.parametrize("password", WEAK)
def test_the_service_refuses_a_weak_password(password):
    with pytest.raises(ValidationError):
        user_create(
            username="zhangsan-li", password=password, role=User.Role.DEPUTY, email="zhangsan-li@example.org"
        )
    assert not User.objects.filter(username="zhangsan-li").exists()


def test_the_service_takes_a_good_password_and_no_password():
    assert user_create(username="a", password="a-long-secret-9", role=User.Role.DEPUTY).has_usable_password()
    assert not user_create(username="b", password=None).has_usable_password()


def test_the_people_page_gives_initial_passwords_that_pass_the_policy(client):
    office = OfficeUserFactory()
    sign_in(client, office)
    response = client.post(
        reverse("people:person_new"),
        {"name": "刘洋", "contact": "13800000001", "role": User.Role.DEPUTY, "sign_in": "password"},
    )
    assert response.status_code == 200
    assert User.objects.filter(username="13800000001").exists()


def test_the_admin_add_form_refuses_a_weak_password(client):
    sign_in(client, UserFactory(is_superuser=True, is_staff=True))  # the office adds people on its own pages
    data = {"username": "weakling", "password1": "123", "password2": "123", "usable_password": "true"}
    response = client.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 200 and "too short" in response.content.decode()
    assert not User.objects.filter(username="weakling").exists()


def test_createsuperuser_without_prompts_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "123")
    with pytest.raises(CommandError, match="too short"):
        call_command("createsuperuser", "--noinput", "--username", "root", "--email", "root@example.org")
    assert not User.objects.filter(username="root").exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-root-secret-7")
    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "root@example.org")
    assert User.objects.get(username="root").is_superuser
