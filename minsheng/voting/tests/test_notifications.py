"""Opening the vote or the rating tells every active deputy (their notifications page, and mail); closing the
rating tells the office about flagged items."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from minsheng.notifications.models import Notification
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
    with django_capture_on_commit_callbacks(execute=True):
        try:
            services.vote_open(round=round_, by=world.office)
        except services.VotingError:
            pass
    assert not Notification.objects.filter(kind="vote_opened").exists()
