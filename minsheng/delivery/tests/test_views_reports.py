"""The delivery pages: reports (drafting, evidence, the flow, conflicts), notices and notifications."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minsheng.delivery import services
from minsheng.delivery.models import (
    Evidence,
    ProgressReport,
    ReportStatus,
    SupervisionNotice,
)
from minsheng.delivery.tests.conftest import AS_OF
from minsheng.delivery.tests.views_support import _as, _notice, _png
from minsheng.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


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
    ("uploaded_as", "content", "expected"),
    [
        ("../../etc/passwd.html", "png", "png"),
        ("报告.exe", "pdf", "pdf"),
        ('a"; filename=evil.html', "png", "png"),
    ],
)
def test_evidence_is_downloaded_under_a_made_name_with_the_extension_its_bytes_prove(
    client, world, media, uploaded_as, content, expected
):
    report = world.report(ReportStatus.DRAFT)
    client = _as(client, world, "reporter")
    body = _png() if content == "png" else b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = client.post(
        reverse("delivery:report_evidence", args=[report.pk]), {"file": SimpleUploadedFile(uploaded_as, body)}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(report=report)
    download = client.get(reverse("delivery:evidence", args=[evidence.pk]))
    assert download["Content-Disposition"] == f'attachment; filename="evidence-{evidence.pk}.{expected}"'
    assert download["Content-Type"] == ("image/png" if expected == "png" else "application/pdf")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_stored_file_whose_bytes_prove_nothing_is_served_as_plain_bytes(client, world, media):
    report = world.report(ReportStatus.DRAFT)
    client = _as(client, world, "reporter")
    client.post(
        reverse("delivery:report_evidence", args=[report.pk]), {"file": SimpleUploadedFile("a.png", _png())}
    )
    evidence = Evidence.objects.get(report=report)
    with open(evidence.file.path, "wb") as handle:  # changed on disk behind the application's back
        handle.write(b"<html><script>alert(1)</script></html>")
    download = client.get(reverse("delivery:evidence", args=[evidence.pk]))
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"] == f'attachment; filename="evidence-{evidence.pk}.bin"'


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


def _post_step(client, world, role, name, report, **data):
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


def test_a_far_off_figure_shows_a_warning_and_is_accepted_only_with_the_box_ticked(client, world):
    report = world.report(ReportStatus.APPROVED, actual=Decimal(450))  # the target is 100名
    page = _as(client, world, "office").get(reverse("delivery:report", args=[report.pk])).content.decode()
    assert "This figure looks far off" in page
    assert 'name="confirm_far_off"' in page
    refused = _post_step(client, world, "office", "delivery:report_accept", report, publish="on")
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "more than 3 times the target" in html and 'name="confirm_far_off"' in html
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    accepted = _post_step(
        client, world, "office", "delivery:report_accept", report, publish="on", confirm_far_off="on"
    )
    assert accepted.status_code == 302
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED


def test_an_ordinary_figure_shows_no_warning_and_no_confirmation_box(client, world):
    report = world.report(ReportStatus.APPROVED, actual=Decimal(45))
    page = _as(client, world, "office").get(reverse("delivery:report", args=[report.pk])).content.decode()
    assert "This figure looks far off" not in page
    assert 'name="confirm_far_off"' not in page
