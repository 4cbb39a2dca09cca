"""A page with the site menu and a section's bar shows the unread count once (in the menu) and counts it once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minsheng.accounts.tests.factories import PublicUserFactory
from minsheng.notifications.models import Notification, NotificationKind
from minsheng.testing import sign_in

pytestmark = pytest.mark.django_db


def test_the_menu_and_the_section_bar_share_one_unread_count(client):
    user = PublicUserFactory()
    Notification.objects.create(user=user, kind=NotificationKind.ITEM_CHANGED, message="变更")
    sign_in(client, user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("participation:mine"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if "notifications_notification" in q["sql"] and "COUNT" in q["sql"]
    ]
    assert len(counts) == 1, counts
    html = page.content.decode()
    assert html.count("1 unread") == 1  # in the menu only: the section's bar does not repeat the inbox
    assert html.count(f'href="{reverse("notifications:inbox")}"') == 1
