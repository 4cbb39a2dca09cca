"""Reads of reports and notices: the lists a department and the office see, single reports and notices,
and the steps a user may take on them (from :mod:`minsheng.delivery.workflows`, the table the services run).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from minsheng.delivery.models import (
    Evidence,
    ProgressReport,
    ReportEvent,
    ReportStatus,
    SupervisionNotice,
)
from minsheng.delivery.schedule import FAR_OFF_FACTOR, FarOff, far_off
from minsheng.delivery.selectors.status import target_spec
from minsheng.delivery.workflows import NOTICE_FLOW, REPORT_FLOW
from minsheng.plans.funding import format_number
from minsheng.plans.models import Department, Item, ItemDepartment, Target

if TYPE_CHECKING:
    from minsheng.accounts.models import User
    from minsheng.delivery.workflows import NOTICE_FLOW, REPORT_FLOW
from minsheng.plans.models import Plan

# --- lists for the department and the office -------------------------------------------------------------


def items_for_department(*, department: Department, plan: Plan | None = None) -> QuerySet[Item]:
    """The current items a department delivers (lead or supporting), with their plan, targets and departments."""
    items = Item.objects.filter(
        Exists(ItemDepartment.objects.filter(item=OuterRef("pk"), department=department)),
        removed_in__isnull=True,
    )
    if plan is not None:
        items = items.filter(plan=plan)
    return (
        items.select_related("plan", "delivery_assignment")
        .prefetch_related(
            Prefetch(
                "targets", queryset=Target.objects.filter(removed_in__isnull=True).order_by("position", "id")
            ),
            Prefetch("assignments", queryset=ItemDepartment.objects.select_related("department")),
        )
        .order_by("plan_id", "no", "id")
    )


def _reports() -> QuerySet[ProgressReport]:
    return ProgressReport.objects.select_related("target__item__plan", "department", "created_by")


def reports_visible_to(*, user: User) -> QuerySet[ProgressReport]:
    """Reports the user may see: the office all; a department member those on its department's items;
    everyone accepted, published ones."""
    from minsheng.delivery.rules import is_department_member, office

    reports = _reports()
    if office(user) or (user.is_active and user.is_superuser):
        return reports
    published = Q(status=ReportStatus.ACCEPTED, published=True)
    if is_department_member(user) and user.department_id is not None:
        own = Exists(
            ItemDepartment.objects.filter(item=OuterRef("target__item"), department_id=user.department_id)
        )
        return reports.filter(own | published)
    return reports.filter(published)


def report_queue(*, user: User) -> QuerySet[ProgressReport]:
    """The reports waiting for this user: a reporter's drafts and returned reports, a head's submitted ones,
    the office's approved ones; oldest first."""
    from minsheng.delivery.rules import is_dept_head, is_reporter, office

    reports = _reports().order_by("updated_at", "id")
    if office(user):
        return reports.filter(status=ReportStatus.APPROVED)
    if user.department_id is None:
        return reports.none()
    if is_reporter(user):
        wanted: Q = Q(status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED))
    elif is_dept_head(user):
        wanted = Q(status=ReportStatus.SUBMITTED)
    else:
        return reports.none()
    return reports.filter(
        wanted,
        Exists(
            ItemDepartment.objects.filter(item=OuterRef("target__item"), department_id=user.department_id)
        ),
        department_id=user.department_id,
    )


def report_get(*, report_id: int) -> ProgressReport | None:
    """A report with its target, item, department, history (with who) and evidence."""
    return (
        _reports()
        .prefetch_related(
            Prefetch("events", queryset=ReportEvent.objects.select_related("by").order_by("at", "id")),
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("uploaded_by").order_by("uploaded_at", "id"),
            ),
        )
        .filter(pk=report_id)
        .first()
    )


def target_reports(*, target: Target, user: User) -> list[ProgressReport]:
    """A target's reports the user may see, newest first."""
    return list(reports_visible_to(user=user).filter(target=target).order_by("-period_end", "-id"))


def report_warnings(*, report: ProgressReport) -> list[str]:
    """Why this report's figure looks far off (more than three times its target, or a cumulative value
    below the one accepted for an earlier period), in the user's language; empty when nothing is odd.
    The accept step asks the reviewer to confirm these (docs/stages.md)."""
    return figure_warnings(
        target=report.target, actual=report.actual, period_end=report.period_end, exclude=report.pk
    )


def figure_warnings(
    *, target: Target, actual: Decimal | None, period_end: dt.date, exclude: int | None = None
) -> list[str]:
    """Why a figure ``actual`` for ``target`` as of ``period_end`` looks far off, compared with its target
    and with the figure accepted for the period before (``exclude``: the report it would replace). The
    office's accept step and the Excel load both ask for a confirmation of these."""
    spec = target_spec(target)
    if spec.kind != "quantity" or actual is None:
        return []
    earlier = ProgressReport.objects.filter(
        target_id=target.pk, status=ReportStatus.ACCEPTED, period_end__lt=period_end
    )
    if exclude is not None:
        earlier = earlier.exclude(pk=exclude)
    previous = earlier.order_by("-period_end", "-id").values_list("actual", flat=True).first()
    unit = target.unit or ""
    messages: list[str] = []
    for found in far_off(spec, actual, previous):
        if found is FarOff.OVER_TARGET:
            messages.append(
                _(
                    "The figure %(actual)s%(unit)s is more than %(factor)s times the target of %(value)s%(unit)s."
                )
                % {
                    "actual": format_number(actual),
                    "value": format_number(target.value) if target.value is not None else "",
                    "factor": format_number(int(FAR_OFF_FACTOR)),
                    "unit": unit,
                }
            )
        else:
            messages.append(
                _(
                    "The figure %(actual)s%(unit)s is lower than the %(previous)s%(unit)s accepted for an "
                    "earlier period, though it counts what is done so far."
                )
                % {
                    "actual": format_number(actual),
                    "previous": format_number(previous or 0),
                    "unit": unit,
                }
            )
    return messages


def report_actions(*, report: ProgressReport, user: User) -> frozenset[str]:
    """The steps this user may take on this report now (a subset of :data:`REPORT_FLOW`'s: edit, submit,
    add_evidence, remove_evidence, approve, return, accept, and publish or unpublish). Views show a button for
    each; the services accept exactly these."""
    steps = set(REPORT_FLOW.available(user, report))
    if "publish" in steps and report.published:  # the one publish step publishes or withdraws the figure
        steps.remove("publish")
        steps.add("unpublish")
    return frozenset(steps)


def notice_actions(*, notice: SupervisionNotice, user: User) -> frozenset[str]:
    """The steps this user may take on this notice now: a subset of reply, close, escalate."""
    return NOTICE_FLOW.available(user, notice)


# --- notices ---------------------------------------------------------------------------


def _notices() -> QuerySet[SupervisionNotice]:
    return SupervisionNotice.objects.select_related("item__plan", "department", "issued_by", "replied_by")


def notice_list(*, user: User, status: str | None = None) -> QuerySet[SupervisionNotice]:
    """The notices a user may see (the office all, a department its own), newest first."""
    from minsheng.delivery.rules import is_department_member, office

    notices = _notices().order_by("-issued_at", "-id")
    if status:
        notices = notices.filter(status=status)
    if office(user) or (user.is_active and user.is_superuser):
        return notices
    if is_department_member(user) and user.department_id is not None:
        return notices.filter(department_id=user.department_id)
    return notices.none()


def notice_get(*, notice_id: int) -> SupervisionNotice | None:
    return _notices().filter(pk=notice_id).first()
