import pytest
from django.core.exceptions import ValidationError

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import AuditEvent, User
from minsheng.accounts.services import audit_record, user_create
from minsheng.accounts.tests.factories import OfficeUserFactory

pytestmark = pytest.mark.django_db


def test_user_create_sets_role_and_password_and_records_it():
    office = OfficeUserFactory()
    user = user_create(username="zhang", password="a-long-secret", role=User.Role.DEPUTY, by=office)
    user.refresh_from_db()
    assert user.role == User.Role.DEPUTY
    assert user.check_password("a-long-secret")
    event = AuditEvent.objects.get(verb="user_create")
    assert (event.actor, event.object_type, event.object_id) == (office, "accounts.user", str(user.pk))
    assert event.details["role"] == "deputy"


def test_user_create_without_password_makes_an_account_that_cannot_sign_in():
    user = user_create(username="li", password=None)
    assert not user.has_usable_password()


def test_user_create_rejects_an_unknown_role_and_writes_nothing():
    with pytest.raises(ValidationError):
        user_create(username="wang", password="a-long-secret", role="emperor")
    assert not User.objects.filter(username="wang").exists()
    assert not AuditEvent.objects.exists()


def test_audit_record_from_the_command_line_has_no_actor():
    user = OfficeUserFactory()
    event = audit_record(actor=None, verb="plan_import", obj=user, details={"n": 1})
    assert event.actor is None
    assert event.details == {"n": 1}
    assert event.created_at.tzinfo is not None


def test_the_audit_trail_takes_only_its_enumerated_verbs():
    user = User.objects.create_user(username="auditor")
    with pytest.raises(ValueError):
        audit_record(actor=None, verb="plan_imported_by_hand", obj=user)
    assert not AuditEvent.objects.filter(object_id=str(user.pk)).exists()
    event = audit_record(actor=None, verb=AuditVerb.PLAN_IMPORT, obj=user)
    assert event.verb == "plan_import"
