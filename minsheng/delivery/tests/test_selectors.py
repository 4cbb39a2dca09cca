"""Delivery reads: periods and due dates, completion and lights on the seed plan, what the public sees,
overdue reports, custom schedules and settings, constant query counts, and who sees which reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minsheng.accounts.tests.factories import OfficeUserFactory
from minsheng.delivery import selectors, services
from minsheng.delivery.models import Assignment, ReportStatus, SupervisionNotice
from minsheng.delivery.schedule import Light
from minsheng.delivery.selectors import period_ends, plan_status, report_due_date
from minsheng.delivery.tests.factories import AssignmentFactory, ItemDepartmentFactory, ProgressReportFactory
from minsheng.notifications import selectors as notification_selectors
from minsheng.notifications.models import Notification
from minsheng.notifications.services import notifications_mark_read
from minsheng.plans.models import PlanVersion, Target
from minsheng.plans.services import plan_document_import, plan_import
from minsheng.plans.tests.factories import DepartmentFactory, StandardFactory, document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]

JUNE_30 = dt.date(2025, 6, 30)
LINEAR_JUNE_30 = (JUNE_30 - dt.date(2025, 1, 1)).days / (dt.date(2025, 12, 31) - dt.date(2025, 1, 1)).days


# --- periods ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "start", "until", "ends"),
    [
        ("monthly", "2025-01-01", "2025-03-31", ["2025-01-31", "2025-02-28", "2025-03-31"]),
        ("monthly", "2025-01-01", "2025-03-30", ["2025-01-31", "2025-02-28"]),
        ("monthly", "2025-11-15", "2026-02-01", ["2025-11-30", "2025-12-31", "2026-01-31"]),
        ("quarterly", "2025-02-10", "2025-12-31", ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]),
        ("quarterly", "2025-01-01", "2025-03-30", []),
        ("monthly", "2024-02-01", "2024-02-29", ["2024-02-29"]),
    ],
)
def test_period_ends(cadence, start, until, ends):
    got = period_ends(cadence=cadence, start=dt.date.fromisoformat(start), until=dt.date.fromisoformat(until))
    assert got == [dt.date.fromisoformat(e) for e in ends]


@pytest.mark.parametrize(
    ("end", "day", "due"),
    [
        ("2025-06-30", 5, "2025-07-05"),
        ("2025-12-31", 28, "2026-01-28"),
        ("2025-01-31", 28, "2025-02-28"),
        ("2025-03-31", 1, "2025-04-01"),
    ],
)
def test_report_due_date(end, day, due):
    assert report_due_date(period_end=dt.date.fromisoformat(end), due_day=day) == dt.date.fromisoformat(due)


# --- the seed --------------------------------------------------------------------------------------------


@pytest.fixture
def seed(seed_docx):
    plan = plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name).plan
    office = OfficeUserFactory()
    items = {item.no: item for item in plan.items.prefetch_related("targets")}
    targets = {no: list(item.targets.order_by("position", "id")) for no, item in items.items()}

    def record(no, index=0, *, publish=True, on=JUNE_30, **figures):
        services.report_record_accepted(
            target=targets[no][index], by=office, period_end=on, publish=publish, **figures
        )

    record(1, 0, actual=Decimal("4.5"))  # 9 km: half
    record(1, 1, actual=10)  # 10 km: done
    record(2, 0, actual=100)  # at least 500 batches: a fifth
    record(3, 0, actual=98)  # a rate held at 100%
    record(4, 0, stage="started")  # a milestone: 40%
    record(6, 0, stage="tendered")  # 20%
    record(10, 0, actual=3)  # 3 of 8 schools
    record(9, 0, actual=100, publish=False)  # done, but not published
    record(35, 0, actual=350_000_000)  # half of 7亿元
    record(12, 0, actual=4000, on=dt.date(2025, 7, 31))  # after the as-of date: not counted on 30 June
    return plan, items, targets, office


def test_plan_status_on_the_seed(seed):
    plan, _items, _targets, _office = seed
    status = plan_status(plan=plan, on=JUNE_30)
    assert len(status.items) == 40
    by_no = {item.no: item for item in status.items}

    one = by_no[1]
    # the mean of its three targets, the one without a figure counting as 0: (0.5 + 1.0 + 0) / 3
    assert one.completion == pytest.approx(0.5)
    assert one.expected == pytest.approx(LINEAR_JUNE_30)
    assert (one.light, one.has_quantities, one.overdue) == (Light.GREEN, True, False)
    assert [t.completion for t in one.targets] == [pytest.approx(0.5), 1.0, None]
    assert [t.actual for t in one.targets] == [4.5, 10.0, None]
    assert one.targets[0].as_of == JUNE_30 and one.targets[0].value == 9.0 and one.targets[0].unit == "千米"

    # 0.2 of one target, none of the other: 0.1 where 0.49 is expected
    assert (by_no[2].completion, by_no[2].light) == (pytest.approx(0.1), Light.RED)
    assert (by_no[3].expected, by_no[3].completion, by_no[3].light) == (1.0, pytest.approx(0.98), Light.GREEN)
    assert (by_no[4].completion, by_no[4].light, by_no[4].has_quantities) == (0.4, Light.GREEN, False)
    assert by_no[4].targets[0].stage == "started"
    assert (by_no[6].completion, by_no[6].light) == (0.2, Light.RED)
    assert (by_no[10].completion, by_no[10].light) == (0.375, Light.YELLOW)
    assert (by_no[9].completion, by_no[9].light) == (1.0, Light.DONE)
    assert (by_no[35].completion, by_no[35].light) == (0.5, Light.GREEN)
    assert (by_no[12].completion, by_no[12].light) == (None, Light.RED)  # July's figure is not yet
    assert (by_no[40].completion, by_no[40].light) == (None, Light.RED)

    measured = [item.completion or 0.0 for item in status.items]
    assert status.completion == pytest.approx(sum(measured) / 40)
    assert status.expected == pytest.approx(sum(item.expected for item in status.items) / 40)
    assert status.light == Light.RED  # a plan far behind: most items have nothing accepted by June
    assert sum(status.light_counts.values()) == 40
    assert [a.no for a in status.actions] == list(range(1, 11))
    assert sum(len(a.item_ids) for a in status.actions) == 40


def test_the_public_sees_published_figures_only(seed):
    plan, *_ = seed
    by_no = {item.no: item for item in plan_status(plan=plan, on=JUNE_30, public=True).items}
    assert (by_no[9].completion, by_no[9].light) == (None, Light.RED)
    assert by_no[9].targets[0].actual is None
    assert by_no[1].completion == pytest.approx(0.5)


def test_early_in_the_year_nothing_is_late(seed):
    plan, *_ = seed
    status = plan_status(plan=plan, on=dt.date(2025, 1, 20))
    by_no = {item.no: item for item in status.items}
    assert by_no[40].light == Light.NOT_STARTED
    assert by_no[3].light == Light.RED  # a rate is expected in full from the start, and none is reported
    at_year_end = {item.no: item for item in plan_status(plan=plan, on=dt.date(2025, 12, 31)).items}
    assert at_year_end[1].expected == 1.0


def test_an_overdue_report_turns_an_assigned_item_red_but_not_on_public_pages(seed):
    plan, items, _targets, office = seed
    lead = DepartmentFactory(region=plan.region)
    services.assignment_set(
        item=items[1], by=office, lead=lead
    )  # monthly, due the 5th: January was due 5 Feb
    internal = {item.no: item for item in plan_status(plan=plan, on=JUNE_30).items}
    assert (internal[1].overdue, internal[1].light, internal[1].lead) == (True, Light.RED, lead.name)
    public = {item.no: item for item in plan_status(plan=plan, on=JUNE_30, public=True).items}
    assert (public[1].overdue, public[1].light) == (False, Light.GREEN)
    # On 5 February January's report is due but not yet late.
    assert {i.no: i for i in plan_status(plan=plan, on=dt.date(2025, 2, 5)).items}[1].overdue is False
    assert {i.no: i for i in plan_status(plan=plan, on=dt.date(2025, 2, 6)).items}[1].overdue is True


def test_a_department_sees_its_own_items(seed):
    plan, items, _targets, office = seed
    lead, support = DepartmentFactory(region=plan.region), DepartmentFactory(region=plan.region)
    services.assignment_set(item=items[5], by=office, lead=lead)
    services.assignment_set(item=items[7], by=office, lead=support, supporting=[lead])
    status = plan_status(plan=plan, on=JUNE_30, department=lead)
    assert [item.no for item in status.items] == [5, 7]
    assert status.items[1].supporting == [lead.name]
    assert [i.no for i in selectors.items_for_department(department=lead, plan=plan)] == [5, 7]


# --- the world: schedules, settings, single items --------------------------------------------------------


def test_a_custom_schedule_sets_the_expectation(world):
    services.target_schedule_set(
        target=world.quantity, by=world.office, planned={(2025, 6): 10, (2025, 10): 100}
    )
    status = selectors.item_status(item=world.item, on=JUNE_30)
    quantity, milestone = status.targets
    assert quantity.expected == pytest.approx(0.1)
    assert milestone.expected == pytest.approx(LINEAR_JUNE_30)
    assert status.expected == pytest.approx((0.1 + LINEAR_JUNE_30) / 2)


def test_settings_change_stage_weights_thresholds_and_start(world):
    Assignment.objects.all().delete()  # no reporting periods: lights from the figures alone
    services.report_record_accepted(
        target=world.milestone, by=world.office, period_end=JUNE_30, stage="started"
    )
    services.report_record_accepted(target=world.quantity, by=world.office, period_end=JUNE_30, actual=40)
    assert selectors.item_status(item=world.item, on=JUNE_30).targets[1].completion == 0.4
    services.delivery_settings_set(
        plan=world.plan,
        by=world.office,
        yellow_gap="0.01",
        red_gap="0.05",
        stages=[("approved", 0.1), ("started", 0.6), ("accepted", 1)],
        start=dt.date(2025, 4, 1),
    )
    status = selectors.item_status(item=world.item, on=JUNE_30)
    assert status.targets[1].completion == 0.6
    expected = (JUNE_30 - dt.date(2025, 4, 1)).days / (dt.date(2025, 12, 31) - dt.date(2025, 4, 1)).days
    assert status.expected == pytest.approx(expected)
    assert status.completion == pytest.approx(0.5)
    assert status.light == Light.GREEN  # 0.5 done against about 0.33 expected
    services.delivery_settings_set(plan=world.plan, by=world.office, yellow_gap="0.01", red_gap="0.05")
    late = selectors.item_status(item=world.item, on=dt.date(2025, 9, 30))
    assert late.light == Light.RED  # 0.5 against about 0.66, more than 0.05 behind


def test_the_latest_accepted_figure_counts_not_drafts_or_later_ones(world):
    services.report_record_accepted(
        target=world.quantity, by=world.office, period_end=dt.date(2025, 5, 31), actual=30
    )
    world.report(ReportStatus.APPROVED, actual=90)  # 30 June, approved but not accepted
    services.report_record_accepted(
        target=world.quantity, by=world.office, period_end=dt.date(2025, 7, 31), actual=95
    )
    status = selectors.item_status(item=world.item, on=JUNE_30)
    assert (status.targets[0].actual, status.targets[0].as_of) == (30.0, dt.date(2025, 5, 31))


def test_item_status_of_a_removed_item(world):
    world.item.removed_in = PlanVersion.objects.get(pk=world.item.added_in_id)
    world.item.save()
    status = selectors.item_status(item=world.item, on=JUNE_30)
    assert (status.completion, status.light, status.targets) == (None, Light.NOT_STARTED, [])
    assert plan_status(plan=world.plan, on=JUNE_30).items == []


def test_an_item_without_targets_has_nothing_to_measure(world):
    Target.objects.filter(item=world.item).delete()
    status = selectors.item_status(item=world.item, on=JUNE_30)
    assert (status.completion, status.expected, status.has_quantities) == (None, 0.0, False)


def test_item_has_money(world):
    assert not selectors.item_has_money(world.item)
    StandardFactory(item=world.item)
    assert selectors.item_has_money(world.item)
    other = world.quantity.item.plan.items.exclude(pk=world.item.pk)
    assert not other.exists()
    world.quantity.unit = "万元"
    world.quantity.save()
    world.item.standards.all().delete()
    assert selectors.item_has_money(world.item)


# --- query counts ----------------------------------------------------------------------------------------


def _plan_with(n_items: int, region: str):
    plan = plan_document_import(document=document(n_items=n_items, region=region)).plan
    department = DepartmentFactory(region=plan.region)
    for item in plan.items.all():
        ItemDepartmentFactory(item=item, department=department)
        AssignmentFactory(item=item)
        for target in item.targets.all():
            ProgressReportFactory(target=target, department=department, status="accepted", published=True)
            ProgressReportFactory(
                target=target, department=department, period_end=dt.date(2025, 5, 31), status="submitted"
            )
            services.target_schedule_set(target=target, by=OfficeUserFactory(), planned={(2025, 12): 1})
    return plan


def test_plan_status_query_count_does_not_grow_with_items(django_assert_max_num_queries):
    small, large = _plan_with(4, "甲市"), _plan_with(12, "乙市")
    counts = []
    for plan in (small, large):
        with CaptureQueriesContext(connection) as queries:
            status = plan_status(plan=plan, on=JUNE_30)
        counts.append(len(queries))
        assert all(item.lead for item in status.items)
        assert all(item.completion is not None for item in status.items)
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(7):
        plan_status(plan=large, on=JUNE_30, public=True)


# --- who sees which reports, queues, actions, notices ----------------------------------------------------


def test_reports_visible_to_each_role(world):
    draft = world.report()
    published = world.report(ReportStatus.ACCEPTED, period_end=dt.date(2025, 5, 31))
    hidden = world.report(ReportStatus.APPROVED, period_end=dt.date(2025, 4, 30))
    services.report_accept(report=hidden, by=world.office, expected_version=hidden.version, publish=False)
    everything = {draft.pk, published.pk, hidden.pk}
    for who in ("office", "reporter", "head", "support_reporter", "support_head"):
        assert (
            set(selectors.reports_visible_to(user=getattr(world, who)).values_list("pk", flat=True))
            == everything
        )
    for who in ("other_reporter", "other_head", "deputy", "public"):
        assert set(selectors.reports_visible_to(user=getattr(world, who)).values_list("pk", flat=True)) == {
            published.pk
        }
    from django.contrib.auth.models import AnonymousUser

    assert set(selectors.reports_visible_to(user=AnonymousUser()).values_list("pk", flat=True)) == {
        published.pk
    }
    assert [r.pk for r in selectors.target_reports(target=world.quantity, user=world.public)] == [
        published.pk
    ]


def test_report_queue_per_role(world):
    draft = world.report()
    submitted = world.report(ReportStatus.SUBMITTED, period_end=dt.date(2025, 5, 31))
    approved = world.report(ReportStatus.APPROVED, period_end=dt.date(2025, 4, 30))
    returned = world.report(ReportStatus.RETURNED, period_end=dt.date(2025, 3, 31))

    def queue(who):
        return {r.pk for r in selectors.report_queue(user=getattr(world, who))}

    assert queue("reporter") == {draft.pk, returned.pk}
    assert queue("head") == {submitted.pk}
    assert queue("office") == {approved.pk}
    for who in ("support_reporter", "support_head", "other_head", "deputy", "public"):
        assert queue(who) == set()


@pytest.mark.parametrize(
    ("state", "who", "actions"),
    [
        ("draft", "reporter", {"edit", "submit", "add_evidence", "remove_evidence"}),
        ("draft", "head", set()),
        ("draft", "office", set()),
        ("draft", "support_reporter", set()),
        ("submitted", "reporter", set()),
        ("submitted", "head", {"approve", "return"}),
        ("submitted", "office", set()),
        ("approved", "head", set()),
        ("approved", "office", {"accept", "return"}),
        ("returned", "reporter", {"edit", "submit", "add_evidence", "remove_evidence"}),
        ("accepted", "office", {"unpublish"}),
        ("accepted", "reporter", set()),
        ("accepted", "public", set()),
    ],
)
def test_report_actions(world, state, who, actions):
    report = world.report(state)
    assert selectors.report_actions(report=report, user=getattr(world, who)) == actions


def test_report_get_brings_history_and_evidence(world, django_assert_num_queries):
    report = world.report(ReportStatus.SUBMITTED)
    with django_assert_num_queries(3):
        got = selectors.report_get(report_id=report.pk)
        assert [e.action for e in got.events.all()] == ["create", "submit"]
        assert got.events.all()[0].by == world.reporter
        assert list(got.evidence.all()) == []
        assert got.target.item.plan == world.plan
    assert selectors.report_get(report_id=0) is None


def test_notice_list_per_role(world):
    notice = services.notice_issue(
        item=world.item, by=world.office, reason="r", demand="d", reply_deadline=dt.date(2099, 1, 1)
    )
    for who in ("office", "reporter", "head"):
        assert list(selectors.notice_list(user=getattr(world, who))) == [notice]
    for who in ("support_reporter", "other_head", "deputy", "public"):
        assert list(selectors.notice_list(user=getattr(world, who))) == []
    assert list(selectors.notice_list(user=world.office, status=SupervisionNotice.Status.CLOSED)) == []
    assert selectors.notice_get(notice_id=notice.pk) == notice


def test_notification_list_and_unread_count(world):
    for i in range(3):
        Notification.objects.create(user=world.reporter, kind="report_due_soon", message=str(i))
    Notification.objects.create(user=world.head, kind="report_due_soon", message="x")
    assert [n.message for n in notification_selectors.notification_list(user=world.reporter)] == [
        "2",
        "1",
        "0",
    ]
    assert notification_selectors.unread_count(user=world.reporter) == 3
    notifications_mark_read(user=world.reporter)
    assert notification_selectors.unread_count(user=world.reporter) == 0
    assert notification_selectors.notification_list(user=world.reporter, unread_only=True) == []
