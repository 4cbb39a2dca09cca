"""The participation pages: suggestions and their screening, public accounts, the consultation report, and query counts that do not grow with the number of comments."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.accounts.tests.factories import PublicUserFactory
from minsheng.notifications.models import Notification
from minsheng.participation import services
from minsheng.participation.models import (
    CommentStatus,
    Flag,
    Participant,
    Response,
    Suggestion,
    SuggestionStatus,
    Support,
)
from minsheng.participation.tests.conftest import IP, stored
from minsheng.participation.tests.factories import CommentFactory, SuggestionFactory
from minsheng.participation.tests.test_views_comments import _revision
from minsheng.participation.tests.views_support import _as, _item_url, _text
from minsheng.plans.models import ItemRevision
from minsheng.plans.tests.factories import PlanVersionFactory
from minsheng.testing import sign_in

pytestmark = [pytest.mark.django_db]


# --- suggestions -----------------------------------------------------------------------------------------

GOOD = {
    "title": "老旧小区加装电梯",
    "content": "为6层以上老旧小区加装电梯。",
    "place": "31团",
    "reason": "老年人上下楼困难。",
    "cost": "1,200,000",
}


def _suggest(client: Client, world, **changes):
    return client.post(reverse("participation:suggest", args=[world.ideas.pk]), {**GOOD, **changes})


def test_a_suggestion_is_made_screened_and_published(client, world, django_capture_on_commit_callbacks):
    action = world.ideas.actions.get()
    response = _suggest(_as(client, world, "public"), world, action=action.pk)
    suggestion = Suggestion.objects.get()
    assert response["Location"] == reverse("participation:suggestion", args=[suggestion.pk])
    assert (suggestion.ip, suggestion.action, str(suggestion.cost)) == ("127.0.0.1", action, "1200000.00")
    page = _text(client.get(response["Location"]))
    assert "waiting for the office to screen it" in page
    assert "The office has not screened your suggestion yet." in page
    public_list = reverse("participation:suggestions", args=[world.ideas.pk])
    assert GOOD["title"] not in _text(_as(client, world, "anonymous").get(public_list))

    duplicate = SuggestionFactory(plan=world.ideas, author=world.other, title="加装电梯")
    office = _as(client, world, "office")
    queue = _text(office.get(reverse("participation:screening")))
    assert GOOD["title"] in queue and "加装电梯" in queue
    screen = reverse("participation:screen", args=[duplicate.pk])
    assert f'value="{suggestion.pk}"' in _text(office.get(screen))
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(
            screen, {"decision": "merge", "merge-into": suggestion.pk, "merge-note": "重复"}
        )
        assert response["Location"] == reverse("participation:screening")
        office.post(
            reverse("participation:screen", args=[suggestion.pk]),
            {"decision": "accept", "accept-note": "列入草案"},
        )
    assert Suggestion.objects.get(pk=duplicate.pk).status == SuggestionStatus.MERGED
    listing = _text(_as(client, world, "anonymous").get(public_list))
    assert GOOD["title"] in listing
    assert "1 similar suggestion merged into this one" in listing
    assert "Accepted as a candidate item" in listing
    assert "列入草案" in listing
    assert Notification.objects.filter(user=world.public, kind="suggestion_screened").exists()


def test_the_office_links_an_accepted_suggestion_to_its_item(client, world):
    suggestion = SuggestionFactory(plan=world.plan, author=world.public)
    services.suggestion_accept(suggestion=suggestion, by=world.office)
    office = _as(client, world, "office")
    url = reverse("participation:screen", args=[suggestion.pk])
    response = office.post(url, {"decision": "link", "link-item": world.items[1].pk})
    assert response["Location"] == url
    assert Suggestion.objects.get(pk=suggestion.pk).item == world.items[1]
    page = _text(
        _as(client, world, "anonymous").get(reverse("participation:suggestion", args=[suggestion.pk]))
    )
    assert reverse("participation:item", args=[world.items[1].pk]) in page


def test_declining_needs_a_reason_and_may_withhold(client, world):
    suggestion = SuggestionFactory(plan=world.ideas, author=world.public, title="含电话的建议")
    office = _as(client, world, "office")
    url = reverse("participation:screen", args=[suggestion.pk])
    before = stored()
    response = office.post(url, {"decision": "decline", "decline-reason": "  "})
    assert response.status_code == 400
    assert "Give the reason it is declined." in _text(response)
    response = office.post(url, {"decision": "merge", "merge-into": ""})
    assert response.status_code == 400
    assert "Choose the suggestion to merge into." in _text(response)
    response = office.post(url, {"decision": "jump"})
    assert response.status_code == 400
    assert "Choose accept, merge or decline." in _text(response)
    assert stored() == before
    office.post(url, {"decision": "decline", "decline-reason": "含个人信息", "decline-withhold": "on"})
    assert Suggestion.objects.get(pk=suggestion.pk).withheld
    public_list = reverse("participation:suggestions", args=[world.ideas.pk])
    assert "含电话的建议" not in _text(_as(client, world, "anonymous").get(public_list))
    assert (
        _as(client, world, "other").get(reverse("participation:suggestion", args=[suggestion.pk])).status_code
        == 404
    )
    own = _text(_as(client, world, "public").get(reverse("participation:suggestion", args=[suggestion.pk])))
    assert "含个人信息" in own
    before = stored()
    response = _as(client, world, "office").post(url, {"decision": "accept"})
    assert response.status_code == 400
    assert "This suggestion was already screened (Declined)." in _text(response)
    assert stored() == before


@pytest.mark.parametrize(
    ("changes", "field_messages"),
    [
        (
            {"title": "", "content": "", "reason": ""},
            ["Give the project a name.", "Say what should be done.", "Say why it is needed."],
        ),
        ({"title": "名" * 101}, ["This is too long: 101 characters, at most 100."]),
        ({"content": "做" * 1001}, ["This is too long: 1001 characters, at most 1000."]),
        (
            {"reason": "<script>alert(1)</script>"},
            ["Write plain text: HTML tags and scripts are not accepted."],
        ),
        ({"place": "<b>31团</b>"}, ["Write plain text: HTML tags and scripts are not accepted."]),
        ({"cost": "很多"}, ["Give the cost as a number of yuan."]),
        ({"cost": "-5"}, ["The cost cannot be negative."]),
        ({"action": "999999"}, ["Select a valid choice."]),
    ],
)
def test_a_bad_suggestion_is_refused_field_by_field_with_the_input_kept(
    client, world, changes, field_messages
):
    before = stored()
    response = _suggest(_as(client, world, "public"), world, **changes)
    assert response.status_code == 400
    html = _text(response)
    for message in field_messages:
        assert message in html
    assert stored() == before
    assert GOOD["place"] in html or "place" in changes
    assert 'class="field has-error"' in html


def test_flooding_suggestions_is_refused(client, world):
    client = _as(client, world, "public")
    for n in range(world.ideas_window.user_limit):
        assert _suggest(client, world, title=f"建议{n}").status_code == 302
    before = stored()
    response = _suggest(client, world, title="第六条")
    assert response.status_code == 400
    assert "You are posting too often" in _text(response)
    assert "第六条" in _text(response)
    assert stored() == before


def test_suggesting_outside_the_window_is_refused_and_said(client, world):
    world.ideas_window.opens_at = timezone.now() + dt.timedelta(days=2)
    world.ideas_window.closes_at = timezone.now() + dt.timedelta(days=9)
    world.ideas_window.save()
    client = _as(client, world, "public")
    page = _text(client.get(reverse("participation:suggest", args=[world.ideas.pk])))
    assert "Suggestions open on" in page
    assert "Send my suggestion" not in page
    before = stored()
    response = _suggest(client, world)
    assert response.status_code == 400
    assert "This opens on" in _text(response)
    assert GOOD["content"] in _text(response)
    assert stored() == before
    # A plan at another stage is not collecting suggestions at all.
    page = _text(client.get(reverse("participation:suggest", args=[world.plan.pk])))
    assert "This plan is not collecting suggestions now." in page


def test_an_anonymous_visitor_sees_the_suggestion_form_is_for_signed_in_people(client, world):
    page = _text(_as(client, world, "anonymous").get(reverse("participation:suggest", args=[world.ideas.pk])))
    assert "Sign in to suggest" in page
    assert "Send my suggestion" not in page


# --- accounts ----------------------------------------------------------------------------------------------


REGISTRATION = {
    "username": "laozhang",
    "password": "a-long-pass-phrase-77",
    "password_again": "a-long-pass-phrase-77",
    "phone": "138-0000-0000",
    "email": "laozhang@example.org",
}


def test_registering_signs_in_and_the_mailed_link_confirms_the_address(
    client, world, django_capture_on_commit_callbacks
):
    client = _as(client, world, "anonymous")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("participation:register") + "?next=" + _item_url(world), REGISTRATION)
    assert response.status_code == 302
    assert response["Location"] == _item_url(world)
    user = User.objects.get(username="laozhang")
    assert user.role == User.Role.PUBLIC
    assert Participant.objects.get(user=user).registered_ip == "127.0.0.1"
    assert int(client.session["_auth_user_id"]) == user.pk
    assert "We sent a link to laozhang@example.org" in _text(client.get(response["Location"]))
    mine = _text(client.get(reverse("participation:mine")))
    assert "is not confirmed yet" in mine
    (message,) = mail.outbox
    link = re.search(r"/participation/confirm/[^/\s]+/", message.body).group(0)
    page = _text(client.get(link))
    assert "Confirm my email address" in page
    assert Participant.objects.get(user=user).email_confirmed == ""  # opening the link confirms nothing
    page = _text(client.post(link))
    assert "laozhang@example.org is confirmed" in page
    assert Participant.objects.get(user=user).email_confirmed == "laozhang@example.org"
    response = client.post(link)
    assert response.status_code == 400
    assert "This confirmation link was already used." in _text(response)
    assert "is not confirmed yet" not in _text(client.get(reverse("participation:mine")))


def test_a_bad_confirmation_link_says_so(client, world):
    response = _as(client, world, "public").post(reverse("participation:email_confirm", args=["nonsense"]))
    assert response.status_code == 400
    assert "This confirmation link is not valid." in _text(response)


def test_the_confirmation_link_can_be_sent_again(client, world, django_capture_on_commit_callbacks):
    user = services.account_register(
        username="lw", password="a-long-pass-phrase-77", ip=IP, email="lw@example.org"
    )
    sign_in(client, user)
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        page = _text(client.post(reverse("participation:confirmation_send"), follow=True))
    assert "We sent a new link to lw@example.org." in page
    assert len(mail.outbox) == 1
    for _n in range(2):
        client.post(reverse("participation:confirmation_send"))
    page = _text(client.post(reverse("participation:confirmation_send"), follow=True))
    assert "A confirmation email was sent recently" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": ""}, "Choose a user name."),
        ({"username": "PUBLIC-TAKEN"}, "This user name is taken; choose another."),
        ({"password": "123", "password_again": "123"}, "This password is too short."),
        ({"password": "password", "password_again": "password"}, "This password is too common."),
        ({"password_again": "something-else-99"}, "The two passwords differ"),
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"phone": "call me"}, "Enter a phone number"),
        ({"username": "<script>"}, "Enter a valid username."),
    ],
)
def test_a_bad_registration_is_refused_with_the_input_kept(client, world, changes, message):
    User.objects.create_user(username="public-taken", password="x")
    before = stored()
    data = {**REGISTRATION, **changes}
    response = _as(client, world, "anonymous").post(reverse("participation:register"), data)
    assert response.status_code == 400
    html = _text(response)
    assert message in html
    assert stored() == before
    assert "_auth_user_id" not in client.session
    if data["email"]:
        assert data["email"] in html
    assert "a-long-pass-phrase-77" not in html  # a password is never sent back


def test_registering_too_often_from_one_address_is_refused(client, world, settings):
    settings.MINSHENG_REGISTRATIONS_PER_IP_PER_HOUR = 1
    client = Client(REMOTE_ADDR=IP)
    assert client.post(reverse("participation:register"), {**REGISTRATION, "email": ""}).status_code == 302
    client = Client(REMOTE_ADDR=IP)
    client.cookies["django_language"] = "en"
    before = stored()
    response = client.post(
        reverse("participation:register"), {**REGISTRATION, "username": "second", "email": ""}
    )
    assert response.status_code == 400
    assert "Too many accounts were registered from your network address" in _text(response)
    assert stored() == before


def test_the_register_page_links_to_sign_in(client, world):
    html = _text(_as(client, world, "anonymous").get(reverse("participation:register")))
    assert reverse("accounts:login") in html


# --- the consultation report -------------------------------------------------------------------------------


def test_the_report_shows_comments_support_outcomes_and_phrases(client, world):
    revision = _revision(world)
    texts = ["燃气管道老化严重", "希望燃气管道尽快改造", "燃气管道要安全"]
    comments = [CommentFactory(item=world.item, author=PublicUserFactory(), text=t) for t in texts]
    CommentFactory(
        item=world.item,
        author=world.public,
        text="隐藏的意见",
        status=CommentStatus.HIDDEN,
        held_reason="flags",
    )
    services.comment_respond(comment=comments[0], by=world.office, kind="adopted", revision=revision)
    services.comment_respond(comment=comments[1], by=world.office, kind="not_adopted", text="资金不足")
    Support.objects.create(item=world.item, user=world.public)
    html = _text(_as(client, world, "anonymous").get(reverse("participation:report", args=[world.plan.pk])))
    assert "3 published comments" in html and "from 3 people" in html
    assert "燃气管道" in html and "in 3 comments" in html
    assert "Adopted: <strong>1</strong>" in html
    assert "Not adopted: <strong>1</strong>" in html
    assert "Awaiting a response: <strong>1</strong>" in html
    assert "资金不足" in html
    assert "隐藏的意见" not in html
    assert f"#change-{revision.pk}" in html


# --- query counts ------------------------------------------------------------------------------------------


def _grow(world, n: int) -> None:
    """n more published comments on each item, each with a response linked to a change, a flag and a
    supporter; and a held comment by the same author."""
    kinds = ["adopted", "partly", "not_adopted", "answered"]
    version = PlanVersionFactory(plan=world.plan)
    for item in world.items:
        revision = ItemRevision.objects.create(
            item=item, version=version, kind="changed", no=item.no, text=item.text + "（修订）"
        )
        for k in range(n):
            author = PublicUserFactory()
            comment = CommentFactory(
                item=item, author=author, text=f"建议加快老旧小区燃气管道改造，第{k}条。"
            )
            Response.objects.create(
                comment=comment, kind=kinds[k % 4], text="答复", revision=revision, created_by=world.office
            )
            Flag.objects.create(comment=comment, user=world.public)
            Support.objects.create(item=item, user=author)
            CommentFactory(
                item=item, author=world.public, status=CommentStatus.PENDING, text="待审核", held_reason="pre"
            )


def _count(client: Client, url: str) -> int:
    client.get(url)  # warm up: the session, the language
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["anonymous", "public", "office"])
def test_the_item_page_query_count_does_not_grow_with_comments(client, world, role):
    url = _item_url(world)
    client = _as(client, world, role)
    _grow(world, 1)
    few = _count(client, url)
    _grow(world, 8)
    assert _count(client, url) == few
    assert few <= 16  # 14, and the site menu's (the unread count; an open ballot or rating)


@pytest.mark.parametrize(
    "page", ["report", "moderation", "mine", "plan", "suggestions", "screening", "notifications"]
)
def test_other_pages_query_counts_do_not_grow(client, world, page):
    urls = {
        "report": reverse("participation:report", args=[world.plan.pk]),
        "plan": reverse("participation:plan", args=[world.plan.pk]),
        "suggestions": reverse("participation:suggestions", args=[world.ideas.pk]),
        "notifications": reverse("notifications:inbox"),
    }
    url = urls.get(page) or reverse(f"participation:{page}")
    client = _as(client, world, "office" if page in ("moderation", "screening") else "public")

    def grow(n: int) -> None:
        _grow(world, n)
        for _k in range(n):
            target = SuggestionFactory(plan=world.ideas, author=world.public)
            services.suggestion_accept(suggestion=target, by=world.office)
            services.suggestion_merge(
                suggestion=SuggestionFactory(plan=world.ideas, author=world.public),
                into=target,
                by=world.office,
            )
            SuggestionFactory(plan=world.ideas, author=world.public)
            Notification.objects.create(
                user=world.public, kind="item_changed", message="变了", url=_item_url(world)
            )

    grow(1)
    few = _count(client, url)
    grow(6)
    assert _count(client, url) == few
