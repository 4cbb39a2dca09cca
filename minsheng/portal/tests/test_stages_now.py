"""The stages page's "open now" / "close now" buttons (suggestions, consultation, the vote, the rating), through
the same services as the dated forms: each both ways, every role refused, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import AuditEvent
from minsheng.accounts.tests.factories import (
    DeptHeadFactory,
    DeputyFactory,
    OfficeUserFactory,
    PublicUserFactory,
    ReporterFactory,
)
from minsheng.participation.models import Window
from minsheng.participation.tests.factories import WindowFactory
from minsheng.plans.models import Plan
from minsheng.plans.tests.factories import PlanFactory
from minsheng.testing import sign_in
from minsheng.voting import services as voting
from minsheng.voting.models import RoundStatus
from minsheng.voting.tests.conftest import world  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]

NOT_OFFICE = {
    "public": PublicUserFactory,
    "deputy": DeputyFactory,
    "reporter": ReporterFactory,
    "head": DeptHeadFactory,
}


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def office(client):
    user = OfficeUserFactory()
    sign_in(client, user)
    return user


def _now(plan, kind, step):
    return reverse("portal:round_now", args=[plan.pk, kind, step])


@pytest.mark.parametrize("phase", ["solicitation", "consultation"])
def test_the_office_opens_a_window_now_and_closes_it_now(client, office, phase):
    plan = PlanFactory(status=phase)
    page = client.get(reverse("portal:stages", args=[plan.pk])).content.decode()
    assert _now(plan, phase, "open") in page
    response = client.post(_now(plan, phase, "open"))
    assert response.status_code == 302
    window = Window.objects.get(plan=plan, phase=phase)
    assert window.opens_at <= timezone.now() < window.closes_at
    assert window.closes_at > timezone.now() + dt.timedelta(days=13)
    page = client.get(reverse("portal:stages", args=[plan.pk])).content.decode()
    assert _now(plan, phase, "close") in page and _now(plan, phase, "open") not in page
    client.post(_now(plan, phase, "close"))
    window.refresh_from_db()
    assert window.closes_at <= timezone.now()
    assert AuditEvent.objects.filter(verb="window_set").count() == 2


def test_opening_now_keeps_the_rules_and_a_closing_time_ahead(client, office):
    window = WindowFactory(
        phase="consultation",
        plan__status="consultation",
        opens_at=timezone.now() + dt.timedelta(days=3),
        closes_at=timezone.now() + dt.timedelta(days=30),
        flag_threshold=7,
    )
    client.post(_now(window.plan, "consultation", "open"))
    before = window.closes_at
    window.refresh_from_db()
    assert window.opens_at <= timezone.now() and window.closes_at == before and window.flag_threshold == 7


def test_a_window_of_another_stage_is_not_opened_and_the_reason_is_said(client, office):
    plan = PlanFactory(status=Plan.Status.DRAFT)
    response = client.post(_now(plan, "solicitation", "open"), follow=True)
    assert "Move the plan to the stage" in response.content.decode()
    assert not Window.objects.filter(plan=plan).exists()
    response = client.post(_now(plan, "consultation", "close"), follow=True)
    assert "not open" in response.content.decode()


def test_the_office_opens_and_closes_the_vote_and_the_rating_now(client, world):  # noqa: F811
    sign_in(client, world.office)
    later = {
        "opens_at": timezone.now() + dt.timedelta(days=2),
        "closes_at": timezone.now() + dt.timedelta(days=9),
    }
    round_ = voting.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=3, **later)
    client.post(_now(world.plan, "vote", "open"))
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN and round_.opens_at <= timezone.now()
    client.post(_now(world.plan, "vote", "close"))
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED

    rating = voting.rating_set(plan=world.adopted, by=world.office, threshold=80, **later)
    client.post(_now(world.adopted, "rating", "open"))
    rating.refresh_from_db()
    assert rating.status == RoundStatus.OPEN
    client.post(_now(world.adopted, "rating", "close"))
    rating.refresh_from_db()
    assert rating.status == RoundStatus.CLOSED
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"vote_open", "vote_close", "rating_open", "rating_close"} <= verbs


def test_a_vote_not_set_up_is_said(client, office):
    plan = PlanFactory(status=Plan.Status.VOTING)
    response = client.post(_now(plan, "vote", "open"), follow=True)
    assert "No vote is set up" in response.content.decode()


def test_an_unknown_kind_or_step_is_not_found(client, office):
    plan = PlanFactory(status=Plan.Status.VOTING)
    assert client.post(reverse("portal:round_now", args=[plan.pk, "lottery", "open"])).status_code == 404
    assert client.post(reverse("portal:round_now", args=[plan.pk, "vote", "reopen"])).status_code == 404
    assert client.get(_now(plan, "vote", "open")).status_code == 405


@pytest.mark.parametrize("role", NOT_OFFICE)
def test_no_one_but_the_office_opens_or_closes_now(client, role):
    plan = PlanFactory(status="solicitation")
    sign_in(client, NOT_OFFICE[role]())
    assert client.post(_now(plan, "solicitation", "open")).status_code == 403
    assert not Window.objects.filter(plan=plan).exists()


def test_a_visitor_is_asked_to_sign_in(client):
    plan = PlanFactory(status="solicitation")
    response = client.post(_now(plan, "solicitation", "open"))
    assert response.status_code == 302 and "login" in response.url
    assert not Window.objects.filter(plan=plan).exists()
