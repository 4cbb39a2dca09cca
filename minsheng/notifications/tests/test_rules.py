from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

pytestmark = pytest.mark.django_db


def test_every_active_signed_in_person_reads_their_notifications(people):
    for user in (people.office, people.reporter, people.public):
        assert user.has_perm("notifications.view_notifications")
    assert not AnonymousUser().has_perm("notifications.view_notifications")
    people.public.is_active = False
    assert not people.public.has_perm("notifications.view_notifications")


def test_only_the_office_reads_everyones_in_the_admin(people):
    assert people.office.has_perm("notifications.view_notification")
    assert people.office.has_perm("notifications")
    for user in (people.reporter, people.public, AnonymousUser()):
        assert not user.has_perm("notifications.view_notification")
    people.office.is_active = False
    assert not people.office.has_perm("notifications.view_notification")
