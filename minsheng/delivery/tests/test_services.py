"""Delivery writes: assignment, settings, schedules, the report flow (every transition and every refused
one), evidence, supervision notices, reminders; bad input and stale versions change nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from minsheng.accounts.models import AuditEvent
from minsheng.accounts.tests.factories import DeptHeadFactory, ReporterFactory
from minsheng.delivery import services
from minsheng.delivery.models import (
    Assignment,
    DeliverySettings,
    Evidence,
    PlannedValue,
    ProgressReport,
    ReportEvent,
    ReportStatus,
    SupervisionNotice,
)
from minsheng.delivery.services import ConflictError, DeliveryError
from minsheng.delivery.tests.conftest import AS_OF, build_world
from minsheng.notifications.models import Notification, NotificationKind
from minsheng.notifications.services import notifications_mark_read
from minsheng.plans.models import ItemDepartment, PlanVersion
from minsheng.plans.tests.factories import DepartmentFactory, ItemFactory, StandardFactory, TargetFactory
from minsheng.testing import race

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


def _state(report: ProgressReport) -> tuple:
    """What a refused write must leave alone: the row and its history."""
    fresh = ProgressReport.objects.get(pk=report.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.actual,
        fresh.stage,
        fresh.return_reason,
        fresh.published,
        ReportEvent.objects.filter(report=report).count(),
        AuditEvent.objects.count(),
    )


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


# --- evidence --------------------------------------------------------------------------------------------


def _image(kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, kind)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("site.png", _image("PNG"), "image/png"),
        ("工地.jpg", _image("JPEG"), "image/jpeg"),
        ("验收.pdf", PDF, "application/pdf"),
    ],
)
def test_evidence_is_stored_with_its_hash(world, media, name, content, content_type):
    report = world.report()
    evidence = services.evidence_add(
        report=report, by=world.reporter, upload=SimpleUploadedFile(name, content)
    )
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        name,
        content_type,
        len(content),
    )
    assert evidence.file.read() == content
    assert evidence.file.name.startswith(f"evidence/{report.pk}/") and name not in evidence.file.name
    assert report.events.last().action == "evidence_add"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"just some text", "neither"),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "cannot be read"),
        ("fake.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "cannot be read"),
        ("png-as-jpg.jpg", _image("GIF"), "neither"),
        ("cut.pdf", b"%PDF-1.4\n1 0 obj<<>>", "incomplete"),
        ("empty.png", b"", "empty"),
        ("page.html", b"<html><script>alert(1)</script></html>", "neither"),
    ],
)
def test_evidence_that_is_not_an_image_or_pdf_is_refused(world, media, name, content, message):
    report = world.report()
    before = _state(report)
    with pytest.raises(DeliveryError, match=message):
        services.evidence_add(report=report, by=world.reporter, upload=SimpleUploadedFile(name, content))
    assert not Evidence.objects.exists()
    assert _state(report) == before
    assert not any(media.rglob("*.*")) if media.exists() else True


def test_evidence_over_10_mb_is_refused(world, media):
    report = world.report()
    big = _image("PNG") + b"\x00" * (10 * 1024 * 1024)
    with pytest.raises(DeliveryError, match="too large"):
        services.evidence_add(report=report, by=world.reporter, upload=SimpleUploadedFile("big.png", big))
    assert not Evidence.objects.exists()


def test_evidence_only_on_drafts_by_the_report_s_department(world, media):
    report = world.report(ReportStatus.SUBMITTED)
    with pytest.raises(DeliveryError, match="draft"):
        services.evidence_add(report=report, by=world.reporter, upload=SimpleUploadedFile("a.pdf", PDF))
    draft = world.report(period_end=dt.date(2025, 5, 31))
    for who in ("support_reporter", "head", "office"):
        with pytest.raises(PermissionDenied):
            services.evidence_add(
                report=draft, by=getattr(world, who), upload=SimpleUploadedFile("a.pdf", PDF)
            )
    assert not Evidence.objects.exists()


def test_evidence_can_be_removed_from_a_draft(world, media, django_capture_on_commit_callbacks):
    report = world.report()
    evidence = services.evidence_add(
        report=report, by=world.reporter, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    path = evidence.file.path
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_remove(evidence=evidence, by=world.reporter)
    assert not Evidence.objects.exists()
    assert not (media / path).exists()
    assert list(report.events.values_list("action", flat=True))[-1] == "evidence_remove"


# --- supervision notices ---------------------------------------------------------------------------------


def _notice(world, **kwargs) -> SupervisionNotice:
    values = {
        "reason": "进度滞后于序时进度",
        "demand": "三日内说明原因",
        "reply_deadline": dt.date(2099, 1, 31),
        **kwargs,
    }
    return services.notice_issue(item=world.item, by=world.office, **values)


def test_the_office_issues_a_notice_to_the_lead_department(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = _notice(world)
    assert (notice.department, notice.status, notice.issued_by, notice.version) == (
        world.lead,
        "open",
        world.office,
        1,
    )
    assert set(Notification.objects.values_list("user", "kind")) == {
        (world.reporter.pk, "notice_issued"),
        (world.head.pk, "notice_issued"),
    }
    assert len(mailoutbox) == 2
    assert AuditEvent.objects.filter(verb="notice_issue").exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reason": "  "}, "reason"),
        ({"demand": ""}, "must do"),
        ({"reply_deadline": dt.date(2020, 1, 1)}, "in the past"),
    ],
)
def test_a_notice_needs_a_reason_a_demand_and_a_future_deadline(world, kwargs, message):
    with pytest.raises(DeliveryError, match=message):
        _notice(world, **kwargs)
    assert not SupervisionNotice.objects.exists()


def test_a_notice_needs_a_lead_department(world):
    item = ItemFactory(action=world.item.action)
    with pytest.raises(DeliveryError, match="no lead department"):
        services.notice_issue(
            item=item, by=world.office, reason="r", demand="d", reply_deadline=dt.date(2099, 1, 1)
        )


@pytest.mark.parametrize("who", ["reporter", "head", "deputy", "public"])
def test_only_the_office_issues_notices(world, who):
    with pytest.raises(PermissionDenied):
        services.notice_issue(
            item=world.item,
            by=getattr(world, who),
            reason="r",
            demand="d",
            reply_deadline=dt.date(2099, 1, 1),
        )


@pytest.mark.parametrize("who", ["reporter", "head"])
def test_the_department_replies_and_the_office_hears_of_it(world, who, django_capture_on_commit_callbacks):
    notice = _notice(world)
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.notice_reply(
            notice=notice,
            by=getattr(world, who),
            explanation="材料延迟",
            catch_up_plan="七月底前完成",
            expected_version=1,
        )
    assert (notice.status, notice.replied_by, notice.version) == ("answered", getattr(world, who), 2)
    assert notice.replied_at is not None
    assert list(Notification.objects.values_list("user", "kind")) == [(world.office.pk, "notice_replied")]


@pytest.mark.parametrize("who", ["support_reporter", "other_head", "office", "deputy", "public"])
def test_other_people_cannot_reply(world, who):
    notice = _notice(world)
    with pytest.raises(PermissionDenied):
        services.notice_reply(
            notice=notice, by=getattr(world, who), explanation="e", catch_up_plan="p", expected_version=1
        )
    notice.refresh_from_db()
    assert (notice.status, notice.version) == ("open", 1)


def test_a_reply_needs_an_explanation_and_a_plan(world):
    notice = _notice(world)
    with pytest.raises(DeliveryError) as error:
        services.notice_reply(
            notice=notice, by=world.reporter, explanation=" ", catch_up_plan="", expected_version=1
        )
    assert set(error.value.message_dict) == {"explanation", "catch_up_plan"}
    notice.refresh_from_db()
    assert notice.status == "open"


def test_close_escalate_and_reply_again(world, django_capture_on_commit_callbacks):
    notice = _notice(world)
    notice = services.notice_reply(
        notice=notice, by=world.reporter, explanation="e", catch_up_plan="p", expected_version=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.notice_escalate(notice=notice, by=world.office, note="整改不力", expected_version=2)
    assert (notice.status, notice.resolution) == ("escalated", "整改不力")
    assert set(Notification.objects.values_list("user", flat=True)) == {world.reporter.pk, world.head.pk}
    notice = services.notice_reply(
        notice=notice, by=world.head, explanation="e2", catch_up_plan="p2", expected_version=3
    )
    notice = services.notice_close(notice=notice, by=world.office, note="已整改", expected_version=4)
    assert (notice.status, notice.version) == ("closed", 5)
    verbs = list(
        AuditEvent.objects.filter(object_type="delivery.supervisionnotice").values_list("verb", flat=True)
    )
    assert sorted(verbs) == sorted(
        ["notice_issue", "notice_reply", "notice_escalate", "notice_reply", "notice_close"]
    )


@pytest.mark.parametrize(
    ("state", "step", "allowed"),
    [
        ("open", "reply", True),
        ("answered", "reply", False),
        ("closed", "reply", False),
        ("escalated", "reply", True),
        ("open", "close", True),
        ("answered", "close", True),
        ("escalated", "close", True),
        ("closed", "close", False),
        ("open", "escalate", True),
        ("answered", "escalate", True),
        ("escalated", "escalate", False),
        ("closed", "escalate", False),
    ],
)
def test_notice_steps_from_every_state(world, state, step, allowed):
    notice = _notice(world)
    SupervisionNotice.objects.filter(pk=notice.pk).update(status=state)
    notice.refresh_from_db()
    call = {
        "reply": lambda: services.notice_reply(
            notice=notice, by=world.reporter, explanation="e", catch_up_plan="p", expected_version=1
        ),
        "close": lambda: services.notice_close(notice=notice, by=world.office, expected_version=1),
        "escalate": lambda: services.notice_escalate(
            notice=notice, by=world.office, note="n", expected_version=1
        ),
    }[step]
    if allowed:
        assert call().version == 2
    else:
        with pytest.raises(DeliveryError):
            call()
        notice.refresh_from_db()
        assert (notice.status, notice.version) == (state, 1)


def test_notice_escalation_needs_a_note(world):
    notice = _notice(world)
    with pytest.raises(DeliveryError):
        services.notice_escalate(notice=notice, by=world.office, note="", expected_version=1)


@pytest.mark.parametrize("who", ["reporter", "head", "deputy"])
def test_only_the_office_closes_or_escalates(world, who):
    notice = _notice(world)
    with pytest.raises(PermissionDenied):
        services.notice_close(notice=notice, by=getattr(world, who), expected_version=1)
    with pytest.raises(PermissionDenied):
        services.notice_escalate(notice=notice, by=getattr(world, who), note="n", expected_version=1)


def test_notice_stale_version_is_a_conflict(world):
    notice = _notice(world)
    services.notice_reply(
        notice=notice, by=world.reporter, explanation="e", catch_up_plan="p", expected_version=1
    )
    with pytest.raises(ConflictError, match="supervision notice"):
        services.notice_close(notice=notice, by=world.office, expected_version=1)
    with pytest.raises(ConflictError):
        services.notice_reply(
            notice=notice, by=world.head, explanation="x", catch_up_plan="y", expected_version=1
        )
    notice.refresh_from_db()
    assert (notice.status, notice.explanation, notice.version) == ("answered", "e", 2)


# --- reminders -------------------------------------------------------------------------------------------


def test_due_soon_and_overdue_reminders_are_sent_once(world, mailoutbox, django_capture_on_commit_callbacks):
    # Reports for January..May are in (dated within each month) for both targets; June is due on 5 July.
    for month in range(1, 6):
        for target, figures in (
            (world.quantity, {"actual": month}),
            (world.milestone, {"stage": "approved"}),
        ):
            services.report_record_accepted(
                target=target, by=world.office, period_end=dt.date(2025, month, 20), **figures
            )
    assert services.reminders_send(today=dt.date(2025, 7, 1)) == {"report_due_soon": 0, "report_overdue": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(today=dt.date(2025, 7, 2)) == {
            "report_due_soon": 1,
            "report_overdue": 0,
        }
    [due] = Notification.objects.all()
    assert (due.user, due.kind, due.dedupe_key) == (
        world.reporter,
        "report_due_soon",
        f"report_due_soon:item{world.item.pk}:2025-06-30",
    )
    assert "2025-07-05" in due.message
    assert [m.to for m in mailoutbox] == [[world.reporter.email]]
    assert services.reminders_send(today=dt.date(2025, 7, 4)) == {"report_due_soon": 0, "report_overdue": 0}
    assert services.reminders_send(today=dt.date(2025, 7, 5)) == {"report_due_soon": 0, "report_overdue": 0}
    # Overdue from the 6th: the lead department's reporter and head, once.
    assert services.reminders_send(today=dt.date(2025, 7, 6)) == {"report_due_soon": 0, "report_overdue": 2}
    assert services.reminders_send(today=dt.date(2025, 7, 7)) == {"report_due_soon": 0, "report_overdue": 0}
    overdue = set(Notification.objects.filter(kind="report_overdue").values_list("user", flat=True))
    assert overdue == {world.reporter.pk, world.head.pk}
    assert AuditEvent.objects.filter(verb="reminder_send").count() == 3


def test_no_reminder_once_the_period_is_handed_in(world):
    for month in range(1, 7):
        for target, figures in (
            (world.quantity, {"actual": month}),
            (world.milestone, {"stage": "approved"}),
        ):
            services.report_record_accepted(
                target=target, by=world.office, period_end=dt.date(2025, month, 28), **figures
            )
    assert services.reminders_send(today=dt.date(2025, 7, 3)) == {"report_due_soon": 0, "report_overdue": 0}
    assert services.reminders_send(today=dt.date(2025, 7, 10)) == {"report_due_soon": 0, "report_overdue": 0}


def test_a_submitted_report_counts_as_handed_in_a_draft_does_not(world):
    for month in range(1, 6):
        for target, figures in (
            (world.quantity, {"actual": month}),
            (world.milestone, {"stage": "approved"}),
        ):
            services.report_record_accepted(
                target=target, by=world.office, period_end=dt.date(2025, month, 28), **figures
            )
    world.report(ReportStatus.SUBMITTED, period_end=dt.date(2025, 6, 30))
    world.report(ReportStatus.DRAFT, target=world.milestone, period_end=dt.date(2025, 6, 30))
    counts = services.reminders_send(today=dt.date(2025, 7, 10))
    assert counts == {
        "report_due_soon": 0,
        "report_overdue": 2,
    }  # the milestone's June figure is only a draft
    services.report_submit(
        report=ProgressReport.objects.get(target=world.milestone, period_end=dt.date(2025, 6, 30)),
        by=world.reporter,
        expected_version=1,
    )
    assert services.reminders_send(today=dt.date(2025, 8, 2))["report_due_soon"] == 1  # July's now


def test_unassigned_items_and_closed_plans_get_no_reminders(world):
    Assignment.objects.all().delete()
    assert services.reminders_send(today=dt.date(2025, 7, 10)) == {"report_due_soon": 0, "report_overdue": 0}
    services.assignment_set(item=world.item, by=world.office, lead=world.lead)
    world.plan.status = "closed"
    world.plan.save()
    assert services.reminders_send(today=dt.date(2025, 7, 10)) == {"report_due_soon": 0, "report_overdue": 0}
    assert not Notification.objects.exists()


def test_reminders_without_a_lead_go_to_every_department_of_the_item(world):
    ItemDepartment.objects.filter(item=world.item, role="lead").update(role="supporting")
    services.reminders_send(today=dt.date(2025, 7, 10))
    users = set(Notification.objects.filter(kind="report_overdue").values_list("user", flat=True))
    assert users == {world.reporter.pk, world.head.pk, world.support_reporter.pk, world.support_head.pk}


def test_quarterly_reports_are_due_after_each_quarter(world):
    services.assignment_set(
        item=world.item, by=world.office, lead=world.lead, cadence="quarterly", due_day=10
    )
    assert services.reminders_send(today=dt.date(2025, 4, 6)) == {"report_due_soon": 0, "report_overdue": 0}
    assert services.reminders_send(today=dt.date(2025, 4, 7)) == {"report_due_soon": 1, "report_overdue": 0}
    assert services.reminders_send(today=dt.date(2025, 4, 11)) == {"report_due_soon": 0, "report_overdue": 2}


def test_inactive_users_get_no_reminders(world):
    for user in (world.reporter, world.head):
        user.is_active = False
        user.save()
    DeptHeadFactory(department=world.lead, is_active=False)
    ReporterFactory(department=world.other)
    assert services.reminders_send(today=dt.date(2025, 7, 10)) == {"report_due_soon": 0, "report_overdue": 0}


# --- notifications ---------------------------------------------------------------------------------------


def test_notifications_mark_read_touches_only_one_s_own(world):
    mine = [
        Notification.objects.create(user=world.reporter, kind="report_due_soon", message=str(i))
        for i in range(3)
    ]
    theirs = Notification.objects.create(user=world.head, kind="report_due_soon", message="x")
    assert notifications_mark_read(user=world.reporter, ids=[mine[0].pk, theirs.pk]) == 1
    assert notifications_mark_read(user=world.reporter) == 2
    assert notifications_mark_read(user=world.reporter) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notifications_need_a_signed_in_user():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        notifications_mark_read(user=AnonymousUser())
