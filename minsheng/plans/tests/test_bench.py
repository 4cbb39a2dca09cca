"""Benchmarks (``make bench``): importing the seed, and the plan page."""

import pytest
from django.urls import reverse

from minsheng.plans.services import plan_import

pytestmark = [pytest.mark.bench, pytest.mark.django_db]


def test_bench_import_of_the_seed(benchmark, seed_docx):
    content = seed_docx.read_bytes()
    years = iter(range(2000, 2200))

    def run():
        return plan_import(content=content, filename=seed_docx.name, year=next(years))

    result = benchmark.pedantic(run, rounds=5, iterations=1)
    assert result.plan.items.count() == 40


def test_bench_plan_page_of_the_seed(benchmark, client, seed_docx):
    plan = plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name).plan
    url = reverse("portal:plan", args=[plan.pk])
    response = benchmark(client.get, url)
    assert response.status_code == 200
