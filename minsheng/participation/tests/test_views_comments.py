"""The participation pages: comments (bad input keeps the text and stores nothing; what works), support and following, flags, moderation and responses."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minsheng.notifications.models import Notification
from minsheng.participation import services
from minsheng.participation.models import (
    Comment,
    CommentStatus,
    Follow,
    ModerationMode,
    Response,
    SuggestionStatus,
    Support,
)
from minsheng.participation.tests.conftest import IP, stored
from minsheng.participation.tests.factories import CommentFactory, SuggestionFactory
from minsheng.participation.tests.views_support import _as, _item_url, _text
from minsheng.plans.models import ItemRevision
from minsheng.plans.tests.factories import PlanVersionFactory

pytestmark = [pytest.mark.django_db]


# --- comments: bad input -----------------------------------------------------------------------------------


def _comment(client: Client, world, text: str, **extra):
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


def _revision(world, text: str = "计划改造市政燃气主管道12千米、埋地管网10千米。"):
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
    assert response["Location"] == _item_url(world, f"?comment={comment.pk}#comment-{comment.pk}")
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
