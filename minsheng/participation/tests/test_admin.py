"""The office's moderation and screening queues in the admin: every write goes through the services."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from minsheng.accounts.models import AuditEvent
from minsheng.participation import services
from minsheng.participation.models import (
    Comment,
    CommentStatus,
    ModerationMode,
    Response,
    SensitiveWord,
    Suggestion,
    Window,
)
from minsheng.participation.tests.conftest import IP
from minsheng.participation.tests.factories import SuggestionFactory
from minsheng.testing import sign_in

pytestmark = pytest.mark.usefixtures("en")


@pytest.fixture
def office_client(client, world):
    sign_in(client, world.office)
    return client


def _held(world) -> Comment:
    world.window.moderation = ModerationMode.PRE
    world.window.save()
    return services.comment_submit(item=world.item, by=world.public, text="待审核的意见", ip=IP)


@pytest.mark.parametrize(
    "model",
    ["comment", "suggestion", "window", "sensitiveword", "moderationaction", "response", "participant"],
)
def test_the_office_sees_every_page(office_client, world, model):
    _held(world)
    assert office_client.get(reverse(f"admin:participation_{model}_changelist")).status_code == 200


def test_the_moderation_queue_filter(office_client, world):
    held = _held(world)
    response = office_client.get(reverse("admin:participation_comment_changelist") + "?queue=review")
    assert response.status_code == 200
    assert held.text in response.content.decode()


@pytest.mark.parametrize("who", ["public", "deputy", "reporter", "head"])
def test_other_roles_are_kept_out(client, world, who):
    user = getattr(world, who)
    user.is_staff = True
    user.save()
    sign_in(client, user)
    response = client.get(reverse("admin:participation_comment_changelist"))
    assert response.status_code == 302


def test_bulk_publishing_goes_through_the_service(office_client, world):
    held = _held(world)
    response = office_client.post(
        reverse("admin:participation_comment_changelist"),
        {"action": "publish_selected", "_selected_action": [held.pk]},
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == CommentStatus.PUBLISHED
    assert AuditEvent.objects.filter(verb="comment_moderate", actor=world.office).exists()


def test_a_response_through_the_change_form(office_client, world):
    comment = services.comment_submit(item=world.item, by=world.public, text="意见", ip=IP)
    url = reverse("admin:participation_comment_change", args=[comment.pk])
    assert office_client.get(url).status_code == 200
    # Not adopted without a reason: the form says why and nothing is stored.
    page = office_client.post(
        url, {"decision": "", "note": "", "response_kind": "not_adopted", "response_text": ""}
    )
    assert page.status_code == 200
    assert gettext("Give the reason the comment is not adopted.") in page.content.decode()
    assert not Response.objects.exists()
    page = office_client.post(
        url, {"decision": "", "note": "", "response_kind": "not_adopted", "response_text": "资金已用完。"}
    )
    assert page.status_code == 302
    assert Response.objects.get(comment=comment).text == "资金已用完。"


def test_a_refused_decision_in_the_change_form_undoes_the_whole_form(office_client, world):
    held = _held(world)
    url = reverse("admin:participation_comment_change", args=[held.pk])
    page = office_client.post(
        url, {"decision": "publish", "note": "", "response_kind": "answered", "response_text": ""}
    )
    assert page.status_code == 200
    assert gettext("Write the answer.") in page.content.decode()
    held.refresh_from_db()
    assert held.status == CommentStatus.PENDING  # the publish was rolled back with the refused response


def test_screening_through_the_change_form(office_client, world):
    suggestion = SuggestionFactory(plan=world.ideas, author=world.public)
    url = reverse("admin:participation_suggestion_change", args=[suggestion.pk])
    assert office_client.get(url).status_code == 200
    page = office_client.post(url, {"outcome": "decline", "note": ""})
    assert gettext("Give the reason it is declined.") in page.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.SUBMITTED
    page = office_client.post(url, {"outcome": "decline", "note": "重复", "withhold": "on"})
    assert page.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.withheld) == ("declined", True)


def test_merging_through_the_change_form(office_client, world):
    original = SuggestionFactory(plan=world.ideas)
    duplicate = SuggestionFactory(plan=world.ideas)
    url = reverse("admin:participation_suggestion_change", args=[duplicate.pk])
    page = office_client.post(url, {"outcome": "merge", "note": ""})
    assert gettext("Choose the suggestion to merge into.") in page.content.decode()
    page = office_client.post(url, {"outcome": "merge", "note": "", "into": original.pk})
    assert page.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original


def test_bulk_accepting_suggestions(office_client, world):
    suggestions = SuggestionFactory.create_batch(2, plan=world.ideas)
    office_client.post(
        reverse("admin:participation_suggestion_changelist"),
        {"action": "accept_selected", "_selected_action": [s.pk for s in suggestions]},
    )
    assert set(Suggestion.objects.values_list("status", flat=True)) == {"accepted"}


def test_windows_and_words_are_kept_through_the_services(office_client, world):
    world.window.delete()
    page = office_client.post(
        reverse("admin:participation_window_add"),
        {
            "plan": world.plan.pk,
            "phase": "consultation",
            "opens_at_0": "2025-01-01",
            "opens_at_1": "00:00:00",
            "closes_at_0": "2025-01-31",
            "closes_at_1": "00:00:00",
            "moderation": "post",
            "flag_threshold": 3,
            "max_length": 800,
            "user_limit": 5,
            "user_limit_minutes": 10,
            "ip_limit": 20,
            "ip_limit_minutes": 60,
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    assert Window.objects.get(plan=world.plan, phase="consultation").max_length == 800
    assert AuditEvent.objects.filter(verb="window_set").exists()
    office_client.post(reverse("admin:participation_sensitiveword_add"), {"word": "敏感词", "plan": ""})
    word = SensitiveWord.objects.get(word="敏感词")
    office_client.post(reverse("admin:participation_sensitiveword_delete", args=[word.pk]), {"post": "yes"})
    assert not SensitiveWord.objects.exists()
    assert AuditEvent.objects.filter(verb="sensitive_word_remove").exists()
