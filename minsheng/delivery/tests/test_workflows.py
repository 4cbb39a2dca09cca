"""The buttons a page shows are exactly the steps the service accepts: for every role, every state and
every step of the report and notice workflows (minsheng/delivery/workflows.py), the selector's
``report_actions`` / ``notice_actions`` and the service agree."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from minsheng.delivery import selectors, services
from minsheng.delivery.models import ReportStatus, SupervisionNotice
from minsheng.delivery.services import DeliveryError
from minsheng.delivery.workflows import NOTICE_FLOW, REPORT_FLOW
from minsheng.testing import accepted

ROLES = (
    "office",
    "reporter",
    "head",
    "support_reporter",
    "support_head",
    "other_reporter",
    "other_head",
    "deputy",
    "public",
)
REPORT_STATES = (
    ReportStatus.DRAFT,
    ReportStatus.SUBMITTED,
    ReportStatus.APPROVED,
    ReportStatus.RETURNED,
    ReportStatus.ACCEPTED,
)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _accepted(call) -> bool:
    return accepted(call, (DeliveryError, PermissionDenied))


def _report_calls(world, report, user, evidence):
    v = report.version
    return {
        "edit": lambda: services.report_save(
            target=world.quantity,
            by=user,
            report=report,
            expected_version=v,
            period_end=report.period_end,
            actual=41,
        ),
        "submit": lambda: services.report_submit(report=report, by=user, expected_version=v),
        "add_evidence": lambda: services.evidence_add(
            report=report, by=user, upload=SimpleUploadedFile("site.png", _png())
        ),
        "remove_evidence": lambda: services.evidence_remove(evidence=evidence, by=user),
        "approve": lambda: services.report_approve(report=report, by=user, expected_version=v),
        "accept": lambda: services.report_accept(report=report, by=user, expected_version=v),
        "return": lambda: services.report_return(report=report, by=user, reason="请补充", expected_version=v),
        "publish": lambda: services.report_publish_set(
            report=report, by=user, published=not report.published, expected_version=v
        ),
    }


def _report_with_evidence(world, state: str):
    """A report of department A with a file attached while it was a draft, brought to ``state``."""
    report = world.report(ReportStatus.DRAFT)
    evidence = services.evidence_add(
        report=report, by=world.reporter, upload=SimpleUploadedFile("a.png", _png())
    )
    steps = {
        ReportStatus.DRAFT: [],
        ReportStatus.SUBMITTED: [(services.report_submit, world.reporter)],
        ReportStatus.APPROVED: [
            (services.report_submit, world.reporter),
            (services.report_approve, world.head),
        ],
        ReportStatus.RETURNED: [
            (services.report_submit, world.reporter),
            (services.report_return, world.head),
        ],
        ReportStatus.ACCEPTED: [
            (services.report_submit, world.reporter),
            (services.report_approve, world.head),
            (services.report_accept, world.office),
        ],
    }[state]
    for step, by in steps:
        extra = {"reason": "请补充"} if step is services.report_return else {}
        report = step(report=report, by=by, expected_version=report.version, **extra)
    assert report.status == state
    return report, evidence


@pytest.mark.parametrize("state", REPORT_STATES)
def test_report_buttons_are_the_steps_the_service_accepts(world, media, state):
    report, evidence = _report_with_evidence(world, state)
    assert set(_report_calls(world, report, world.office, evidence)) == set(REPORT_FLOW.names)
    for role in ROLES:
        user = getattr(world, role)
        report.refresh_from_db()
        shown = selectors.report_actions(report=report, user=user)
        shown = {"publish" if name == "unpublish" else name for name in shown}
        for step in REPORT_FLOW.names:
            report.refresh_from_db()  # a step accepted and rolled back still moved the instance on
            call = _report_calls(world, report, user, evidence)[step]
            assert (step in shown) == _accepted(call), (state, role, step)


def _notice_calls(notice, user):
    v = notice.version
    return {
        "reply": lambda: services.notice_reply(
            notice=notice, by=user, explanation="原因", catch_up_plan="计划", expected_version=v
        ),
        "close": lambda: services.notice_close(notice=notice, by=user, note="", expected_version=v),
        "escalate": lambda: services.notice_escalate(
            notice=notice, by=user, note="仍滞后", expected_version=v
        ),
    }


def _notice_in(world, status: str) -> SupervisionNotice:
    notice = services.notice_issue(
        item=world.item, by=world.office, reason="滞后", demand="说明", reply_deadline=dt.date(2099, 1, 31)
    )
    if status in (SupervisionNotice.Status.ANSWERED, SupervisionNotice.Status.CLOSED):
        notice = services.notice_reply(
            notice=notice,
            by=world.reporter,
            explanation="原因",
            catch_up_plan="计划",
            expected_version=notice.version,
        )
    if status == SupervisionNotice.Status.ESCALATED:
        notice = services.notice_escalate(
            notice=notice, by=world.office, note="仍滞后", expected_version=notice.version
        )
    if status == SupervisionNotice.Status.CLOSED:
        notice = services.notice_close(
            notice=notice, by=world.office, note="", expected_version=notice.version
        )
    assert notice.status == status
    return notice


@pytest.mark.parametrize("state", list(SupervisionNotice.Status))
def test_notice_buttons_are_the_steps_the_service_accepts(world, state):
    notice = _notice_in(world, state)
    assert set(_notice_calls(notice, world.office)) == set(NOTICE_FLOW.names)
    for role in ROLES:
        user = getattr(world, role)
        notice.refresh_from_db()
        shown = selectors.notice_actions(notice=notice, user=user)
        for step in NOTICE_FLOW.names:
            notice.refresh_from_db()
            assert (step in shown) == _accepted(_notice_calls(notice, user)[step]), (state, role, step)
