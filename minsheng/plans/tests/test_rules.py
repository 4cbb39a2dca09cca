import pytest
from django.contrib.auth.models import AnonymousUser

from minsheng.accounts.models import User
from minsheng.accounts.tests.factories import OfficeUserFactory, UserFactory
from minsheng.plans.tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("perm", ["plans.view_plan", "plans.view_item"])
def test_plans_are_public(perm):
    plan = PlanFactory()
    assert AnonymousUser().has_perm(perm, plan)
    assert UserFactory().has_perm(perm, plan)


def test_only_the_office_changes_a_plan():
    plan = PlanFactory()
    assert OfficeUserFactory().has_perm("plans.change_plan", plan)
    assert not OfficeUserFactory(is_staff=False).has_perm("plans.change_plan", plan)
    assert not UserFactory(role=User.Role.DEPT_HEAD, is_staff=True).has_perm("plans.change_plan", plan)
    assert not AnonymousUser().has_perm("plans.change_plan", plan)
