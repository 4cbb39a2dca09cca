"""The participation pages: who may open each page and take each step (every role, both ways), what each
form does with bad input (a clear message, the input kept, nothing stored), the flows that work, escaping of
stored text, and query counts that do not grow with the number of comments."""

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
from django.utils.functional import Promise

from minsheng.accounts.models import User
from minsheng.accounts.tests.factories import PublicUserFactory
from minsheng.notifications.models import Notification
from minsheng.participation import services
from minsheng.participation.forms import FlagForm, SuggestionForm
from minsheng.participation.models import (
    Comment,
    CommentStatus,
    Flag,
    Follow,
    ModerationMode,
    Participant,
    Response,
    Suggestion,
    SuggestionStatus,
    Support,
)
from minsheng.participation.services import Decision
from minsheng.participation.tests.conftest import IP, stored
from minsheng.participation.tests.factories import CommentFactory, SuggestionFactory
from minsheng.plans.models import ItemRevision
from minsheng.plans.tests.factories import PlanVersionFactory

pytestmark = [pytest.mark.django_db]

ROLES = ("anonymous", "public", "deputy", "reporter", "head", "office")
SIGNED_IN = ROLES[1:]


def _as(client: Client, world, role: str) -> Client:  # noqa: ANN001
    """The client signed in as one of the world's users (or nobody), reading English."""
    client.logout()
    if role != "anonymous":
        client.force_login(getattr(world, role))
    client.cookies["django_language"] = "en"
    return client


def _text(response) -> str:  # noqa: ANN001
    return response.content.decode()


def _item_url(world, fragment: str = "") -> str:  # noqa: ANN001
    return reverse("participation:item", args=[world.item.pk]) + fragment


def _to_login(response) -> bool:  # noqa: ANN001
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


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


def _page_url(name: str, world) -> str:  # noqa: ANN001
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
    client.force_login(world.public)
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
    assert response["Location"] == _item_url(world, f"#comment-{comment.pk}")
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


# --- comments: bad input -----------------------------------------------------------------------------------


def _comment(client: Client, world, text: str, **extra):  # noqa: ANN001
    return client.post(reverse("participation:comment_add", args=[world.item.pk]), {"text": text}, **extra)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Your comment is empty."),
        ("   \n  ", "Your comment is empty."),
        ("长" * 1001, "This is too long: 1001 characters, at most 1000."),
        ("<script>alert(1)</script>燃气", "Write plain text: HTML tags and scripts are not accepted."),
        ('<img src=x onerror="alert(1)">', "Write plain text: HTML tags and scripts are not accepted."),
        ("右到左\u202e覆盖", "This contains invisible control characters; remove them and try again."),
    ],
)
def test_a_bad_comment_is_refused_on_the_form_with_the_text_kept(client, world, text, message):
    client = _as(client, world, "public")
    before = stored()
    response = _comment(client, world, text)
    assert response.status_code == 400
    html = _text(response)
    assert message in html
    assert stored() == before
    if text.strip() and "<" not in text:
        assert text[:50] in html  # what they typed is still in the form
    if "<script>" in text:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;燃气" in html  # kept, escaped
        assert "<script>" not in html


def test_flooding_is_refused_with_the_rate_limit_message(client, world):
    client = _as(client, world, "public")
    for n in range(world.window.user_limit):
        assert _comment(client, world, f"第{n}条意见").status_code == 302
    before = stored()
    response = _comment(client, world, "再来一条")
    assert response.status_code == 400
    assert "You are posting too often: at most 5 in 10 minutes. Please try again later." in _text(response)
    assert "再来一条" in _text(response)
    assert stored() == before


def test_flooding_from_one_address_is_refused_and_the_address_is_the_clients(client, world):
    world.window.ip_limit = 2
    world.window.save()
    for role in ("public", "deputy"):
        _comment(_as(client, world, role), world, f"{role}的意见", REMOTE_ADDR=IP)
    assert set(Comment.objects.values_list("ip", flat=True)) == {IP}
    before = stored()
    response = _comment(_as(client, world, "reporter"), world, "同一地址", REMOTE_ADDR=IP)
    assert response.status_code == 400
    assert "Too many posts from your network address" in _text(response)
    assert stored() == before
    assert (
        _comment(_as(client, world, "reporter"), world, "另一地址", REMOTE_ADDR="198.51.100.9").status_code
        == 302
    )


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        (dt.timedelta(days=1), dt.timedelta(days=5), "This opens on"),
        (dt.timedelta(days=-5), dt.timedelta(days=-1), "This closed on"),
    ],
)
def test_commenting_outside_the_window_is_refused(client, world, opens, closes, message):
    now = timezone.now()
    world.window.opens_at, world.window.closes_at = now + opens, now + closes
    world.window.save()
    client = _as(client, world, "public")
    page = _text(client.get(_item_url(world)))
    assert 'action="/participation/items/' not in page.split('id="comment-form"')[1].split("</section>")[0]
    assert ("Comments open on" if opens > dt.timedelta(0) else "Comments closed on") in page
    assert "I support this item" not in page
    before = stored()
    response = _comment(client, world, "窗口外的意见")
    assert response.status_code == 400
    assert message in _text(response)
    assert "窗口外的意见" in _text(response)
    assert stored() == before


def test_a_plan_not_open_for_comment_says_so(client, world):
    world.plan.status = "adopted"
    world.plan.save()
    client = _as(client, world, "public")
    assert "This plan is not open for comment now." in _text(client.get(_item_url(world)))
    before = stored()
    response = _comment(client, world, "晚了")
    assert "This plan is not open for comment." in _text(response)
    assert stored() == before


# --- comments: what works -----------------------------------------------------------------------------------


def test_a_published_comment_shows_to_everyone_escaped(client, world):
    client = _as(client, world, "public")
    response = _comment(client, world, '人数<100 & "燃气"\n第二行')
    assert response.status_code == 302
    followed = client.get(response["Location"])
    html = _text(followed)
    assert "Thank you. Your comment is published." in html
    assert "人数&lt;100 &amp; &quot;燃气&quot;<br>第二行" in html
    comment = Comment.objects.get()
    assert comment.ip == "127.0.0.1"
    assert Follow.objects.filter(user=world.public, item=world.item).exists()
    anonymous = _text(_as(client, world, "anonymous").get(_item_url(world)))
    assert f'id="comment-{comment.pk}"' in anonymous
    assert "人数&lt;100" in anonymous


def test_stored_markup_is_escaped_on_every_page(client, world):
    """Text is refused with markup, but a row written another way is still escaped wherever shown."""
    evil = "<script>alert('x')</script><b>粗</b>"
    comment = CommentFactory(item=world.item, author=world.public, text=evil)
    held = CommentFactory(
        item=world.item,
        author=world.public,
        text=evil + "待审",
        status=CommentStatus.PENDING,
        held_reason="pre",
    )
    Response.objects.create(comment=comment, kind="not_adopted", text=evil + "理由", created_by=world.office)
    suggestion = SuggestionFactory(
        plan=world.ideas,
        author=world.public,
        title=evil,
        content=evil,
        reason=evil,
        status=SuggestionStatus.DECLINED,
        outcome_reason=evil,
    )
    urls = {
        "public": [
            _item_url(world),
            reverse("participation:report", args=[world.plan.pk]),
            reverse("participation:mine"),
            reverse("participation:suggestion", args=[suggestion.pk]),
            reverse("participation:suggestions", args=[world.ideas.pk]),
        ],
        "office": [
            reverse("participation:moderation"),
            reverse("participation:comment_office", args=[held.pk]),
            reverse("participation:comment_office", args=[comment.pk]),
            reverse("participation:screen", args=[suggestion.pk]),
        ],
    }
    for role, pages in urls.items():
        for url in pages:
            html = _text(_as(client, world, role).get(url))
            assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;b&gt;粗&lt;/b&gt;" in html, url
            assert "<script>" not in html and "<b>粗" not in html, url


def test_a_held_comment_shows_to_its_author_only(client, world):
    world.window.moderation = ModerationMode.PRE
    world.window.save()
    response = _comment(_as(client, world, "public"), world, "请审核我的意见")
    html = _text(client.get(response["Location"]))
    assert "Your comment is waiting for a moderator" in html
    assert "Your comments that others do not see" in html
    assert "请审核我的意见" in html
    assert "请审核我的意见" not in _text(_as(client, world, "other").get(_item_url(world)))
    assert "请审核我的意见" not in _text(_as(client, world, "anonymous").get(_item_url(world)))
    assert "请审核我的意见" in _text(_as(client, world, "office").get(reverse("participation:moderation")))


def test_the_author_withdraws_a_comment(client, world):
    comment = CommentFactory(item=world.item, author=world.public)
    client = _as(client, world, "public")
    assert reverse("participation:comment_withdraw", args=[comment.pk]) in _text(client.get(_item_url(world)))
    response = client.post(reverse("participation:comment_withdraw", args=[comment.pk]))
    assert response["Location"] == _item_url(world)
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.WITHDRAWN
    assert "Your comment is withdrawn." in _text(client.get(response["Location"]))


def test_a_comment_with_a_response_cannot_be_withdrawn(client, world):
    comment = CommentFactory(item=world.item, author=world.public)
    services.comment_respond(comment=comment, by=world.office, kind="adopted")
    client = _as(client, world, "public")
    assert reverse("participation:comment_withdraw", args=[comment.pk]) not in _text(
        client.get(_item_url(world))
    )
    before = stored()
    response = client.post(reverse("participation:comment_withdraw", args=[comment.pk]), follow=True)
    assert "The office has responded to this comment; it stays on the record." in _text(response)
    assert stored() == before


# --- support and following ---------------------------------------------------------------------------------


def test_support_once_per_person(client, world):
    client = _as(client, world, "public")
    url = reverse("participation:support", args=[world.item.pk])
    page = _text(client.post(url, follow=True))
    assert "Thank you for your support." in page
    assert "1 person supports this item." in page
    assert "Withdraw my support" in page
    before = stored()
    page = _text(client.post(url, follow=True))  # a second press, from a page opened before the first
    assert "You already support this item." in page
    assert stored() == before
    page = _text(client.post(reverse("participation:support_withdraw", args=[world.item.pk]), follow=True))
    assert "Your support is withdrawn." in page
    assert "0 people support this item." in page
    assert not Support.objects.exists()


def test_support_outside_the_window_is_refused(client, world):
    world.window.closes_at = timezone.now() - dt.timedelta(minutes=1)
    world.window.opens_at = timezone.now() - dt.timedelta(days=3)
    world.window.save()
    before = stored()
    page = _text(
        _as(client, world, "public").post(reverse("participation:support", args=[world.item.pk]), follow=True)
    )
    assert "This closed on" in page
    assert stored() == before


def test_follow_and_unfollow_from_the_item_and_my_page(client, world):
    client = _as(client, world, "public")
    page = _text(client.post(reverse("participation:follow", args=[world.item.pk]), follow=True))
    assert "You follow this item" in page and "Stop following" in page
    mine = _text(client.get(reverse("participation:mine")))
    assert _item_url(world) in mine
    response = client.post(
        reverse("participation:unfollow", args=[world.item.pk]), {"next": reverse("participation:mine")}
    )
    assert response["Location"] == reverse("participation:mine")
    assert not Follow.objects.exists()


def test_next_cannot_leave_the_site(client, world):
    response = _as(client, world, "public").post(
        reverse("participation:follow", args=[world.item.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == _item_url(world, "#support")


# --- flags and moderation ----------------------------------------------------------------------------------


def test_flags_hide_a_comment_and_the_office_publishes_it_again(client, world):
    world.window.flag_threshold = 2
    world.window.save()
    comment = CommentFactory(item=world.item, author=world.public, text="被举报的意见")
    flag_url = reverse("participation:comment_flag", args=[comment.pk])
    for role in ("other", "deputy"):
        client = _as(client, world, role)
        assert f'action="{flag_url}"' in _text(client.get(_item_url(world)))
        page = _text(client.post(flag_url, {f"flag-{comment.pk}-reason": "人身攻击"}, follow=True))
        assert "A moderator will look at this comment." in page
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.HIDDEN
    assert "被举报的意见" not in _text(_as(client, world, "anonymous").get(_item_url(world)))
    queue = _text(_as(client, world, "office").get(reverse("participation:moderation")))
    assert "被举报的意见" in queue and "2 open reports" in queue
    response = client.post(
        reverse("participation:comment_moderate", args=[comment.pk]),
        {"decision": "publish", "note": "未违规", "next": reverse("participation:moderation")},
    )
    assert response["Location"] == reverse("participation:moderation")
    page = _text(client.get(response["Location"]))
    assert "The comment is now: Published." in page
    assert "未违规" in page  # in the recent decisions
    assert "被举报的意见" in _text(_as(client, world, "anonymous").get(_item_url(world)))


def test_a_second_flag_and_an_over_long_reason_are_refused(client, world):
    comment = CommentFactory(item=world.item, author=world.public)
    client = _as(client, world, "other")
    url = reverse("participation:comment_flag", args=[comment.pk])
    before = stored()
    response = client.post(url, {f"flag-{comment.pk}-reason": "理" * 201})
    assert response.status_code == 400
    html = _text(response)
    assert "This is too long: 201 characters, at most 200." in html
    assert "理" * 201 in html
    assert stored() == before
    client.post(url, {f"flag-{comment.pk}-reason": "广告"})
    assert "You reported this comment." in _text(client.get(_item_url(world)))
    before = stored()
    response = client.post(url, {})
    assert response.status_code == 400
    assert "You have already flagged this comment." in _text(response)
    assert stored() == before


def test_the_office_hides_and_rejects_from_the_item_page(client, world):
    comment = CommentFactory(item=world.item, author=world.public, text="不当内容")
    client = _as(client, world, "office")
    page = _text(client.get(_item_url(world)))
    assert reverse("participation:comment_moderate", args=[comment.pk]) in page
    response = client.post(
        reverse("participation:comment_moderate", args=[comment.pk]),
        {"decision": "hide", "next": _item_url(world)},
    )
    assert response["Location"] == _item_url(world)
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.HIDDEN
    before = stored()
    response = client.post(reverse("participation:comment_moderate", args=[comment.pk]), {"decision": "hide"})
    assert response.status_code == 400
    assert "This comment is hidden pending review; it cannot be given that decision." in _text(response)
    assert stored() == before
    response = client.post(
        reverse("participation:comment_moderate", args=[comment.pk]), {"decision": "nonsense"}
    )
    assert response.status_code == 400
    assert "Select a valid choice." in _text(response)
    assert stored() == before
    client.post(
        reverse("participation:comment_moderate", args=[comment.pk]), {"decision": "reject", "note": "辱骂"}
    )
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.REJECTED


def test_a_rejected_comments_author_is_notified_and_marks_it_read(
    client, world, django_capture_on_commit_callbacks
):
    comment = CommentFactory(
        item=world.item, author=world.public, status=CommentStatus.PENDING, held_reason="pre"
    )
    with django_capture_on_commit_callbacks(execute=True):
        _as(client, world, "office").post(
            reverse("participation:comment_moderate", args=[comment.pk]),
            {"decision": "reject", "note": "含有电话号码"},
        )
    client = _as(client, world, "public")
    nav = _text(client.get(_item_url(world)))
    assert "1 unread" in nav
    page = _text(client.get(reverse("notifications:inbox")))
    assert "含有电话号码" in page
    assert _item_url(world) in page
    notification = Notification.objects.get(user=world.public)
    response = client.post(reverse("notifications:inbox"), {"ids": [notification.pk]})
    assert response.status_code == 302
    assert Notification.objects.get(pk=notification.pk).read_at is not None
    assert "Mark all as read" not in _text(client.get(reverse("notifications:inbox")))
    mine = _text(client.get(reverse("participation:mine")))
    assert comment.text in mine and "Not published" in mine


def test_marking_someone_elses_notification_read_does_nothing(client, world):
    theirs = Notification.objects.create(user=world.other, kind="item_changed", message="x")
    _as(client, world, "public").post(reverse("notifications:inbox"), {"ids": [theirs.pk]})
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    response = client.post(reverse("notifications:inbox"), {"ids": ["abc"]})
    assert response.status_code == 400


# --- responses and what changed ----------------------------------------------------------------------------


def _revision(world, text: str = "计划改造市政燃气主管道12千米、埋地管网10千米。"):  # noqa: ANN001
    """The draft as imported (version 1 added the item), then a revised version that changed its text."""
    first = world.item.added_in
    ItemRevision.objects.create(item=world.item, version=first, kind="added", no=1, text=world.item.text)
    version = PlanVersionFactory(plan=world.plan, number=first.number + 1)
    return ItemRevision.objects.create(item=world.item, version=version, kind="changed", no=1, text=text)


def test_the_office_responds_and_everyone_sees_the_response_and_the_change(client, world):
    comment = CommentFactory(item=world.item, author=world.public, text="主管道应加长")
    revision = _revision(world)
    client = _as(client, world, "office")
    page = _text(client.get(reverse("participation:comment_office", args=[comment.pk])))
    assert f'value="{revision.pk}"' in page
    assert f"Version {revision.version.number}: Changed" in page
    response = client.post(
        reverse("participation:comment_respond", args=[comment.pk]),
        {"kind": "partly", "text": "主管道增至12千米。", "revision": revision.pk},
    )
    assert response["Location"] == _item_url(world, f"#comment-{comment.pk}")
    html = _text(_as(client, world, "anonymous").get(_item_url(world)))
    assert "Partly adopted (部分采纳)" in html
    assert "主管道增至12千米。" in html
    assert f'href="#change-{revision.pk}"' in html
    assert f'id="change-{revision.pk}"' in html
    diff = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", html.split('id="changes"')[1])
    assert "燃气主管道<del>9</del><ins>12</ins>千米" in diff


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "not_adopted", "text": ""}, "Give the reason the comment is not adopted."),
        ({"kind": "answered", "text": "  "}, "Write the answer."),
        (
            {"kind": "adopted", "text": "<script>x</script>"},
            "Write plain text: HTML tags and scripts are not accepted.",
        ),
        ({"kind": "maybe", "text": "x"}, "Select a valid choice."),
        ({"kind": "adopted", "revision": "999999"}, "Select a valid choice."),
    ],
)
def test_a_bad_response_is_refused_on_the_form(client, world, data, message):
    comment = CommentFactory(item=world.item, author=world.public)
    before = stored()
    response = _as(client, world, "office").post(
        reverse("participation:comment_respond", args=[comment.pk]), data
    )
    assert response.status_code == 400
    assert message in _text(response)
    assert stored() == before


def test_a_response_cannot_point_at_another_items_change(client, world):
    comment = CommentFactory(item=world.item, author=world.public)
    version = PlanVersionFactory(plan=world.plan, number=2)
    other = ItemRevision.objects.create(item=world.items[1], version=version, kind="changed", no=2, text="改")
    before = stored()
    response = _as(client, world, "office").post(
        reverse("participation:comment_respond", args=[comment.pk]), {"kind": "adopted", "revision": other.pk}
    )
    assert response.status_code == 400
    assert stored() == before


def test_a_held_comment_gets_no_response(client, world):
    held = CommentFactory(
        item=world.item, author=world.public, status=CommentStatus.PENDING, held_reason="pre"
    )
    client = _as(client, world, "office")
    assert "Only a published comment gets a response." in _text(
        client.get(reverse("participation:comment_office", args=[held.pk]))
    )
    before = stored()
    response = client.post(reverse("participation:comment_respond", args=[held.pk]), {"kind": "adopted"})
    assert response.status_code == 400
    assert "Only a published comment gets a response; moderate it first." in _text(response)
    assert stored() == before


def test_the_item_page_says_when_nothing_changed(client, world):
    html = _text(_as(client, world, "anonymous").get(_item_url(world)))
    assert 'id="changes"' in html
    assert "The item has not changed since the first draft." in html


# --- suggestions -----------------------------------------------------------------------------------------

GOOD = {
    "title": "老旧小区加装电梯",
    "content": "为6层以上老旧小区加装电梯。",
    "place": "31团",
    "reason": "老年人上下楼困难。",
    "cost": "1,200,000",
}


def _suggest(client: Client, world, **changes):  # noqa: ANN001
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
    client.force_login(user)
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


def _grow(world, n: int) -> None:  # noqa: ANN001
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
    assert few <= 14


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
