"""Pages that grow with the data are paged (issue K): a big plan's cards, the office dashboard's items, its
reports to review and its open notices, the home page's and the office's plan lists; each page of them
costs the same queries; the plan page's summary adds up the funding estimate as the full plan read does;
and ``minsheng benchpages --sample`` times first renderings."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minsheng.accounts.tests.factories import OfficeUserFactory
from minsheng.delivery.models import ReportStatus
from minsheng.delivery.selectors.pages import DASHBOARD_ITEMS_PER_PAGE, DASHBOARD_LIST_PAGE
from minsheng.delivery.tests.factories import ProgressReportFactory, SupervisionNoticeFactory
from minsheng.demo.synth import synth
from minsheng.plans.models import Plan
from minsheng.plans.selectors import item_page_get, plan_summary_get
from minsheng.plans.services import plan_import
from minsheng.portal.overview import CARDS_PER_PAGE
from minsheng.portal.selectors import HOME_PAGE_SIZE
from minsheng.portal.tests.test_public_face import _built, _cards
from minsheng.testing import sign_in

pytestmark = pytest.mark.django_db

ITEMS = CARDS_PER_PAGE + 30


@pytest.fixture
def big_plan() -> Plan:
    return _built(ITEMS, "大市")


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


def test_a_big_plans_cards_come_a_hundred_a_page_and_every_one_is_reachable(client, big_plan):
    url = reverse("portal:plan", args=[big_plan.pk])
    first_queries, first = _queries(client, url)
    assert len(_cards(first)) == CARDS_PER_PAGE
    assert "?page=2#items" in first
    second_queries, second = _queries(client, url + "?page=2")
    assert second_queries == first_queries
    assert sorted(_cards(first) + _cards(second)) == list(range(1, ITEMS + 1))
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # a page past the end is the last, a page that is not a number the first
    assert _cards(client.get(url + "?page=99").content.decode()) == _cards(second)
    assert _cards(client.get(url + "?page=abc").content.decode()) == _cards(first)


def test_the_plan_pages_pager_keeps_the_filters(client, big_plan):
    url = reverse("portal:plan", args=[big_plan.pk])
    html = client.get(url + "?q=群众").content.decode()
    assert len(_cards(html)) == CARDS_PER_PAGE
    assert "?q=%E7%BE%A4%E4%BC%97&amp;page=2#items" in html


def test_a_plan_of_the_usual_size_is_one_page_without_a_pager(client):
    plan = _built(12, "小市")
    html = client.get(reverse("portal:plan", args=[plan.pk])).content.decode()
    assert len(_cards(html)) == 12
    assert 'class="pages"' not in html


def test_the_dashboard_pages_its_items_at_the_same_cost(client, big_plan):
    sign_in(client, OfficeUserFactory())
    url = reverse("delivery:dashboard", args=[big_plan.pk])
    first_queries, first = _queries(client, url)
    second_queries, second = _queries(client, url + "?page=2")
    assert first_queries == second_queries
    rows = re.compile(r'<li id="item-(\d+)">')
    shown = [int(no) for no in rows.findall(first)], [int(no) for no in rows.findall(second)]
    assert len(shown[0]) == DASHBOARD_ITEMS_PER_PAGE
    assert sorted(shown[0] + shown[1]) == list(range(1, ITEMS + 1))
    assert "?page=2#all-items" in first
    assert "projected" in first or "预计到期完成" in first  # each row carries its item's forecast


def test_the_dashboard_pages_the_reports_to_review_and_the_open_notices(client):
    plan = _built(3, "丙市")
    item = plan.items.get(no=1)
    target = item.targets.first()
    for day in range(DASHBOARD_LIST_PAGE + 5):
        ProgressReportFactory(
            target=target,
            status=ReportStatus.APPROVED,
            period_end=dt.date(plan.year, 1, 1) + dt.timedelta(day),
        )
        SupervisionNoticeFactory(item=item)
    sign_in(client, OfficeUserFactory())
    url = reverse("delivery:dashboard", args=[plan.pk])
    first_queries, first = _queries(client, url)
    assert first.count('href="/delivery/reports/') == DASHBOARD_LIST_PAGE
    assert first.count('href="/delivery/notices/') == DASHBOARD_LIST_PAGE
    assert "reviews=2#h-review" in first and "notices=2#h-notices" in first
    later_queries, later = _queries(client, url + "?reviews=2&notices=2")
    assert later_queries == first_queries
    assert later.count('href="/delivery/reports/') == 5
    assert later.count('href="/delivery/notices/') == 5


def test_the_plan_summary_adds_up_the_item_pages_estimates(seed_docx):
    plan = plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name, year=2025).plan
    summary = plan_summary_get(plan_id=plan.pk)
    assert summary is not None and summary.item_count == 40
    each = [item_page_get(item_id=item.pk).estimate for item in plan.items.all()]  # no item removed
    possible = [estimate for estimate in each if estimate.possible]
    assert len(possible) > 0
    assert (summary.estimate.total, summary.estimate.covered, summary.estimate.items) == (
        sum(estimate.total for estimate in possible),
        len(possible),
        40,
    )
    assert summary.estimate.minimum == any(estimate.minimum for estimate in possible)
    assert plan_summary_get(plan_id=plan.pk + 1000) is None


def test_the_plan_lists_are_paged_with_each_plans_item_count(client):
    synth(
        plans=HOME_PAGE_SIZE + 3, seed=3, on=dt.date(2026, 3, 15), refresh_statistics=False, big_plan_items=60
    )
    counts = {plan.pk: plan.items.filter(removed_in__isnull=True).count() for plan in Plan.objects.all()}
    first_queries, first = _queries(client, reverse("portal:home"))
    second_queries, second = _queries(client, reverse("portal:home") + "?page=2")
    assert first_queries == second_queries
    listed = re.compile(r'href="/plans/(\d+)/">')
    shown = [int(pk) for pk in listed.findall(first)] + [int(pk) for pk in listed.findall(second)]
    assert sorted(shown) == sorted(counts)
    for pk in listed.findall(second):
        assert re.search(
            rf'href="/plans/{pk}/">.*?</a>\s*<span class="meta">[^<]*{counts[int(pk)]}', second, re.S
        )

    sign_in(client, OfficeUserFactory())
    office = client.get(reverse("delivery:home")).content.decode()
    assert office.count('href="/delivery/plans/') == 50
    assert "?page=2" in office


def test_benchpages_samples_first_renderings(settings):
    synth(plans=3, seed=4, on=dt.date(2026, 3, 15), refresh_statistics=False)
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    out = io.StringIO()
    call_command("benchpages", "--sample", "2", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("== first renderings")
    named = {line.split("  ")[0].strip() for line in lines[1:]}
    assert {"home", "plan", "item", "dashboard", "consultation report", "workspace"} <= named
    assert all("[200]" in line for line in lines[1:] if "over 0 pages" not in line)
    with pytest.raises(CommandError):
        call_command("benchpages", "--sample", "many")


def test_the_query_plan_check_finds_a_query_that_reads_a_whole_table(client):
    from minsheng.demo.bench import full_scans, sampled_pages, whole_table_reads

    _built(3, "丁市")
    reading = whole_table_reads("SELECT id FROM plans_item WHERE text LIKE %s", ["%群众%"], big=0)
    assert reading and "plans_item" in reading[0]
    assert whole_table_reads("SELECT id FROM plans_item WHERE id = %s", [1], big=0) == []
    lines = full_scans(sampled_pages(1)["plan"], sign_in=sign_in)
    assert lines and "0 reading a whole table" in lines[0]  # nothing of this size is big
