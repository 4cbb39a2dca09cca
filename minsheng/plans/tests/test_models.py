"""The invariants the database holds by itself, whatever code writes to it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from minsheng.plans.models import Item, ItemDepartment, Plan, PlanVersion, Region, Target
from minsheng.plans.tests.factories import (
    ActionFactory,
    DepartmentFactory,
    ItemFactory,
    PlanFactory,
    PlanVersionFactory,
    RegionFactory,
    StandardFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db


def _rejected(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_one_plan_per_region_and_year():
    plan = PlanFactory()
    _rejected(lambda: Plan.objects.create(region=plan.region, year=plan.year, title="again"))
    assert Plan.objects.create(region=plan.region, year=plan.year + 1, title="next year")


def test_plan_year_and_status_are_checked():
    region = RegionFactory()
    _rejected(lambda: Plan.objects.create(region=region, year=25, title="x"))
    _rejected(lambda: Plan.objects.create(region=region, year=2025, title="x", status="finished"))


def test_region_name_is_unique_and_not_empty():
    RegionFactory(name="第二师铁门关市")
    _rejected(lambda: Region.objects.create(name="第二师铁门关市"))
    _rejected(lambda: Region.objects.create(name=""))


def test_version_numbers_are_unique_per_plan_and_hashes_are_hex():
    version = PlanVersionFactory(number=1)
    _rejected(lambda: PlanVersionFactory(plan=version.plan, number=1))
    _rejected(lambda: PlanVersionFactory(plan=version.plan, number=2, sha256="not-a-hash"))
    _rejected(lambda: PlanVersionFactory(plan=version.plan, number=0))


def test_current_item_numbers_are_unique_but_removed_items_may_share_them():
    item = ItemFactory(no=7)
    _rejected(lambda: ItemFactory(action=item.action, no=7))
    later = PlanVersionFactory(plan=item.plan)
    Item.objects.filter(pk=item.pk).update(removed_in=later)
    assert ItemFactory(action=item.action, no=7).removed_in is None


def test_current_action_numbers_are_unique():
    action = ActionFactory(no=1)
    _rejected(lambda: ActionFactory(plan=action.plan, added_in=action.added_in, no=1))


def test_item_text_may_not_be_empty():
    _rejected(lambda: ItemFactory(text=""))


def test_item_action_must_belong_to_the_item_plan():
    item = ItemFactory()
    item.action = ActionFactory()
    with pytest.raises(ValidationError):
        item.full_clean()


def test_target_value_must_match_its_kind():
    _rejected(lambda: TargetFactory(kind=Target.Kind.MILESTONE, value=Decimal(1)))
    _rejected(lambda: TargetFactory(kind=Target.Kind.QUANTITY, value=None))
    _rejected(lambda: TargetFactory(kind="wish"))
    assert TargetFactory(kind=Target.Kind.MILESTONE, value=None, unit="", source="")


def test_ranges_must_be_ordered():
    _rejected(lambda: TargetFactory(op="range", value=Decimal(10), value_max=Decimal(5)))
    _rejected(lambda: TargetFactory(op="range", value=Decimal(10), value_max=None))
    _rejected(lambda: StandardFactory(op="range", amount=Decimal(1500), amount_max=Decimal(1000)))
    assert StandardFactory(op="range", amount=Decimal(1000), amount_max=Decimal(1500))


def test_comparators_and_amounts_are_checked():
    _rejected(lambda: TargetFactory(op="!="))
    _rejected(lambda: StandardFactory(amount=Decimal(-1)))
    _rejected(lambda: TargetFactory(weight=Decimal(-1)))


def test_an_item_has_at_most_one_lead_department_and_each_department_once():
    item = ItemFactory()
    first, second = DepartmentFactory(region=item.plan.region), DepartmentFactory(region=item.plan.region)
    ItemDepartment.objects.create(item=item, department=first, role=ItemDepartment.Role.LEAD)
    _rejected(
        lambda: ItemDepartment.objects.create(item=item, department=second, role=ItemDepartment.Role.LEAD)
    )
    _rejected(
        lambda: ItemDepartment.objects.create(
            item=item, department=first, role=ItemDepartment.Role.SUPPORTING
        )
    )
    assert ItemDepartment.objects.create(item=item, department=second, role=ItemDepartment.Role.SUPPORTING)


def test_an_assigned_department_must_be_of_the_plan_region():
    item = ItemFactory()
    assignment = ItemDepartment(item=item, department=DepartmentFactory(), role=ItemDepartment.Role.LEAD)
    with pytest.raises(ValidationError):
        assignment.full_clean()


def test_version_history_keeps_its_file():
    version = PlanVersionFactory(content=b"\x00docx bytes")
    assert bytes(PlanVersion.objects.get(pk=version.pk).content) == b"\x00docx bytes"
