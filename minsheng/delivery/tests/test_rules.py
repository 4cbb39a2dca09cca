"""Every delivery permission for every role, both ways.

Department A leads the item, B supports it, C has nothing to do with it. The report is A's draft; the
notice went to A."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from minsheng.accounts.tests.factories import OfficeUserFactory, ReporterFactory, UserFactory
from minsheng.delivery.models import Evidence, ReportStatus, SupervisionNotice

pytestmark = pytest.mark.django_db

ROLES = [
    "office",
    "office_not_staff",
    "office_inactive",
    "superuser",
    "reporter",
    "head",
    "support_reporter",
    "support_head",
    "other_reporter",
    "other_head",
    "reporter_without_department",
    "deputy",
    "public",
    "anonymous",
]
EVERYONE = set(ROLES)
SERVING = {"reporter", "head", "support_reporter", "support_head"}
OFFICE = {"office", "superuser"}

# permission -> (object, roles allowed). The superuser is allowed everything (Django's rule).
MATRIX: dict[str, tuple[str | None, set[str]]] = {
    "delivery": (None, OFFICE),
    "delivery.view_progressreport": (None, OFFICE),
    "delivery.view_supervisionnotice": (None, OFFICE),
    "delivery.change_deliverysettings": (None, OFFICE),
    "delivery.view_public_status": ("plan", EVERYONE),
    "delivery.view_delivery_status": ("plan", OFFICE),
    "delivery.view_item_delivery": ("item", OFFICE | SERVING),
    "delivery.assign_item": ("item", OFFICE),
    "delivery.change_settings": ("plan", OFFICE),
    "delivery.change_schedule": ("target", OFFICE),
    "delivery.add_report": ("target", {"superuser", "reporter", "support_reporter"}),
    "delivery.view_report": ("report", OFFICE | SERVING),
    "delivery.change_report": ("report", {"superuser", "reporter"}),
    "delivery.submit_report": ("report", {"superuser", "reporter"}),
    "delivery.add_evidence": ("report", {"superuser", "reporter"}),
    "delivery.delete_evidence": ("evidence", {"superuser", "reporter"}),
    "delivery.view_evidence": ("report", OFFICE | SERVING),
    "delivery.approve_report": ("report", {"superuser", "head"}),
    "delivery.return_report": ("report", OFFICE | {"head"}),
    "delivery.accept_report": ("report", OFFICE),
    "delivery.publish_report": ("report", OFFICE),
    "delivery.record_accepted": ("target", OFFICE),
    "delivery.load_progress": ("plan", OFFICE),
    "delivery.download_progress_template": (
        "plan",
        OFFICE | SERVING | {"other_reporter", "other_head"},
    ),
    "delivery.issue_notice": ("item", OFFICE),
    "delivery.view_notice": ("notice", OFFICE | {"reporter", "head"}),
    "delivery.reply_notice": ("notice", {"superuser", "reporter", "head"}),
    "delivery.close_notice": ("notice", OFFICE),
    "delivery.escalate_notice": ("notice", OFFICE),
    "notifications.view_notifications": (
        None,
        EVERYONE - {"anonymous", "office_inactive"},
    ),
}


@pytest.fixture
def people(world):
    return {
        "office": world.office,
        "office_not_staff": OfficeUserFactory(is_staff=False),
        "office_inactive": OfficeUserFactory(is_active=False),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "reporter": world.reporter,
        "head": world.head,
        "support_reporter": world.support_reporter,
        "support_head": world.support_head,
        "other_reporter": world.other_reporter,
        "other_head": world.other_head,
        "reporter_without_department": ReporterFactory(department=None),
        "deputy": world.deputy,
        "public": world.public,
        "anonymous": AnonymousUser(),
    }


@pytest.fixture
def objects(world):
    report = world.report()
    evidence = Evidence.objects.create(
        report=report,
        file="evidence/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    notice = SupervisionNotice.objects.create(
        item=world.item, department=world.lead, reason="r", demand="d", reply_deadline="2099-01-01"
    )
    return {
        None: None,
        "plan": world.plan,
        "item": world.item,
        "target": world.quantity,
        "report": report,
        "evidence": evidence,
        "notice": notice,
    }


@pytest.mark.parametrize("perm", list(MATRIX))
def test_permission_for_every_role(people, objects, perm):
    """Each role is checked both ways; the failure lists every role that got the wrong answer."""
    obj_name, allowed = MATRIX[perm]
    wrong = [
        (role, expected)
        for role in ROLES
        if people[role].has_perm(perm, objects[obj_name])
        is not (expected := role in allowed or role == "superuser")
    ]
    assert wrong == [], f"{perm}: (role, should be allowed) wrong for {wrong}"
    assert any(role in allowed for role in ROLES) and (allowed != EVERYONE or perm.endswith("public_status"))


def test_a_published_report_is_visible_to_everyone_an_unpublished_one_is_not(world, people):
    accepted = world.report(ReportStatus.ACCEPTED)
    assert [role for role in ROLES if not people[role].has_perm("delivery.view_report", accepted)] == []
    accepted.published = False
    assert {
        role for role in ROLES if people[role].has_perm("delivery.view_report", accepted)
    } == OFFICE | SERVING


def test_a_department_removed_from_the_item_loses_its_reports(world):
    from minsheng.delivery import services

    report = services.report_save(
        target=world.quantity, by=world.support_reporter, period_end="2025-06-30", actual=1
    )
    assert world.support_reporter.has_perm("delivery.change_report", report)
    services.assignment_set(item=world.item, by=world.office, lead=world.lead)
    assert not world.support_reporter.has_perm("delivery.change_report", report)
    assert not world.support_reporter.has_perm("delivery.view_report", report)
    assert not world.support_reporter.has_perm("delivery.add_report", world.quantity)


def test_an_item_with_prefetched_departments_is_judged_without_a_query(world, django_assert_num_queries):
    from minsheng.plans.models import Item

    item = Item.objects.prefetch_related("assignments").get(pk=world.item.pk)
    with django_assert_num_queries(0):
        assert world.reporter.has_perm("delivery.view_item_delivery", item)
        assert not world.other_reporter.has_perm("delivery.view_item_delivery", item)


def test_the_workspace_is_for_active_department_staff():
    from minsheng.accounts.tests.factories import (
        DeptHeadFactory,
        DeputyFactory,
        OfficeUserFactory,
        PublicUserFactory,
        ReporterFactory,
    )
    from minsheng.plans.tests.factories import DepartmentFactory

    department = DepartmentFactory()
    allowed = [ReporterFactory(department=department), DeptHeadFactory(department=department)]
    refused = [
        ReporterFactory(department=department, is_active=False),
        ReporterFactory(department=None),  # not in a department yet
        OfficeUserFactory(),
        DeputyFactory(),
        PublicUserFactory(),
    ]
    assert all(user.has_perm("delivery.view_workspace") for user in allowed)
    assert not any(user.has_perm("delivery.view_workspace") for user in refused)
