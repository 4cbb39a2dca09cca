"""Reads for the open-data page and its downloads. The datasets themselves are in
:mod:`minsheng.opendata.datasets`; the plan as one document in :mod:`minsheng.opendata.document`."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page

from minsheng.common.web import access
from minsheng.plans.models import Plan
from minsheng.plans.selectors import plan_page_of, plans_in_order

PLANS_PER_PAGE = 50


def open_data_plans(*, search: str = "", page: str | int | None = None) -> Page[Plan]:
    """A page of the plans (``PLANS_PER_PAGE``), with their regions and counts of current items, those
    whose region or title holds ``search`` (three queries whatever the number of plans)."""
    return plan_page_of(plans_in_order(search=search), page, PLANS_PER_PAGE)


def access_plan_by_id(*, plan_id: int, user: Any) -> Plan:
    """A plan to download (plans are public: a missing one is a 404)."""
    found = Plan.objects.select_related("region").filter(pk=plan_id).first()
    return access(found, user, "plans.view_plan", private=False)
