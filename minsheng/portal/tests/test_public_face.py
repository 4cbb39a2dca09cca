"""The public face (docs/public-pages.md): the plan page's overview, search and filters; the item page's charts
and share code; the large-text mode; the favicon, the description, compression; and the pages' query budgets
as the plan grows."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from itertools import pairwise
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.tests.factories import OfficeUserFactory
from minsheng.delivery import services
from minsheng.delivery.tests.factories import AssignmentFactory, ItemDepartmentFactory
from minsheng.plans.models import Plan
from minsheng.plans.services import plan_document_import, plan_import, plan_status_set
from minsheng.plans.tests.factories import DepartmentFactory, document
from minsheng.testing import sign_in

pytestmark = pytest.mark.django_db


def _deliver(plan: Plan, *, figures: dict[int, Decimal | str] | None = None) -> Plan:
    """Adopt the plan, give every item a lead department (two departments, by turns) and record accepted,
    published figures this year: ``figures`` maps an item's number to its first target's figure (a stage
    for a milestone)."""
    office = OfficeUserFactory()
    plan_status_set(plan=plan, status=Plan.Status.ADOPTED, by=office)
    water = DepartmentFactory(region=plan.region, name="水务局")
    roads = DepartmentFactory(region=plan.region, name="交通局")
    today = timezone.localdate()
    for item in plan.items.filter(removed_in__isnull=True).order_by("no"):
        ItemDepartmentFactory(item=item, department=water if item.no % 2 else roads)
        AssignmentFactory(item=item, deadline=dt.date(plan.year, 12, 31))
        figure = (figures or {}).get(item.no)
        target = item.targets.order_by("position", "id").first()
        if figure is None or target is None:
            continue
        stage = figure if isinstance(figure, str) else ""
        actual = None if stage else figure
        services.report_record_accepted(
            target=target,
            by=office,
            period_end=dt.date(plan.year, 1, 31),
            actual=actual,
            stage=stage,
            today=today,
        )
    return plan


@pytest.fixture
def seed_plan(seed_docx):
    plan = plan_import(
        content=seed_docx.read_bytes(), filename=seed_docx.name, year=timezone.localdate().year
    ).plan
    return _deliver(plan, figures={1: Decimal(9), 2: Decimal(100), 3: Decimal(100), 4: "started"})


def _get(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def _cards(html: str) -> list[int]:
    return [int(no) for no in re.findall(r'<li class="card" id="item-(\d+)">', html)]


# --- the overview ----------------------------------------------------------------------------------------


def test_the_plan_page_opens_on_progress_at_a_glance(client, seed_plan):
    html = _get(client, reverse("portal:plan", args=[seed_plan.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Progress at a glance" in html
    for heading in (
        "Items by light",
        "The year so far",
        "Completion by action",
        "Completion by lead department",
    ):
        assert heading in html
    assert "Completion by place" in html  # the seed names 31团, 21团…
    # every chart's figures are also in a table or a list: the curve, a row per action and department
    charts = json.loads(
        re.search(r'<script id="overview-charts" type="application/json">(.*?)</script>', html).group(1)
    )
    assert set(charts) == {"lights", "actions", "departments", "places", "curve"}
    assert len(charts["actions"]["labels"]) == 10
    assert html.count('<tr><th scope="row">') >= 10 + 2 + 12
    assert charts["departments"]["labels"] == ["交通局", "水务局"]
    assert sum(s["value"] for s in charts["lights"]["slices"]) == 40
    done = next(s for s in charts["lights"]["slices"] if s["light"] == "done")
    assert done["value"] >= 1 and done["name"] == "done"
    # scripts come from our own files only; the figures travel as JSON, not as script
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag


def test_a_plan_not_yet_delivered_shows_cards_without_lights(client, seed_docx):
    plan = plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name).plan  # a draft
    html = _get(client, reverse("portal:plan", args=[plan.pk]))
    assert len(_cards(html)) == 40
    assert 'id="overview-charts"' not in html and "light light-" not in html


# --- search and filters ----------------------------------------------------------------------------------


def test_search_finds_items_by_the_words_of_their_text(client, seed_plan):
    url = reverse("portal:plan", args=[seed_plan.pk])
    html = _get(client, url + "?q=燃气")
    assert 1 in _cards(html) and len(_cards(html)) < 40
    assert 'value="燃气"' in html  # the search stays in the form, the address can be shared
    assert '<details class="fold action-group" id="action-' in html and " open>" in html
    assert re.search(r"40 个事项中有 \d+ 个符合条件", html)
    assert _cards(_get(client, url + "?q=燃气+管网")) == [1]  # every word must be found
    nothing = _get(client, url + "?q=不存在的词语")
    assert _cards(nothing) == [] and "没有符合条件的事项" in nothing


def test_filters_by_action_department_place_and_light(client, seed_plan):
    url = reverse("portal:plan", args=[seed_plan.pk])
    first_action = seed_plan.actions.get(no=1)
    assert _cards(_get(client, f"{url}?action={first_action.pk}")) == [1, 2, 3, 4]
    odd = _cards(_get(client, url + "?department=水务局"))
    assert odd and all(no % 2 for no in odd) and len(odd) == 20
    assert _cards(_get(client, url + "?place=31团")) == [1]
    done = _get(client, url + "?light=done")
    assert _cards(done) == [3]  # a rate held at 100%: done
    assert '<option value="done" selected>' in done
    both = _get(client, f"{url}?department=交通局&light=done")
    assert _cards(both) == []


def test_a_filter_that_names_nothing_is_ignored(client, seed_plan):
    url = reverse("portal:plan", args=[seed_plan.pk])
    for query in ("?action=abc", "?light=purple", "?action=-3", "?q=" + "长" * 300):
        assert len(_cards(_get(client, url + query))) == 40, query


# --- the item page ---------------------------------------------------------------------------------------


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag, attrs) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def _heading_levels(html: str) -> list[int]:
    parser = _Headings()
    parser.feed(html)
    return parser.levels


def test_the_item_page_charts_each_target_and_shares_its_address(client, seed_plan):
    item = seed_plan.items.get(no=1)
    html = _get(client, reverse("portal:item", args=[item.pk]))
    charts = json.loads(
        re.search(r'<script id="item-charts" type="application/json">(.*?)</script>', html).group(1)
    )
    targets = list(item.targets.filter(removed_in__isnull=True).order_by("position", "id"))
    assert set(charts) == {f"target-{t.pk}" for t in targets}
    first = charts[f"target-{targets[0].pk}"]
    assert first["unit"] == "千米" and first["labels"][0].endswith("-01-31")
    assert first["series"][0]["values"][0] == 9.0  # January's accepted figure
    assert first["series"][1]["values"][-1] == pytest.approx(9.0)  # the whole target by the deadline
    assert "审核通过的数据与序时进度（单位：千米）" in html  # the table beside the chart
    # the share link, and its QR code drawn inline (no image request, nothing from elsewhere)
    assert f'href="http://testserver/items/{item.pk}/"' in html
    assert re.search(
        r'<svg class="qr" role="img" aria-label="本页地址的二维码：http://testserver/items/\d+/"', html
    )
    assert "<img" not in html


def test_the_share_code_uses_the_sites_configured_address(client, seed_plan, settings):
    settings.MINSHENG_SITE_URL = "https://minsheng.example.gov.cn/"
    item = seed_plan.items.get(no=3)
    html = _get(client, reverse("portal:item", args=[item.pk]))
    assert f'href="https://minsheng.example.gov.cn/items/{item.pk}/"' in html
    assert f"二维码：https://minsheng.example.gov.cn/items/{item.pk}/" in html


def test_the_item_page_headings_do_not_skip_a_level(client, seed_plan):
    html = _get(client, reverse("portal:item", args=[seed_plan.items.get(no=26).pk]))
    levels = _heading_levels(html)
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in pairwise(levels)), levels


def test_pages_have_a_description(client, seed_plan):
    item = seed_plan.items.get(no=2)
    for url, expected in (
        ("/", "民生实事清单"),
        (reverse("portal:plan", args=[seed_plan.pk]), "共 40 项民生实事"),
        (reverse("portal:item", args=[item.pk]), "第 2 项"),
    ):
        found = re.search(r'<meta name="description" content="([^"]+)">', _get(client, url))
        assert found and expected in found.group(1), url


# --- the large-text mode ---------------------------------------------------------------------------------


def test_the_large_text_mode_is_one_switch_remembered_on_every_page(client, seed_plan):
    plan_url = reverse("portal:plan", args=[seed_plan.pk])
    html = _get(client, plan_url)
    assert 'action="/care/"' in html and 'value="on"' in html and 'class="care"' not in html
    response = client.post(reverse("portal:care"), {"care": "on", "next": plan_url + "?q=燃气"})
    assert response.status_code == 302 and unquote(response["Location"]) == plan_url + "?q=燃气"
    assert response.cookies["minsheng_care"].value == "1"
    assert response.cookies["minsheng_care"]["max-age"] == 365 * 24 * 3600
    for url in ("/", plan_url, reverse("portal:item", args=[seed_plan.items.get(no=1).pk])):
        page = _get(client, url)
        assert '<html lang="zh-Hans" class="care">' in page, url
        assert 'value="off" aria-pressed="true"' in page
    client.post(reverse("portal:care"), {"care": "off", "next": "/"})
    assert 'class="care"' not in _get(client, "/")


def test_the_switch_goes_back_only_to_this_site(client):
    response = client.post(reverse("portal:care"), {"care": "on", "next": "https://elsewhere.example/"})
    assert response["Location"] == "/"
    assert client.get(reverse("portal:care")).status_code == 405


# --- favicon, compression --------------------------------------------------------------------------------


def test_the_favicon_is_found(client):
    response = client.get("/favicon.ico")
    assert response.status_code in (301, 302) and response["Location"].endswith("portal/favicon.svg")


def test_pages_are_compressed_for_browsers_that_accept_it(client, seed_plan):
    url = reverse("portal:plan", args=[seed_plan.pk])
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response["Content-Encoding"] == "gzip"
    body = gzip.decompress(response.content)
    assert len(response.content) < len(body) / 3
    assert seed_plan.title in body.decode()
    assert "Content-Encoding" not in client.get(url)  # nothing asked for, nothing compressed


# --- query budgets ---------------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _built(n_items: int, region: str) -> Plan:
    plan = plan_document_import(
        document=document(n_items=n_items, region=region, year=timezone.localdate().year)
    ).plan
    for item in plan.items.all():
        item.locations = [f"{item.no % 3 + 1}团"]
        item.save(update_fields=["locations"])
    return _deliver(plan, figures={no: Decimal(no) for no in range(1, n_items + 1)})


def test_the_plan_pages_query_budget_holds_as_the_plan_grows(client, django_assert_num_queries):
    small, large = _built(4, "甲市"), _built(15, "乙市")
    small_url, large_url = (reverse("portal:plan", args=[plan.pk]) for plan in (small, large))
    baseline = _queries(client, small_url)
    assert baseline <= 20, baseline
    with django_assert_num_queries(baseline):
        assert len(_cards(client.get(large_url).content.decode())) == 15
    with django_assert_num_queries(baseline + 1):  # a search reads the items' text once
        client.get(large_url + "?q=事项&light=green")


def test_the_item_pages_query_budget_holds_with_more_figures(client, django_assert_num_queries):
    plan = _built(2, "甲市")
    item = plan.items.get(no=1)
    url = reverse("portal:item", args=[item.pk])
    baseline = _queries(client, url)
    assert baseline <= 16, baseline
    office = OfficeUserFactory()
    target = item.targets.order_by("position", "id").first()
    for month in (2, 3, 4):
        services.report_record_accepted(
            target=target, by=office, period_end=dt.date(plan.year, month, 28), actual=Decimal(month)
        )
    with django_assert_num_queries(baseline):
        client.get(url)


def test_the_dashboards_query_budget_holds_as_the_plan_grows(client, django_assert_num_queries):
    small, large = _built(4, "甲市"), _built(15, "乙市")
    sign_in(client, OfficeUserFactory())
    baseline = _queries(client, reverse("delivery:dashboard", args=[small.pk]))
    assert baseline <= 24, baseline
    with django_assert_num_queries(baseline):
        html = client.get(reverse("delivery:dashboard", args=[large.pk])).content.decode()
    assert "Forecast for the deadline" in html or "到期完成预测" in html
