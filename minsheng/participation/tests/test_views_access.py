"""The participation pages: who may open each page and take each step (every role, both ways)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.functional import Promise

from minsheng.participation import services
from minsheng.participation.forms import FlagForm, SuggestionForm
from minsheng.participation.models import (
    Comment,
    CommentStatus,
    Flag,
    Follow,
    Support,
)
from minsheng.participation.services import Decision
from minsheng.participation.tests.conftest import stored
from minsheng.participation.tests.factories import CommentFactory, SuggestionFactory
from minsheng.participation.tests.views_support import ROLES, SIGNED_IN, _as, _item_url, _text, _to_login
from minsheng.testing import sign_in

pytestmark = [pytest.mark.django_db]


# --- who may open what -----------------------------------------------------------------------------------

EVERYONE = set(ROLES)
PAGES = {
    # page: roles that get 200; anonymous visitors not among them are sent to sign in, others get 403
    # (or, where the page is about something they may not see, the 404 of something that does not exist).
    "item": EVERYONE,
    "plan": EVERYONE,
    "report": EVERYONE,
    "suggestions": EVERYONE,
    "suggest": EVERYONE,
    "screened_suggestion": EVERYONE,
    "own_suggestion": {"public", "office"},  # unscreened: its author (public) and the office
    "register": {"anonymous"},
    "mine": set(SIGNED_IN),
    "notifications": set(SIGNED_IN),
    "email_confirm": set(SIGNED_IN),
    "screening": {"office"},
    "screen": {"office"},
    "moderation": {"office"},
    "comment_office": {"office"},
}


# Pages about a suggestion not yet screened: only its author (public) and the office see it.
SEES_THE_OBJECT = {"own_suggestion": {"public", "office"}, "screen": {"public", "office"}}


def _page_url(name: str, world) -> str:
    if name in ("screened_suggestion", "own_suggestion", "screen"):
        suggestion = SuggestionFactory(plan=world.ideas, author=world.public)
        if name == "screened_suggestion":
            services.suggestion_accept(suggestion=suggestion, by=world.office)
        view = "participation:screen" if name == "screen" else "participation:suggestion"
        return reverse(view, args=[suggestion.pk])
    if name == "comment_office":
        return reverse(f"participation:{name}", args=[CommentFactory(item=world.item).pk])
    if name in ("plan", "report", "suggestions"):
        return reverse(f"participation:{name}", args=[world.plan.pk])
    if name == "suggest":
        return reverse("participation:suggest", args=[world.ideas.pk])
    if name == "item":
        return _item_url(world)
    if name == "email_confirm":
        return reverse("participation:email_confirm", args=["some-token"])
    if name == "notifications":
        return reverse("notifications:inbox")
    return reverse(f"participation:{name}")


@pytest.mark.parametrize("page", sorted(PAGES))
def test_each_page_opens_for_its_roles_only(client, world, page):
    url = _page_url(page, world)
    for role in ROLES:
        response = _as(client, world, role).get(url)
        if role in PAGES[page]:
            assert response.status_code == 200, (page, role)
        elif role == "anonymous":
            assert _to_login(response), (page, role)
        elif page in SEES_THE_OBJECT and role not in SEES_THE_OBJECT[page]:
            assert response.status_code == 404, (page, role)
        else:
            assert response.status_code == 403, (page, role)
            assert "Not allowed" in _text(response)


def test_a_signed_in_person_is_told_why_they_cannot_register(client, world):
    response = _as(client, world, "public").get(reverse("participation:register"))
    assert response.status_code == 403
    assert "You are already signed in." in _text(response)


@pytest.mark.parametrize(
    "url",
    [
        "/participation/items/999999/",
        "/participation/plans/999999/",
        "/participation/plans/999999/report/",
        "/participation/plans/999999/suggest/",
        "/participation/suggestions/999999/",
        "/participation/office/suggestions/999999/",
        "/participation/office/comments/999999/",
    ],
)
def test_missing_things_are_404(client, world, url):
    assert _as(client, world, "office").get(url).status_code == 404


def test_the_portal_links_to_the_participation_pages(client, world):
    client = _as(client, world, "anonymous")
    assert _item_url(world) in _text(client.get(reverse("portal:item", args=[world.item.pk])))
    plan_page = _text(client.get(reverse("portal:plan", args=[world.plan.pk])))
    assert reverse("participation:plan", args=[world.plan.pk]) in plan_page
    participation = _text(client.get(reverse("participation:plan", args=[world.plan.pk])))
    for item in world.items:
        assert reverse("participation:item", args=[item.pk]) in participation
    assert reverse("participation:report", args=[world.plan.pk]) in participation


def test_posts_need_a_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, world.public)
    before = stored()
    response = client.post(reverse("participation:comment_add", args=[world.item.pk]), {"text": "没有令牌"})
    assert response.status_code == 403
    assert stored() == before


def test_pages_are_in_chinese_by_default(client, world):
    """(The page's own words are translated when the catalogues are refreshed; the frame is Chinese now.)"""
    response = Client().get(_item_url(world))
    assert response.status_code == 200
    assert 'lang="zh-Hans"' in _text(response)


def test_labels_made_at_import_follow_each_requests_language():
    """Moderation buttons (services.Decision) and the forms' length hints are declared once, at import; they
    must stay lazy so that each request shows them in its own language."""
    assert isinstance(Decision.PUBLISH.label, Promise)
    assert isinstance(SuggestionForm.base_fields["title"].help_text, Promise)
    assert isinstance(FlagForm.base_fields["reason"].help_text, Promise)


# --- steps by role ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", SIGNED_IN)
def test_every_signed_in_role_may_comment_support_follow_and_flag(client, world, role):
    other = CommentFactory(item=world.item, author=world.other)
    client = _as(client, world, role)
    response = client.post(
        reverse("participation:comment_add", args=[world.item.pk]), {"text": "支持燃气改造"}
    )
    assert response.status_code == 302
    comment = Comment.objects.get(text="支持燃气改造")
    assert comment.author == getattr(world, role)
    assert response["Location"] == _item_url(world, f"?comment={comment.pk}#comment-{comment.pk}")
    client.post(reverse("participation:support", args=[world.item.pk]))
    assert Support.objects.filter(item=world.item, user=getattr(world, role)).exists()
    client.post(reverse("participation:follow", args=[world.items[1].pk]))
    assert Follow.objects.filter(item=world.items[1], user=getattr(world, role)).exists()
    client.post(reverse("participation:comment_flag", args=[other.pk]), {f"flag-{other.pk}-reason": "广告"})
    assert Flag.objects.filter(comment=other, user=getattr(world, role), reason="广告").exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("comment_add", {"text": "匿名的意见"}),
        ("support", {}),
        ("support_withdraw", {}),
        ("follow", {}),
        ("unfollow", {}),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in_and_back(client, world, name, data):
    before = stored()
    response = _as(client, world, "anonymous").post(
        reverse(f"participation:{name}", args=[world.item.pk]), data
    )
    assert _to_login(response)
    assert "next=/participation/items/" in response["Location"]
    assert stored() == before


def test_anonymous_visitors_cannot_suggest_and_are_sent_to_sign_in(client, world):
    before = stored()
    response = _as(client, world, "anonymous").post(
        reverse("participation:suggest", args=[world.ideas.pk]), {"title": "x", "content": "y", "reason": "z"}
    )
    assert _to_login(response)
    assert stored() == before


@pytest.mark.parametrize("role", ["public", "deputy", "reporter", "head"])
def test_only_the_office_moderates_responds_and_screens(client, world, role):
    comment = CommentFactory(item=world.item, author=world.other)
    held = CommentFactory(
        item=world.item, author=world.other, status=CommentStatus.PENDING, held_reason="pre"
    )
    suggestion = SuggestionFactory(plan=world.ideas, author=world.other)
    before = stored()
    client = _as(client, world, role)
    steps = [  # (url, data, status): a held comment and another's unscreened suggestion are not seen: 404
        (reverse("participation:comment_moderate", args=[held.pk]), {"decision": "publish"}, 404),
        (reverse("participation:comment_moderate", args=[comment.pk]), {"decision": "hide"}, 403),
        (reverse("participation:comment_respond", args=[comment.pk]), {"kind": "adopted"}, 403),
        (reverse("participation:screen", args=[suggestion.pk]), {"decision": "accept"}, 404),
    ]
    for url, data, status in steps:
        response = client.post(url, data)
        assert response.status_code == status, url
    assert stored() == before


def test_withdrawing_someone_elses_comment_is_refused(client, world):
    comment = CommentFactory(item=world.item, author=world.other)
    before = stored()
    response = _as(client, world, "public").post(reverse("participation:comment_withdraw", args=[comment.pk]))
    assert response.status_code == 403
    assert "You can only withdraw your own comments." in _text(response)
    assert stored() == before
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PUBLISHED


def test_flagging_ones_own_comment_is_refused(client, world):
    comment = CommentFactory(item=world.item, author=world.public)
    before = stored()
    response = _as(client, world, "public").post(reverse("participation:comment_flag", args=[comment.pk]))
    assert response.status_code == 403
    assert "You cannot flag your own comment." in _text(response)
    assert stored() == before


def test_a_held_comment_of_someone_else_cannot_be_flagged_or_seen(client, world):
    held = CommentFactory(
        item=world.item, author=world.other, status=CommentStatus.PENDING, held_reason="pre"
    )
    before = stored()
    response = _as(client, world, "public").post(reverse("participation:comment_flag", args=[held.pk]))
    missing = _as(client, world, "public").post(reverse("participation:comment_flag", args=[held.pk + 999]))
    # a held comment of someone else answers exactly as one that does not exist
    assert (response.status_code, response.content) == (404, missing.content)
    assert missing.status_code == 404
    assert held.text not in _text(_as(client, world, "public").get(_item_url(world)))
    assert stored() == before
