"""Benchmarks (``make bench``): the public consultation report's first rendering (page cache off) for a plan
with 1,000 published comments over 40 items, and the paged list of one item's comments. Figures printed; no
timing is asserted."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.template.base import Template
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.test.utils import _TestState as _environment
from django.urls import reverse

from minsheng.accounts.tests.factories import OfficeUserFactory, PublicUserFactory
from minsheng.participation import selectors
from minsheng.participation.models import Comment, CommentStatus, Response, Support
from minsheng.participation.phrases import recurring_phrases
from minsheng.participation.tests.factories import WindowFactory
from minsheng.plans.models import Item, ItemRevision, Plan
from minsheng.plans.tests.factories import ActionFactory, ItemFactory, PlanFactory, PlanVersionFactory

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

COMMENTS = 1000
ITEMS = 40
AUTHORS = 300
RUNS = 7

# Pieces of comments as residents write them: concerns that recur across items, with filler between.
CONCERNS = [
    "老旧小区燃气管道改造",
    "停车位不够",
    "加装电梯",
    "公交线路调整",
    "垃圾分类投放点",
    "社区养老服务中心",
    "学校周边交通安全",
    "雨污分流工程",
    "路灯维修",
    "菜市场升级改造",
    "小区绿化",
    "噪音扰民",
]
FILLER = [
    "建议尽快落实",
    "希望政府重视",
    "施工期间请注意安全",
    "资金要公开透明",
    "群众反映强烈",
    "请考虑老年人需求",
    "进度太慢",
    "覆盖面还不够广",
    "请公布时间表",
    "我们小区一直没有解决",
]


def _text(rng: random.Random, k: int) -> str:
    parts = [rng.choice(CONCERNS) for _ in range(rng.randint(1, 3))]
    parts += [rng.choice(FILLER) for _ in range(rng.randint(1, 4))]
    rng.shuffle(parts)
    return "，".join(parts) + f"（第{k}条）。"


def build_plan(*, comments: int = COMMENTS, items: int = ITEMS, authors: int = AUTHORS) -> Plan:
    """A draft under consultation with ``items`` items, each revised once, and ``comments`` published
    comments spread over them from ``authors`` people, half answered by the office, with supporters."""
    rng = random.Random(7)
    plan = PlanFactory(status=Plan.Status.CONSULTATION)
    WindowFactory(plan=plan)
    action = ActionFactory(plan=plan)
    version = PlanVersionFactory(plan=plan)
    office = OfficeUserFactory()
    rows: list[Item] = [
        ItemFactory(action=action, no=no, text=f"第{no}项：{rng.choice(CONCERNS)}，年内完成。")
        for no in range(1, items + 1)
    ]
    revisions = {
        item.pk: ItemRevision.objects.create(
            item=item, version=version, kind="changed", no=item.no, text=item.text + "并公开进度。"
        )
        for item in rows
    }
    people = [PublicUserFactory() for _ in range(authors)]
    made = Comment.objects.bulk_create(
        [
            Comment(
                plan=plan,
                item=rows[k % items],
                author=people[k % authors],
                text=_text(rng, k),
                status=CommentStatus.PUBLISHED,
            )
            for k in range(comments)
        ]
    )
    kinds = ["adopted", "partly", "not_adopted", "answered"]
    Response.objects.bulk_create(
        [
            Response(
                comment=comment,
                kind=kinds[k % 4],
                text="已研究，将在修订稿中体现。",
                revision=revisions[comment.item_id] if k % 4 < 2 else None,
                created_by=office,
            )
            for k, comment in enumerate(made)
            if k % 2 == 0
        ]
    )
    Support.objects.bulk_create(
        [Support(item=item, user=person) for item in rows for person in people[: rng.randint(0, 20)]]
    )
    return plan


@contextmanager
def _as_in_production() -> Iterator[None]:
    """Templates rendered without the test runner's instrumentation (a signal and a copy of the context per
    template rendered, which a page of many includes pays for many times over)."""
    instrumented = Template._render
    Template._render = _environment.saved_data.template_render  # type: ignore[attr-defined, method-assign]
    try:
        yield
    finally:
        Template._render = instrumented


def _time(client: Client, url: str) -> tuple[list[float], list[float], int, int]:
    """Wall-clock and CPU milliseconds of ``RUNS`` renderings (CPU time moves less when others share the
    machine), then the queries and the size of one more."""
    wall, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return wall, cpu, len(ctx.captured_queries), len(response.content)


@override_settings(PAGE_CACHE_ENABLED=False)
def test_bench_consultation_report_first_rendering(client):
    plan = build_plan()
    client.get(reverse("participation:report", args=[plan.pk]))  # warm the templates and translations
    url = reverse("participation:report", args=[plan.pk])
    instrumented, _cpu, _queries, _size = _time(client, url)
    with _as_in_production():
        wall, cpu, queries, size = _time(client, url)
    print(
        f"\nconsultation report, {COMMENTS} comments over {ITEMS} items, page cache off, {RUNS} runs: "
        f"median {statistics.median(wall):.0f} ms, min {min(wall):.0f} ms, max {max(wall):.0f} ms; "
        f"CPU median {statistics.median(cpu):.0f} ms "
        f"(with the test runner's template instrumentation: median {statistics.median(instrumented):.0f} ms); "
        f"{queries} queries; {size // 1024} KiB"
    )


def test_bench_consultation_report_selector():
    plan = build_plan()
    selectors.consultation_report_get(plan_id=plan.pk)
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        selectors.consultation_report_get(plan_id=plan.pk)
        timings.append((time.perf_counter() - start) * 1000)
    texts = list(Comment.objects.filter(plan=plan).values_list("text", flat=True))
    start = time.perf_counter()
    recurring_phrases(texts)
    phrases = (time.perf_counter() - start) * 1000
    print(
        f"\nconsultation_report_get alone, {COMMENTS} comments: median {statistics.median(timings):.0f} ms; "
        f"the plan's recurring phrases alone: {phrases:.0f} ms"
    )
