"""Delivery writes: saving a report, the report flow (every transition and every refused one, stale versions), and figures the office records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from minsheng.accounts.models import AuditEvent
from minsheng.accounts.tests.factories import ReporterFactory
from minsheng.delivery import selectors, services
from minsheng.delivery.models import (
    ProgressReport,
    ReportEvent,
    ReportStatus,
)
from minsheng.delivery.services import ConflictError, DeliveryError
from minsheng.delivery.tests.conftest import AS_OF, build_world
from minsheng.delivery.tests.services_support import _state
from minsheng.notifications.models import Notification, NotificationKind
from minsheng.plans.models import PlanVersion
from minsheng.plans.tests.factories import ItemFactory, StandardFactory, TargetFactory
from minsheng.testing import race

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


# --- saving a report -------------------------------------------------------------------------------------


def test_reporter_drafts_a_report_with_history_and_audit(world):
    report = services.report_save(
        target=world.quantity, by=world.reporter, period_end=AS_OF, actual="1,200", narrative=" 按计划推进 "
    )
    assert (report.status, report.version, report.department, report.created_by) == (
        "draft",
        1,
        world.lead,
        world.reporter,
    )
    assert report.actual == Decimal(1200) and report.narrative == "按计划推进"
    [event] = report.events.all()
    assert (event.action, event.from_status, event.to_status, event.by) == (
        "create",
        "",
        "draft",
        world.reporter,
    )
    assert event.snapshot["actual"] == "1200.0000"
    assert AuditEvent.objects.filter(verb="report_create", object_id=str(report.pk)).exists()


def test_a_supporting_department_reports_too(world):
    report = services.report_save(
        target=world.quantity, by=world.support_reporter, period_end=AS_OF, actual=3
    )
    assert report.department == world.support


def test_milestone_report_takes_a_stage(world):
    report = services.report_save(
        target=world.milestone, by=world.reporter, period_end=AS_OF, stage="tendered"
    )
    assert (report.stage, report.actual) == ("tendered", None)


BAD_FIGURES = [
    ("quantity", {"actual": -1}, "actual", "negative"),
    ("quantity", {"actual": "abc"}, "actual", "not a number"),
    ("quantity", {"actual": "NaN"}, "actual", "not a number"),
    ("quantity", {"actual": True}, "actual", "not a number"),
    ("quantity", {"actual": None}, "actual", "Give the cumulative actual"),
    ("quantity", {"actual": 5, "stage": "started"}, "stage", "quantity"),
    ("quantity", {"actual": "1e20"}, "actual", "too large"),
    ("quantity", {"actual": 5, "funds_spent": 100}, "funds_spent", "no money"),
    ("quantity", {"actual": 5, "period_end": dt.date(2024, 12, 31)}, "period_end", "before delivery starts"),
    ("quantity", {"actual": 5, "period_end": "2025-13-01"}, "period_end", "not a date"),
    ("milestone", {"stage": ""}, "stage", "Give the stage"),
    ("milestone", {"stage": "finished"}, "stage", "not one of"),
    ("milestone", {"stage": "started", "actual": 3}, "actual", "milestone"),
]


@pytest.mark.parametrize(("target", "figures", "field", "message"), BAD_FIGURES)
def test_bad_figures_are_refused_with_a_clear_message_and_nothing_is_saved(
    world, target, figures, field, message
):
    figures = {"period_end": AS_OF, **figures}
    audits = AuditEvent.objects.count()
    with pytest.raises(DeliveryError) as error:
        services.report_save(target=getattr(world, target), by=world.reporter, **figures)
    assert field in error.value.message_dict
    assert message in " ".join(error.value.messages)
    assert not ProgressReport.objects.exists()
    assert AuditEvent.objects.count() == audits


def test_a_figure_in_the_future_is_refused(world):
    with pytest.raises(DeliveryError, match="in the future"):
        services.report_save(
            target=world.quantity, by=world.reporter, period_end=AS_OF, actual=5, today=dt.date(2025, 6, 29)
        )
    assert not ProgressReport.objects.exists()


def test_funds_spent_are_taken_where_the_item_has_money(world):
    StandardFactory(item=world.item)
    report = services.report_save(
        target=world.quantity, by=world.reporter, period_end=AS_OF, actual=5, funds_spent="20000.5"
    )
    assert report.funds_spent == Decimal("20000.50")
    with pytest.raises(DeliveryError, match="negative"):
        services.report_save(
            target=world.quantity,
            by=world.reporter,
            period_end=dt.date(2025, 5, 31),
            actual=5,
            funds_spent=-1,
        )


def test_report_on_a_removed_target_is_refused(world):
    world.quantity.removed_in = PlanVersion.objects.get(pk=world.item.added_in_id)
    world.quantity.save()
    with pytest.raises(DeliveryError, match="no longer in the plan"):
        services.report_save(target=world.quantity, by=world.reporter, period_end=AS_OF, actual=5)
    assert not ProgressReport.objects.exists()


def test_a_draft_on_a_target_removed_since_cannot_be_submitted(world):
    report = world.report()
    world.quantity.removed_in = PlanVersion.objects.get(pk=world.item.added_in_id)
    world.quantity.save()
    before = _state(report)
    with pytest.raises(DeliveryError, match="no longer in the plan"):
        services.report_submit(report=report, by=world.reporter, expected_version=report.version)
    assert _state(report) == before


@pytest.mark.parametrize("who", ["other_reporter", "head", "office", "deputy", "public"])
def test_only_a_reporter_of_a_department_of_the_item_reports(world, who):
    with pytest.raises(PermissionDenied):
        services.report_save(target=world.quantity, by=getattr(world, who), period_end=AS_OF, actual=5)
    assert not ProgressReport.objects.exists()


def test_one_report_per_target_and_date(world):
    world.report()
    with pytest.raises(DeliveryError, match="already exists"):
        services.report_save(target=world.quantity, by=world.reporter, period_end=AS_OF, actual=5)
    with pytest.raises(DeliveryError, match=f"{world.lead.name} has already reported"):
        services.report_save(target=world.quantity, by=world.support_reporter, period_end=AS_OF, actual=5)
    assert ProgressReport.objects.count() == 1


def test_editing_a_draft_increases_its_version_and_keeps_history(world):
    report = world.report(actual=10)
    updated = services.report_save(
        target=world.quantity,
        by=world.reporter,
        report=report,
        expected_version=1,
        period_end=AS_OF,
        actual=12,
        narrative="更正",
    )
    assert (updated.version, updated.actual, report.version, report.actual) == (
        2,
        Decimal(12),
        2,
        Decimal(12),
    )
    assert list(report.events.values_list("action", flat=True)) == ["create", "edit"]
    assert [e.snapshot["actual"] for e in report.events.all()] == ["10.0000", "12.0000"]


def test_editing_with_a_stale_version_is_a_conflict(world):
    report = world.report(actual=10)
    services.report_save(
        target=world.quantity,
        by=world.reporter,
        report=report,
        expected_version=1,
        period_end=AS_OF,
        actual=11,
    )
    before = _state(report)
    with pytest.raises(ConflictError, match="Someone else changed this report") as error:
        services.report_save(
            target=world.quantity,
            by=world.reporter,
            report=report,
            expected_version=1,
            period_end=AS_OF,
            actual=99,
        )
    assert error.value.current.actual == Decimal(11)
    assert _state(report) == before


def test_a_submitted_report_cannot_be_edited(world):
    report = world.report(ReportStatus.SUBMITTED)
    before = _state(report)
    with pytest.raises(DeliveryError, match="can no longer be changed"):
        services.report_save(
            target=world.quantity,
            by=world.reporter,
            report=report,
            expected_version=report.version,
            period_end=AS_OF,
            actual=1,
        )
    assert _state(report) == before


def test_another_department_cannot_edit_a_report(world):
    report = world.report()
    with pytest.raises(PermissionDenied):
        services.report_save(
            target=world.quantity,
            by=world.support_reporter,
            report=report,
            expected_version=1,
            period_end=AS_OF,
            actual=1,
        )


# --- the flow: every transition and every refused one ----------------------------------------------------


def test_the_whole_flow_with_history_audit_and_notifications(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        report = world.report(ReportStatus.ACCEPTED)
    report.refresh_from_db()
    assert (report.status, report.published, report.version) == ("accepted", True, 4)
    assert report.accepted_at is not None and report.accepted_at.tzinfo is not None
    events = list(report.events.values_list("action", "from_status", "to_status", "by"))
    assert events == [
        ("create", "", "draft", world.reporter.pk),
        ("submit", "draft", "submitted", world.reporter.pk),
        ("approve", "submitted", "approved", world.head.pk),
        ("accept", "approved", "accepted", world.office.pk),
    ]
    assert [e.snapshot["status"] for e in report.events.all()] == [
        "draft",
        "submitted",
        "approved",
        "accepted",
    ]
    verbs = set(
        AuditEvent.objects.filter(object_type="delivery.progressreport").values_list("verb", flat=True)
    )
    assert verbs == {"report_create", "report_submit", "report_approve", "report_accept"}
    kinds = list(Notification.objects.order_by("id").values_list("kind", "user"))
    assert kinds == [
        ("report_submitted", world.head.pk),
        ("report_approved", world.office.pk),
        ("report_accepted", world.reporter.pk),
    ]
    assert [m.to for m in mailoutbox] == [[world.head.email], [world.office.email], [world.reporter.email]]


def test_return_by_the_office_then_fix_and_resubmit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = world.report(ReportStatus.RETURNED)
    assert (report.status, report.return_reason) == ("returned", "数据有误")
    notice = Notification.objects.get(kind=NotificationKind.REPORT_RETURNED)
    assert notice.user == world.reporter and "数据有误" in notice.message
    report = services.report_save(
        target=world.quantity, by=world.reporter, report=report, period_end=AS_OF, actual=41
    )
    assert report.status == "draft"
    report = services.report_submit(report=report, by=world.reporter, expected_version=report.version)
    assert report.status == "submitted"


def test_a_returned_report_can_be_submitted_as_it_is(world):
    report = world.report(ReportStatus.RETURNED)
    report = services.report_submit(report=report, by=world.reporter, expected_version=report.version)
    assert report.status == "submitted"


def test_the_head_returns_a_submitted_report(world):
    report = world.report(ReportStatus.SUBMITTED)
    report = services.report_return(
        report=report, by=world.head, reason="附件不全", expected_version=report.version
    )
    assert (report.status, report.return_reason) == ("returned", "附件不全")
    assert report.events.last().note == "附件不全"


def test_accept_without_publishing_then_publish(world):
    report = world.report(ReportStatus.APPROVED)
    report = services.report_accept(
        report=report, by=world.office, expected_version=report.version, publish=False
    )
    assert (report.status, report.published) == ("accepted", False)
    report = services.report_publish_set(
        report=report, by=world.office, published=True, expected_version=report.version
    )
    assert report.published
    report = services.report_publish_set(
        report=report, by=world.office, published=False, expected_version=report.version
    )
    assert not report.published
    assert list(report.events.values_list("action", flat=True))[-2:] == ["publish", "unpublish"]


ALL_STATES = [
    ReportStatus.DRAFT,
    ReportStatus.SUBMITTED,
    ReportStatus.APPROVED,
    ReportStatus.RETURNED,
    ReportStatus.ACCEPTED,
]
STEPS = {
    # step: (who, allowed from)
    "submit": ("reporter", {ReportStatus.DRAFT, ReportStatus.RETURNED}),
    "approve": ("head", {ReportStatus.SUBMITTED}),
    "accept": ("office", {ReportStatus.APPROVED}),
    "office_return": ("office", {ReportStatus.APPROVED}),
    "head_return": ("head", {ReportStatus.SUBMITTED}),
    "publish": ("office", {ReportStatus.ACCEPTED}),
}


def _step(world, step: str, report: ProgressReport, version: int) -> ProgressReport:
    who = getattr(world, STEPS[step][0])
    if step == "submit":
        return services.report_submit(report=report, by=who, expected_version=version)
    if step == "approve":
        return services.report_approve(report=report, by=who, expected_version=version)
    if step == "accept":
        return services.report_accept(report=report, by=who, expected_version=version)
    if step == "publish":
        return services.report_publish_set(report=report, by=who, published=True, expected_version=version)
    return services.report_return(report=report, by=who, reason="请补充", expected_version=version)


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("step", list(STEPS))
def test_every_step_from_every_state(world, step, state):
    report = world.report(state)
    allowed = state in STEPS[step][1]
    before = _state(report)
    if allowed:
        done = _step(world, step, report, report.version)
        assert done.version == before[1] + 1
        assert ReportEvent.objects.filter(report=report).count() == before[6] + 1
    else:
        with pytest.raises(DeliveryError):
            _step(world, step, report, report.version)
        assert _state(report) == before


@pytest.mark.parametrize("step", list(STEPS))
def test_every_step_with_a_stale_version_is_a_conflict(world, step):
    start = next(iter(sorted(STEPS[step][1])))
    report = world.report(start)
    before = _state(report)
    with pytest.raises(ConflictError):
        _step(world, step, report, report.version - 1)
    assert _state(report) == before


STEP_OUTSIDERS = {
    "submit": ["head", "support_reporter", "other_reporter", "office", "deputy", "public"],
    "approve": ["reporter", "support_head", "other_head", "office", "deputy", "public"],
    "accept": ["reporter", "head", "other_head", "deputy", "public"],
    "publish": ["reporter", "head", "deputy", "public"],
    "return": ["reporter", "support_head", "other_head", "deputy", "public"],
}


@pytest.mark.parametrize(("step", "who"), [(s, w) for s, whos in STEP_OUTSIDERS.items() for w in whos])
def test_steps_refused_to_the_wrong_people(world, step, who):
    state = {
        "submit": ReportStatus.DRAFT,
        "approve": ReportStatus.SUBMITTED,
        "accept": ReportStatus.APPROVED,
        "publish": ReportStatus.ACCEPTED,
        "return": ReportStatus.SUBMITTED if who == "support_head" else ReportStatus.APPROVED,
    }[step]
    report = world.report(state)
    before = _state(report)
    user = getattr(world, who)
    with pytest.raises(PermissionDenied):
        if step == "submit":
            services.report_submit(report=report, by=user, expected_version=report.version)
        elif step == "approve":
            services.report_approve(report=report, by=user, expected_version=report.version)
        elif step == "accept":
            services.report_accept(report=report, by=user, expected_version=report.version)
        elif step == "publish":
            services.report_publish_set(
                report=report, by=user, published=True, expected_version=report.version
            )
        else:
            services.report_return(report=report, by=user, reason="x", expected_version=report.version)
    assert _state(report) == before


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_return_needs_a_reason(world, reason):
    report = world.report(ReportStatus.APPROVED)
    before = _state(report)
    with pytest.raises(DeliveryError) as error:
        services.report_return(report=report, by=world.office, reason=reason, expected_version=report.version)
    assert "reason" in error.value.message_dict
    assert _state(report) == before


def test_a_head_who_left_the_item_cannot_approve(world):
    report = services.report_save(
        target=world.quantity, by=world.support_reporter, period_end=AS_OF, actual=5
    )
    report = services.report_submit(report=report, by=world.support_reporter, expected_version=1)
    services.assignment_set(item=world.item, by=world.office, lead=world.lead)  # B no longer supports
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, by=world.support_head, expected_version=report.version)


def test_two_people_one_after_the_other_with_the_same_version(world):
    """Two office users open the same approved report; the first accepts, the second's return conflicts."""
    report = world.report(ReportStatus.APPROVED)
    seen = report.version
    colleague = type(world.office).objects.get(pk=world.office.pk)
    services.report_accept(
        report=ProgressReport.objects.get(pk=report.pk), by=world.office, expected_version=seen
    )
    with pytest.raises(ConflictError) as error:
        services.report_return(
            report=ProgressReport.objects.get(pk=report.pk),
            by=colleague,
            reason="有误",
            expected_version=seen,
        )
    assert error.value.current.status == "accepted"
    report.refresh_from_db()
    assert (report.status, report.return_reason) == ("accepted", "")


_race = race


@pytest.mark.django_db(transaction=True)
def test_two_people_at_once_on_postgresql_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks: run the suite with DATABASE_URL=postgres://…")
    world = build_world()
    second_office = type(world.office).objects.create(username="office2", role="office", is_staff=True)
    for month in range(3, 7):
        report = world.report(ReportStatus.APPROVED, period_end=dt.date(2025, month, 28))
        version = report.version
        outcomes = _race(
            lambda pk=report.pk, v=version: services.report_accept(
                report=ProgressReport.objects.get(pk=pk), by=world.office, expected_version=v
            ),
            lambda pk=report.pk, v=version: services.report_return(
                report=ProgressReport.objects.get(pk=pk), by=second_office, reason="有误", expected_version=v
            ),
        )
        conflicts = [o for o in outcomes if isinstance(o, ConflictError)]
        winners = [o for o in outcomes if isinstance(o, ProgressReport)]
        assert len(conflicts) == 1 and len(winners) == 1, outcomes
        report.refresh_from_db()
        assert (report.version, report.status) == (version + 1, winners[0].status)
        assert (
            ReportEvent.objects.filter(report=report).count() == 4
        )  # create, submit, approve + the winner's


@pytest.mark.django_db(transaction=True)
def test_two_reporters_editing_at_once_on_postgresql_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks: run the suite with DATABASE_URL=postgres://…")
    world = build_world()
    colleague = ReporterFactory(department=world.lead)
    report = world.report(actual=10)
    outcomes = _race(
        *(
            lambda who=who, actual=actual: services.report_save(
                target=world.quantity,
                by=who,
                report=ProgressReport.objects.get(pk=report.pk),
                expected_version=1,
                period_end=AS_OF,
                actual=actual,
            )
            for who, actual in ((world.reporter, 20), (colleague, 30))
        )
    )
    winners = [o for o in outcomes if isinstance(o, ProgressReport)]
    assert len(winners) == 1 and sum(isinstance(o, ConflictError) for o in outcomes) == 1, outcomes
    report.refresh_from_db()
    assert (report.version, report.actual) == (2, winners[0].actual)


# --- figures the office records (the Excel load) ---------------------------------------------------------


def test_record_accepted_creates_an_accepted_published_figure(world):
    report = services.report_record_accepted(
        target=world.quantity, by=world.office, period_end=AS_OF, actual=Decimal(70), narrative="表格导入"
    )
    assert (report.status, report.published, report.department, report.actual) == (
        "accepted",
        True,
        world.lead,
        Decimal(70),
    )
    [event] = report.events.all()
    assert (event.action, event.note) == ("record", "spreadsheet")


def test_record_accepted_replaces_a_department_draft(world):
    draft = world.report(actual=10)
    report = services.report_record_accepted(
        target=world.quantity, by=world.office, period_end=AS_OF, actual=60, source="excel"
    )
    assert report.pk == draft.pk
    draft.refresh_from_db()
    assert (draft.status, draft.actual, draft.version) == ("accepted", Decimal(60), 2)
    assert list(draft.events.values_list("action", "from_status", "note")) == [
        ("create", "", ""),
        ("record", "draft", "excel"),
    ]


def test_record_accepted_on_an_item_no_department_delivers(world):
    item = ItemFactory(action=world.item.action)
    target = TargetFactory(item=item)
    report = services.report_record_accepted(target=target, by=world.office, period_end=AS_OF, actual=1)
    assert report.department is None


@pytest.mark.parametrize("who", ["reporter", "head", "deputy", "public"])
def test_record_accepted_is_the_office_s(world, who):
    with pytest.raises(PermissionDenied):
        services.report_record_accepted(
            target=world.quantity, by=getattr(world, who), period_end=AS_OF, actual=1
        )
    assert not ProgressReport.objects.exists()


def test_record_accepted_refuses_bad_figures(world):
    with pytest.raises(DeliveryError):
        services.report_record_accepted(target=world.quantity, by=world.office, period_end=AS_OF, actual=-5)
    with pytest.raises(DeliveryError):
        services.report_record_accepted(
            target=world.milestone, by=world.office, period_end=AS_OF, stage="done"
        )
    assert not ProgressReport.objects.exists()


# --- a figure far off its target is accepted only once confirmed ------------------------------------------


def test_a_figure_more_than_three_times_its_target_needs_the_reviewers_confirmation(world):
    report = world.report(ReportStatus.APPROVED, actual=Decimal(301))  # the target is 100名
    with pytest.raises(DeliveryError) as error:
        services.report_accept(report=report, by=world.office, expected_version=report.version)
    assert "confirm_far_off" in error.value.message_dict
    assert "more than 3 times the target" in " ".join(error.value.message_dict["confirm_far_off"])
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    report = services.report_accept(
        report=report, by=world.office, expected_version=report.version, confirm_far_off=True
    )
    assert report.status == ReportStatus.ACCEPTED
    assert report.events.last().note == "published; confirmed far off"


def test_a_cumulative_figure_that_goes_down_needs_the_reviewers_confirmation(world):
    world.report(ReportStatus.ACCEPTED, actual=Decimal(60), period_end=dt.date(2025, 5, 31))
    report = world.report(ReportStatus.APPROVED, actual=Decimal(50))
    with pytest.raises(DeliveryError) as error:
        services.report_accept(report=report, by=world.office, expected_version=report.version)
    assert "lower than the 60名 accepted for an earlier period" in " ".join(
        error.value.message_dict["confirm_far_off"]
    )
    report = services.report_accept(
        report=report, by=world.office, expected_version=report.version, confirm_far_off=True
    )
    assert report.status == ReportStatus.ACCEPTED


def test_an_ordinary_figure_is_accepted_without_a_confirmation(world):
    world.report(ReportStatus.ACCEPTED, actual=Decimal(40), period_end=dt.date(2025, 5, 31))
    report = world.report(ReportStatus.APPROVED, actual=Decimal(300))  # three times is still fine
    report = services.report_accept(report=report, by=world.office, expected_version=report.version)
    assert report.status == ReportStatus.ACCEPTED
    assert selectors.report_warnings(report=report) == []
