import pytest
from django.contrib.auth.models import AnonymousUser

from minsheng.accounts.models import User
from minsheng.accounts.tests.factories import OfficeUserFactory, UserFactory
from minsheng.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("make_user", "allowed"),
    [
        (lambda: OfficeUserFactory(), True),
        (lambda: UserFactory(is_superuser=True), True),
        (lambda: OfficeUserFactory(is_staff=False), False),
        (lambda: OfficeUserFactory(is_active=False), False),
        (lambda: UserFactory(role=User.Role.REPORTER, is_staff=True), False),
        (lambda: UserFactory(role=User.Role.PUBLIC), False),
        (lambda: AnonymousUser(), False),
    ],
    ids=[
        "office",
        "superuser",
        "office-not-staff",
        "office-inactive",
        "reporter-staff",
        "public",
        "anonymous",
    ],
)
def test_only_office_staff_may_use_the_admin(make_user, allowed):
    assert make_user().has_perm("accounts.use_admin") is allowed


def test_admin_index_serves_the_office(client):
    sign_in(client, OfficeUserFactory())
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("role", [User.Role.PUBLIC, User.Role.REPORTER, User.Role.DEPUTY])
def test_admin_index_turns_away_other_roles_even_as_staff(client, role):
    sign_in(client, UserFactory(role=role, is_staff=True))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_index_turns_away_anonymous(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
