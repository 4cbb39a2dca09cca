"""Where each person lands after signing in, and the menu their role sees on every page (docs/stages.md)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minsheng.accounts.tests.factories import (
    DeptHeadFactory,
    DeputyFactory,
    OfficeUserFactory,
    PublicUserFactory,
    ReporterFactory,
)
from minsheng.notifications.models import Notification
from minsheng.plans.tests.factories import DepartmentFactory, PlanFactory
from minsheng.testing import sign_in, totp_code, two_factor_device
from minsheng.voting.tests.conftest import open_rating, open_vote, world  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]

ROLES = {
    "office": OfficeUserFactory,
    "reporter": lambda: ReporterFactory(department=DepartmentFactory()),
    "head": lambda: DeptHeadFactory(department=DepartmentFactory()),
    "deputy": DeputyFactory,
    "public": PublicUserFactory,
}


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def _sign_in(client, user):
    user.set_password("pw-for-tests")
    user.save()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "pw-for-tests"})
    assert response.status_code == 302
    return client.get(response["Location"])


# --- landing ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "lands_on"),
    [
        ("office", "delivery:home"),
        ("reporter", "delivery:workspace"),
        ("head", "delivery:workspace"),
        ("deputy", "participation:mine"),
        ("public", "participation:mine"),
    ],
)
def test_each_person_lands_on_their_own_work_after_signing_in(client, role, lands_on):
    user = ROLES[role]()
    device = two_factor_device(user) if role == "office" else None
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "pw-for-tests"})
    assert response.status_code == 302
    if device is not None:  # the office gives its second factor first, then goes where it was going
        asked = client.get(response["Location"])
        assert asked["Location"].startswith(reverse("accounts:two_factor"))
        response = client.post(asked["Location"], {"code": totp_code(device.key)})
        assert response.status_code == 302
    landing = client.get(response["Location"])
    assert landing.status_code == 302 and landing["Location"] == reverse(lands_on)
    assert client.get(landing["Location"]).status_code == 200


def test_a_deputy_with_an_open_ballot_lands_on_it_and_after_voting_no_longer(client, world, open_vote):  # noqa: F811
    deputy = world.deputies[0]
    sign_in(client, deputy)
    response = client.get(reverse("portal:start"))
    assert response["Location"] == reverse("voting:vote", args=[world.plan.pk])


def test_a_deputy_lands_on_an_open_rating_when_no_ballot_waits(client, world, open_rating):  # noqa: F811
    sign_in(client, world.deputies[0])
    response = client.get(reverse("portal:start"))
    assert response["Location"] == reverse("voting:rating", args=[world.adopted.pk])


def test_a_visitor_going_to_the_start_goes_to_all_plans(client):
    response = client.get(reverse("portal:start"))
    assert response["Location"] == reverse("portal:home")


def test_a_next_page_still_wins_over_the_landing_page(client):
    user = OfficeUserFactory()
    plan = PlanFactory()
    response = client.post(
        reverse("accounts:login"),
        {
            "username": user.username,
            "password": "pw-for-tests",
            "next": reverse("portal:plan", args=[plan.pk]),
        },
    )
    assert response["Location"] == reverse("portal:plan", args=[plan.pk])


# --- the menu --------------------------------------------------------------------------------------------

MENU = {
    "office": {"plans", "delivery", "screening", "moderation", "audit", "inbox"},
    "reporter": {"plans", "workspace", "inbox"},
    "head": {"plans", "workspace", "inbox"},
    "deputy": {"plans", "mine", "inbox"},
    "public": {"plans", "mine", "inbox"},
}
ALL_ENTRIES = {
    "plans",
    "delivery",
    "screening",
    "moderation",
    "audit",
    "workspace",
    "ballot",
    "rating",
    "mine",
    "inbox",
}


def _menu(html: str) -> set[str]:
    nav = html.split('<nav class="site-menu"')[1].split("</nav>")[0]
    return {part.split('"')[0] for part in nav.split('data-menu="')[1:]}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_menu_shows_what_the_role_can_do_and_hides_the_rest(client, role):
    sign_in(client, ROLES[role]())
    html = client.get(reverse("portal:home")).content.decode()
    shown = _menu(html)
    assert shown == MENU[role]
    assert not (ALL_ENTRIES - MENU[role]) & shown


def test_a_visitor_sees_only_all_plans(client):
    assert _menu(client.get(reverse("portal:home")).content.decode()) == {"plans"}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_menu_entry_opens_for_its_role(client, role):
    sign_in(client, ROLES[role]())
    html = client.get(reverse("portal:home")).content.decode()
    nav = html.split('<nav class="site-menu"')[1].split("</nav>")[0]
    for href in [part.split('"')[0] for part in nav.split('href="')[1:]]:
        assert client.get(href).status_code == 200, href


def test_the_inbox_is_reachable_from_pages_of_every_app_with_the_unread_count(client):
    user = PublicUserFactory()
    Notification.objects.create(user=user, kind="report_accepted", message="m", url="/")
    sign_in(client, user)
    plan = PlanFactory()
    for url in (
        reverse("portal:home"),
        reverse("portal:plan", args=[plan.pk]),
        reverse("participation:mine"),
        reverse("voting:plan", args=[plan.pk]),
        reverse("notifications:inbox"),
    ):
        html = client.get(url).content.decode()
        assert reverse("notifications:inbox") in html.split('<nav class="site-menu"')[1], url
    assert "Notifications (1 unread)" in client.get(reverse("portal:home")).content.decode()


def test_the_deputy_menu_leads_to_the_open_ballot(client, world, open_vote):  # noqa: F811
    sign_in(client, world.deputies[0])
    html = client.get(reverse("portal:home")).content.decode()
    assert "ballot" in _menu(html)
    assert reverse("voting:vote", args=[world.plan.pk]) in html


def test_the_public_menu_leads_to_an_open_rating(client, world, open_rating):  # noqa: F811
    sign_in(client, PublicUserFactory())
    html = client.get(reverse("portal:home")).content.decode()
    assert "rating" in _menu(html)


def test_the_page_has_a_favicon_and_a_readable_sign_in_link(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
    css = client.get("/static/portal/minsheng.css")
    if css.status_code == 200:  # served by the static files app in tests where it is on
        assert b"header.site a.account" in b"".join(css.streaming_content)
