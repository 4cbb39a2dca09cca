"""The delivery pages: who may open each (every role, both ways), what each form does with good and bad
input (a clear message, nothing stored), conflicts, the Excel upload, the item's public timeline, and
query counts that do not grow with the plan."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from minsheng.accounts.models import AuditEvent
from minsheng.accounts.tests.factories import ReporterFactory
from minsheng.delivery import services
from minsheng.delivery.models import (
    Assignment,
    Evidence,
    PlannedValue,
    ProgressReport,
    ReportStatus,
    SupervisionNotice,
)
from minsheng.delivery.tests.conftest import AS_OF
from minsheng.notifications.models import Notification
from minsheng.plans.models import ItemDepartment, Target
from minsheng.plans.tests.factories import DepartmentFactory, ItemFactory, TargetFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]

ROLES = (
    "office",
    "reporter",
    "head",
    "support_reporter",
    "other_reporter",
    "deputy",
    "public",
    "anonymous",
)


def _as(client, world, role):  # noqa: ANN001
    """The client signed in as one of the world's users (or nobody), reading English."""
    client.logout()
    if role != "anonymous":
        client.force_login(getattr(world, role))
    client.cookies["django_language"] = "en"
    return client


def _notice(world, **kwargs) -> SupervisionNotice:  # noqa: ANN001
    return services.notice_issue(
        item=world.item,
        by=world.office,
        reason=kwargs.get("reason", "进度滞后"),
        demand="说明原因",
        reply_deadline=dt.date(2099, 1, 31),
    )


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


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


def _url(name: str, world, objects) -> str:  # noqa: ANN001
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
    client.force_login(world.office)
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


def _assignment_data(world, **changes) -> dict:  # noqa: ANN001
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
    audit = AuditEvent.objects.count()
    response = _as(client, world, "office").post(
        reverse("delivery:assign", args=[world.item.pk]), _assignment_data(world, **changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Assignment.objects.get(item=world.item).deadline == before
    assert AuditEvent.objects.count() == audit


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


# --- reports: drafting, evidence, the flow ---------------------------------------------------------------


def test_a_reporter_drafts_a_report_from_the_workspace(client, world):
    client = _as(client, world, "reporter")
    workspace = client.get(reverse("delivery:workspace")).content.decode()
    new = reverse("delivery:report_new", args=[world.quantity.pk])
    assert new in workspace
    assert "Overdue" in workspace
    response = client.post(
        new,
        {"period_end": "2025-06-30", "actual": "35", "narrative": "铺设管道", "funds_spent": ""},
    )
    report = ProgressReport.objects.get(target=world.quantity)
    assert response.status_code == 302
    assert response["Location"] == reverse("delivery:report", args=[report.pk])
    assert (report.status, report.actual, report.narrative, report.department) == (
        ReportStatus.DRAFT,
        Decimal(35),
        "铺设管道",
        world.lead,
    )
    # the report's period is offered again: it now opens the existing report
    again = client.get(new + "?period_end=2025-06-30")
    assert again.status_code == 302
    assert again["Location"] == reverse("delivery:report", args=[report.pk])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"actual": "三十"}, "Enter a number"),
        ({"actual": "-5"}, "greater than or equal to 0"),
        ({"actual": ""}, "Give the cumulative actual"),
        ({"period_end": "2099-12-31"}, "Select a valid choice"),
        ({"period_end": "not a date"}, "Select a valid choice"),
        ({"funds_spent": "100"}, "states no money"),
    ],
)
def test_a_bad_report_says_why_and_stores_nothing(client, world, data, message):
    payload = {"period_end": "2025-06-30", "actual": "35", "narrative": "", "funds_spent": ""}
    payload.update(data)
    response = _as(client, world, "reporter").post(
        reverse("delivery:report_new", args=[world.quantity.pk]), payload
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_a_milestone_report_asks_for_the_stage(client, world):
    url = reverse("delivery:report_new", args=[world.milestone.pk])
    client = _as(client, world, "reporter")
    html = client.get(url).content.decode()
    assert 'name="stage"' in html and 'name="actual"' not in html
    assert client.post(url, {"period_end": "2025-06-30", "stage": ""}).status_code == 400
    assert client.post(url, {"period_end": "2025-06-30", "stage": "started"}).status_code == 302
    assert ProgressReport.objects.get(target=world.milestone).stage == "started"


def test_a_second_report_for_the_same_period_is_refused(client, world):
    world.report(ReportStatus.DRAFT)
    response = _as(client, world, "support_reporter").post(
        reverse("delivery:report_new", args=[world.quantity.pk]),
        {"period_end": AS_OF.isoformat(), "actual": "1"},
    )
    assert response.status_code == 400
    assert "has already reported this target as of 2025-06-30" in response.content.decode()
    assert ProgressReport.objects.count() == 1


def test_evidence_is_attached_and_downloaded_by_those_who_may(client, world, media):
    report = world.report(ReportStatus.DRAFT)
    client = _as(client, world, "reporter")
    response = client.post(
        reverse("delivery:report_evidence", args=[report.pk]),
        {"file": SimpleUploadedFile("现场.png", _png(), content_type="image/png")},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(report=report)
    page = client.get(reverse("delivery:report", args=[report.pk])).content.decode()
    assert "现场.png" in page
    download = client.get(reverse("delivery:evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == _png()
    # those who may not see a file get the 404 of a file that does not exist
    assert (
        _as(client, world, "other_reporter").get(reverse("delivery:evidence", args=[evidence.pk])).status_code
        == 404
    )
    assert (
        _as(client, world, "public").get(reverse("delivery:evidence", args=[evidence.pk])).status_code == 404
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.png", b"just some text", "neither"),
        ("empty.pdf", b"", "The submitted file is empty"),
        ("fake.pdf", b"%PDF-1.4 no end", "incomplete or damaged"),
    ],
)
def test_bad_evidence_says_why_and_stores_nothing(client, world, media, name, content, message):
    report = world.report(ReportStatus.DRAFT)
    response = _as(client, world, "reporter").post(
        reverse("delivery:report_evidence", args=[report.pk]), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Evidence.objects.exists()
    assert not (media / "evidence").exists() or not any((media / "evidence").rglob("*.*"))


def test_evidence_is_removed_from_a_draft_only_by_its_reporter(client, world, media):
    report = world.report(ReportStatus.DRAFT)
    evidence = services.evidence_add(
        report=report, by=world.reporter, upload=SimpleUploadedFile("a.png", _png(), content_type="image/png")
    )
    url = reverse("delivery:evidence_remove", args=[evidence.pk])
    assert _as(client, world, "head").post(url).status_code == 403
    assert _as(client, world, "office").post(url).status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    page = _as(client, world, "reporter").get(reverse("delivery:report", args=[report.pk])).content.decode()
    assert url in page
    assert client.post(url).status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def _post_step(client, world, role, name, report, **data):  # noqa: ANN001
    return _as(client, world, role).post(
        reverse(name, args=[report.pk]), {"version": ProgressReport.objects.get(pk=report.pk).version, **data}
    )


def test_the_report_goes_through_submit_approve_return_and_accept(client, world):
    report = world.report(ReportStatus.DRAFT)
    page = _as(client, world, "reporter").get(reverse("delivery:report", args=[report.pk])).content.decode()
    assert reverse("delivery:report_submit", args=[report.pk]) in page
    assert _post_step(client, world, "reporter", "delivery:report_submit", report).status_code == 302
    page = _as(client, world, "head").get(reverse("delivery:report", args=[report.pk])).content.decode()
    assert reverse("delivery:report_approve", args=[report.pk]) in page
    assert _post_step(client, world, "head", "delivery:report_approve", report).status_code == 302
    dashboard = _as(client, world, "office").get(reverse("delivery:dashboard", args=[world.plan.pk]))
    assert reverse("delivery:report", args=[report.pk]) in dashboard.content.decode()
    response = _post_step(client, world, "office", "delivery:report_return", report, reason="请补充照片")
    assert response.status_code == 302
    fresh = ProgressReport.objects.get(pk=report.pk)
    assert (fresh.status, fresh.return_reason) == (ReportStatus.RETURNED, "请补充照片")
    workspace = _as(client, world, "reporter").get(reverse("delivery:workspace")).content.decode()
    assert "请补充照片" in workspace
    assert _post_step(client, world, "reporter", "delivery:report_submit", report).status_code == 302
    assert _post_step(client, world, "head", "delivery:report_approve", report).status_code == 302
    assert (
        _post_step(client, world, "office", "delivery:report_accept", report, publish="on").status_code == 302
    )
    fresh = ProgressReport.objects.get(pk=report.pk)
    assert (fresh.status, fresh.published) == (ReportStatus.ACCEPTED, True)


def test_the_office_withdraws_and_republishes_an_accepted_figure(client, world):
    report = world.report(ReportStatus.ACCEPTED)
    url = reverse("delivery:report_publish", args=[report.pk])
    page = _as(client, world, "office").get(reverse("delivery:report", args=[report.pk])).content.decode()
    assert url in page
    assert (
        _post_step(client, world, "reporter", "delivery:report_publish", report, published="0").status_code
        == 403
    )
    assert (
        _post_step(client, world, "office", "delivery:report_publish", report, published="0").status_code
        == 302
    )
    assert ProgressReport.objects.get(pk=report.pk).published is False
    assert (
        _post_step(client, world, "office", "delivery:report_publish", report, published="1").status_code
        == 302
    )
    assert ProgressReport.objects.get(pk=report.pk).published is True


def test_returning_without_a_reason_says_so_and_changes_nothing(client, world):
    report = world.report(ReportStatus.APPROVED)
    response = _post_step(client, world, "office", "delivery:report_return", report, reason="  ")
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED


def test_a_step_the_flow_does_not_allow_is_explained(client, world):
    report = world.report(ReportStatus.DRAFT)
    response = _post_step(client, world, "office", "delivery:report_accept", report)
    assert response.status_code == 400
    assert "Only a report approved by the department head can be accepted" in response.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_an_accept_on_a_stale_page_is_a_conflict_and_changes_nothing(client, world):
    report = world.report(ReportStatus.APPROVED)
    stale = report.version
    services.report_return(report=report, by=world.office, reason="另有问题", expected_version=stale)
    services.report_submit(report=report, by=world.reporter, expected_version=report.version)
    services.report_approve(report=report, by=world.head, expected_version=report.version)
    response = _as(client, world, "office").post(
        reverse("delivery:report_accept", args=[report.pk]), {"version": stale, "publish": "on"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this first" in html
    assert f'name="version" value="{report.version}"' in html  # the form now carries the current version
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED


def test_an_edit_on_a_stale_page_keeps_what_the_user_typed(client, world):
    report = world.report(ReportStatus.DRAFT)
    stale = report.version
    services.report_save(
        target=world.quantity,
        by=world.reporter,
        period_end=AS_OF,
        actual=Decimal(60),
        narrative="同事先改了",
        report=report,
        expected_version=stale,
    )
    response = _as(client, world, "reporter").post(
        reverse("delivery:report_edit", args=[report.pk]),
        {"period_end": AS_OF.isoformat(), "actual": "77", "narrative": "我写的说明", "version": stale},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this first" in html
    assert "我写的说明" in html and 'value="77"' in html  # the user's input is still there
    assert "同事先改了" in html  # and what is saved now is shown
    fresh = ProgressReport.objects.get(pk=report.pk)
    assert (fresh.actual, fresh.narrative) == (Decimal(60), "同事先改了")


def test_the_edit_form_changes_a_draft(client, world):
    report = world.report(ReportStatus.DRAFT)
    client = _as(client, world, "reporter")
    url = reverse("delivery:report_edit", args=[report.pk])
    assert 'value="40' in client.get(url).content.decode()
    response = client.post(
        url, {"period_end": AS_OF.isoformat(), "actual": "45", "narrative": "", "version": report.version}
    )
    assert response.status_code == 302
    assert ProgressReport.objects.get(pk=report.pk).actual == Decimal(45)
    response = client.post(url, {"period_end": AS_OF.isoformat(), "actual": "46"})  # no version
    assert response.status_code == 400
    assert ProgressReport.objects.get(pk=report.pk).actual == Decimal(45)


# --- notices ---------------------------------------------------------------------------------------------


def test_the_office_issues_a_notice_and_the_department_answers(client, world):
    client = _as(client, world, "office")
    response = client.post(
        reverse("delivery:notice_new", args=[world.item.pk]),
        {"reason": "进度滞后于序时进度", "demand": "七日内说明原因", "reply_deadline": "2099-01-31"},
    )
    notice = SupervisionNotice.objects.get()
    assert response.status_code == 302
    assert notice.department == world.lead
    workspace = _as(client, world, "head").get(reverse("delivery:workspace")).content.decode()
    assert reverse("delivery:notice", args=[notice.pk]) in workspace
    response = client.post(
        reverse("delivery:notice_reply", args=[notice.pk]),
        {"version": notice.version, "explanation": "原材料延迟", "catch_up_plan": "加派人手"},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.explanation) == (SupervisionNotice.Status.ANSWERED, "原材料延迟")
    response = _as(client, world, "office").post(
        reverse("delivery:notice_close", args=[notice.pk]), {"version": notice.version, "note": "同意"}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == SupervisionNotice.Status.CLOSED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "This field is required"),
        ({"reply_deadline": "2020-01-01"}, "in the past"),
        ({"reply_deadline": "soon"}, "Enter a valid date"),
    ],
)
def test_a_bad_notice_says_why_and_stores_nothing(client, world, data, message):
    payload = {"reason": "慢", "demand": "快", "reply_deadline": "2099-01-31", **data}
    response = _as(client, world, "office").post(
        reverse("delivery:notice_new", args=[world.item.pk]), payload
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SupervisionNotice.objects.exists()


def test_escalating_needs_a_reason_and_replying_needs_both_answers(client, world):
    notice = _notice(world)
    response = _as(client, world, "office").post(
        reverse("delivery:notice_escalate", args=[notice.pk]), {"version": notice.version, "note": ""}
    )
    assert response.status_code == 400
    response = _as(client, world, "reporter").post(
        reverse("delivery:notice_reply", args=[notice.pk]),
        {"version": notice.version, "explanation": "原因", "catch_up_plan": ""},
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert SupervisionNotice.objects.get().status == SupervisionNotice.Status.OPEN


def test_a_reply_on_a_stale_page_is_a_conflict_that_keeps_the_answer(client, world):
    notice = _notice(world)
    stale = notice.version
    services.notice_escalate(notice=notice, by=world.office, note="尽快", expected_version=stale)
    response = _as(client, world, "reporter").post(
        reverse("delivery:notice_reply", args=[notice.pk]),
        {"version": stale, "explanation": "我们的解释", "catch_up_plan": "我们的计划"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this first" in html
    assert "我们的解释" in html and "尽快" in html
    assert SupervisionNotice.objects.get().explanation == ""


def test_other_departments_cannot_answer_a_notice(client, world):
    notice = _notice(world)
    response = _as(client, world, "support_reporter").post(
        reverse("delivery:notice_reply", args=[notice.pk]),
        {"version": notice.version, "explanation": "x", "catch_up_plan": "y"},
    )
    assert response.status_code == 404  # another department's notice reads like a missing one


# --- notifications ---------------------------------------------------------------------------------------


def test_notifications_are_listed_and_marked_read(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notice(world)
        _notice(world, reason="再次督办")
    assert Notification.objects.filter(user=world.reporter).count() == 2
    client = _as(client, world, "reporter")
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert html.count('name="ids"') == 2
    first = Notification.objects.filter(user=world.reporter).first()
    assert client.post(reverse("notifications:inbox"), {"ids": [first.pk]}).status_code == 302
    assert Notification.objects.filter(user=world.reporter, read_at__isnull=True).count() == 1
    assert client.post(reverse("notifications:inbox"), {}).status_code == 302
    assert not Notification.objects.filter(user=world.reporter, read_at__isnull=True).exists()
    assert client.post(reverse("notifications:inbox"), {"ids": ["x"]}).status_code == 400


def test_one_cannot_mark_someone_elses_notifications(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notice(world)
    theirs = Notification.objects.filter(user=world.reporter).first()
    _as(client, world, "head").post(reverse("notifications:inbox"), {"ids": [theirs.pk]})
    assert Notification.objects.get(pk=theirs.pk).read_at is None


# --- the dashboard ---------------------------------------------------------------------------------------


def test_the_dashboard_counts_lights_and_names_lagging_and_overdue(client, world):
    world.report(ReportStatus.ACCEPTED)  # 40 of 100 by the end of June: far behind at year end
    _notice(world)
    html = (
        _as(client, world, "office").get(reverse("delivery:dashboard", args=[world.plan.pk])).content.decode()
    )
    assert "far behind" in html
    assert world.lead.name in html  # overdue reports of the lead department
    assert reverse("delivery:notice_new", args=[world.item.pk]) in html
    assert "Open supervision notices" in html
    assert reverse("delivery:notice", args=[SupervisionNotice.objects.get().pk]) in html


def test_the_dashboard_filters_by_action_department_and_place(client, world):
    other = ItemFactory(action__plan=world.plan, text="在北区新建公园。", locations=["北区"])
    services.assignment_set(item=other, by=world.office, lead=world.other)
    url = reverse("delivery:dashboard", args=[world.plan.pk])
    client = _as(client, world, "office")
    everything = client.get(url).content.decode()
    assert f'id="item-{world.item.no}"' in everything and f'id="item-{other.no}"' in everything
    by_department = client.get(url, {"department": world.other.pk}).content.decode()
    assert f'id="item-{other.no}"' in by_department and f'id="item-{world.item.no}"' not in by_department
    by_place = client.get(url, {"place": "北区"}).content.decode()
    assert f'id="item-{other.no}"' in by_place and f'id="item-{world.item.no}"' not in by_place
    by_action = client.get(url, {"action": world.item.action_id}).content.decode()
    assert f'id="item-{world.item.no}"' in by_action and f'id="item-{other.no}"' not in by_action
    # a bad filter is ignored, not an error
    assert client.get(url, {"department": "abc", "on": "never"}).status_code == 200


def test_the_dashboard_shows_another_date(client, world):
    world.report(ReportStatus.ACCEPTED)
    html = (
        _as(client, world, "office")
        .get(reverse("delivery:dashboard", args=[world.plan.pk]), {"on": "2025-01-15"})
        .content.decode()
    )
    assert "as of 2025-01-15" in html


# --- the item's public page ------------------------------------------------------------------------------


def test_the_public_item_page_shows_published_progress_and_the_timeline(client, world):
    client = _as(client, world, "anonymous")
    url = reverse("portal:item", args=[world.item.pk])
    html = client.get(url).content.decode()
    assert "delivered so far" not in html
    world.report(ReportStatus.ACCEPTED, narrative="已铺设40名")
    notice = _notice(world, reason="内部原因说明")
    html = client.get(url).content.decode()
    assert "Timeline" in html
    assert "40 名 delivered so far" in html
    assert f"Supervision notice to {world.lead.name}" in html
    assert "内部原因说明" not in html  # the notice's text is for the office and the department
    assert "light-" in html
    office = _as(client, world, "office").get(url).content.decode()
    assert "内部原因说明" in office
    assert reverse("delivery:item", args=[world.item.pk]) in office
    assert notice.pk


def test_the_public_item_page_hides_unpublished_figures(client, world):
    report = world.report(ReportStatus.APPROVED)
    services.report_accept(report=report, by=world.office, expected_version=report.version, publish=False)
    url = reverse("portal:item", args=[world.item.pk])
    assert "delivered so far" not in _as(client, world, "anonymous").get(url).content.decode()
    assert "delivered so far" in _as(client, world, "office").get(url).content.decode()


# --- query counts ----------------------------------------------------------------------------------------


def _grow(world, n: int) -> None:  # noqa: ANN001
    """``n`` more items led by the world's lead department, each with two targets, accepted figures,
    a draft, and a notice."""
    for index in range(n):
        item = ItemFactory(action=world.item.action, locations=[f"第{index}区"])
        quantity = TargetFactory(item=item, value=Decimal(100))
        TargetFactory(item=item, kind=Target.Kind.MILESTONE, value=None, unit="", op="=", source="工程")
        services.assignment_set(item=item, by=world.office, lead=world.lead, supporting=[world.support])
        report = services.report_save(
            target=quantity, by=world.reporter, period_end=AS_OF, actual=Decimal(30)
        )
        report = services.report_submit(report=report, by=world.reporter, expected_version=report.version)
        report = services.report_approve(report=report, by=world.head, expected_version=report.version)
        if index % 2:
            services.report_accept(report=report, by=world.office, expected_version=report.version)
        services.report_save(
            target=quantity, by=world.reporter, period_end=dt.date(2025, 7, 31), actual=Decimal(31)
        )
        services.notice_issue(
            item=item, by=world.office, reason="慢", demand="快", reply_deadline=dt.date(2099, 1, 1)
        )


def _queries(client, url: str) -> int:  # noqa: ANN001
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("office", "dashboard"),
        ("reporter", "workspace"),
        ("head", "workspace"),
        ("office", "item"),
        ("reporter", "item"),
    ],
)
def test_page_queries_do_not_grow_with_the_plan(client, world, django_assert_max_num_queries, role, page):
    url = {
        "dashboard": reverse("delivery:dashboard", args=[world.plan.pk]),
        "workspace": reverse("delivery:workspace"),
        "item": reverse("delivery:item", args=[world.item.pk]),
    }[page]
    _grow(world, 3)
    client = _as(client, world, role)
    baseline = _queries(client, url)
    _grow(world, 6)  # three times as many items
    with django_assert_max_num_queries(baseline):
        client.get(url)


def test_the_public_item_page_queries_do_not_grow_with_reports(client, world, django_assert_max_num_queries):
    url = reverse("portal:item", args=[world.item.pk])
    world.report(ReportStatus.ACCEPTED)
    baseline = _queries(client, url)
    for month in (7, 8, 9):
        day = dt.date(2025, month, 28)
        report = world.report(ReportStatus.ACCEPTED, period_end=day, actual=Decimal(40 + month))
        assert report.status == ReportStatus.ACCEPTED
        _notice(world)
    with django_assert_max_num_queries(baseline):
        client.get(url)


def test_a_department_member_without_items_sees_an_empty_workspace(client, world):
    lonely = ReporterFactory(department=DepartmentFactory(region=world.plan.region))
    client = _as(client, world, "anonymous")
    client.force_login(lonely)
    html = client.get(reverse("delivery:workspace")).content.decode()
    assert "No item is assigned to your department yet" in html


def test_a_closed_notice_and_a_closed_plan_read_differently_in_chinese(zh):
    from minsheng.delivery.models import NoticeStatus
    from minsheng.plans.models import PlanStatus

    assert (str(NoticeStatus.CLOSED.label), str(PlanStatus.CLOSED.label)) == ("已办结", "已结束")
