"""One access helper per kind of object the delivery pages open by id: the object for this user, or one
``Http404`` for a missing and a forbidden one alike (``minsheng.common.web.access``), so that ids do not
tell what exists. Reports, notices and evidence are private (an anonymous visitor is asked to sign in);
plans, items and targets are public by nature. A step on an object the user may see is then checked by its
own rule, and refused with a 403 that says why.
"""

from __future__ import annotations

from typing import Any

from minsheng.common.web import access
from minsheng.delivery.models import Evidence, ProgressReport, SupervisionNotice
from minsheng.delivery.selectors.pages import evidence_get, plan_get
from minsheng.delivery.selectors.reports import notice_get, report_get
from minsheng.plans.models import Plan


def access_plan_by_id(*, plan_id: int, user: Any) -> Plan:
    return access(plan_get(plan_id=plan_id), user, "plans.view_plan", private=False)


def access_report_by_id(*, report_id: int, user: Any) -> ProgressReport:
    return access(report_get(report_id=report_id), user, "delivery.view_report")


def access_notice_by_id(*, notice_id: int, user: Any) -> SupervisionNotice:
    return access(notice_get(notice_id=notice_id), user, "delivery.view_notice")


def access_evidence_by_id(*, evidence_id: int, user: Any) -> Evidence:
    return access(evidence_get(evidence_id=evidence_id), user, "delivery.view_evidence")
