"""Benchmarks (``make bench``): the public plan page with its overview and charts on the seed being
delivered (figures accepted on every item over three months), searched and not, and the office dashboard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.tests.factories import OfficeUserFactory
from minsheng.delivery import services
from minsheng.plans.models import Target
from minsheng.plans.services import plan_import
from minsheng.portal.tests.test_public_face import _deliver
from minsheng.testing import sign_in

pytestmark = [pytest.mark.bench, pytest.mark.django_db]


@pytest.fixture
def delivered(seed_docx):
    year = timezone.localdate().year
    plan = _deliver(plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name, year=year).plan)
    office = OfficeUserFactory()
    for target in Target.objects.filter(item__plan=plan, removed_in__isnull=True, kind=Target.Kind.QUANTITY):
        for month in (1, 2, 3):
            services.report_record_accepted(
                target=target,
                by=office,
                period_end=dt.date(year, month, 28),
                actual=(target.value or Decimal(10)) * month / 12,
            )
    return plan, office


def test_bench_plan_page_with_charts(benchmark, client, delivered):
    plan, _office = delivered
    url = reverse("portal:plan", args=[plan.pk])
    response = benchmark(client.get, url)
    assert response.status_code == 200
    assert b'id="overview-charts"' in response.content


def test_bench_plan_page_searched_and_filtered(benchmark, client, delivered):
    plan, _office = delivered
    url = reverse("portal:plan", args=[plan.pk]) + "?q=%E5%BB%BA%E8%AE%BE&light=red"
    response = benchmark(client.get, url)
    assert response.status_code == 200


def test_bench_dashboard_with_forecast(benchmark, client, delivered):
    plan, office = delivered
    sign_in(client, office)
    response = benchmark(client.get, reverse("delivery:dashboard", args=[plan.pk]))
    assert response.status_code == 200
