"""The demo's delivery data: demo departments, labelled as such, assigned to every seed item; accepted
figures that make every kind of light show; a notice; and a workspace with work in it."""

from __future__ import annotations

import datetime as dt

import pytest

from minsheng.accounts.models import User
from minsheng.accounts.tests.factories import OfficeUserFactory, ReporterFactory
from minsheng.delivery.models import Assignment, ProgressReport, SupervisionNotice
from minsheng.delivery.schedule import Light
from minsheng.delivery.selectors import plan_status, workspace_get
from minsheng.demo.delivery import DEMO_DEPARTMENTS, demo_delivery_setup
from minsheng.plans.models import Department, ItemDepartment
from minsheng.plans.services import plan_import

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def demo(seed_docx):
    plan = plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name).plan
    office = OfficeUserFactory()
    return plan, office, demo_delivery_setup(plan=plan, office=office, today=TODAY)


def test_every_seed_item_is_assigned_to_a_demo_department(demo):
    plan, _office, result = demo
    assert result.assigned == 40
    assert Assignment.objects.filter(item__plan=plan).count() == 40
    assert all("演示数据" in department.name for department in result.departments)
    assert len(result.departments) == len(DEMO_DEPARTMENTS)
    leads = ItemDepartment.objects.filter(item__plan=plan, role=ItemDepartment.Role.LEAD)
    assert leads.count() == 40
    assert {link.department.name for link in leads} <= set(DEMO_DEPARTMENTS)


def test_the_demo_shows_every_kind_of_light_and_a_notice(demo):
    plan, _office, result = demo
    lights = {item.light for item in plan_status(plan=plan, on=TODAY).items}
    assert {Light.DONE, Light.GREEN, Light.YELLOW, Light.RED} <= lights
    public = {item.light for item in plan_status(plan=plan, on=TODAY, public=True).items}
    assert Light.DONE in public  # the figures are published
    assert ProgressReport.objects.filter(narrative="演示数据", published=True).count() == result.figures
    assert SupervisionNotice.objects.filter(item__plan=plan).count() == 1


def test_the_demo_reporter_has_work_to_do(demo):
    plan, _office, _result = demo
    department = Department.objects.get(region=plan.region, name=DEMO_DEPARTMENTS[0])
    reporter = ReporterFactory(department=department, role=User.Role.REPORTER)
    page = workspace_get(user=reporter, on=TODAY)
    assert page.items and page.due


def test_running_the_demo_set_up_twice_reuses_the_departments(demo):
    plan, office, _result = demo
    demo_delivery_setup(plan=plan, office=office, today=TODAY)
    assert Department.objects.filter(name__in=DEMO_DEPARTMENTS).count() == len(DEMO_DEPARTMENTS)
