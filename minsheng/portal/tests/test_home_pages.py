"""The home page lists the plans fifty at a time, with a search by place or title; its queries do not grow
with the number of plans."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minsheng.plans.tests.factories import PlanFactory, RegionFactory

pytestmark = pytest.mark.django_db


def _plans(count: int, prefix: str = "县") -> None:
    for n in range(count):
        PlanFactory(
            region=RegionFactory(name=f"{prefix}{n:03d}"), year=2025, title=f"{prefix}{n:03d}2025年民生实事"
        )


def test_the_plans_come_fifty_at_a_time(client):
    _plans(120)
    first = client.get(reverse("portal:home")).content.decode()
    assert first.count('class="year"') == 50
    assert 'rel="next"' in first and 'rel="prev"' not in first
    last = client.get(reverse("portal:home"), {"page": 3}).content.decode()
    assert last.count('class="year"') == 20
    assert 'rel="prev"' in last and 'rel="next"' not in last
    # a page past the end shows the last one, a nonsense page the first (never an error)
    assert client.get(reverse("portal:home"), {"page": 99}).content.decode().count('class="year"') == 20
    assert client.get(reverse("portal:home"), {"page": "x"}).status_code == 200


def test_the_search_finds_a_plan_by_place_and_keeps_itself_in_the_page_links(client):
    _plans(60)
    _plans(2, prefix="石河子")
    html = client.get(reverse("portal:home"), {"q": "石河子"}).content.decode()
    assert html.count('class="year"') == 2 and "石河子001" in html
    assert 'value="石河子"' in html
    assert "没有符合条件的清单" in client.get(reverse("portal:home"), {"q": "火星"}).content.decode()
    many = client.get(reverse("portal:home"), {"q": "县"}).content.decode()
    assert "q=%E5%8E%BF&amp;page=2" in many


def test_the_home_page_queries_do_not_grow_with_the_plans(client, django_assert_max_num_queries):
    _plans(3)
    with django_assert_max_num_queries(50) as few:
        client.get(reverse("portal:home"))
    _plans(200, prefix="市")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("portal:home"))
