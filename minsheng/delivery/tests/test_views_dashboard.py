"""The delivery pages: the dashboard, the item's public page, and query counts that do not grow with the plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minsheng.accounts.tests.factories import ReporterFactory
from minsheng.delivery import services
from minsheng.delivery.models import (
    ReportStatus,
    SupervisionNotice,
)
from minsheng.delivery.tests.conftest import AS_OF
from minsheng.delivery.tests.views_support import _as, _notice
from minsheng.plans.models import Target
from minsheng.plans.tests.factories import DepartmentFactory, ItemFactory, TargetFactory
from minsheng.testing import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


# --- the dashboard ---------------------------------------------------------------------------------------


def test_the_dashboard_counts_lights_and_names_lagging_and_overdue(client, world):
    world.report(ReportStatus.ACCEPTED)  # 40 of 100 by the end of June: far behind at year end
    _notice(world)
    html = (
        _as(client, world, "office").get(reverse("delivery:dashboard", args=[world.plan.pk])).content.decode()
    )
    assert "far behind" in html
    assert world.lead.name in html  # overdue reports of the lead department
    assert reverse("delivery:notice_new", args=[world.item.pk]) in html
    assert "Open supervision notices" in html
    assert reverse("delivery:notice", args=[SupervisionNotice.objects.get().pk]) in html


def test_the_dashboard_filters_by_action_department_and_place(client, world):
    other = ItemFactory(action__plan=world.plan, text="在北区新建公园。", locations=["北区"])
    services.assignment_set(item=other, by=world.office, lead=world.other)
    url = reverse("delivery:dashboard", args=[world.plan.pk])
    client = _as(client, world, "office")
    everything = client.get(url).content.decode()
    assert f'id="item-{world.item.no}"' in everything and f'id="item-{other.no}"' in everything
    by_department = client.get(url, {"department": world.other.pk}).content.decode()
    assert f'id="item-{other.no}"' in by_department and f'id="item-{world.item.no}"' not in by_department
    by_place = client.get(url, {"place": "北区"}).content.decode()
    assert f'id="item-{other.no}"' in by_place and f'id="item-{world.item.no}"' not in by_place
    by_action = client.get(url, {"action": world.item.action_id}).content.decode()
    assert f'id="item-{world.item.no}"' in by_action and f'id="item-{other.no}"' not in by_action
    # a bad filter is ignored, not an error
    assert client.get(url, {"department": "abc", "on": "never"}).status_code == 200


def test_the_dashboard_shows_another_date(client, world):
    world.report(ReportStatus.ACCEPTED)
    html = (
        _as(client, world, "office")
        .get(reverse("delivery:dashboard", args=[world.plan.pk]), {"on": "2025-01-15"})
        .content.decode()
    )
    assert "as of 2025-01-15" in html


# --- the item's public page ------------------------------------------------------------------------------


def test_the_public_item_page_shows_published_progress_and_the_timeline(client, world):
    client = _as(client, world, "anonymous")
    url = reverse("portal:item", args=[world.item.pk])
    html = client.get(url).content.decode()
    assert "delivered so far" not in html
    world.report(ReportStatus.ACCEPTED, narrative="已铺设40名")
    notice = _notice(world, reason="内部原因说明")
    html = client.get(url).content.decode()
    assert "Timeline" in html
    assert "40 名 delivered so far" in html
    assert f"Supervision notice to {world.lead.name}" in html
    assert "内部原因说明" not in html  # the notice's text is for the office and the department
    assert "light-" in html
    office = _as(client, world, "office").get(url).content.decode()
    assert "内部原因说明" in office
    assert reverse("delivery:item", args=[world.item.pk]) in office
    assert notice.pk


def test_the_public_item_page_hides_unpublished_figures(client, world):
    report = world.report(ReportStatus.APPROVED)
    services.report_accept(report=report, by=world.office, expected_version=report.version, publish=False)
    url = reverse("portal:item", args=[world.item.pk])
    assert "delivered so far" not in _as(client, world, "anonymous").get(url).content.decode()
    assert "delivered so far" in _as(client, world, "office").get(url).content.decode()


# --- query counts ----------------------------------------------------------------------------------------


def _grow(world, n: int) -> None:
    """``n`` more items led by the world's lead department, each with two targets, accepted figures,
    a draft, and a notice."""
    for index in range(n):
        item = ItemFactory(action=world.item.action, locations=[f"第{index}区"])
        quantity = TargetFactory(item=item, value=Decimal(100))
        TargetFactory(item=item, kind=Target.Kind.MILESTONE, value=None, unit="", op="=", source="工程")
        services.assignment_set(item=item, by=world.office, lead=world.lead, supporting=[world.support])
        report = services.report_save(
            target=quantity, by=world.reporter, period_end=AS_OF, actual=Decimal(30)
        )
        report = services.report_submit(report=report, by=world.reporter, expected_version=report.version)
        report = services.report_approve(report=report, by=world.head, expected_version=report.version)
        if index % 2:
            services.report_accept(report=report, by=world.office, expected_version=report.version)
        services.report_save(
            target=quantity, by=world.reporter, period_end=dt.date(2025, 7, 31), actual=Decimal(31)
        )
        services.notice_issue(
            item=item, by=world.office, reason="慢", demand="快", reply_deadline=dt.date(2099, 1, 1)
        )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("office", "dashboard"),
        ("reporter", "workspace"),
        ("head", "workspace"),
        ("office", "item"),
        ("reporter", "item"),
    ],
)
def test_page_queries_do_not_grow_with_the_plan(client, world, django_assert_max_num_queries, role, page):
    url = {
        "dashboard": reverse("delivery:dashboard", args=[world.plan.pk]),
        "workspace": reverse("delivery:workspace"),
        "item": reverse("delivery:item", args=[world.item.pk]),
    }[page]
    _grow(world, 3)
    client = _as(client, world, role)
    baseline = _queries(client, url)
    _grow(world, 6)  # three times as many items
    with django_assert_max_num_queries(baseline):
        client.get(url)


def test_the_public_item_page_queries_do_not_grow_with_reports(client, world, django_assert_max_num_queries):
    url = reverse("portal:item", args=[world.item.pk])
    world.report(ReportStatus.ACCEPTED)
    baseline = _queries(client, url)
    for month in (7, 8, 9):
        day = dt.date(2025, month, 28)
        report = world.report(ReportStatus.ACCEPTED, period_end=day, actual=Decimal(40 + month))
        assert report.status == ReportStatus.ACCEPTED
        _notice(world)
    with django_assert_max_num_queries(baseline):
        client.get(url)


def test_a_department_member_without_items_sees_an_empty_workspace(client, world):
    lonely = ReporterFactory(department=DepartmentFactory(region=world.plan.region))
    client = _as(client, world, "anonymous")
    sign_in(client, lonely)
    html = client.get(reverse("delivery:workspace")).content.decode()
    assert "No item is assigned to your department yet" in html


def test_a_closed_notice_and_a_closed_plan_read_differently_in_chinese(zh):
    from minsheng.delivery.models import NoticeStatus
    from minsheng.plans.models import PlanStatus

    assert (str(NoticeStatus.CLOSED.label), str(PlanStatus.CLOSED.label)) == ("已办结", "已结束")
