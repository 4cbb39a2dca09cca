"""The one inbox: one's own notifications, newest first, marked read one by one or all; the sections' old
notification pages lead here; a visitor signs in first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minsheng.notifications.models import Notification
from minsheng.testing import sign_in

pytestmark = pytest.mark.django_db

INBOX = "/notifications/"


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _text(response) -> str:
    return response.content.decode()


def test_the_inbox_lives_at_notifications():
    assert reverse("notifications:inbox") == INBOX


def test_a_visitor_signs_in_first(client):
    for method in (client.get, client.post):
        response = method(INBOX)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_inbox_shows_ones_own_notifications_only(client, people):
    Notification.objects.create(user=people.public, kind="item_changed", message="第一条", url="/p/items/1/")
    Notification.objects.create(user=people.public, kind="vote_opened", message="第二条")
    Notification.objects.create(user=people.other, kind="item_changed", message="别人的")
    sign_in(client, people.public)
    page = _text(client.get(INBOX))
    assert page.index("第二条") < page.index("第一条")  # newest first
    assert "别人的" not in page
    assert '<a href="/p/items/1/">' in page
    assert "An item you follow changed" in page and "A vote is open" in page
    assert page.count('name="ids"') == 2 and "Mark all as read" in page


def test_links_that_leave_the_site_are_not_shown(client, people):
    Notification.objects.create(user=people.public, kind="item_changed", message="m", url="//evil.example/")
    sign_in(client, people.public)
    page = _text(client.get(INBOX))
    assert "evil.example" not in page


def test_marking_read_one_then_all(client, people):
    first, second = (
        Notification.objects.create(user=people.public, kind="item_changed", message=str(i)) for i in range(2)
    )
    sign_in(client, people.public)
    response = client.post(INBOX, {"ids": [first.pk]})
    assert response.status_code == 302 and response["Location"] == INBOX
    assert list(Notification.objects.filter(read_at__isnull=True)) == [second]
    assert client.post(INBOX, {}).status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    page = _text(client.get(INBOX))
    assert "Mark all as read" not in page and 'name="ids"' not in page


def test_someone_elses_notification_is_not_marked(client, people):
    theirs = Notification.objects.create(user=people.other, kind="item_changed", message="x")
    sign_in(client, people.public)
    assert client.post(INBOX, {"ids": [theirs.pk]}).status_code == 302
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_bad_ids_are_refused(client, people):
    mine = Notification.objects.create(user=people.public, kind="item_changed", message="x")
    sign_in(client, people.public)
    assert client.post(INBOX, {"ids": ["abc"]}).status_code == 400
    assert Notification.objects.get(pk=mine.pk).read_at is None


def test_the_form_needs_its_csrf_token(people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    Notification.objects.create(user=people.public, kind="item_changed", message="x")
    sign_in(client, people.public)
    assert client.post(INBOX, {}).status_code == 403
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_the_inbox_is_in_chinese_by_default(client, people, settings):
    Notification.objects.create(user=people.public, kind="item_changed", message="x")
    sign_in(client, people.public)
    page = _text(client.get(INBOX, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "全部标为已读" in page and "您关注的事项有变化" in page
    assert "Mark all as read" not in page and "Notifications" not in page


@pytest.mark.parametrize("old", ["delivery:notifications", "participation:notifications"])
def test_the_old_pages_lead_to_the_inbox(client, people, old):
    mine = Notification.objects.create(user=people.public, kind="item_changed", message="x")
    sign_in(client, people.public)
    response = client.get(reverse(old))
    assert response.status_code == 302 and response["Location"] == INBOX
    response = client.post(reverse(old), {"ids": [mine.pk]})
    assert response.status_code == 307 and response["Location"] == INBOX  # "mark as read" keeps its method
    assert client.post(response["Location"], {"ids": [mine.pk]}).status_code == 302
    assert Notification.objects.get(pk=mine.pk).read_at is not None


def test_the_inbox_takes_a_fixed_number_of_queries(client, people, django_assert_max_num_queries):
    sign_in(client, people.public)
    client.get(INBOX)
    for i in range(30):
        Notification.objects.create(user=people.public, kind="item_changed", message=str(i))
    with django_assert_max_num_queries(8):
        assert client.get(INBOX).status_code == 200
