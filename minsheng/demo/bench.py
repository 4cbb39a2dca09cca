"""Page benchmarks against whatever database is configured: ``minsheng benchpages`` (run by ``make bench``).

Each page is requested in-process through Django's test client, so through every middleware the site runs
(sessions, CSRF, security headers, sign-in, locale…) but without a network or a server process; the trivial
view ``/healthz`` is requested the same way, interleaved with the page, so that a noisy machine slows both
alike. What is printed per page: median and 99th-percentile latency, the queries one request makes, and the
page's requests per second as a ratio to the trivial view's (``trivial median / page median``; 0.5 means
the page serves half as many requests as a view that returns "ok").

The objects are chosen the same way on any database: the adopted plan whose size is nearest the seed's (40
items), its first item, its lead department's reporter, an office account (created if the database has
none, as synthetic sets do), and the largest plan as a separate line.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from minsheng.accounts.models import User
from minsheng.plans.models import Item, ItemDepartment, Plan

TYPICAL_ITEMS = 40


@dataclass(frozen=True)
class PageTiming:
    name: str
    url: str
    status: int
    median_ms: float
    p99_ms: float
    queries: int
    ratio: float  # requests per second as a share of the trivial view's

    def line(self) -> str:
        return (
            f"{self.name:<24} {self.median_ms:8.2f} ms median {self.p99_ms:8.2f} ms p99 "
            f"{self.queries:4d} queries  {self.ratio:6.3f} of trivial  [{self.status}] {self.url}"
        )


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    user: User | None


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def pages() -> list[Page]:
    """The pages to measure, on this database's objects (see the module's docstring)."""
    plans = list(
        Plan.objects.filter(status__in=(Plan.Status.ADOPTED, Plan.Status.CLOSED))
        .annotate(size=Count("items"))
        .values_list("pk", "size", "status")
    )
    if not plans:
        raise LookupError(
            "no adopted plan to measure: build a demo (minsheng demo) or a set (minsheng synth)"
        )
    # the current plan nearest the seed's size; the largest plan separately
    plan_id = min(
        plans, key=lambda row: (row[2] != Plan.Status.ADOPTED, abs(row[1] - TYPICAL_ITEMS), row[0])
    )[0]
    largest_id = max(plans, key=lambda row: (row[1], -row[0]))[0]
    item = Item.objects.filter(plan_id=plan_id, removed_in=None).order_by("no").first()
    assert item is not None
    lead = ItemDepartment.objects.filter(item__plan_id=plan_id, role=ItemDepartment.Role.LEAD).first()
    reporter = (
        User.objects.filter(role=User.Role.REPORTER, department_id=lead.department_id, is_active=True).first()
        if lead
        else None
    )
    office = User.objects.filter(role=User.Role.OFFICE, is_active=True).first()
    if office is None:
        office = User.objects.create(username="bench-office", role=User.Role.OFFICE, is_staff=True)
    found = [
        Page("home", reverse("portal:home"), None),
        Page("plan", reverse("portal:plan", args=[plan_id]), None),
        Page("item", reverse("portal:item", args=[item.pk]), None),
        Page("dashboard", reverse("delivery:dashboard", args=[plan_id]), office),
        Page("consultation report", reverse("participation:report", args=[plan_id]), office),
    ]
    if reporter is not None:
        found.append(Page("workspace", reverse("delivery:workspace"), reporter))
    if largest_id != plan_id:
        found.append(Page("plan (largest)", reverse("portal:plan", args=[largest_id]), None))
        found.append(Page("dashboard (largest)", reverse("delivery:dashboard", args=[largest_id]), office))
    return found


def measure(page: Page, *, rounds: int, sign_in: Callable[[Client, User], None]) -> PageTiming:
    """Time ``rounds`` requests of ``page`` interleaved with as many of ``/healthz`` (after a warm-up)."""
    client = Client(SERVER_NAME=_host())
    if page.user is not None:
        sign_in(client, page.user)
    trivial = reverse("health")
    for _ in range(3):
        client.get(page.url)
        client.get(trivial)
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = client.get(page.url).status_code
    times, trivial_times = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get(page.url)
        times.append(time.perf_counter() - started)
        started = time.perf_counter()
        client.get(trivial)
        trivial_times.append(time.perf_counter() - started)
    median = statistics.median(times)
    return PageTiming(
        name=page.name,
        url=page.url,
        status=status,
        median_ms=median * 1000,
        p99_ms=_percentile(times, 0.99) * 1000,
        queries=len(queries),
        ratio=statistics.median(trivial_times) / median,
    )


def _host() -> str:
    """A host name the settings accept (the test client's own, testserver, is not among a server's)."""
    allowed = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*"]
    return allowed[0] if allowed else "localhost"


def force_sign_in(client: Client, user: User) -> None:
    client.force_login(user)
