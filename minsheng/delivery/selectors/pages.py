"""Reads for the delivery pages: the office dashboard, the department workspace, an item's delivery page,
the forms' choices, and an item's public timeline.

Status (completion, expected share, lights, overdue) comes from :mod:`minsheng.delivery.selectors.status`; these
gather what the pages show around it. Each page's query count does not grow with the number of items,
targets, reports or notices (the view tests assert it).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from minsheng.accounts.models import User
from minsheng.common.pages import cached_read
from minsheng.common.paging import page_of
from minsheng.delivery.models import (
    Assignment,
    DeliverySettings,
    Evidence,
    PlannedValue,
    ProgressReport,
    ReportStatus,
    SupervisionNotice,
)
from minsheng.delivery.schedule import Light
from minsheng.delivery.selectors.overview import ItemForecast, PlanOverview, plan_overview
from minsheng.delivery.selectors.reports import (
    items_for_department,
    notice_list,
    report_queue,
    reports_visible_to,
)
from minsheng.delivery.selectors.status import (
    HANDED_IN,
    ItemStatus,
    Period,
    PlanStatus,
    TargetStatus,
    delivery_start,
    item_status,
    plan_status,
    reporting_periods,
)
from minsheng.plans.models import Department, Item, ItemDepartment, Plan, Target

OPEN_NOTICES = (
    SupervisionNotice.Status.OPEN,
    SupervisionNotice.Status.ANSWERED,
    SupervisionNotice.Status.ESCALATED,
)
LIGHT_ORDER = (Light.RED, Light.YELLOW, Light.GREEN, Light.NOT_STARTED, Light.DONE)


def _settings(plan: Plan) -> DeliverySettings | None:
    """The plan's settings from ``select_related("delivery_settings")``, None where there are none."""
    try:
        return plan.delivery_settings
    except DeliverySettings.DoesNotExist:
        return None


def _departments() -> Prefetch:
    return Prefetch(
        "assignments", queryset=ItemDepartment.objects.select_related("department").order_by("role", "id")
    )


def plan_get(*, plan_id: int) -> Plan | None:
    return Plan.objects.select_related("region", "delivery_settings").filter(pk=plan_id).first()


def open_periods(*, plan: Plan, assignment: Assignment | None, on: dt.date) -> list[Period]:
    """The reporting periods of an assigned item that have ended by ``on`` (those one may report for)."""
    if assignment is None:
        return []
    return reporting_periods(
        cadence=assignment.cadence,
        due_day=assignment.due_day,
        start=delivery_start(plan=plan, settings=_settings(plan)),
        deadline=assignment.deadline,
        until=on,
    )


# --- the office dashboard --------------------------------------------------------------------------------


@dataclass
class LightCount:
    light: Light
    count: int


@dataclass
class DepartmentOverdue:
    name: str
    items: list[ItemStatus] = field(default_factory=list)


DASHBOARD_ITEMS_PER_PAGE = 100
DASHBOARD_LIST_PAGE = 20  # reports to review, open notices, items projected to miss


@dataclass(frozen=True)
class DashboardRow:
    """An item in the dashboard's list: its status and its forecast."""

    status: ItemStatus
    forecast: ItemForecast | None


@dataclass
class Dashboard:
    """The office's dashboard. Whatever grows with the plan is paged: the items (``rows``, ``page`` in the
    address), the reports to review (``reviews``) and the open notices (``notices``); the items projected
    to miss show the furthest short first (``projected_to_miss``, the rest counted)."""

    plan: Plan
    on: dt.date
    status: PlanStatus
    items: list[ItemStatus]
    rows: Page[DashboardRow]
    counts: list[LightCount]
    lagging: list[ItemStatus]
    overdue_by_department: list[DepartmentOverdue]
    open_notices: Page[SupervisionNotice]
    to_review: Page[ProgressReport]
    projected_to_miss: list[ItemForecast]
    missing: int  # items projected to miss, on every page
    unassigned: int
    departments: list[Department]
    places: list[str]
    overview: PlanOverview
    action_id: int | None = None
    department_id: int | None = None
    place: str = ""

    @property
    def filtered(self) -> bool:
        return bool(self.action_id or self.department_id or self.place)

    @property
    def missing_more(self) -> int:
        """Items projected to miss beyond those listed."""
        return self.missing - len(self.projected_to_miss)


def _gap(status: ItemStatus) -> float:
    return status.expected - (status.completion or 0.0)


def dashboard_get(
    *,
    plan: Plan,
    user: User,
    on: dt.date,
    action_id: int | None = None,
    department_id: int | None = None,
    place: str = "",
    page: str | int | None = None,
    reviews: str | int | None = None,
    notices: str | int | None = None,
) -> Dashboard:
    """The plan at a glance for the office on a date, optionally only one action's, department's or
    place's items: counts by light, lagging items, overdue reports by department, open notices and the
    reports waiting for the office; and the whole plan at a glance with its forecast (``plan_overview``).
    ``page``, ``reviews`` and ``notices`` choose the pages of the items, the reports to review and the open
    notices. Fourteen queries whatever the size of the plan."""
    # one computation for every page and filter of the dashboard while nothing is written
    overview = cached_read(
        "plan_overview", plan.pk, on, "office", compute=lambda: plan_overview(plan=plan, on=on)
    )
    status = overview.status
    departments = list(
        Department.objects.filter(assignments__item__plan=plan, assignments__item__removed_in__isnull=True)
        .distinct()
        .order_by("name")
    )
    locations = {item.id: item.places for item in overview.items}
    places = [row.key for row in overview.places]
    items = status.items
    if action_id:
        items = [s for s in items if s.action_id == action_id]
    if department_id:
        names = {d.name for d in departments if d.pk == department_id}
        items = [s for s in items if s.lead in names or names & set(s.supporting)]
    if place:
        items = [s for s in items if place in (locations.get(s.id) or [])]
    shown = {s.id for s in items}

    by_light: dict[Light, int] = defaultdict(int)
    overdue: dict[str, DepartmentOverdue] = {}
    for s in items:
        by_light[s.light] += 1
        if s.overdue:
            overdue.setdefault(s.lead or "", DepartmentOverdue(name=s.lead or "")).items.append(s)
    open_notices = notice_list(user=user).filter(item__plan=plan, status__in=OPEN_NOTICES)
    waiting = report_queue(user=user).filter(target__item__plan=plan)
    if len(shown) < len(
        status.items
    ):  # a filter: only the items shown (a list of ids, a few thousand at most)
        open_notices = open_notices.filter(item_id__in=shown)
        waiting = waiting.filter(target__item_id__in=shown)
    forecasts = {f.id: f for f in overview.forecast}
    missing = [f for f in overview.projected_to_miss if f.id in shown]
    return Dashboard(
        plan=plan,
        on=on,
        status=status,
        items=items,
        rows=Paginator(
            [DashboardRow(s, forecasts.get(s.id)) for s in items], DASHBOARD_ITEMS_PER_PAGE
        ).get_page(page),
        projected_to_miss=missing[:DASHBOARD_LIST_PAGE],
        missing=len(missing),
        counts=[LightCount(light=light, count=by_light.get(light, 0)) for light in LIGHT_ORDER],
        lagging=sorted(
            (s for s in items if s.light in (Light.RED, Light.YELLOW)), key=lambda s: (-_gap(s), s.no)
        ),
        overdue_by_department=sorted(overdue.values(), key=lambda group: (-len(group.items), group.name)),
        open_notices=page_of(open_notices.order_by("reply_deadline", "id"), notices, DASHBOARD_LIST_PAGE),
        to_review=page_of(waiting, reviews, DASHBOARD_LIST_PAGE),
        unassigned=sum(1 for s in status.items if not s.assigned),
        departments=departments,
        places=places,
        overview=overview,
        action_id=action_id,
        department_id=department_id,
        place=place,
    )


# --- the office's forms ----------------------------------------------------------------------------------


def item_for_assignment_get(*, item_id: int) -> Item | None:
    """A current item with its plan, region, assignment and departments, for the assignment form."""
    return (
        Item.objects.select_related("plan__region", "action", "delivery_assignment")
        .prefetch_related(_departments())
        .filter(pk=item_id, removed_in__isnull=True)
        .first()
    )


def assignment_initial(*, item: Item) -> dict:
    """The assignment form's values: the item's current assignment, else the plan year's end, monthly."""
    links = list(item.assignments.all())
    assignment = getattr(item, "delivery_assignment", None)
    initial: dict = {
        "lead": next((link.department_id for link in links if link.role == ItemDepartment.Role.LEAD), None),
        "supporting": [link.department_id for link in links if link.role != ItemDepartment.Role.LEAD],
        "deadline": dt.date(item.plan.year, 12, 31),
        "cadence": "monthly",
        "due_day": 5,
    }
    if assignment is not None:
        initial.update(
            official=assignment.official,
            deadline=assignment.deadline,
            cadence=assignment.cadence,
            due_day=assignment.due_day,
        )
    return initial


def region_departments(*, plan: Plan) -> QuerySet[Department]:
    """The departments an item of the plan may be assigned to: the region's active ones (and a retired one
    that already delivers an item of the plan, so that its assignment still shows)."""
    delivering = ItemDepartment.objects.filter(department=OuterRef("pk"), item__plan=plan)
    return (
        Department.objects.filter(region_id=plan.region_id)
        .filter(Q(retired_at__isnull=True) | Exists(delivering))
        .order_by("name")
    )


def department_get(*, plan: Plan, department_id: int | None) -> Department | None:
    """One of the plan's region's departments; None for none or another region's."""
    if not department_id:
        return None
    return Department.objects.filter(pk=department_id, region_id=plan.region_id).first()


def item_get(*, item_id: int) -> Item | None:
    """A current item with its plan and region."""
    return Item.objects.select_related("plan__region").filter(pk=item_id, removed_in__isnull=True).first()


@dataclass
class TargetSchedule:
    target: Target
    months: list[tuple[int, int]]
    planned: dict[tuple[int, int], PlannedValue]


def target_schedule_get(*, target_id: int) -> TargetSchedule | None:
    """A target with the months of its item's delivery (from the start to the deadline) and the values
    the office has planned for them."""
    target = (
        Target.objects.select_related(
            "item__plan__region", "item__plan__delivery_settings", "item__delivery_assignment"
        )
        .prefetch_related("planned_values")
        .filter(pk=target_id, removed_in__isnull=True, item__removed_in__isnull=True)
        .first()
    )
    if target is None:
        return None
    plan = target.item.plan
    start = delivery_start(plan=plan, settings=_settings(plan))
    assignment = getattr(target.item, "delivery_assignment", None)
    end = max(assignment.deadline if assignment else dt.date(plan.year, 12, 31), start)
    months: list[tuple[int, int]] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month) and len(months) < 60:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    planned = {(value.year, value.month): value for value in target.planned_values.all()}
    months = sorted({*months, *planned})
    return TargetSchedule(target=target, months=months, planned=planned)


# --- the department workspace ----------------------------------------------------------------------------


@dataclass
class WorkspaceItem:
    item: Item
    role: str
    status: ItemStatus | None


@dataclass
class DueReport:
    """A target whose report is missing for one or more ended periods; the earliest is to be done first."""

    item: Item
    target: Target
    period: Period
    missing: int
    overdue: bool
    report: ProgressReport | None


@dataclass
class Workspace:
    department: Department | None
    on: dt.date
    items: list[WorkspaceItem] = field(default_factory=list)
    due: list[DueReport] = field(default_factory=list)
    drafts: list[ProgressReport] = field(default_factory=list)
    submitted: list[ProgressReport] = field(default_factory=list)
    returned: list[ProgressReport] = field(default_factory=list)
    approved: list[ProgressReport] = field(default_factory=list)
    notices: list[SupervisionNotice] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)


def _complete(status: TargetStatus | None) -> bool:
    return bool(status is not None and status.completion is not None and status.completion >= 1 - 1e-9)


def workspace_get(*, user: User, on: dt.date) -> Workspace:
    """A department's items, the reports it owes as lead department, its reports by state and the notices
    it must answer. Constant queries per plan, whatever the number of items and reports."""
    department = user.department
    workspace = Workspace(department=department, on=on)
    if department is None:
        return workspace
    items = list(items_for_department(department=department).select_related("plan__delivery_settings"))
    plans = {item.plan_id: item.plan for item in items}
    workspace.plans = list(plans.values())
    statuses: dict[int, ItemStatus] = {}
    for plan in plans.values():
        statuses.update({s.id: s for s in plan_status(plan=plan, on=on, department=department).items})

    owed: list[tuple[Item, Target, list[Period]]] = []
    for item in items:
        links = list(item.assignments.all())
        role = next((link.role for link in links if link.department_id == department.pk), "")
        status = statuses.get(item.pk)
        workspace.items.append(WorkspaceItem(item=item, role=role, status=status))
        if role != ItemDepartment.Role.LEAD:
            continue
        periods = open_periods(plan=item.plan, assignment=getattr(item, "delivery_assignment", None), on=on)
        if not periods:
            continue
        target_statuses = {t.id: t for t in (status.targets if status else [])}
        for target in item.targets.all():
            if not _complete(target_statuses.get(target.pk)):
                owed.append((item, target, periods))

    reports = list(
        ProgressReport.objects.filter(target_id__in={t.pk for _i, t, _p in owed})
        .values_list("target_id", "period_end", "status")
        .order_by("target_id", "period_end")
    )
    handed_in: dict[int, list[dt.date]] = defaultdict(list)
    for target_id, period_end, report_status in reports:
        if report_status in HANDED_IN:
            handed_in[target_id].append(period_end)
    own = list(
        ProgressReport.objects.filter(
            department=department,
            status__in=(
                ReportStatus.DRAFT,
                ReportStatus.SUBMITTED,
                ReportStatus.RETURNED,
                ReportStatus.APPROVED,
            ),
        )
        .select_related("target__item__plan")
        .order_by("period_end", "target__item__no", "id")
    )
    own_by_period = {(r.target_id, r.period_end): r for r in own}
    for item, target, periods in owed:
        dates = handed_in.get(target.pk, [])
        missing = []
        for period in periods:
            index = bisect.bisect_left(dates, period.start)
            if index >= len(dates) or dates[index] > period.end:
                missing.append(period)
        if missing:
            first = missing[0]
            workspace.due.append(
                DueReport(
                    item=item,
                    target=target,
                    period=first,
                    missing=len(missing),
                    overdue=first.due < on,
                    report=own_by_period.get((target.pk, first.end)),
                )
            )
    workspace.due.sort(key=lambda d: (d.period.due, d.item.no, d.target.position, d.target.pk))
    lists = {
        ReportStatus.DRAFT: workspace.drafts,
        ReportStatus.SUBMITTED: workspace.submitted,
        ReportStatus.RETURNED: workspace.returned,
        ReportStatus.APPROVED: workspace.approved,
    }
    for report in own:
        lists[ReportStatus(report.status)].append(report)
    workspace.notices = list(
        notice_list(user=user).filter(status__in=OPEN_NOTICES).order_by("reply_deadline", "id")
    )
    return workspace


# --- an item's delivery page (office and its departments) ------------------------------------------------


@dataclass
class TargetRow:
    target: Target
    status: TargetStatus | None
    reports: list[ProgressReport]


@dataclass
class ItemDelivery:
    item: Item
    status: ItemStatus
    assignment: Assignment | None
    departments: list[ItemDepartment]
    targets: list[TargetRow]
    notices: list[SupervisionNotice]
    periods: list[Period]


def item_delivery_get(*, item_id: int, user: User, on: dt.date) -> ItemDelivery | None:
    """An item as the office and its departments see it: status, assignment, each target's reports (those
    the user may see) and the notices."""
    item = (
        Item.objects.select_related(
            "plan__region", "plan__delivery_settings", "action", "delivery_assignment"
        )
        .prefetch_related(
            _departments(),
            Prefetch(
                "targets", queryset=Target.objects.filter(removed_in__isnull=True).order_by("position", "id")
            ),
        )
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        return None
    status = item_status(item=item, on=on)
    by_target: dict[int, list[ProgressReport]] = defaultdict(list)
    for report in reports_visible_to(user=user).filter(target__item=item).order_by("-period_end", "-id"):
        by_target[report.target_id].append(report)
    target_statuses = {t.id: t for t in status.targets}
    assignment = getattr(item, "delivery_assignment", None)
    return ItemDelivery(
        item=item,
        status=status,
        assignment=assignment,
        departments=list(item.assignments.all()),
        targets=[
            TargetRow(target=t, status=target_statuses.get(t.pk), reports=by_target.get(t.pk, []))
            for t in item.targets.all()
        ],
        notices=list(notice_list(user=user).filter(item=item)),
        periods=open_periods(plan=item.plan, assignment=assignment, on=on),
    )


# --- reports ---------------------------------------------------------------------------------------------


@dataclass
class ReportTarget:
    """What the report form needs about a target: its item, assignment and the periods open to report."""

    target: Target
    item: Item
    assignment: Assignment | None
    periods: list[Period]
    existing: dict[dt.date, int]


def report_target_get(*, target_id: int, on: dt.date) -> ReportTarget | None:
    target = (
        Target.objects.select_related(
            "item__plan__region", "item__plan__delivery_settings", "item__delivery_assignment", "item__action"
        )
        .prefetch_related(Prefetch("item__assignments", queryset=ItemDepartment.objects.all()))
        .filter(pk=target_id, removed_in__isnull=True, item__removed_in__isnull=True)
        .first()
    )
    if target is None:
        return None
    item = target.item
    assignment = getattr(item, "delivery_assignment", None)
    return ReportTarget(
        target=target,
        item=item,
        assignment=assignment,
        periods=open_periods(plan=item.plan, assignment=assignment, on=on),
        existing=dict(ProgressReport.objects.filter(target=target).values_list("period_end", "id")),
    )


def report_periods(*, report: ProgressReport, on: dt.date) -> list[Period]:
    """The periods a report's date may be moved to (its own included)."""
    item = Item.objects.select_related("plan__delivery_settings", "delivery_assignment").get(
        pk=report.target.item_id
    )
    periods = open_periods(plan=item.plan, assignment=getattr(item, "delivery_assignment", None), on=on)
    if all(p.end != report.period_end for p in periods):
        periods.append(Period(start=report.period_end, end=report.period_end, due=report.period_end))
        periods.sort(key=lambda p: p.end)
    return periods


def evidence_get(*, evidence_id: int) -> Evidence | None:
    return Evidence.objects.select_related("report__target").filter(pk=evidence_id).first()


# --- an item's timeline ----------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    """One dated event of an item's delivery: an accepted figure, a milestone reached, a notice."""

    on: dt.date
    kind: str  # "figure" | "milestone" | "notice" | "reply" | "resolution"
    report: ProgressReport | None = None
    notice: SupervisionNotice | None = None


def item_timeline(*, item: Item, public: bool = True) -> list[TimelineEntry]:
    """Accepted figures (published only, when ``public``), milestones and supervision notices with their
    answers, newest first. Two queries."""
    reports = ProgressReport.objects.filter(
        target__item=item, target__removed_in__isnull=True, status=ReportStatus.ACCEPTED
    ).select_related("target", "department")
    if public:
        reports = reports.filter(published=True)
    entries = [
        TimelineEntry(
            on=report.period_end,
            kind="milestone" if report.target.kind == Target.Kind.MILESTONE else "figure",
            report=report,
        )
        for report in reports
    ]
    for notice in SupervisionNotice.objects.filter(item=item).select_related("department"):
        entries.append(TimelineEntry(on=timezone.localdate(notice.issued_at), kind="notice", notice=notice))
        if notice.replied_at:
            entries.append(
                TimelineEntry(on=timezone.localdate(notice.replied_at), kind="reply", notice=notice)
            )
        if notice.resolved_at:
            entries.append(
                TimelineEntry(on=timezone.localdate(notice.resolved_at), kind="resolution", notice=notice)
            )
    order = {"figure": 0, "milestone": 0, "notice": 1, "reply": 2, "resolution": 3}
    entries.sort(key=lambda entry: (entry.on, order[entry.kind]), reverse=True)
    return entries
