"""Carrying unfinished items into next year's plan from the browser (the office): the page lists the items
that are not done (the completion rule), carries the ticked ones, links each back; every role refused."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minsheng.accounts.tests.factories import (
    DeptHeadFactory,
    DeputyFactory,
    OfficeUserFactory,
    PublicUserFactory,
    ReporterFactory,
)
from minsheng.delivery.models import ReportStatus
from minsheng.delivery.tests.factories import ProgressReportFactory
from minsheng.plans.models import Item, Plan
from minsheng.plans.services import plan_document_import
from minsheng.plans.tests.factories import document
from minsheng.testing import sign_in

pytestmark = [pytest.mark.django_db]

NOT_OFFICE = {
    "public": PublicUserFactory,
    "deputy": DeputyFactory,
    "reporter": ReporterFactory,
    "head": DeptHeadFactory,
}


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def plan() -> Plan:
    result = plan_document_import(document=document(n_items=4))
    Plan.objects.filter(pk=result.plan.pk).update(status=Plan.Status.ADOPTED)
    done = Item.objects.get(plan=result.plan, no=1)
    target = done.targets.get()
    ProgressReportFactory(
        target=target,
        status=ReportStatus.ACCEPTED,
        actual=target.value,
        period_end=f"{result.plan.year}-11-30",
    )
    return result.plan


def _url(plan: Plan) -> str:
    return reverse("portal:carry_over", args=[plan.pk])


def test_the_office_carries_the_unfinished_items_and_each_links_back(client, plan):
    sign_in(client, OfficeUserFactory())
    page = client.get(_url(plan)).content.decode()
    unfinished = list(Item.objects.filter(plan=plan, no__in=[2, 3, 4]).order_by("no"))
    done = Item.objects.get(plan=plan, no=1)
    for item in unfinished:
        assert f'value="{item.pk}"' in page
    assert f'value="{done.pk}"' not in page
    assert "There is no plan for 2026 yet" in page

    response = client.post(_url(plan), {"items": [unfinished[0].pk, unfinished[2].pk]})
    following = Plan.objects.get(region=plan.region, year=2026)
    assert response.status_code == 302 and response.url == reverse("plans_edit:versions", args=[following.pk])
    new = list(Item.objects.filter(plan=following).order_by("no"))
    assert [i.carried_from_id for i in new] == [unfinished[0].pk, unfinished[2].pk]
    history = client.get(reverse("plans_edit:history", args=[new[0].pk])).content.decode()
    assert reverse("portal:item", args=[unfinished[0].pk]) in history

    # carried items are no longer offered; the one left is, into the plan that exists now
    page = client.get(_url(plan)).content.decode()
    assert f'value="{unfinished[0].pk}"' not in page and f'value="{unfinished[1].pk}"' in page
    assert "as its next version" in page


def test_nothing_ticked_or_a_done_item_is_refused_and_nothing_is_made(client, plan):
    sign_in(client, OfficeUserFactory())
    assert client.post(_url(plan), {}).status_code == 400
    done = Item.objects.get(plan=plan, no=1)
    assert client.post(_url(plan), {"items": [done.pk]}).status_code == 400
    assert not Plan.objects.filter(year=2026).exists()


@pytest.mark.parametrize("role", NOT_OFFICE)
def test_no_one_but_the_office_carries_items_over(client, plan, role):
    sign_in(client, NOT_OFFICE[role]())
    item = Item.objects.get(plan=plan, no=2)
    assert client.get(_url(plan)).status_code == 403
    assert client.post(_url(plan), {"items": [item.pk]}).status_code == 403
    assert not Plan.objects.filter(year=2026).exists()


def test_a_visitor_is_asked_to_sign_in(client, plan):
    response = client.get(_url(plan))
    assert response.status_code == 302 and "login" in response.url


def test_the_page_costs_the_same_queries_whatever_the_plan(client, plan, django_assert_num_queries):
    sign_in(client, OfficeUserFactory())
    client.get(_url(plan))
    with CaptureQueriesContext(connection) as small:
        client.get(_url(plan))
    bigger = plan_document_import(document=document(n_items=12, year=2024)).plan
    Plan.objects.filter(pk=bigger.pk).update(status=Plan.Status.ADOPTED)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(_url(bigger)).status_code == 200
