"""Every measured page makes as many queries on a small data set as on a larger one, and on a plan of 300
items as on one of the usual size (the pages that ``make bench`` times, on synthetic data)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client

from minsheng.demo.bench import Page, pages
from minsheng.demo.synth import synth

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 10, 15)


def _queries(page: Page) -> tuple[int, int]:
    client = Client()
    if page.user is not None:
        client.force_login(page.user)
    client.get(page.url)  # a first request may fill per-process caches (the site's menu, translations)
    made: list[str] = []

    def count(execute, sql, params, many, context):
        made.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = client.get(page.url).status_code
    return status, len(made)


def test_the_pages_query_counts_do_not_grow_with_the_data():
    synth(plans=2, seed=1, on=ON, refresh_statistics=False)
    small = {page.name: (page, _queries(page)) for page in pages()}
    assert all(status == 200 for _page, (status, _n) in small.values()), small

    synth(plans=10, seed=2, on=ON, big_plan_items=300, refresh_statistics=False)
    for name, (page, (_status, queries)) in small.items():
        assert _queries(page) == (200, queries), name
    larger = {page.name: page for page in pages()}
    for name in ("plan", "dashboard"):
        assert _queries(larger[f"{name} (largest)"])[1] == small[name][1][1], name
