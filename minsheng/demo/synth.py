"""A synthetic data set for benchmarks: ``minsheng synth --plans N [--seed S]``.

What it builds, for N plans (``--plans 3000`` is national scale: about 120,000 items, 300,000 targets,
3.6 million progress reports and 1 million comments):

- one region per plan, with 12–20 departments, a reporter for each, and a plan in delivery for one of the
  last three years (the current year's plans are adopted and in delivery, earlier ones closed);
- plan sizes as real lists vary: most hold 15–55 items, a few hundred to two thousand, and the first plan
  of a set of ten or more holds 4,000 items; 5–12 actions; 1–4 targets per item of every comparator
  (at least, exactly, at most, about, between) and milestones; a standard on one item in five; a lead and
  sometimes a supporting department per item, and an assignment with a monthly cadence;
- a monthly report per target up to the as-of date (the whole year for past plans): accepted and mostly
  published, the latest month in any state (draft, submitted, approved, returned, accepted); figures that
  follow the schedule with a realistic mix of lights (most on schedule, some behind, a few far behind);
- supervision notices for the items far behind, in every state; about 330 comments per plan in every
  moderation state, from a pool of public accounts; about 30 suggestions per plan; audit rows, one per four
  reports.

Everything is written with ``bulk_create`` in batches (no services, no per-row validation: the data is made
to satisfy every database constraint), a plan group at a time so that memory stays flat, deterministic for a
given seed, with a progress line on stderr. The database's statistics are refreshed at the end. It adds to
what is there: run it on an empty database (``minsheng migrate`` first) or a demo one.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

from django.db import models, transaction
from django.utils import timezone

from minsheng.accounts.models import AuditEvent, User
from minsheng.common.database import statistics_refresh
from minsheng.delivery.models import Assignment, ProgressReport, Stage, SupervisionNotice
from minsheng.participation.models import Comment, Suggestion
from minsheng.plans.models import (
    Action,
    Department,
    Item,
    ItemDepartment,
    Op,
    Plan,
    PlanVersion,
    Region,
    Standard,
    Target,
)

BATCH = 2000
PLANS_PER_GROUP = 20
PUBLIC_ACCOUNTS = 2000
COMMENTS_PER_PLAN = 330
SUGGESTIONS_PER_PLAN = 30
BIG_PLAN_ITEMS = 4000

_DEPARTMENTS = [
    "发展和改革委员会", "教育局", "公安局", "民政局", "财政局", "人力资源和社会保障局", "自然资源局",
    "生态环境局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局",
    "卫生健康委员会", "应急管理局", "市场监督管理局", "医疗保障局", "城市管理局", "体育局",
]  # fmt: skip
_ACTIONS = [
    "就业增收", "教育提质", "健康保障", "养老托育", "住房安居", "交通出行", "生态宜居", "文体惠民",
    "食品安全", "平安建设", "便民服务", "乡村振兴",
]  # fmt: skip
_WORKS = [
    ("新建改造燃气管网", "千米"), ("开展食品安全抽检", "批次"), ("为65岁以上老年人免费体检", "人"),
    ("新增城镇就业", "人"), ("改造老旧小区", "个"), ("新建公办幼儿园学位", "个"), ("建设充电桩", "个"),
    ("新建改建农村公路", "千米"), ("开展职业技能培训", "人次"), ("新增养老床位", "张"),
    ("建设口袋公园", "个"), ("更新公交车辆", "辆"), ("新建供水管网", "千米"), ("培训家庭医生", "名"),
]  # fmt: skip
_PLACES = ["第一街道", "第二街道", "城关镇", "新区", "东城区", "西城区", "一团", "二团", "南湖乡"]
_OPS = [Op.AT_LEAST, Op.AT_LEAST, Op.AT_LEAST, Op.EXACTLY, Op.AT_MOST, Op.ABOUT, Op.RANGE]
_COMMENT_STATES = ["published"] * 14 + ["pending", "pending", "hidden", "rejected", "withdrawn"]
_SUGGESTION_STATES = ["submitted", "accepted", "accepted", "declined"]
_LATEST_STATES = ["accepted", "accepted", "approved", "submitted", "draft", "returned"]
_NOTICE_STATES = ["open", "answered", "closed", "escalated"]


@dataclass
class Counts:
    plans: int = 0
    items: int = 0
    targets: int = 0
    reports: int = 0
    notices: int = 0
    comments: int = 0
    suggestions: int = 0
    audit_events: int = 0
    users: int = 0
    seconds: float = 0.0
    by_table: dict[str, int] = field(default_factory=dict)


class _Progress:
    """One line on stderr, rewritten in place on a terminal and printed every ~10% otherwise."""

    def __init__(self, total: int, out: TextIO | None) -> None:
        self.total, self.out, self.started, self.last_shown = total, out, time.perf_counter(), -1

    def show(self, done: int, counts: Counts) -> None:
        if self.out is None:
            return
        tty = self.out.isatty()
        decile = done * 10 // max(self.total, 1)
        if not tty and decile == self.last_shown and done != self.total:
            return
        self.last_shown = decile
        elapsed = time.perf_counter() - self.started
        line = (
            f"plans {done}/{self.total}  items {counts.items:,}  reports {counts.reports:,}  "
            f"comments {counts.comments:,}  {elapsed:.0f} s"
        )
        self.out.write(("\r" + line) if tty else (line + "\n"))
        if tty and done == self.total:
            self.out.write("\n")
        self.out.flush()


def _plan_sizes(rng: random.Random, plans: int, big: int) -> list[int]:
    sizes = []
    for index in range(plans):
        if index == 0 and plans >= 10:
            sizes.append(big)
        elif rng.random() < 0.003:
            sizes.append(rng.randint(300, 2000))
        else:
            sizes.append(rng.randint(15, 55))
    return sizes


def _month_ends(year: int, until: dt.date) -> list[dt.date]:
    ends = []
    for month in range(1, 13):
        end = (dt.date(year, month + 1, 1) if month < 12 else dt.date(year + 1, 1, 1)) - dt.timedelta(days=1)
        if end > until:
            break
        ends.append(end)
    return ends


class _Writer:
    """Gathers rows per model and writes them in batches; counts what it wrote."""

    def __init__(self, counts: Counts) -> None:
        self.rows: dict[type[models.Model], list[models.Model]] = {}
        self.counts = counts

    def add(self, row: models.Model) -> None:
        self.rows.setdefault(type(row), []).append(row)

    def flush(self, *kinds: type[models.Model]) -> None:
        for kind in kinds or tuple(self.rows):
            rows = self.rows.pop(kind, [])
            if rows:
                kind._default_manager.bulk_create(rows, batch_size=BATCH)
                label = kind._meta.db_table
                self.counts.by_table[label] = self.counts.by_table.get(label, 0) + len(rows)


def synth(
    *,
    plans: int,
    seed: int = 1,
    on: dt.date | None = None,
    progress: TextIO | None = None,
    refresh_statistics: bool = True,
    big_plan_items: int = BIG_PLAN_ITEMS,
) -> Counts:
    """Build the synthetic set (see the module's docstring); returns what was written."""
    if plans < 1:
        raise ValueError("plans must be at least 1")
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not a secret
    on = on or timezone.localdate()
    counts = Counts()
    tag = f"{seed}-{rng.randrange(16**6):06x}"
    sizes = _plan_sizes(rng, plans, big_plan_items)
    bar = _Progress(plans, progress)
    public = _public_accounts(tag, counts)
    for start in range(0, plans, PLANS_PER_GROUP):
        with transaction.atomic():
            _plan_group(
                rng, tag, range(start, min(start + PLANS_PER_GROUP, plans)), sizes, on, public, counts
            )
        bar.show(min(start + PLANS_PER_GROUP, plans), counts)
    if refresh_statistics:
        statistics_refresh()
    counts.seconds = time.perf_counter() - started
    return counts


def _public_accounts(tag: str, counts: Counts) -> list[int]:
    users = [
        User(username=f"synth-{tag}-public-{n}", role=User.Role.PUBLIC, password="!")  # noqa: S106 - unusable
        for n in range(PUBLIC_ACCOUNTS)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    counts.users += len(users)
    return list(User.objects.filter(username__startswith=f"synth-{tag}-public-").values_list("pk", flat=True))


def _plan_group(
    rng: random.Random,
    tag: str,
    indexes: range,
    sizes: list[int],
    on: dt.date,
    public: list[int],
    counts: Counts,
) -> None:
    writer = _Writer(counts)
    regions = Region.objects.bulk_create([Region(name=f"合成县{tag}-{index:05d}") for index in indexes])
    departments: dict[int, list[Department]] = {}
    for region in regions:
        names = rng.sample(_DEPARTMENTS, rng.randint(12, min(20, len(_DEPARTMENTS))))
        departments[region.pk] = [Department(region=region, name=name) for name in names]
    Department.objects.bulk_create([d for ds in departments.values() for d in ds], batch_size=BATCH)
    reporters: dict[int, int] = {}
    users = [
        User(
            username=f"synth-{tag}-reporter-{d.pk}",
            role=User.Role.REPORTER,
            department=d,
            password="!",  # noqa: S106 - an unusable password
        )
        for ds in departments.values()
        for d in ds
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    counts.users += len(users)
    for user in users:
        if user.department_id is not None:
            reporters[user.department_id] = user.pk

    plan_rows = []
    for region in regions:
        year = on.year - rng.choice((0, 0, 1, 2))
        status = Plan.Status.ADOPTED if year == on.year else Plan.Status.CLOSED
        plan_rows.append(
            Plan(region=region, year=year, title=f"{region.name}{year}年民生实事", status=status)
        )
    Plan.objects.bulk_create(plan_rows)
    versions = PlanVersion.objects.bulk_create(
        [
            PlanVersion(plan=plan, number=1, filename="synth.txt", sha256=f"{plan.pk:064x}", parsed={})
            for plan in plan_rows
        ]
    )
    counts.plans += len(plan_rows)

    for index, plan, version in zip(indexes, plan_rows, versions, strict=True):
        _plan_rows(
            rng, writer, plan, version, sizes[index], departments[plan.region_id], reporters, on, public
        )
    # Order matters: rows refer to rows of the kinds written before them.
    writer.flush(Action)
    writer.flush(Item)
    writer.flush(Target, Standard, ItemDepartment, Assignment, Comment, Suggestion, SupervisionNotice)
    reports = writer.rows.get(ProgressReport, [])
    writer.flush(ProgressReport)
    for report in reports[::4]:  # a submission recorded for one report in four
        writer.add(
            AuditEvent(
                actor_id=report.created_by_id,  # type: ignore[attr-defined]
                verb="report_submit",
                object_type="delivery.progressreport",
                object_id=str(report.pk),
                details={"synthetic": True},
            )
        )
    writer.flush(AuditEvent)
    counts.items = counts.by_table.get("plans_item", 0)
    counts.targets = counts.by_table.get("plans_target", 0)
    counts.reports = counts.by_table.get("delivery_progressreport", 0)
    counts.notices = counts.by_table.get("delivery_supervisionnotice", 0)
    counts.comments = counts.by_table.get("participation_comment", 0)
    counts.suggestions = counts.by_table.get("participation_suggestion", 0)
    counts.audit_events = counts.by_table.get("accounts_auditevent", 0)


def _pace(rng: random.Random) -> float:
    """How fast an item goes against its schedule: most on schedule, some behind, a few far behind."""
    draw = rng.random()
    if draw < 0.75:
        return rng.uniform(0.97, 1.15)
    if draw < 0.92:
        return rng.uniform(0.8, 0.95)
    return rng.uniform(0.3, 0.7)


def _plan_rows(
    rng: random.Random,
    writer: _Writer,
    plan: Plan,
    version: PlanVersion,
    size: int,
    departments: list[Department],
    reporters: dict[int, int],
    on: dt.date,
    public: list[int],
) -> None:
    action_count = min(size, rng.randint(5, 12))
    actions = [
        Action(plan=plan, no=n + 1, title=_ACTIONS[n % len(_ACTIONS)], added_in=version)
        for n in range(action_count)
    ]
    for action in actions:
        writer.add(action)
    ends = _month_ends(plan.year, min(on, dt.date(plan.year, 12, 31)))
    now = timezone.now()
    for no in range(1, size + 1):
        action = actions[(no - 1) * action_count // size]
        work, unit = rng.choice(_WORKS)
        place = rng.choice(_PLACES)
        item = Item(
            plan=plan,
            action=action,
            no=no,
            title=f"{place}{work}",
            text=f"{place}{work}，年内完成，惠及群众。",
            locations=[place],
            added_in=version,
        )
        writer.add(item)
        lead = rng.choice(departments)
        writer.add(ItemDepartment(item=item, department=lead, role=ItemDepartment.Role.LEAD))
        if rng.random() < 0.3:
            other = rng.choice(departments)
            if other is not lead:
                writer.add(ItemDepartment(item=item, department=other, role=ItemDepartment.Role.SUPPORTING))
        writer.add(Assignment(item=item, deadline=dt.date(plan.year, 12, 31)))
        if rng.random() < 0.2:
            writer.add(
                Standard(
                    item=item, subject=work, op=Op.EXACTLY, amount=Decimal(rng.randint(50, 500)), per=unit
                )
            )
        pace = _pace(rng)
        for position in range(rng.choice((1, 1, 2, 2, 3, 4))):
            _target_rows(rng, writer, item, version, position, unit, pace, ends, lead, reporters, now)
        if pace < 0.75 and ends:
            state = rng.choice(_NOTICE_STATES)
            writer.add(
                SupervisionNotice(
                    item=item,
                    department=lead,
                    reason="进度明显滞后",
                    demand="说明原因并提交赶进度计划",
                    reply_deadline=ends[-1] + dt.timedelta(days=10),
                    status=state,
                    explanation="" if state == "open" else "受天气影响，已增派人手",
                    replied_at=None if state == "open" else now,
                    resolved_at=now if state in ("closed", "escalated") else None,
                )
            )
    items_of_plan = [row for row in writer.rows[Item] if isinstance(row, Item) and row.plan is plan]
    comment_count = max(5, COMMENTS_PER_PLAN * size // 40) if size < 200 else COMMENTS_PER_PLAN
    for _ in range(comment_count):
        item = rng.choice(items_of_plan)
        writer.add(
            Comment(
                plan=plan,
                item=item,
                author_id=rng.choice(public),
                text=f"建议{item.title}加快进度，优先考虑老旧小区。",
                status=rng.choice(_COMMENT_STATES),
            )
        )
    for n in range(SUGGESTIONS_PER_PLAN):
        work, _unit = rng.choice(_WORKS)
        writer.add(
            Suggestion(
                plan=plan,
                author_id=rng.choice(public),
                title=f"{rng.choice(_PLACES)}{work}",
                content=f"希望{work}。",
                reason="群众需求迫切",
                status=_SUGGESTION_STATES[n % len(_SUGGESTION_STATES)],
                outcome_reason="已列入其他项目" if n % len(_SUGGESTION_STATES) == 3 else "",
            )
        )


def _target_rows(
    rng: random.Random,
    writer: _Writer,
    item: Item,
    version: PlanVersion,
    position: int,
    unit: str,
    pace: float,
    ends: list[dt.date],
    lead: Department,
    reporters: dict[int, int],
    now: dt.datetime,
) -> None:
    milestone = rng.random() < 0.15
    if milestone:
        target = Target(item=item, position=position, kind="milestone", subject="建成投用", op=Op.EXACTLY)
    else:
        op = rng.choice(_OPS)
        value = Decimal(rng.choice((5, 9, 12, 40, 100, 500, 1200, 17000)))
        target = Target(
            item=item,
            position=position,
            kind="quantity",
            subject=item.title,
            op=op,
            value=value,
            value_max=value * Decimal("1.2") if op == Op.RANGE else None,
            unit=unit,
            source=f"{item.title}{value}{unit}",
            added_in=version,
        )
    target.added_in = version
    writer.add(target)
    stages = list(Stage.values)
    for month, end in enumerate(ends, start=1):
        latest = month == len(ends)
        status = rng.choice(_LATEST_STATES) if latest else "accepted"
        share = min(1.0, pace * month / 12)
        report = ProgressReport(
            target=target,
            department=lead,
            period_end=end,
            actual=None if milestone else (target.value or Decimal(0)) * Decimal(f"{share:.4f}"),
            stage=stages[min(len(stages) - 1, int(share * len(stages)))] if milestone else "",
            status=status,
            published=status == "accepted" and rng.random() < 0.9,
            created_by_id=reporters[lead.pk],
            accepted_at=now if status == "accepted" else None,
            return_reason="数据需核实" if status == "returned" else "",
        )
        writer.add(report)
