"""Opening the vote or the rating tells every active deputy (their notifications page, and mail); closing the
rating tells the office about flagged items."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from minsheng.notifications.models import Notification
from minsheng.testing import sign_in
from minsheng.voting import services
from minsheng.voting.models import Grade
from minsheng.voting.tests.conftest import window


def test_opening_the_vote_tells_each_active_deputy_once(world, django_capture_on_commit_callbacks):
    round_ = services.vote_set(plan=world.plan, by=world.office, rule="exactly", choose=2, **window())
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_open(round=round_, by=world.office)
    told = Notification.objects.filter(kind="vote_opened")
    assert sorted(told.values_list("user_id", flat=True)) == sorted(d.pk for d in world.deputies)
    note = told.first()
    assert note.url == reverse("voting:vote", args=[world.plan.pk])
    assert world.plan.title in note.message and "2" in note.message and "5" in note.message
    assert len(mail.outbox) == len(world.deputies)  # the office set their addresses


def test_opening_the_rating_tells_the_deputies(world, django_capture_on_commit_callbacks):
    round_ = services.rating_set(plan=world.adopted, by=world.office, threshold=80, **window())
    with django_capture_on_commit_callbacks(execute=True):
        services.rating_open(round=round_, by=world.office)
    told = Notification.objects.filter(kind="rating_opened")
    assert sorted(told.values_list("user_id", flat=True)) == sorted(d.pk for d in world.deputies)
    assert told.first().url == reverse("voting:rating", args=[world.adopted.pk])


def test_a_flagged_rating_tells_the_office_and_a_clean_one_does_not(
    world, open_rating, django_capture_on_commit_callbacks
):
    services.item_rate(round=open_rating, item=world.adopted_items[0], by=world.public, grade=Grade.SATISFIED)
    with django_capture_on_commit_callbacks(execute=True):
        services.rating_close(round=open_rating, by=world.office)
    assert not Notification.objects.filter(kind="rating_flagged").exists()


def test_nothing_is_told_when_opening_is_refused(world, django_capture_on_commit_callbacks):
    round_ = services.vote_set(plan=world.plan, by=world.office, rule="exactly", choose=2, **window())
    services.vote_open(round=round_, by=world.office)
    with django_capture_on_commit_callbacks(execute=True), contextlib.suppress(services.VotingError):
        services.vote_open(round=round_, by=world.office)
    assert not Notification.objects.filter(kind="vote_opened").exists()


def test_one_inbox_shows_what_delivery_participation_and_voting_told(
    client, world, open_rating, django_capture_on_commit_callbacks
):
    """The office hears of a notice's reply (delivery), of the response to a comment it follows
    (participation) and of flagged ratings (voting): all in the one inbox, counted in the sections' navs."""
    from minsheng.delivery import services as delivery
    from minsheng.participation import services as participation
    from minsheng.participation.tests.factories import CommentFactory

    office = world.office
    with django_capture_on_commit_callbacks(execute=True):
        notice = delivery.notice_issue(
            item=world.adopted_items[0],
            by=office,
            reason="进度滞后",
            demand="说明原因",
            reply_deadline=timezone.localdate() + dt.timedelta(days=7),
        )
    with django_capture_on_commit_callbacks(execute=True):
        delivery.notice_reply(
            notice=notice,
            by=world.reporter,
            explanation="材料未到",
            catch_up_plan="下月补上",
            expected_version=notice.version,
        )
    comment = CommentFactory(item=world.adopted_items[1], author=office)
    participation.item_follow(item=world.adopted_items[1], by=office)
    with django_capture_on_commit_callbacks(execute=True):
        participation.comment_respond(comment=comment, by=office, kind="answered", text="已安排。")
    for deputy in world.deputies:
        services.item_rate(
            round=open_rating, item=world.adopted_items[2], by=deputy, grade=Grade.DISSATISFIED
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.rating_close(round=open_rating, by=office)

    told = set(Notification.objects.filter(user=office).values_list("kind", flat=True))
    assert told == {"notice_replied", "response_posted", "rating_flagged"}
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in(client, office)
    page = client.get(reverse("notifications:inbox")).content.decode()
    for label in (
        "Supervision notice answered",
        "The office responded to your comment",
        "Items rated below the threshold",
    ):
        assert label in page
    assert page.count('name="ids"') == 3
    for section in (reverse("delivery:home"), reverse("participation:mine")):
        nav = client.get(section, follow=True).content.decode()
        assert "3 unread" in nav, section
