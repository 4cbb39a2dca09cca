"""Delivery writes: assignment, delivery settings and planned schedules; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from minsheng.accounts.models import AuditEvent
from minsheng.delivery import services
from minsheng.delivery.models import (
    Assignment,
    DeliverySettings,
    PlannedValue,
)
from minsheng.delivery.selectors import region_departments
from minsheng.delivery.services import DeliveryError
from minsheng.notifications.models import Notification, NotificationKind
from minsheng.plans.models import ItemDepartment, PlanVersion
from minsheng.plans.tests.factories import DepartmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


# --- assignment, settings, schedules ---------------------------------------------------------------------


def test_assignment_sets_lead_supporting_deadline_and_cadence(world):
    assignment = world.item.delivery_assignment
    assert assignment.deadline == dt.date(2025, 12, 31)  # the plan's year end by default
    assert (assignment.cadence, assignment.due_day, assignment.assigned_by) == ("monthly", 5, world.office)
    rows = {(a.department, a.role) for a in world.item.assignments.all()}
    assert rows == {(world.lead, "lead"), (world.support, "supporting")}
    assert AuditEvent.objects.filter(verb="assignment_set", object_id=str(assignment.pk)).exists()


def test_assignment_replaces_departments_and_notifies_the_new_ones(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.assignment_set(
            item=world.item,
            by=world.office,
            lead=world.other,
            supporting=[world.lead, world.other],  # the lead is not also supporting
            official="张三",
            deadline=dt.date(2025, 9, 30),
            cadence="quarterly",
            due_day=10,
        )
    rows = {(a.department, a.role) for a in world.item.assignments.all()}
    assert rows == {(world.other, "lead"), (world.lead, "supporting")}
    assert (assignment.official, assignment.deadline, assignment.cadence, assignment.due_day) == (
        "张三",
        dt.date(2025, 9, 30),
        "quarterly",
        10,
    )
    assert Assignment.objects.count() == 1
    notified = set(
        Notification.objects.filter(kind=NotificationKind.ITEM_ASSIGNED).values_list("user", flat=True)
    )
    assert notified == {world.other_reporter.pk, world.other_head.pk}  # A was already on the item


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"due_day": 0}, "due_day"),
        ({"due_day": 29}, "due_day"),
        ({"due_day": "soon"}, "due_day"),
        ({"cadence": "weekly"}, "cadence"),
        ({"deadline": dt.date(2024, 12, 31)}, "deadline"),
        ({"deadline": "not a date"}, "deadline"),
    ],
)
def test_assignment_refuses_bad_input_and_changes_nothing(world, kwargs, field):
    before = list(ItemDepartment.objects.values_list("department", "role").order_by("id"))
    audits = AuditEvent.objects.count()
    with pytest.raises(DeliveryError) as error:
        services.assignment_set(item=world.item, by=world.office, lead=world.other, **kwargs)
    assert field in error.value.message_dict
    assert list(ItemDepartment.objects.values_list("department", "role").order_by("id")) == before
    assert world.item.delivery_assignment.deadline == dt.date(2025, 12, 31)
    assert AuditEvent.objects.count() == audits


def test_assignment_refuses_a_department_of_another_region(world):
    with pytest.raises(DeliveryError, match="another region"):
        services.assignment_set(item=world.item, by=world.office, lead=DepartmentFactory())
    assert world.item.assignments.get(role="lead").department == world.lead


def test_assignment_refuses_a_retired_department_but_keeps_one_already_assigned(world):
    world.other.retired_at = world.other.region.created_at
    world.other.save()
    with pytest.raises(DeliveryError, match="retired"):
        services.assignment_set(item=world.item, by=world.office, lead=world.other)
    assert world.item.assignments.get(role="lead").department == world.lead
    world.lead.retired_at = world.lead.region.created_at
    world.lead.save()
    services.assignment_set(item=world.item, by=world.office, lead=world.lead)  # already delivers it
    offered = list(region_departments(plan=world.plan))
    assert world.lead in offered and world.support in offered and world.other not in offered


def test_assignment_refuses_a_removed_item(world):
    version = PlanVersion.objects.get(pk=world.item.added_in_id)
    world.item.removed_in = version
    world.item.save()
    with pytest.raises(DeliveryError, match="no longer in the plan"):
        services.assignment_set(item=world.item, by=world.office, lead=world.other)


@pytest.mark.parametrize("who", ["reporter", "head", "deputy", "public"])
def test_only_the_office_assigns(world, who):
    with pytest.raises(PermissionDenied):
        services.assignment_set(item=world.item, by=getattr(world, who), lead=world.other)
    assert world.item.assignments.get(role="lead").department == world.lead


def test_delivery_settings_set_and_change(world):
    settings = services.delivery_settings_set(
        plan=world.plan,
        by=world.office,
        yellow_gap=Decimal("0.05"),
        red_gap=Decimal("0.2"),
        stages=[("approved", 0.05), ("started", 0.5), ("accepted", 1)],
        start=dt.date(2025, 3, 1),
    )
    settings.refresh_from_db()
    assert (settings.yellow_gap, settings.red_gap, settings.start) == (
        Decimal("0.050"),
        Decimal("0.200"),
        dt.date(2025, 3, 1),
    )
    assert settings.stages == [["approved", 0.05], ["started", 0.5], ["accepted", 1.0]]
    services.delivery_settings_set(plan=world.plan, by=world.office, yellow_gap="0.1", red_gap="0.3")
    settings.refresh_from_db()
    assert settings.red_gap == Decimal("0.300")
    assert settings.stages == [["approved", 0.05], ["started", 0.5], ["accepted", 1.0]]  # kept
    assert DeliverySettings.objects.count() == 1
    assert AuditEvent.objects.filter(verb="delivery_settings_set").count() == 2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"yellow_gap": "0.3", "red_gap": "0.2"},
        {"yellow_gap": "-0.1", "red_gap": "0.2"},
        {"yellow_gap": "0.1", "red_gap": "1.5"},
        {"yellow_gap": "a lot", "red_gap": "0.2"},
        {"stages": [("approved", 0.1), ("building", 0.5), ("accepted", 1)]},
        {"stages": [("approved", 0.5), ("tendered", 0.4), ("accepted", 1)]},
        {"stages": [("approved", 0.5), ("approved", 0.7), ("accepted", 1)]},
        {"stages": [("approved", 0.5), ("started", 0.9)]},
        {"stages": []},
        {"start": dt.date(2024, 12, 1)},
    ],
)
def test_delivery_settings_refuse_bad_values(world, kwargs):
    values = {"yellow_gap": "0.1", "red_gap": "0.25", **kwargs}
    with pytest.raises(DeliveryError):
        services.delivery_settings_set(plan=world.plan, by=world.office, **values)
    assert not DeliverySettings.objects.exists()


def test_delivery_settings_are_the_office_s(world):
    with pytest.raises(PermissionDenied):
        services.delivery_settings_set(plan=world.plan, by=world.head, yellow_gap="0.1", red_gap="0.2")


def test_target_schedule_set_replaces_and_clears(world):
    services.target_schedule_set(
        target=world.quantity, by=world.office, planned={(2025, 6): Decimal(10), (2025, 9): Decimal(80)}
    )
    assert list(PlannedValue.objects.values_list("month", "value")) == [(6, Decimal(10)), (9, Decimal(80))]
    services.target_schedule_set(target=world.quantity, by=world.office, planned={})
    assert not PlannedValue.objects.exists()
    assert AuditEvent.objects.filter(verb="target_schedule_set").count() == 2


@pytest.mark.parametrize(
    ("target", "planned"),
    [
        ("quantity", {(2025, 6): 50, (2025, 7): 40}),  # goes down
        ("quantity", {(2025, 13): 50}),
        ("quantity", {(2025, 6): -1}),
        ("quantity", {(2025, 6): "lots"}),
        ("milestone", {(2025, 6): 1.5}),
    ],
)
def test_target_schedule_refuses_bad_plans_and_keeps_the_old_one(world, target, planned):
    services.target_schedule_set(target=world.quantity, by=world.office, planned={(2025, 3): 5})
    with pytest.raises(DeliveryError):
        services.target_schedule_set(target=getattr(world, target), by=world.office, planned=planned)
    assert list(PlannedValue.objects.values_list("month", "value")) == [(3, Decimal(5))]


def test_target_schedule_is_the_office_s(world):
    with pytest.raises(PermissionDenied):
        services.target_schedule_set(target=world.quantity, by=world.reporter, planned={(2025, 6): 5})
