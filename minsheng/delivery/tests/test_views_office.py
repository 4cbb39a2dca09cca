"""The delivery pages: who may open each (every role, both ways), and the office's assignment and schedule forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minsheng.accounts.models import AuditEvent
from minsheng.delivery import services
from minsheng.delivery.models import (
    Assignment,
    PlannedValue,
    ProgressReport,
    ReportStatus,
    SupervisionNotice,
)
from minsheng.delivery.tests.views_support import ROLES, _as, _notice, _png
from minsheng.plans.models import ItemDepartment
from minsheng.plans.tests.factories import DepartmentFactory
from minsheng.testing import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


# --- who may open what -----------------------------------------------------------------------------------

# Pages and the roles that may open them; every other signed-in role gets 403, anonymous visitors are sent
# to sign in.
PAGES = {
    "dashboard": {"office"},
    "assign": {"office"},
    "schedule": {"office"},
    "notice_new": {"office"},
    "upload": {"office"},
    "template": {"office", "reporter", "head", "support_reporter", "other_reporter"},
    "workspace": {"reporter", "head", "support_reporter", "other_reporter"},
    "item": {"office", "reporter", "head", "support_reporter"},
    "report_new": {"reporter", "support_reporter"},
    "draft": {"office", "reporter", "head", "support_reporter"},
    "draft_edit": {"reporter"},
    "published": {"office", "reporter", "head", "support_reporter", "other_reporter", "deputy", "public"},
    "notice": {"office", "reporter", "head"},
    "notifications": {"office", "reporter", "head", "support_reporter", "other_reporter", "deputy", "public"},
}


# Pages about a report or a notice: to whoever may not see it, the same 404 as for one that does not exist.
# (page: the page that shows the object, whose roles may see it; to them a refused step is a 403)
PRIVATE = {"draft": "draft", "draft_edit": "draft", "published": "published", "notice": "notice"}


def _url(name: str, world, objects) -> str:
    plan, item = world.plan.pk, world.item.pk
    return {
        "dashboard": reverse("delivery:dashboard", args=[plan]),
        "assign": reverse("delivery:assign", args=[item]),
        "schedule": reverse("delivery:schedule", args=[world.quantity.pk]),
        "notice_new": reverse("delivery:notice_new", args=[item]),
        "upload": reverse("delivery:progress_upload", args=[plan]),
        "template": reverse("delivery:progress_template", args=[plan]),
        "workspace": reverse("delivery:workspace"),
        "item": reverse("delivery:item", args=[item]),
        "report_new": reverse("delivery:report_new", args=[world.quantity.pk]),
        "draft": reverse("delivery:report", args=[objects["draft"].pk]),
        "draft_edit": reverse("delivery:report_edit", args=[objects["draft"].pk]),
        "published": reverse("delivery:report", args=[objects["published"].pk]),
        "notice": reverse("delivery:notice", args=[objects["notice"].pk]),
        "notifications": reverse("notifications:inbox"),
    }[name]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_each_page_opens_for_its_roles_only(client, world, page):
    objects = {
        "published": world.report(ReportStatus.ACCEPTED),
        "draft": world.report(ReportStatus.DRAFT, target=world.milestone),
        "notice": _notice(world),
    }
    url = _url(page, world, objects)
    for role in ROLES:
        response = _as(client, world, role).get(url)
        if role == "anonymous":
            assert response.status_code == 302, role
            assert response["Location"].startswith(reverse("accounts:login")), role
        elif role in PAGES[page]:
            assert response.status_code == 200, (page, role)
        elif page in PRIVATE and role not in PAGES[PRIVATE[page]]:
            # a report or notice one may not see reads like one that does not exist
            assert response.status_code == 404, (page, role)
        else:
            assert response.status_code == 403, (page, role)


@pytest.mark.parametrize(
    ("role", "location"),
    [
        ("reporter", "/delivery/workspace/"),
        ("head", "/delivery/workspace/"),
        ("deputy", "/notifications/"),
        ("public", "/notifications/"),
    ],
)
def test_the_delivery_entry_sends_each_role_to_its_page(client, world, role, location):
    response = _as(client, world, role).get(reverse("delivery:home"))
    assert response.status_code == 302
    assert response["Location"] == location


def test_the_office_entry_lists_plans(client, world):
    html = _as(client, world, "office").get(reverse("delivery:home")).content.decode()
    assert reverse("delivery:dashboard", args=[world.plan.pk]) in html


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("delivery:report_submit", "head"),
        ("delivery:report_approve", "reporter"),
        ("delivery:report_accept", "reporter"),
        ("delivery:report_accept", "head"),
        ("delivery:report_return", "other_reporter"),
        ("delivery:report_evidence", "head"),
    ],
)
def test_steps_on_a_report_are_refused_to_the_wrong_role(client, world, name, role):
    report = world.report(ReportStatus.SUBMITTED)
    before = ProgressReport.objects.get(pk=report.pk).version
    response = _as(client, world, role).post(
        reverse(name, args=[report.pk]), {"version": report.version, "reason": "x"}
    )
    # a department that does not serve the item does not see the report: 404, as for a missing one
    assert response.status_code == (404 if role == "other_reporter" else 403)
    assert ProgressReport.objects.get(pk=report.pk).version == before


def test_posts_need_a_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    sign_in(client, world.office)
    response = client.post(reverse("delivery:notice_new", args=[world.item.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert not SupervisionNotice.objects.exists()


@pytest.mark.parametrize("url", ["/delivery/plans/999/", "/delivery/items/999/", "/delivery/reports/999/"])
def test_missing_things_are_404(client, world, url):
    assert _as(client, world, "office").get(url).status_code == 404


def test_a_forbidden_report_notice_or_file_answers_as_a_missing_one(client, world, media):
    """Ids do not tell what exists: to a department that does not serve the item, a report, a notice and a
    file that exist get exactly the answer of ones that do not (and an anonymous visitor is asked to sign
    in for both)."""
    report = world.report(ReportStatus.DRAFT)
    evidence = services.evidence_add(
        report=report, by=world.reporter, upload=SimpleUploadedFile("a.png", _png(), content_type="image/png")
    )
    notice = _notice(world)
    other = _as(client, world, "other_reporter")
    for name, pk in (
        ("delivery:report", report.pk),
        ("delivery:notice", notice.pk),
        ("delivery:evidence", evidence.pk),
    ):
        existing, missing = other.get(reverse(name, args=[pk])), other.get(reverse(name, args=[pk + 999]))
        assert (
            (existing.status_code, existing.content)
            == (missing.status_code, missing.content)
            == (
                404,
                missing.content,
            )
        ), name


# --- the office: assignment ------------------------------------------------------------------------------


def _assignment_data(world, **changes) -> dict:
    data = {
        "lead": world.support.pk,
        "supporting": [world.lead.pk],
        "official": "王副市长",
        "deadline": "2025-11-30",
        "cadence": "quarterly",
        "due_day": "10",
    }
    data.update(changes)
    return data


def test_the_office_assigns_an_item(client, world):
    client = _as(client, world, "office")
    form = client.get(reverse("delivery:assign", args=[world.item.pk])).content.decode()
    assert 'value="2025-12-31"' in form  # the current deadline
    response = client.post(reverse("delivery:assign", args=[world.item.pk]), _assignment_data(world))
    assert response.status_code == 302
    assignment = Assignment.objects.get(item=world.item)
    assert (assignment.official, assignment.deadline, assignment.cadence, assignment.due_day) == (
        "王副市长",
        dt.date(2025, 11, 30),
        "quarterly",
        10,
    )
    lead = ItemDepartment.objects.get(item=world.item, role=ItemDepartment.Role.LEAD)
    assert lead.department == world.support


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"due_day": "40"}, "less than or equal to 28"),
        ({"due_day": "x"}, "Enter a whole number"),
        ({"deadline": "2025-13-40"}, "Enter a valid date"),
        ({"deadline": "2024-06-30"}, "before delivery starts"),
        ({"lead": ""}, "This field is required"),
        ({"cadence": "weekly"}, "Select a valid choice"),
    ],
)
def test_a_bad_assignment_says_why_and_changes_nothing(client, world, changes, message):
    other_region = DepartmentFactory()
    if changes.get("lead") == "other-region":
        changes["lead"] = other_region.pk
    before = Assignment.objects.get(item=world.item).deadline
    audit = AuditEvent.objects.writes().count()
    response = _as(client, world, "office").post(
        reverse("delivery:assign", args=[world.item.pk]), _assignment_data(world, **changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Assignment.objects.get(item=world.item).deadline == before
    assert AuditEvent.objects.writes().count() == audit


def test_a_department_of_another_region_cannot_be_chosen(client, world):
    stranger = DepartmentFactory()
    response = _as(client, world, "office").post(
        reverse("delivery:assign", args=[world.item.pk]), _assignment_data(world, lead=stranger.pk)
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert ItemDepartment.objects.get(item=world.item, role="lead").department == world.lead


# --- the office: schedules -------------------------------------------------------------------------------


def test_the_office_sets_monthly_planned_values(client, world):
    url = reverse("delivery:schedule", args=[world.quantity.pk])
    client = _as(client, world, "office")
    html = client.get(url).content.decode()
    assert html.count('type="number"') == 12  # January to the December deadline
    response = client.post(url, {"m2025_03": "10", "m2025_06": "40", "m2025_12": "100"})
    assert response.status_code == 302
    assert list(PlannedValue.objects.filter(target=world.quantity).values_list("month", "value")) == [
        (3, Decimal(10)),
        (6, Decimal(40)),
        (12, Decimal(100)),
    ]
    assert 'value="40' in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"m2025_03": "-1"}, "greater than or equal to 0"),
        ({"m2025_03": "abc"}, "Enter a number"),
        ({"m2025_03": "50", "m2025_06": "20"}, "cumulative"),
    ],
)
def test_a_bad_schedule_says_why_and_stores_nothing(client, world, data, message):
    response = _as(client, world, "office").post(reverse("delivery:schedule", args=[world.quantity.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PlannedValue.objects.exists()


def test_a_milestone_schedule_is_a_share_up_to_one(client, world):
    response = _as(client, world, "office").post(
        reverse("delivery:schedule", args=[world.milestone.pk]), {"m2025_06": "1.5"}
    )
    assert response.status_code == 400
    assert "less than or equal to 1" in response.content.decode()
