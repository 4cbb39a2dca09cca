from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from minsheng.notifications.models import Notification
from minsheng.notifications.selectors import notification_list, unread_count

pytestmark = pytest.mark.django_db


def test_a_persons_list_and_unread_count(people, django_assert_num_queries):
    for i in range(3):
        Notification.objects.create(user=people.public, kind="item_changed", message=str(i))
    Notification.objects.create(user=people.other, kind="item_changed", message="x")
    Notification.objects.filter(message="0").update(read_at=timezone.now())
    with django_assert_num_queries(1):
        assert [n.message for n in notification_list(user=people.public)] == ["2", "1", "0"]
    assert [n.message for n in notification_list(user=people.public, unread_only=True)] == ["2", "1"]
    assert [n.message for n in notification_list(user=people.public, limit=1)] == ["2"]
    with django_assert_num_queries(1):
        assert unread_count(user=people.public) == 2
    assert unread_count(user=people.other) == 1


def test_a_visitor_has_none(db):
    assert notification_list(user=AnonymousUser()) == []
    assert unread_count(user=AnonymousUser()) == 0
