"""Reads for the open-data page and its downloads. The datasets themselves are in
:mod:`minsheng.opendata.datasets`; the plan as one document in :mod:`minsheng.opendata.document`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from minsheng.common.web import access
from minsheng.plans.models import Plan
from minsheng.plans.selectors import plan_list


def open_data_plans() -> QuerySet[Plan]:
    """Every plan, with its region and its count of current items (one query)."""
    return plan_list()


def access_plan_by_id(*, plan_id: int, user: Any) -> Plan:
    """A plan to download (plans are public: a missing one is a 404)."""
    found = Plan.objects.select_related("region").filter(pk=plan_id).first()
    return access(found, user, "plans.view_plan", private=False)
