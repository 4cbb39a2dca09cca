"""Suggestions while a plan collects them (征集), and the office's screening: accept, merge, decline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from minsheng.accounts.models import AuditEvent
from minsheng.accounts.tests.factories import PublicUserFactory
from minsheng.notifications.models import Notification
from minsheng.participation import selectors, services
from minsheng.participation.models import ModerationAction, SensitiveWord, Suggestion
from minsheng.participation.tests.conftest import IP, shift
from minsheng.participation.tests.factories import SuggestionFactory
from minsheng.participation.tests.test_comments import refused
from minsheng.plans.models import Plan
from minsheng.plans.tests.factories import ActionFactory, ItemFactory

pytestmark = pytest.mark.usefixtures("en")


def suggest(world, *, by=None, ip=IP, **values):
    fields = {
        "title": "老旧小区加装电梯",
        "content": "为3层以上无电梯的老旧住宅加装电梯。",
        "reason": "老年人上下楼困难。",
        "place": "31团恰拉社区",
        "cost": "1,200,000.50",
        "action": world.ideas.actions.first(),
    }
    fields.update(values)
    return services.suggestion_submit(plan=world.ideas, by=by or world.public, ip=ip, **fields)


def test_a_suggestion_is_stored_with_everything_given(world):
    suggestion = suggest(world)
    assert suggestion.status == Suggestion.Status.SUBMITTED
    assert suggestion.cost == Decimal("1200000.50")
    assert suggestion.action == world.ideas.actions.first()
    assert (suggestion.author, suggestion.ip, suggestion.place) == (world.public, IP, "31团恰拉社区")
    assert AuditEvent.objects.get(verb="suggestion_submit").actor == world.public


def test_place_cost_and_action_are_optional(world):
    suggestion = suggest(world, place="", cost="", action=None)
    assert (suggestion.place, suggestion.cost, suggestion.action) == ("", None, None)


def test_a_sensitive_word_marks_a_suggestion_for_the_screening_queue(world):
    SensitiveWord.objects.create(word="广告")
    suggestion = suggest(world, reason="这是广告")
    assert suggestion.matched_words == ["广告"]
    assert list(selectors.suggestion_queue(plan=world.ideas)) == [suggestion]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"title": ""}, "title", "Give the project a name."),
        ({"title": "长" * 101}, "title", "This is too long: 101 characters, at most 100."),
        ({"content": "   "}, "content", "Say what should be done."),
        ({"reason": ""}, "reason", "Say why it is needed."),
        ({"content": "长" * 1001}, "content", "at most 1000"),
        ({"content": "<script>alert(1)</script>"}, "content", "Write plain text"),
        ({"place": "<iframe src=x></iframe>"}, "place", "Write plain text"),
        ({"reason": "隐藏\x07字符"}, "reason", "invisible control characters"),
        ({"cost": "-5"}, "cost", "The cost cannot be negative."),
        ({"cost": "很多"}, "cost", "Give the cost as a number of yuan."),
        ({"cost": "NaN"}, "cost", "Give the cost as a number of yuan."),
        ({"cost": "1e20"}, "cost", "The cost is too large."),
    ],
)
def test_bad_input_is_refused_field_by_field(world, nothing_stored, values, field, message):
    nothing_stored.mark()
    with pytest.raises(services.ParticipationError) as info:
        suggest(world, **values)
    assert message in " ".join(info.value.message_dict[field])
    nothing_stored.check()


def test_every_bad_field_is_reported_at_once(world):
    with pytest.raises(services.ParticipationError) as info:
        suggest(world, title="", content="", reason="")
    assert set(info.value.message_dict) == {"title", "content", "reason"}


def test_an_action_of_another_plan_is_refused(world, nothing_stored):
    refused(
        nothing_stored,
        lambda: suggest(world, action=ActionFactory(plan=world.plan)),
        "Choose one of this plan's actions.",
    )


def test_suggesting_outside_the_window_is_refused(world, nothing_stored):
    world.ideas_window.opens_at = timezone.now() - dt.timedelta(days=30)
    world.ideas_window.closes_at = timezone.now() - dt.timedelta(days=1)
    world.ideas_window.save()
    refused(nothing_stored, lambda: suggest(world), "This closed on")


def test_suggesting_to_a_plan_not_collecting_is_refused(world, nothing_stored):
    Plan.objects.filter(pk=world.ideas.pk).update(status=Plan.Status.DRAFT)
    refused(nothing_stored, lambda: suggest(world), "This plan is not collecting suggestions.")


def test_suggestions_are_rate_limited(world, nothing_stored):
    for n in range(5):
        suggest(world, title=f"建议{n}")
    refused(nothing_stored, lambda: suggest(world, title="第六条"), "You are posting too often")
    shift(Suggestion.objects.all(), minutes=11)
    assert suggest(world, title="过了十分钟")


def test_anonymous_suggestions_are_refused(world, anonymous, nothing_stored):
    refused(nothing_stored, lambda: suggest(world, by=anonymous), "Sign in first.", error=PermissionDenied)


# --- screening --------------------------------------------------------------------------------------------


def test_accepting_tells_the_submitter(world, django_capture_on_commit_callbacks, mailoutbox):
    suggestion = suggest(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_accept(suggestion=suggestion, by=world.office, note="纳入草案")
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.outcome_reason, suggestion.screened_by) == (
        "accepted",
        "纳入草案",
        world.office,
    )
    assert suggestion.screened_at is not None
    notification = Notification.objects.get(user=world.public)
    assert "已列为草案候选事项" in notification.message  # the site language, zh-hans
    assert len(mailoutbox) == 1
    assert ModerationAction.objects.get(suggestion=suggestion).kind == "accepted"
    assert AuditEvent.objects.filter(verb="suggestion_accepted", actor=world.office).exists()


def test_merging_duplicates_shows_the_merged_count(world):
    original = suggest(world, title="加装电梯")
    duplicates = [suggest(world, title=f"电梯{n}", by=PublicUserFactory()) for n in range(2)]
    for duplicate in duplicates:
        services.suggestion_merge(suggestion=duplicate, into=original, by=world.office)
    services.suggestion_accept(suggestion=original, by=world.office)
    listed = list(selectors.suggestion_public_list(plan=world.ideas))
    assert listed[0] == original
    assert listed[0].merged_count == 2
    assert {s.merged_into_id for s in listed[1:]} == {original.pk}


def test_merging_a_suggestion_others_were_merged_into_moves_them_along(world):
    a, b, c = (suggest(world, title=t, by=PublicUserFactory()) for t in "abc")
    services.suggestion_merge(suggestion=a, into=b, by=world.office)
    services.suggestion_merge(suggestion=b, into=c, by=world.office)
    a.refresh_from_db()
    assert a.merged_into == c
    assert Suggestion.objects.get(pk=c.pk).merged_from.count() == 2


def test_bad_merges_are_refused(world, nothing_stored):
    a, b = suggest(world, title="a"), suggest(world, title="b", by=world.other)
    other_plan = SuggestionFactory()
    refused(
        nothing_stored,
        lambda: services.suggestion_merge(suggestion=a, into=a, by=world.office),
        "Choose another suggestion to merge into.",
    )
    refused(
        nothing_stored,
        lambda: services.suggestion_merge(suggestion=a, into=other_plan, by=world.office),
        "That suggestion was made for another plan.",
    )
    c = suggest(world, title="c", by=world.deputy)
    services.suggestion_merge(suggestion=b, into=c, by=world.office)
    refused(
        nothing_stored,
        lambda: services.suggestion_merge(suggestion=a, into=b, by=world.office),
        "That suggestion was itself merged",
    )


def test_declining_needs_a_reason_the_submitter_sees(
    world, nothing_stored, django_capture_on_commit_callbacks
):
    suggestion = suggest(world)
    refused(
        nothing_stored,
        lambda: services.suggestion_decline(suggestion=suggestion, by=world.office, reason=" "),
        "Give the reason it is declined.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_decline(suggestion=suggestion, by=world.office, reason="已在2024年实施。")
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.outcome_reason) == ("declined", "已在2024年实施。")
    assert "已在2024年实施。" in Notification.objects.get(user=world.public).message
    assert list(selectors.suggestion_public_list(plan=world.ideas)) == [suggestion]


def test_a_withheld_suggestion_is_off_the_public_list_but_its_author_sees_it(world):
    suggestion = suggest(world, content="某某的电话是13800000000")
    services.suggestion_decline(suggestion=suggestion, by=world.office, reason="含个人信息", withhold=True)
    assert not selectors.suggestion_public_list(plan=world.ideas).exists()
    assert list(selectors.suggestion_list_for_author(user=world.public)) == [suggestion]


def test_an_unscreened_suggestion_is_not_on_the_public_list(world):
    suggest(world)
    assert not selectors.suggestion_public_list(plan=world.ideas).exists()


def test_screening_twice_is_refused(world, nothing_stored):
    suggestion = suggest(world)
    services.suggestion_accept(suggestion=suggestion, by=world.office)
    refused(
        nothing_stored,
        lambda: services.suggestion_decline(suggestion=suggestion, by=world.office, reason="改主意"),
        "This suggestion was already screened (Accepted as a candidate item).",
    )


@pytest.mark.parametrize("who", ["public", "other", "deputy", "reporter", "head"])
def test_only_the_office_screens(world, nothing_stored, who):
    suggestion = suggest(world)
    user = getattr(world, who)
    into = SuggestionFactory(plan=world.ideas)
    for call in (
        lambda: services.suggestion_accept(suggestion=suggestion, by=user),
        lambda: services.suggestion_decline(suggestion=suggestion, by=user, reason="x"),
        lambda: services.suggestion_merge(suggestion=suggestion, into=into, by=user),
    ):
        nothing_stored.mark()
        with pytest.raises(PermissionDenied):
            call()
        nothing_stored.check()


def test_an_accepted_suggestion_is_linked_to_the_item_it_became(
    world, nothing_stored, django_capture_on_commit_callbacks
):
    suggestion = suggest(world)
    item = ItemFactory(action=world.ideas.actions.first(), no=1)
    refused(
        nothing_stored,
        lambda: services.suggestion_item_link(suggestion=suggestion, item=item, by=world.office),
        "Only an accepted suggestion becomes an item.",
    )
    services.suggestion_accept(suggestion=suggestion, by=world.office)
    refused(
        nothing_stored,
        lambda: services.suggestion_item_link(suggestion=suggestion, item=world.item, by=world.office),
        "That item belongs to another plan.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_item_link(suggestion=suggestion, item=item, by=world.office)
    suggestion.refresh_from_db()
    assert suggestion.item == item
    assert Notification.objects.filter(user=world.public, kind="suggestion_linked").exists()
    assert list(item.suggestions.all()) == [suggestion]
