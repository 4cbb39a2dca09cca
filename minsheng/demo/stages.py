"""Demo data for the stages before delivery (docs/stages.md): a list collecting suggestions and a draft open
for comment, both in a demo county (labelled as demo data), with a few suggestions, comments and the office's
responses. ``minsheng demo`` calls :func:`demo_stages_setup`; everything goes through the services.

The windows open from yesterday to :data:`WINDOW_DAYS` days from now (the services check the real clock when
someone posts), so that both are open whatever the day the demo is built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

import minsheng
from minsheng.accounts.models import User
from minsheng.accounts.services import user_create
from minsheng.participation import services
from minsheng.participation.models import Comment, Phase, ResponseKind, Suggestion
from minsheng.plans.models import Item, Plan
from minsheng.plans.services import plan_import, plan_status_set

CANDIDATES = Path(minsheng.__file__).resolve().parent / "demo_data" / "tiemenguan-2027-candidates.txt"
DEMO_REGION = "示范县（演示数据）"
WINDOW_DAYS = 21
DEMO_IP = "192.0.2.10"  # a documentation address (RFC 5737)
# The demo county's residents who post (accounts that cannot sign in).
DEMO_POSTERS = ("resident_a", "resident_b", "resident_c")
DEMO_SUGGESTIONS = (
    ("增设社区老年食堂", "在各社区增设老年助餐点，提供低价午餐。", "社区老人独居多，吃饭难。"),
    ("学校周边增设护学岗", "上下学时段在学校周边路口设护学岗。", "接送时段车辆多，孩子过马路不安全。"),
    ("改造老旧小区电梯", "为六层以上老旧小区加装电梯。", "老人上下楼困难。"),
)
# (item position in the draft, poster, comment); the office answers the first two.
DEMO_COMMENTS = (
    (0, 0, "建议把改造范围扩大到周边连队。（演示数据）"),
    (0, 1, "希望施工期间做好临时供应安排。（演示数据）"),
    (1, 2, "建议公布具体完工时间。（演示数据）"),
    (2, 0, "这项很实在，支持。（演示数据）"),
)
DEMO_RESPONSES = (
    (ResponseKind.PARTLY, "已将周边两个连队纳入改造范围，其余纳入明年计划。（演示数据）"),
    (ResponseKind.ANSWERED, "施工期间将提前公告并安排临时供应。（演示数据）"),
)


@dataclass
class DemoStages:
    solicitation: Plan
    consultation: Plan
    suggestions: list[Suggestion] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    responses: int = 0


def _posters(*, by: User) -> list[User]:
    found = {user.username: user for user in User.objects.filter(username__in=DEMO_POSTERS)}
    return [
        found.get(name) or user_create(username=name, password=None, role=User.Role.PUBLIC, by=by)
        for name in DEMO_POSTERS
    ]


def _open_window(*, plan: Plan, phase: str, by: User, now: dt.datetime) -> None:
    services.window_set(
        plan=plan,
        phase=phase,
        by=by,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=WINDOW_DAYS),
    )


@transaction.atomic
def demo_stages_setup(*, office: User, year: int) -> DemoStages:
    """In the demo county: the ``year`` draft (the demo candidates' list) open for comment, with comments and
    two responses; the ``year + 1`` list collecting suggestions, with three suggestions."""
    now = timezone.now()
    posters = _posters(by=office)

    consultation = plan_import(
        content=CANDIDATES.read_bytes(), filename=CANDIDATES.name, region=DEMO_REGION, year=year, by=office
    ).plan
    plan_status_set(plan=consultation, status=Plan.Status.CONSULTATION, by=office)
    _open_window(plan=consultation, phase=Phase.CONSULTATION, by=office, now=now)

    solicitation = plan_import(
        content=CANDIDATES.read_bytes(),
        filename=CANDIDATES.name,
        region=DEMO_REGION,
        year=year + 1,
        by=office,
    ).plan
    plan_status_set(plan=solicitation, status=Plan.Status.SOLICITATION, by=office)
    _open_window(plan=solicitation, phase=Phase.SOLICITATION, by=office, now=now)

    result = DemoStages(solicitation=solicitation, consultation=consultation)
    for poster, (title, content, reason) in zip(posters, DEMO_SUGGESTIONS, strict=True):
        result.suggestions.append(
            services.suggestion_submit(
                plan=solicitation,
                by=poster,
                title=title + "（演示数据）",
                content=content,
                reason=reason,
                ip=DEMO_IP,
            )
        )
    items = list(Item.objects.filter(plan=consultation, removed_in=None).order_by("no"))
    for position, who, text in DEMO_COMMENTS:
        result.comments.append(
            services.comment_submit(item=items[position], by=posters[who], text=text, ip=DEMO_IP)
        )
    for comment, (kind, text) in zip(result.comments, DEMO_RESPONSES, strict=False):
        services.comment_respond(comment=comment, by=office, kind=kind, text=text)
        result.responses += 1
    return result
