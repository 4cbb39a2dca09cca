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

``--sample N`` measures first renderings instead (:func:`sampled_pages`, :func:`measure_sample`): each page
kind for N different plans chosen at random (with a fixed seed), each requested once with the page cache
off, so that what is timed is a rendering from the database, as the first reader after a write gets it.
Printed per kind: median and 99th-percentile latency over the N, and the fewest and most queries.

``--explain`` asks the database for the plan of every query those pages make (:func:`full_scans`) and prints
each query that reads a whole table of more than a few thousand rows: the check that the indexes match
the queries, at whatever scale the database holds.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
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
    """Sign ``client`` in as ``user`` as a real session is: the password, then for the office the second
    factor as ``django_otp.login`` records it (an authenticator is made for a synthetic office account)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from minsheng.accounts.rules import two_factor_required

    client.force_login(user)
    if two_factor_required(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


# --- first renderings over a sample of plans ---------------------------------------------------------------


@dataclass(frozen=True)
class SampleTiming:
    name: str
    count: int
    median_ms: float
    p99_ms: float
    fewest_queries: int
    most_queries: int
    statuses: tuple[int, ...]
    slowest: str = ""  # the slowest page's address

    def line(self) -> str:
        queries = (
            f"{self.fewest_queries}"
            if self.fewest_queries == self.most_queries
            else f"{self.fewest_queries}-{self.most_queries}"
        )
        return (
            f"{self.name:<24} {self.median_ms:8.2f} ms median {self.p99_ms:8.2f} ms p99 "
            f"{queries:>7} queries  over {self.count} pages  {list(self.statuses)}  slowest: {self.slowest}"
        )


def sampled_pages(count: int, *, seed: int = 1) -> dict[str, list[Page]]:
    """Each page kind for ``count`` different adopted or closed plans chosen at random (``seed``): the plan,
    its first item, its dashboard and consultation report, its lead department's reporter's workspace; and
    the first ``count`` pages of the home page's list."""
    plan_ids = sorted(
        Plan.objects.filter(status__in=(Plan.Status.ADOPTED, Plan.Status.CLOSED)).values_list("pk", flat=True)
    )
    if not plan_ids:
        raise LookupError(
            "no adopted plan to measure: build a demo (minsheng demo) or a set (minsheng synth)"
        )
    chosen = random.Random(seed).sample(plan_ids, min(count, len(plan_ids)))  # noqa: S311 (a benchmark's sample)
    office = User.objects.filter(role=User.Role.OFFICE, is_active=True).first()
    if office is None:
        office = User.objects.create(username="bench-office", role=User.Role.OFFICE, is_staff=True)
    found: dict[str, list[Page]] = {
        "home": [Page("home", f"{reverse('portal:home')}?page={n}", None) for n in range(1, count + 1)],
        "plan": [],
        "item": [],
        "dashboard": [],
        "consultation report": [],
        "workspace": [],
    }
    for plan_id in chosen:
        found["plan"].append(Page("plan", reverse("portal:plan", args=[plan_id]), None))
        item = Item.objects.filter(plan_id=plan_id, removed_in=None).order_by("no").first()
        if item is not None:
            found["item"].append(Page("item", reverse("portal:item", args=[item.pk]), None))
        found["dashboard"].append(Page("dashboard", reverse("delivery:dashboard", args=[plan_id]), office))
        found["consultation report"].append(
            Page("consultation report", reverse("participation:report", args=[plan_id]), office)
        )
        lead = ItemDepartment.objects.filter(item__plan_id=plan_id, role=ItemDepartment.Role.LEAD).first()
        reporter = (
            User.objects.filter(
                role=User.Role.REPORTER, department_id=lead.department_id, is_active=True
            ).first()
            if lead
            else None
        )
        if reporter is not None:
            found["workspace"].append(Page("workspace", reverse("delivery:workspace"), reporter))
    return found


def measure_sample(name: str, found: list[Page], *, sign_in: Callable[[Client, User], None]) -> SampleTiming:
    """Request each of ``found`` once with the page cache off (one client per viewer, signed in once;
    a warm-up request of the first page first, so that templates are compiled)."""
    clients: dict[int | None, Client] = {}

    def client_for(user: User | None) -> Client:
        key = None if user is None else user.pk
        if key not in clients:
            clients[key] = Client(SERVER_NAME=_host())
            if user is not None:
                sign_in(clients[key], user)
        return clients[key]

    times: list[float] = []
    query_counts: list[int] = []
    statuses: set[int] = set()
    with override_settings(PAGE_CACHE_ENABLED=False):
        if found:
            client_for(found[0].user).get(found[0].url)
        for page in found:
            client = client_for(page.user)
            queries = 0

            def count(execute, sql, params, many, context):
                nonlocal queries
                queries += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                started = time.perf_counter()
                status = client.get(page.url).status_code
                times.append(time.perf_counter() - started)
            query_counts.append(queries)
            statuses.add(status)
    if not times:
        return SampleTiming(name, 0, 0.0, 0.0, 0, 0, ())
    return SampleTiming(
        name=name,
        count=len(times),
        median_ms=statistics.median(times) * 1000,
        p99_ms=_percentile(times, 0.99) * 1000,
        fewest_queries=min(query_counts),
        most_queries=max(query_counts),
        statuses=tuple(sorted(statuses)),
        slowest=found[times.index(max(times))].url,
    )


# --- query plans -----------------------------------------------------------------------------------------

BIG_TABLE = 5000  # rows: a plan that reads a whole table smaller than this is no concern


def _rows_over(table: str, limit: int) -> bool:
    """Whether ``table`` (a name the database's plan gave) holds more than ``limit`` rows."""
    if table not in connection.introspection.table_names():
        return False  # a subquery's or a view's name, not a table
    with connection.cursor() as cursor:
        name = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {name} LIMIT %s) AS t", [limit + 1])  # noqa: S608
        return cursor.fetchone()[0] > limit


def whole_table_reads(sql: str, params: Any, *, big: int = BIG_TABLE) -> list[str]:
    """The steps of the database's plan for ``sql`` that read a whole table of more than ``big`` rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            steps = [str(row[-1]) for row in cursor.fetchall()]
            pattern = re.compile(r"SCAN (\w+)")
        else:
            cursor.execute("EXPLAIN " + sql, params)
            steps = [str(row[0]).strip() for row in cursor.fetchall()]
            pattern = re.compile(r"Seq Scan on (\w+)")
    found = []
    for step in steps:
        match = pattern.search(step)
        if match and " USING " not in step and _rows_over(match.group(1), big):
            found.append(step)
    return found


def full_scans(found: list[Page], *, sign_in: Callable[[Client, User], None]) -> list[str]:
    """A line per page of ``found``: its queries and each one whose plan reads a whole big table."""
    lines: list[str] = []
    with override_settings(PAGE_CACHE_ENABLED=False):
        for page in found:
            client = Client(SERVER_NAME=_host())
            if page.user is not None:
                sign_in(client, page.user)
            client.get(page.url)  # the per-process caches filled
            made: list[tuple[str, Any]] = []

            def keep(execute, sql, params, many, context, made=made):
                made.append((sql, params))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(keep):
                client.get(page.url)
            reads = [
                (sql, steps)
                for sql, params in made
                if sql.lstrip().upper().startswith("SELECT") and (steps := whole_table_reads(sql, params))
            ]
            lines.append(
                f"{page.name:<24} {page.url:<44} {len(made):3d} queries, {len(reads)} reading a whole table"
            )
            lines.extend(f"    {'; '.join(steps)}: {sql[:160]}" for sql, steps in reads)
    return lines
