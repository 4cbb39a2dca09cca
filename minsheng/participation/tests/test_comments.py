"""Comments on a draft: submitting, the window, bad input, rate limits, sensitive words, flags, moderation,
withdrawing, and the office's responses. Every refusal says why and stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from django.utils import timezone

from minsheng.accounts.models import AuditEvent
from minsheng.accounts.tests.factories import PublicUserFactory
from minsheng.notifications.models import Notification
from minsheng.participation import services
from minsheng.participation.models import (
    Comment,
    CommentStatus,
    Flag,
    Follow,
    HeldReason,
    ModerationAction,
    ModerationMode,
    Response,
    SensitiveWord,
)
from minsheng.participation.services import Decision, ParticipationError
from minsheng.participation.tests.conftest import IP, shift
from minsheng.plans.models import ItemRevision, Plan
from minsheng.plans.tests.factories import PlanVersionFactory

pytestmark = pytest.mark.usefixtures("en")


def submit(world, text="燃气管道改造要避开供暖季。", *, by=None, item=None, ip=IP):
    return services.comment_submit(item=item or world.item, by=by or world.public, text=text, ip=ip)


def refused(nothing_stored, call, *messages: str, error=ParticipationError) -> None:
    """``call`` raises ``error`` whose messages include every one of ``messages``; nothing is stored."""
    nothing_stored.mark()
    with pytest.raises(error) as info:
        call()
    text = " ".join(info.value.messages) if isinstance(info.value, ParticipationError) else str(info.value)
    for message in messages:
        assert message in text
    nothing_stored.check()


# --- submitting -----------------------------------------------------------------------------------------


def test_a_comment_is_published_at_once_under_post_moderation(world):
    comment = submit(world)
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.held_reason == HeldReason.NONE
    assert comment.plan == world.plan
    assert comment.ip == IP
    assert not ModerationAction.objects.exists()
    event = AuditEvent.objects.get(verb="comment_submit")
    assert event.actor == world.public
    assert event.object_id == str(comment.pk)
    assert event.details["status"] == "published"


def test_commenting_follows_the_item_once(world):
    submit(world)
    submit(world, "第二条意见。")
    assert Follow.objects.filter(user=world.public, item=world.item).count() == 1


@pytest.mark.parametrize("who", ["public", "deputy", "reporter", "head", "office"])
def test_every_signed_in_role_may_comment(world, who):
    assert submit(world, by=getattr(world, who)).status == CommentStatus.PUBLISHED


def test_text_is_stored_exactly_as_written_and_escaped_when_shown(world):
    text = "费用 < 100万元 & 工期 > 3个月？\n第二行"
    comment = submit(world, "  " + text + "\r\n")
    comment.refresh_from_db()
    assert comment.text == text  # only the outer whitespace and the line ending
    html = Template("{{ comment.text }}").render(Context({"comment": comment}))
    assert "&lt; 100万元 &amp; 工期 &gt;" in html
    assert "<" not in html


def test_pre_moderation_holds_every_comment(world):
    world.window.moderation = ModerationMode.PRE
    world.window.save()
    comment = submit(world)
    assert comment.status == CommentStatus.PENDING
    assert comment.held_reason == HeldReason.PRE_MODERATION
    history = ModerationAction.objects.get(comment=comment)
    assert (history.kind, history.by, history.to_status) == ("held", None, "pending")


def test_a_sensitive_word_holds_a_comment_even_written_apart(world):
    SensitiveWord.objects.create(word="敏感词")
    SensitiveWord.objects.create(word="badword", plan=world.plan)
    comment = submit(world, "这里有 敏 感-词，还有 BADWORD。")
    assert comment.status == CommentStatus.PENDING
    assert comment.held_reason == HeldReason.SENSITIVE_WORDS
    assert comment.matched_words == ["badword", "敏感词"]


def test_another_plans_sensitive_word_does_not_apply(world):
    SensitiveWord.objects.create(word="燃气", plan=world.ideas)
    assert submit(world).status == CommentStatus.PUBLISHED


# --- bad input: a clear message, nothing stored ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Your comment is empty."),
        ("   \n\t ", "Your comment is empty."),
        ("长" * 1001, "This is too long: 1001 characters, at most 1000."),
        ("<script>alert('x')</script>", "Write plain text: HTML tags and scripts are not accepted."),
        ("好的<b>加粗</b>", "Write plain text"),
        ('<img src=x onerror="alert(1)">', "Write plain text"),
        ("<script src=//evil.example", "Write plain text"),
        ("点这里 javascript:alert(1)", "Write plain text"),
        ("<!-- 注释 -->", "Write plain text"),
        ("空字符\x00在这里", "invisible control characters"),
        ("反向\u202e文字", "invisible control characters"),
        ("零宽\u200b空格", "invisible control characters"),
    ],
    ids=[
        "empty",
        "blank",
        "over-long",
        "script",
        "html",
        "img-onerror",
        "unclosed-script",
        "javascript-url",
        "html-comment",
        "nul",
        "bidi-override",
        "zero-width-space",
    ],
)
def test_bad_text_is_refused(world, nothing_stored, text, message):
    refused(nothing_stored, lambda: submit(world, text), message)


def test_the_window_sets_the_length_limit(world, nothing_stored):
    world.window.max_length = 20
    world.window.save()
    assert submit(world, "长" * 20)
    refused(nothing_stored, lambda: submit(world, "长" * 21), "at most 20")


def test_a_text_that_is_not_text_is_refused(world, nothing_stored):
    refused(nothing_stored, lambda: submit(world, ["list"]), "Write plain text.")


def test_an_anonymous_visitor_is_asked_to_sign_in(world, anonymous, nothing_stored):
    refused(nothing_stored, lambda: submit(world, by=anonymous), "Sign in first.", error=PermissionDenied)


def test_an_inactive_account_may_not_comment(world, nothing_stored):
    world.public.is_active = False
    world.public.save()
    refused(nothing_stored, lambda: submit(world), "Your account cannot comment.", error=PermissionDenied)


# --- the window ------------------------------------------------------------------------------------------------


def test_commenting_before_the_window_opens_is_refused(world, nothing_stored):
    world.window.opens_at = timezone.now() + dt.timedelta(days=1)
    world.window.closes_at = timezone.now() + dt.timedelta(days=8)
    world.window.save()
    when = timezone.localtime(world.window.opens_at).strftime("%Y-%m-%d %H:%M")
    refused(nothing_stored, lambda: submit(world), f"This opens on {when}.")


def test_commenting_after_the_window_closes_is_refused(world, nothing_stored):
    world.window.opens_at = timezone.now() - dt.timedelta(days=8)
    world.window.closes_at = timezone.now() - dt.timedelta(seconds=1)
    world.window.save()
    refused(nothing_stored, lambda: submit(world), "This closed on")


@pytest.mark.parametrize("status", [Plan.Status.DRAFT, Plan.Status.SOLICITATION, Plan.Status.ADOPTED])
def test_commenting_on_a_plan_not_open_for_comment_is_refused(world, nothing_stored, status):
    Plan.objects.filter(pk=world.plan.pk).update(status=status)
    refused(nothing_stored, lambda: submit(world), "This plan is not open for comment.")


def test_commenting_without_a_window_is_refused(world, nothing_stored):
    world.window.delete()
    refused(nothing_stored, lambda: submit(world), "This plan is not open for comment.")


def test_commenting_on_a_removed_item_is_refused(world, nothing_stored):
    world.item.removed_in = PlanVersionFactory(plan=world.plan)
    world.item.save()
    refused(nothing_stored, lambda: submit(world), "This item is no longer in the plan.")


# --- rate limits -------------------------------------------------------------------------------------------


def test_a_person_may_post_five_comments_in_ten_minutes(world, nothing_stored):
    for n in range(5):
        submit(world, f"第{n}条", ip=None)
    refused(
        nothing_stored,
        lambda: submit(world, "第六条", ip=None),
        "You are posting too often: at most 5 in 10 minutes.",
    )
    # Comments on other items count too: the limit is per person and plan.
    refused(nothing_stored, lambda: submit(world, "别的事项", item=world.items[1], ip=None), "too often")
    shift(Comment.objects.filter(author=world.public), minutes=11)
    assert submit(world, "十一分钟后", ip=None)


def test_an_address_may_post_twenty_comments_an_hour(world, nothing_stored):
    people = PublicUserFactory.create_batch(5)
    for n in range(20):
        submit(world, f"第{n}条", by=people[n % 5])
    fresh = PublicUserFactory()
    refused(
        nothing_stored,
        lambda: submit(world, "换个账号", by=fresh),
        "Too many posts from your network address: at most 20 in 60 minutes.",
    )
    assert submit(world, "换个地址", by=fresh, ip="198.51.100.1")
    shift(Comment.objects.filter(ip=IP), minutes=61)
    assert submit(world, "一小时后", by=fresh)


def test_rate_limits_are_configurable(world, nothing_stored):
    world.window.user_limit = 1
    world.window.user_limit_minutes = 1
    world.window.save()
    submit(world)
    refused(nothing_stored, lambda: submit(world, "再来"), "at most 1 in 1 minutes")


def test_refused_and_withdrawn_comments_count_towards_the_limit(world, nothing_stored):
    for n in range(5):
        services.comment_withdraw(comment=submit(world, f"第{n}条"), by=world.public)
    refused(nothing_stored, lambda: submit(world, "第六条"), "too often")


# --- flags -----------------------------------------------------------------------------------------------------


def test_three_flags_hide_a_comment_pending_review(world):
    comment = submit(world)
    flaggers = [world.other, world.deputy, world.reporter]
    for n, user in enumerate(flaggers[:2]):
        services.comment_flag(comment=comment, by=user, reason="广告")
        comment.refresh_from_db()
        assert comment.status == CommentStatus.PUBLISHED, n
    services.comment_flag(comment=comment, by=flaggers[2])
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN
    assert comment.held_reason == HeldReason.FLAGS
    history = ModerationAction.objects.get(comment=comment)
    assert (history.kind, history.by, history.from_status, history.to_status) == (
        "hidden_by_flags",
        None,
        "published",
        "hidden",
    )
    assert AuditEvent.objects.filter(verb="comment_flag").count() == 3


def test_the_flag_threshold_is_configurable(world):
    world.window.flag_threshold = 1
    world.window.save()
    comment = submit(world)
    services.comment_flag(comment=comment, by=world.other)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN


def test_a_second_flag_by_the_same_person_is_refused(world, nothing_stored):
    comment = submit(world)
    services.comment_flag(comment=comment, by=world.other)
    refused(
        nothing_stored,
        lambda: services.comment_flag(comment=comment, by=world.other),
        "You have already flagged this comment.",
    )


def test_flagging_ones_own_comment_is_refused(world, nothing_stored):
    comment = submit(world)
    refused(
        nothing_stored,
        lambda: services.comment_flag(comment=comment, by=world.public),
        "You cannot flag your own comment.",
        error=PermissionDenied,
    )


def test_flagging_a_held_comment_is_refused(world, nothing_stored):
    world.window.moderation = ModerationMode.PRE
    world.window.save()
    comment = submit(world)
    refused(
        nothing_stored,
        lambda: services.comment_flag(comment=comment, by=world.other),
        "already waiting for a moderator",
    )


def test_a_flag_reason_is_checked_like_any_text(world, nothing_stored):
    comment = submit(world)
    refused(
        nothing_stored,
        lambda: services.comment_flag(comment=comment, by=world.other, reason="<b>x</b>"),
        "Write plain text",
    )


def test_flags_reviewed_by_a_moderator_no_longer_count(world):
    comment = submit(world)
    for user in (world.other, world.deputy, world.reporter):
        services.comment_flag(comment=comment, by=user)
    services.comment_moderate(comment=comment, by=world.office, decision=Decision.PUBLISH, note="没有问题")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert not Flag.objects.filter(comment=comment, reviewed_at__isnull=True).exists()
    fresh = PublicUserFactory.create_batch(3)
    services.comment_flag(comment=comment, by=fresh[0])
    services.comment_flag(comment=comment, by=fresh[1])
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED  # two new flags, not five
    services.comment_flag(comment=comment, by=fresh[2])
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN


# --- moderation ----------------------------------------------------------------------------------------------


def test_a_moderator_publishes_a_held_comment_with_history(world):
    world.window.moderation = ModerationMode.PRE
    world.window.save()
    comment = submit(world)
    services.comment_moderate(comment=comment, by=world.office, decision=Decision.PUBLISH)
    comment.refresh_from_db()
    assert (comment.status, comment.held_reason) == ("published", "")
    kinds = list(ModerationAction.objects.filter(comment=comment).order_by("id").values_list("kind", "by"))
    assert kinds == [("held", None), ("published", world.office.pk)]
    assert AuditEvent.objects.filter(verb="comment_moderate", actor=world.office).exists()


def test_rejecting_tells_the_author_with_the_note(world, django_capture_on_commit_callbacks, mailoutbox):
    comment = submit(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(comment=comment, by=world.office, decision=Decision.REJECT, note="含有广告")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED
    notification = Notification.objects.get(user=world.public)
    assert notification.kind == "comment_rejected"
    assert "含有广告" in notification.message
    assert [m.to for m in mailoutbox] == [[world.public.email]]


def test_a_moderator_hides_a_published_comment(world):
    comment = submit(world)
    services.comment_moderate(comment=comment, by=world.office, decision=Decision.HIDE, note="待核实")
    comment.refresh_from_db()
    assert (comment.status, comment.held_reason) == ("hidden", "moderator")


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (Decision.PUBLISH, "This comment is published; it cannot be given that decision."),
        ("delete", "Choose publish, reject or hide."),
    ],
)
def test_a_decision_that_does_not_fit_is_refused(world, nothing_stored, decision, message):
    comment = submit(world)
    refused(
        nothing_stored,
        lambda: services.comment_moderate(comment=comment, by=world.office, decision=decision),
        message,
    )


@pytest.mark.parametrize("who", ["public", "other", "deputy", "reporter", "head"])
def test_only_the_office_moderates(world, nothing_stored, who):
    comment = submit(world)
    refused(
        nothing_stored,
        lambda: services.comment_moderate(comment=comment, by=getattr(world, who), decision=Decision.HIDE),
        "You may not do this.",
        error=PermissionDenied,
    )


# --- withdrawing ----------------------------------------------------------------------------------------


def test_the_author_withdraws_their_comment(world):
    comment = submit(world)
    services.comment_withdraw(comment=comment, by=world.public)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.WITHDRAWN
    assert ModerationAction.objects.get(comment=comment).kind == "withdrawn"


@pytest.mark.parametrize("who", ["other", "deputy", "office"])
def test_withdrawing_someone_elses_comment_is_refused(world, nothing_stored, who):
    comment = submit(world)
    refused(
        nothing_stored,
        lambda: services.comment_withdraw(comment=comment, by=getattr(world, who)),
        "You can only withdraw your own comments.",
        error=PermissionDenied,
    )


def test_a_comment_with_a_response_stays_on_the_record(world, nothing_stored):
    comment = submit(world)
    services.comment_respond(comment=comment, by=world.office, kind="adopted")
    refused(
        nothing_stored,
        lambda: services.comment_withdraw(comment=comment, by=world.public),
        "The office has responded to this comment; it stays on the record.",
    )


# --- responses ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("adopted", ""),
        ("partly", "部分采纳：管道长度调整为12千米。"),
        ("not_adopted", "资金不足。"),
        ("answered", "已纳入明年计划。"),
    ],
)
def test_the_office_responds(world, kind, text):
    comment = submit(world)
    response = services.comment_respond(comment=comment, by=world.office, kind=kind, text=text)
    assert (response.kind, response.text, response.created_by) == (kind, text, world.office)
    event = AuditEvent.objects.get(verb="comment_respond")
    assert event.details["kind"] == kind


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("not_adopted", "Give the reason the comment is not adopted."),
        ("answered", "Write the answer."),
        ("maybe", "Choose adopted, partly adopted, not adopted or answered."),
    ],
)
def test_a_response_without_what_it_needs_is_refused(world, nothing_stored, kind, message):
    comment = submit(world)
    refused(
        nothing_stored,
        lambda: services.comment_respond(comment=comment, by=world.office, kind=kind, text="  "),
        message,
    )


def test_responding_again_replaces_the_response(world):
    comment = submit(world)
    services.comment_respond(comment=comment, by=world.office, kind="answered", text="研究中。")
    services.comment_respond(comment=comment, by=world.office, kind="adopted", text="已采纳。")
    response = Response.objects.get(comment=comment)
    assert (response.kind, response.text) == ("adopted", "已采纳。")
    last = AuditEvent.objects.filter(verb="comment_respond").order_by("-id").first()
    assert last.details["before"] == {"kind": "answered", "text": "研究中。", "revision": None}


def test_a_held_comment_gets_no_response_until_moderated(world, nothing_stored):
    world.window.moderation = ModerationMode.PRE
    world.window.save()
    comment = submit(world)
    refused(
        nothing_stored,
        lambda: services.comment_respond(comment=comment, by=world.office, kind="adopted"),
        "Only a published comment gets a response",
    )


def test_a_response_points_only_at_a_change_to_its_own_item(world, nothing_stored):
    comment = submit(world)
    version = PlanVersionFactory(plan=world.plan)
    other = ItemRevision.objects.create(item=world.items[1], version=version, kind="changed", no=2, text="x")
    refused(
        nothing_stored,
        lambda: services.comment_respond(comment=comment, by=world.office, kind="adopted", revision=other),
        "That change was made to another item.",
    )
    own = ItemRevision.objects.create(item=world.item, version=version, kind="changed", no=1, text="y")
    assert (
        services.comment_respond(comment=comment, by=world.office, kind="adopted", revision=own).revision
        == own
    )


@pytest.mark.parametrize("who", ["public", "other", "deputy", "reporter", "head"])
def test_only_the_office_responds(world, nothing_stored, who):
    comment = submit(world)
    refused(
        nothing_stored,
        lambda: services.comment_respond(comment=comment, by=getattr(world, who), kind="adopted"),
        "You may not do this.",
        error=PermissionDenied,
    )


def test_the_author_following_the_item_hears_of_the_response(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    comment = submit(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_respond(comment=comment, by=world.office, kind="not_adopted", text="资金不足。")
    notification = Notification.objects.get(user=world.public)
    assert notification.kind == "response_posted"
    assert notification.item == world.item
    assert "资金不足。" in notification.message
    assert notification.url.endswith(f"#comment-{comment.pk}")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [world.public.email]
    assert "资金不足。" in mailoutbox[0].body


def test_an_author_who_unfollowed_is_not_notified(world, django_capture_on_commit_callbacks, mailoutbox):
    comment = submit(world)
    services.item_unfollow(item=world.item, by=world.public)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_respond(comment=comment, by=world.office, kind="adopted")
    assert not Notification.objects.exists()
    assert not mailoutbox
