from __future__ import annotations

import pytest

from minsheng.notifications.models import Notification
from minsheng.testing import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]

LIST = "/admin/notifications/notification/"


def test_the_office_reads_notifications_in_the_admin_and_changes_nothing(client, people):
    notification = Notification.objects.create(user=people.public, kind="item_changed", message="变了")
    sign_in(client, people.office)
    assert client.get(LIST).status_code == 200
    assert "变了" in client.get(LIST).content.decode()
    assert client.get(f"{LIST}{notification.pk}/change/").status_code == 200
    assert client.get(f"{LIST}add/").status_code == 403
    assert client.post(f"{LIST}{notification.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Notification.objects.filter(pk=notification.pk).exists()


def test_no_one_else_opens_it(client, people):
    sign_in(client, people.public)
    assert client.get(LIST).status_code == 302  # to the admin's sign-in
