"""Reads of the API app: tokens (for the office's pages and the check of each request), the data version
that the caching headers come from, and the lists the read endpoints page through. The figures themselves
(completion, lights, reports, notices, results) come from the apps' own selectors; this module only
filters and gathers them, in a number of queries that does not grow with the data (per page: one plan's
status is five queries whatever its size).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery

from minsheng.accounts.models import AuditEvent, User
from minsheng.api.models import ApiToken
from minsheng.common.models import ContentVersion
from minsheng.delivery.models import ProgressReport, ReportStatus, SupervisionNotice
from minsheng.delivery.selectors import ItemStatus, items_status, reports_visible_to
from minsheng.plans.models import Action, Department, Item, ItemDepartment, Plan, Region, Target

# --- tokens ----------------------------------------------------------------------------------------------


def token_by_prefix(prefix: str) -> ApiToken | None:
    return ApiToken.objects.select_related("user", "department").filter(prefix=prefix).first()


def token_get(*, token_id: int) -> ApiToken | None:
    return (
        ApiToken.objects.select_related("user", "department", "created_by", "revoked_by")
        .filter(pk=token_id)
        .first()
    )


def token_list() -> QuerySet[ApiToken]:
    """Every token, newest first, with its department, person, creator and revoker."""
    return ApiToken.objects.select_related("user", "department", "created_by", "revoked_by").order_by(
        "-created_at", "-id"
    )


def token_people() -> QuerySet[User]:
    """The people a token may act as: active reporters and heads of a department still in service."""
    return (
        User.objects.filter(
            is_active=True,
            role__in=[User.Role.REPORTER, User.Role.DEPT_HEAD],
            department__isnull=False,
            department__retired_at__isnull=True,
        )
        .select_related("department")
        .order_by("department__name", "username")
    )


# --- the data version behind ETag and Last-Modified ------------------------------------------------------


@dataclass(frozen=True)
class DataVersion:
    """Where the data stands: the content version (:class:`~minsheng.common.models.ContentVersion`, the row
    that every committed write of a minsheng model moves on, see :mod:`minsheng.common.pages`), exact; and
    the time of the newest audit event, which every write through a service records (the row has no time
    of its own): what ``Last-Modified`` says."""

    number: int
    last_at: dt.datetime | None


def data_version() -> DataVersion:
    """One query: the version row by its key, and the newest audit event by the primary key's index (no count
    over the trail). A database without the row yet (no committed write since it was made) is version 0, with
    no time: nothing has moved since, as far as the version goes, and the day's midnight stands for it."""
    newest = AuditEvent.objects.order_by("-pk").values("created_at")[:1]
    found = (
        ContentVersion.objects.filter(pk=1)
        .annotate(last_at=Subquery(newest))
        .values_list("number", "last_at")
        .first()
    )
    if found is None:
        return DataVersion(number=0, last_at=None)
    number, last_at = found
    return DataVersion(number=number, last_at=last_at)


# --- lists -----------------------------------------------------------------------------------------------


def region_list() -> QuerySet[Region]:
    return Region.objects.order_by("name", "id")


def department_list(*, region: int | None = None) -> QuerySet[Department]:
    departments = Department.objects.order_by("region_id", "name", "id")
    return departments.filter(region_id=region) if region else departments


def plans_filtered(
    *, year: int | None = None, region: int | None = None, status: str | None = None
) -> QuerySet[Plan]:
    """Plans with their region, newest year first (their item counts: ``plans.selectors.with_item_counts``,
    for the page)."""
    plans = Plan.objects.select_related("region")
    if year:
        plans = plans.filter(year=year)
    if region:
        plans = plans.filter(region_id=region)
    if status:
        plans = plans.filter(status=status)
    return plans.order_by("-year", "region__name", "id")


def plan_get(*, plan_id: int) -> Plan | None:
    return Plan.objects.select_related("region").filter(pk=plan_id).first()


def actions_filtered(
    *, plan: int | None = None, year: int | None = None, region: int | None = None
) -> QuerySet[Action]:
    actions = Action.objects.filter(removed_in__isnull=True)  # item counts: with_item_counts, for the page
    if plan:
        actions = actions.filter(plan_id=plan)
    if year:
        actions = actions.filter(plan__year=year)
    if region:
        actions = actions.filter(plan__region_id=region)
    return actions.order_by("-plan__year", "plan_id", "no", "id")


def items_filtered(
    *,
    plan: int | None = None,
    year: int | None = None,
    region: int | None = None,
    action: int | None = None,
    department: int | None = None,
) -> QuerySet[Item]:
    """Current items matching the filters (``department``: the lead or a supporting one), in plan order."""
    items = Item.objects.filter(removed_in__isnull=True)
    if plan:
        items = items.filter(plan_id=plan)
    if year:
        items = items.filter(plan__year=year)
    if region:
        items = items.filter(plan__region_id=region)
    if action:
        items = items.filter(action_id=action)
    if department:
        items = items.filter(
            Exists(ItemDepartment.objects.filter(item=OuterRef("pk"), department_id=department))
        )
    return items.order_by("-plan__year", "plan_id", "no", "id")


def items_detail(ids: list[int]) -> dict[int, Item]:
    """The items with their plan, action, current targets and departments (three queries)."""
    items = (
        Item.objects.filter(pk__in=ids)
        .select_related("plan", "action")
        .prefetch_related(
            Prefetch(
                "targets", queryset=Target.objects.filter(removed_in__isnull=True).order_by("position", "id")
            ),
            Prefetch(
                "assignments",
                queryset=ItemDepartment.objects.select_related("department").order_by("role", "id"),
            ),
        )
    )
    return {item.pk: item for item in items}


def item_statuses(*, items: QuerySet[Item], on: dt.date, public: bool) -> dict[int, ItemStatus]:
    """The status of ``items`` on ``on`` (delivery's rules), by item id in the lists' order (newest year
    first, then plan, then number): six queries per plan they belong to."""
    plan_ids = set(items.values_list("plan_id", flat=True))
    result: dict[int, ItemStatus] = {}
    for plan in Plan.objects.filter(pk__in=plan_ids).order_by("-year", "id"):
        for status in items_status(plan=plan, items=items, on=on, public=public):
            result[status.id] = status
    return result


def reports_filtered(
    *,
    user: Any,
    plan: int | None = None,
    year: int | None = None,
    region: int | None = None,
    item: int | None = None,
    target: int | None = None,
    department: int | None = None,
    status: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[ProgressReport]:
    """The reports ``user`` may see (delivery's ``reports_visible_to``), filtered; newest period first."""
    reports = reports_visible_to(user=user).select_related("target__item__plan")
    filters = {
        "target__item__plan_id": plan,
        "target__item__plan__year": year,
        "target__item__plan__region_id": region,
        "target__item_id": item,
        "target_id": target,
        "department_id": department,
        "status": status,
        "period_end__gte": since,
        "period_end__lte": until,
    }
    reports = reports.filter(**{name: value for name, value in filters.items() if value})
    return reports.order_by("-period_end", "-id")


def published(report: ProgressReport) -> bool:
    return report.status == ReportStatus.ACCEPTED and report.published


def notices_filtered(
    *,
    plan: int | None = None,
    year: int | None = None,
    region: int | None = None,
    item: int | None = None,
    department: int | None = None,
    status: str | None = None,
) -> QuerySet[SupervisionNotice]:
    """Every supervision notice (their public fields are public: the items' pages show them), newest
    first; the endpoint shows the private fields only to whom delivery's rule lets read them."""
    notices = SupervisionNotice.objects.select_related("item__plan", "department")
    filters = {
        "item__plan_id": plan,
        "item__plan__year": year,
        "item__plan__region_id": region,
        "item_id": item,
        "department_id": department,
        "status": status,
    }
    notices = notices.filter(**{name: value for name, value in filters.items() if value})
    return notices.order_by("-issued_at", "-id")


def notice_get(*, notice_id: int) -> SupervisionNotice | None:
    return SupervisionNotice.objects.select_related("item__plan", "department").filter(pk=notice_id).first()
