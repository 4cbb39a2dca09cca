import pytest
from django.db import IntegrityError

from minsheng.accounts.models import AuditEvent, User
from minsheng.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_role_defaults_to_public():
    assert UserFactory().role == User.Role.PUBLIC


def test_database_rejects_an_unknown_role():
    user = UserFactory()
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=user.pk).update(role="emperor")


def test_database_rejects_an_audit_event_without_verb():
    with pytest.raises(IntegrityError):
        AuditEvent.objects.create(verb="", object_type="plans.plan", object_id="1")
