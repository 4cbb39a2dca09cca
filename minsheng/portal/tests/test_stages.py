"""The office's stages page of a plan, and the stage on the plan's public page (docs/stages.md)."""

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
from minsheng.participation.models import Phase, SensitiveWord, Window
from minsheng.participation.tests.factories import WindowFactory
from minsheng.plans.models import Plan
from minsheng.plans.tests.factories import PlanFactory
from minsheng.testing import sign_in
from minsheng.voting.tests.conftest import open_vote, world  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]

NOT_OFFICE = {
    "public": PublicUserFactory,
    "deputy": DeputyFactory,
    "reporter": ReporterFactory,
    "head": DeptHeadFactory,
}


def _window_data(phase: str, **changes: str) -> dict[str, str]:
    now = timezone.localtime()
    data = {
        "opens_at": (now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + dt.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"),
        "moderation": "post",
        "flag_threshold": "4",
        "max_length": "800",
        "user_limit": "3",
        "user_limit_minutes": "15",
        "ip_limit": "30",
        "ip_limit_minutes": "60",
        **changes,
    }
    return {f"{phase}-{key}": value for key, value in data.items()}


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def plan():
    return PlanFactory(status=Plan.Status.DRAFT)


@pytest.fixture
def office(client):
    user = OfficeUserFactory()
    sign_in(client, user)
    return user


# --- who sees the page -----------------------------------------------------------------------------------


def test_the_office_sees_the_stages_page_with_every_form(client, office, plan):
    response = client.get(reverse("portal:stages", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("portal:stage_set", "portal:word_add", "voting:vote_manage", "voting:rating_manage"):
        assert reverse(name, args=[plan.pk]) in html
    for phase in Phase.values:
        assert reverse("portal:window_save", args=[plan.pk, phase]) in html
    assert 'aria-current="step"' in html


@pytest.mark.parametrize("role", sorted(NOT_OFFICE))
def test_no_one_but_the_office_opens_or_posts_to_the_stages_page(client, plan, role):
    sign_in(client, NOT_OFFICE[role]())
    assert client.get(reverse("portal:stages", args=[plan.pk])).status_code == 403
    response = client.post(reverse("portal:stage_set", args=[plan.pk]), {"status": "consultation"})
    assert response.status_code == 403
    window = client.post(
        reverse("portal:window_save", args=[plan.pk, "solicitation"]), _window_data("solicitation")
    )
    assert window.status_code == 403
    assert client.post(reverse("portal:word_add", args=[plan.pk]), {"word": "骗子"}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert not Window.objects.exists() and not SensitiveWord.objects.exists()


def test_an_anonymous_visitor_is_asked_to_sign_in(client, plan):
    response = client.get(reverse("portal:stages", args=[plan.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_office_link_shows_on_the_public_page_for_the_office_only(client, plan):
    url = reverse("portal:stages", args=[plan.pk])
    assert url not in client.get(reverse("portal:plan", args=[plan.pk])).content.decode()
    sign_in(client, OfficeUserFactory())
    assert url in client.get(reverse("portal:plan", args=[plan.pk])).content.decode()


# --- the stage -------------------------------------------------------------------------------------------


def test_the_office_moves_the_plan_to_consultation_and_it_is_audited(client, office, plan):
    response = client.post(reverse("portal:stage_set", args=[plan.pk]), {"status": "consultation"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CONSULTATION
    assert AuditEvent.objects.filter(verb="plan_status_set", actor=office).exists()


def test_a_stage_that_does_not_exist_is_refused_on_the_form(client, office, plan):
    response = client.post(reverse("portal:stage_set", args=[plan.pk]), {"status": "finished"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_a_guard_refusing_the_move_is_said_on_the_form(client, world, open_vote):  # noqa: F811
    sign_in(client, world.office)
    response = client.post(reverse("portal:stage_set", args=[world.plan.pk]), {"status": "adopted"})
    assert response.status_code == 400
    assert "finish it before moving the plan on" in response.content.decode()
    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.VOTING


# --- windows ---------------------------------------------------------------------------------------------


def test_the_office_opens_suggestions_with_dates_and_rules(client, office):
    plan = PlanFactory(status=Plan.Status.SOLICITATION)
    url = reverse("portal:window_save", args=[plan.pk, "solicitation"])
    assert client.post(url, _window_data("solicitation")).status_code == 302
    window = Window.objects.get(plan=plan, phase=Phase.SOLICITATION)
    assert (window.flag_threshold, window.max_length, window.user_limit) == (4, 800, 3)
    page = client.get(reverse("portal:stages", args=[plan.pk])).content.decode()
    assert "Open now, until" in page
    public = client.get(reverse("portal:plan", args=[plan.pk])).content.decode()
    assert "Suggestions are open until" in public
    # closing it: the closing time now
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    closed = _window_data("solicitation", closes_at=now)
    assert client.post(url, closed).status_code == 302
    assert "Closed on" in client.get(reverse("portal:stages", args=[plan.pk])).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_at": "2020-01-01T00:00"}, "The window must close after it opens"),
        ({"opens_at": "tomorrow"}, "Enter a valid date/time"),
        ({"flag_threshold": "0"}, "greater than or equal to 1"),
        ({"max_length": "5"}, "greater than or equal to 10"),
        ({"user_limit": "many"}, "Enter a whole number"),
        ({"moderation": "none"}, "Select a valid choice"),
    ],
)
def test_a_bad_window_is_refused_with_the_reason_and_nothing_changes(client, office, plan, changes, message):
    WindowFactory(plan=plan, phase=Phase.CONSULTATION, flag_threshold=3)
    url = reverse("portal:window_save", args=[plan.pk, "consultation"])
    response = client.post(url, _window_data("consultation", **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Window.objects.get(plan=plan).flag_threshold == 3


def test_an_unknown_phase_is_not_found(client, office, plan):
    url = reverse("portal:window_save", args=[plan.pk, "voting"])
    assert client.post(url, _window_data("voting")).status_code == 404


# --- sensitive words -------------------------------------------------------------------------------------


def test_the_office_adds_and_removes_sensitive_words(client, office, plan):
    url = reverse("portal:word_add", args=[plan.pk])
    assert client.post(url, {"word": "骗子"}).status_code == 302
    assert client.post(url, {"word": "谣言", "every_plan": "on"}).status_code == 302
    assert {(w.word, w.plan_id) for w in SensitiveWord.objects.all()} == {("骗子", plan.pk), ("谣言", None)}
    again = client.post(url, {"word": "骗子"})
    assert again.status_code == 400 and "already on the list" in again.content.decode()
    empty = client.post(url, {"word": ""})
    assert empty.status_code == 400 and SensitiveWord.objects.count() == 2
    word = SensitiveWord.objects.get(word="骗子")
    page = client.get(reverse("portal:stages", args=[plan.pk])).content.decode()
    assert "骗子" in page and "谣言" in page
    response = client.post(reverse("portal:word_remove", args=[plan.pk, word.pk]))
    assert response.status_code == 302
    assert not SensitiveWord.objects.filter(pk=word.pk).exists()


def test_a_word_of_another_plan_cannot_be_removed_from_this_page(client, office, plan):
    other = PlanFactory()
    word = SensitiveWord.objects.create(word="骗子", plan=other)
    assert client.post(reverse("portal:word_remove", args=[plan.pk, word.pk])).status_code == 404
    assert SensitiveWord.objects.filter(pk=word.pk).exists()


# --- the public page -------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", Plan.Status.values)
def test_everyone_sees_the_stage_on_the_plans_public_page(client, status):
    plan = PlanFactory(status=status)
    html = client.get(reverse("portal:plan", args=[plan.pk])).content.decode()
    current = html.split('aria-current="step">')[1].split("<")[0].strip()
    assert current == str(Plan.Status(status).label)


def test_the_stages_page_query_count_is_constant(client, office, plan, django_assert_max_num_queries):
    for word in ("一", "二", "三"):
        SensitiveWord.objects.create(word=word, plan=plan)
    WindowFactory(plan=plan, phase=Phase.CONSULTATION)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("portal:stages", args=[plan.pk])).status_code == 200
