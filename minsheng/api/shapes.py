"""Model rows and the apps' status objects as the API's answers (plain dicts that the schemas check)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from minsheng.delivery.models import ProgressReport, SupervisionNotice
from minsheng.delivery.selectors import ItemStatus, PlanStatus
from minsheng.plans.models import Item, ItemDepartment, Plan
from minsheng.voting.models import RatingRound
from minsheng.voting.selectors import GroupResult, ItemResult, VoteView


def _number(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def plan_out(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "region": {"id": plan.region_id, "name": plan.region.name},
        "year": plan.year,
        "title": plan.title,
        "status": plan.status,
        "item_count": getattr(plan, "item_count", 0),
        "updated_at": plan.updated_at,
    }


def plan_status_out(status: PlanStatus) -> dict[str, Any]:
    return {
        "plan_id": status.plan_id,
        "on": status.on,
        "completion": status.completion,
        "expected": status.expected,
        "light": status.light.value,
        "light_counts": status.light_counts,
        "actions": [
            {
                "id": a.id,
                "no": a.no,
                "title": a.title,
                "completion": a.completion,
                "expected": a.expected,
                "light": a.light.value,
            }
            for a in status.actions
        ],
    }


def item_out(item: Item, status: ItemStatus, on: dt.date) -> dict[str, Any]:
    assignments = list(item.assignments.all())
    lead = next((a for a in assignments if a.role == ItemDepartment.Role.LEAD), None)
    by_target = {t.id: t for t in status.targets}
    targets = []
    for target in item.targets.all():
        found = by_target.get(target.pk)
        targets.append(
            {
                "id": target.pk,
                "kind": target.kind,
                "subject": target.subject,
                "op": target.op,
                "value": _number(target.value),
                "value_max": _number(target.value_max),
                "unit": target.unit,
                "period": target.period,
                "actual": found.actual if found else None,
                "stage": found.stage if found else "",
                "as_of": found.as_of if found else None,
                "completion": found.completion if found else None,
                "expected": found.expected if found else 0.0,
            }
        )
    return {
        "id": item.pk,
        "plan_id": item.plan_id,
        "action_id": item.action_id,
        "action_no": item.action.no,
        "no": item.no,
        "title": item.title,
        "text": item.text,
        "locations": [str(place) for place in item.locations or []],
        "lead": {"id": lead.department_id, "name": lead.department.name} if lead else None,
        "supporting": [
            {"id": a.department_id, "name": a.department.name}
            for a in assignments
            if a.role != ItemDepartment.Role.LEAD
        ],
        "deadline": status.deadline,
        "on": on,
        "completion": status.completion,
        "expected": status.expected,
        "light": status.light.value,
        "targets": targets,
    }


def report_out(report: ProgressReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "plan_id": report.target.item.plan_id,
        "item_id": report.target.item_id,
        "target_id": report.target_id,
        "department": {"id": report.department_id, "name": report.department.name}
        if report.department
        else None,
        "period_end": report.period_end,
        "actual": _number(report.actual),
        "stage": report.stage,
        "narrative": report.narrative,
        "funds_spent": _number(report.funds_spent),
        "status": report.status,
        "published": report.published,
        "return_reason": report.return_reason,
        "version": report.version,
        "created_at": report.created_at,
        "updated_at": report.updated_at,
        "accepted_at": report.accepted_at,
    }


def notice_out(notice: SupervisionNotice, *, full: bool) -> dict[str, Any]:
    """A notice's public fields (department, dates, status), and its text where ``full``."""

    def private(value: str) -> str | None:
        return value if full else None

    return {
        "id": notice.pk,
        "plan_id": notice.item.plan_id,
        "item_id": notice.item_id,
        "department": {"id": notice.department_id, "name": notice.department.name},
        "status": notice.status,
        "issued_at": notice.issued_at,
        "reply_deadline": notice.reply_deadline,
        "replied_at": notice.replied_at,
        "resolved_at": notice.resolved_at,
        "reason": private(notice.reason),
        "demand": private(notice.demand),
        "explanation": private(notice.explanation),
        "catch_up_plan": private(notice.catch_up_plan),
        "resolution": private(notice.resolution),
    }


def vote_out(view: VoteView) -> dict[str, Any]:
    round_ = view.round
    return {
        "plan_id": view.plan.pk,
        "ballots": round_.ballots if round_ is not None else 0,
        "eligible": view.eligible,
        "turnout": _number(view.turnout),
        "candidates": [
            {
                "item_id": row.item.pk,
                "item_no": row.item.no,
                "title": row.item.title or row.item.text[:60],
                "votes": row.votes,
                "chosen": row.chosen,
                "tied": row.tied,
                "share": _number(row.share),
            }
            for row in view.rows
        ],
    }


def _group(group: GroupResult) -> dict[str, Any]:
    return {"group": group.group, "counts": dict(group.counts), "rate": _number(group.rate)}


def rating_out(
    plan: Plan, round_: RatingRound, results: list[ItemResult], totals: list[GroupResult]
) -> dict[str, Any]:
    return {
        "plan_id": plan.pk,
        "threshold": float(round_.threshold),
        "totals": [_group(g) for g in totals],
        "items": [
            {
                "item_id": r.item.pk,
                "item_no": r.item.no,
                "title": r.item.title or r.item.text[:60],
                "groups": [_group(g) for g in r.groups],
                "flagged": r.flag is not None,
            }
            for r in results
        ],
    }
