"""The plan at a glance (``plan_overview``) and the forecast: on the seed, on small built plans, and the
forecast's arithmetic on plain values; its query count does not grow with the plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minsheng.accounts.tests.factories import OfficeUserFactory
from minsheng.delivery import services
from minsheng.delivery.schedule import Light
from minsheng.delivery.selectors import (
    Figure,
    ItemStatus,
    TargetStatus,
    item_forecast,
    plan_overview,
    plan_status,
    target_forecast,
)
from minsheng.delivery.tests.factories import AssignmentFactory, ItemDepartmentFactory
from minsheng.plans.models import Target
from minsheng.plans.services import plan_document_import, plan_import
from minsheng.plans.tests.factories import DepartmentFactory, document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]

START = dt.date(2025, 1, 1)
YEAR_END = dt.date(2025, 12, 31)
JUNE_30 = dt.date(2025, 6, 30)


@pytest.fixture
def seed(seed_docx):
    plan = plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name).plan
    office = OfficeUserFactory()
    targets = {
        item.no: list(item.targets.order_by("position", "id"))
        for item in plan.items.prefetch_related("targets")
    }

    def record(no, index=0, *, publish=True, on=JUNE_30, **figures):
        services.report_record_accepted(
            target=targets[no][index], by=office, period_end=on, publish=publish, **figures
        )

    record(1, 0, actual=Decimal("1.5"), on=dt.date(2025, 3, 31))  # 9 km: a sixth by March
    record(1, 0, actual=Decimal("4.5"))  # half by June
    record(1, 1, actual=10)  # 10 km: done
    record(2, 0, actual=100)  # at least 500 batches: a fifth
    record(4, 0, stage="started")  # a milestone: 40%
    record(9, 0, actual=100, publish=False)  # done, but not published
    record(12, 0, actual=4000, on=dt.date(2025, 7, 31))  # after the as-of date
    return plan, targets


def test_the_overview_agrees_with_the_status(seed):
    plan, _targets = seed
    overview = plan_overview(plan=plan, on=JUNE_30)
    status = plan_status(plan=plan, on=JUNE_30)
    assert overview.total == 40 and overview.plan_id == plan.pk and not overview.public
    assert overview.completion == pytest.approx(status.completion)
    assert overview.expected == pytest.approx(status.expected)
    assert overview.completion_points == round(status.completion * 100, 1)
    # the lights: counted, in a fixed order, each with its word
    assert [t.light for t in overview.lights] == [
        Light.DONE,
        Light.GREEN,
        Light.YELLOW,
        Light.RED,
        Light.NOT_STARTED,
    ]
    assert sum(t.count for t in overview.lights) == 40
    assert {t.light: t.count for t in overview.lights}[Light.DONE] == 1  # item 9
    assert {t.light: t.label for t in overview.lights}[Light.RED] == "far behind"
    # one row per action, as the status rolls them up
    assert [r.key for r in overview.actions] == [str(a.id) for a in status.actions]
    assert [r.completion for r in overview.actions] == [a.completion for a in status.actions]
    assert sum(r.items for r in overview.actions) == 40
    assert overview.actions[0].label.startswith("1. ")
    # the items' cards carry what the filters need
    cards = {i.no: i for i in overview.items}
    assert cards[1].places == ("31团", "恰拉社区") and cards[2].places == ()
    assert cards[1].completion == pytest.approx(0.5)


def test_rows_per_place_and_lead_department(seed):
    plan, _targets = seed
    overview = plan_overview(plan=plan, on=JUNE_30)
    places = {r.key: r for r in overview.places}
    assert {"31团", "恰拉社区", "21团", "26团", "25团"} <= set(places)
    item_1 = next(i.id for i in overview.items if i.no == 1)
    assert places["31团"].item_ids == (item_1,) and places["31团"].completion == pytest.approx(0.5)
    assert places["21团"].completion == pytest.approx(0.4)  # item 4, the milestone
    assert overview.unplaced == 37
    # nothing is assigned in the seed: one row, said in words
    assert [(r.key, r.label, r.items) for r in overview.departments] == [("", "No lead department", 40)]


def test_rows_per_lead_department(db):
    plan = plan_document_import(document=document(n_items=3, region="丙市")).plan
    water, roads = (
        DepartmentFactory(region=plan.region, name="水务局"),
        DepartmentFactory(region=plan.region, name="交通局"),
    )
    first, second, third = plan.items.order_by("no")
    ItemDepartmentFactory(item=first, department=water)
    ItemDepartmentFactory(item=second, department=water)
    ItemDepartmentFactory(item=third, department=roads)
    ItemDepartmentFactory(item=third, department=water, role="supporting")
    office = OfficeUserFactory()
    target = first.targets.first()
    services.report_record_accepted(target=target, by=office, period_end=JUNE_30, actual=target.value)
    rows = {r.key: r for r in plan_overview(plan=plan, on=JUNE_30).departments}
    assert list(rows) == ["交通局", "水务局"]  # by name; a supporting department is not a lead
    assert rows["水务局"].items == 2 and rows["交通局"].items == 1
    assert rows["水务局"].done == 1 and rows["水务局"].completion == pytest.approx(0.5)


def test_the_years_curve(seed):
    plan, _targets = seed
    overview = plan_overview(plan=plan, on=JUNE_30)
    curve = overview.curve
    assert [p.on.month for p in curve] == list(range(1, 13))
    assert all(
        p.on == (p.on.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        for p in curve
    )
    assert curve[-1].on == YEAR_END and curve[-1].expected == pytest.approx(1.0)
    expected = [p.expected for p in curve]
    assert expected == sorted(expected)
    # nothing accepted before March's end; March counts item 1's first figure; June is the status
    assert curve[0].completion is None and curve[1].completion is None
    assert curve[2].completion == pytest.approx((1.5 / 9) / 3 / 40)
    assert curve[5].completion == pytest.approx(overview.completion)
    assert curve[5].expected == pytest.approx(overview.expected)
    assert all(p.completion is None for p in curve[6:])  # not known yet


def test_the_curve_holds_the_as_of_day_between_month_ends(seed):
    plan, _targets = seed
    on = dt.date(2025, 7, 15)
    overview = plan_overview(plan=plan, on=on)
    days = [p.on for p in overview.curve]
    assert on in days and len(days) == 13
    point = overview.curve[days.index(on)]
    assert point.completion == pytest.approx(overview.completion)


def test_lagging_items_furthest_behind_first(seed):
    plan, _targets = seed
    overview = plan_overview(plan=plan, on=JUNE_30)
    lagging = overview.lagging
    assert lagging and all(i.light in (Light.RED, Light.YELLOW) for i in lagging)
    behind = [i.behind_points for i in lagging]
    assert behind == sorted(behind, reverse=True)
    two = next(i for i in lagging if i.no == 2)
    assert two.behind_points == pytest.approx(round((two.expected - 0.1) * 100, 1))
    assert all(i.no != 1 for i in lagging)  # on schedule


def test_the_public_overview_counts_published_figures_only(seed):
    plan, _targets = seed
    office = {i.no: i for i in plan_overview(plan=plan, on=JUNE_30).items}
    public = plan_overview(plan=plan, on=JUNE_30, public=True)
    assert public.public
    assert office[9].light == Light.DONE
    assert {i.no: i for i in public.items}[9].completion is None
    nine = next(f for f in public.forecast if f.no == 9)
    assert nine.projected is None


def test_the_forecast_on_the_seed(seed):
    plan, _targets = seed
    forecast = plan_overview(plan=plan, on=JUNE_30).forecast
    by_no = {f.no: f for f in forecast}
    # item 1: 9 km at a sixth by March and half by June is nearly on course (the least-squares line through
    # (0, 0), (89 days, 1/6), (180 days, 1/2) reads 98.5% on 31 December); 10 km done; the third target has
    # nothing, so counts 0: short of the whole item
    first = by_no[1].targets[0]
    assert first.method == "trend" and first.points == 2
    assert first.projected == pytest.approx(0.98517, abs=1e-4)
    assert by_no[1].targets[1].method == "done"
    assert by_no[1].targets[2].method == "none"
    assert by_no[1].projected == pytest.approx((first.projected + 1) / 3) and by_no[1].misses
    # item 2: a fifth of its first target by June, on that trend two fifths by December
    assert by_no[2].targets[0].projected == pytest.approx(0.2 * 364 / 180, abs=1e-3)
    assert by_no[2].misses
    assert by_no[9].projected == 1.0 and not by_no[9].misses
    assert by_no[40].projected is None and not by_no[40].misses
    # those projected to miss first, lowest first; then those without figures; then the rest
    kinds = ["miss" if f.misses else "none" if f.projected is None else "ok" for f in forecast]
    assert kinds == sorted(kinds, key=["miss", "none", "ok"].index)
    misses = [f.projected for f in forecast if f.misses]
    assert misses == sorted(misses)


# --- the forecast's arithmetic ---------------------------------------------------------------------------


def _target(tid=1, *, value=100.0, unit="个", op=">=", kind="quantity", weight=1.0) -> TargetStatus:
    return TargetStatus(
        id=tid,
        kind=kind,
        subject="s",
        op=op,
        value=value,
        value_max=None,
        unit=unit,
        actual=None,
        stage="",
        completion=None,
        expected=0.0,
        weight=weight,
    )


def _forecast(target, *figures):
    return target_forecast(
        target,
        [Figure(period_end=on, actual=actual, stage=stage) for on, actual, stage in figures],
        start=START,
        deadline=YEAR_END,
        stages=[("approved", 0.1), ("started", 0.4), ("accepted", 1.0)],
    )


def test_a_straight_trend_is_read_at_the_deadline():
    march, june = dt.date(2025, 3, 31), dt.date(2025, 6, 30)
    steady = _forecast(_target(), (march, 89 / 364 * 50, ""), (june, 180 / 364 * 50, ""))
    assert steady.method == "trend" and steady.points == 2
    assert steady.projected == pytest.approx(0.5)
    fast = _forecast(_target(), (june, 80.0, ""))
    assert fast.projected == 1.0  # capped
    slow = _forecast(_target(), (june, 10.0, ""))
    assert slow.projected == pytest.approx(0.1 * 364 / 180)


def test_the_projection_never_falls_below_the_latest_figure():
    # a burst early and nothing since: the line through the points ends below today's figure
    flat = _forecast(
        _target(),
        (dt.date(2025, 1, 31), 60.0, ""),
        (dt.date(2025, 6, 30), 60.0, ""),
        (dt.date(2025, 11, 30), 60.0, ""),
    )
    assert flat.completion == pytest.approx(0.6)
    assert flat.projected >= 0.6


def test_levels_milestones_done_and_no_figure():
    level = _forecast(_target(unit="%", value=100.0), (JUNE_30, 97.0, ""))
    assert (level.method, level.projected) == ("level", pytest.approx(0.97))
    done = _forecast(_target(), (JUNE_30, 120.0, ""))
    assert (done.method, done.projected) == ("done", 1.0)
    none = _forecast(_target())
    assert (none.method, none.projected, none.points) == ("none", None, 0)
    milestone = _forecast(
        _target(kind="milestone", value=None),
        (dt.date(2025, 3, 31), None, "approved"),
        (JUNE_30, None, "started"),
    )
    assert milestone.method == "trend" and 0.4 < milestone.projected <= 1.0


def _item(*targets: TargetStatus) -> ItemStatus:
    return ItemStatus(
        id=1,
        no=1,
        title="t",
        completion=None,
        expected=0.5,
        light=Light.RED,
        has_quantities=True,
        overdue=False,
        lead="水务局",
        targets=list(targets),
        deadline=None,
    )


def test_an_items_forecast_weighs_its_targets():
    heavy, light = _target(1, weight=3.0), _target(2, weight=1.0)
    figures = {1: [Figure(JUNE_30, 200.0, "")], 2: [Figure(JUNE_30, 10.0, "")]}
    forecast = item_forecast(_item(heavy, light), figures, start=START, stages=[], default_deadline=YEAR_END)
    assert forecast.deadline == YEAR_END
    assert forecast.projected == pytest.approx((3 * 1.0 + 0.1 * 364 / 180) / 4)
    assert forecast.misses and forecast.shortfall_points > 0
    both = item_forecast(
        _item(heavy, light),
        {1: [Figure(JUNE_30, 200.0, "")], 2: [Figure(JUNE_30, 100.0, "")]},
        start=START,
        stages=[],
        default_deadline=YEAR_END,
    )
    assert both.projected == 1.0 and not both.misses
    nothing = item_forecast(_item(heavy, light), {}, start=START, stages=[], default_deadline=YEAR_END)
    assert nothing.projected is None and not nothing.misses and nothing.projected_points is None


def test_nearly_met_is_not_met():
    short = item_forecast(
        _item(_target(1, weight=100.0), _target(2, weight=0.5)),
        {1: [Figure(JUNE_30, 100.0, "")], 2: [Figure(JUNE_30, 1.0, "")]},
        start=START,
        stages=[],
        default_deadline=YEAR_END,
    )
    assert short.projected is not None and short.projected <= 0.99 and short.misses


# --- query counts ----------------------------------------------------------------------------------------


def _plan_with(n_items: int, region: str):
    plan = plan_document_import(document=document(n_items=n_items, region=region)).plan
    department = DepartmentFactory(region=plan.region)
    office = OfficeUserFactory()
    for index, item in enumerate(plan.items.all()):
        ItemDepartmentFactory(item=item, department=department)
        AssignmentFactory(item=item)
        item.locations = [f"{index % 3 + 1}团"]
        item.save(update_fields=["locations"])
        for target in item.targets.all():
            if target.kind == Target.Kind.MILESTONE:
                continue
            for month in (3, 6):
                services.report_record_accepted(
                    target=target,
                    by=office,
                    period_end=dt.date(2025, month, 28),
                    actual=(target.value or Decimal(10)) * month / 12,
                )
            services.target_schedule_set(target=target, by=office, planned={(2025, 12): 1})
    return plan


def test_the_overviews_query_count_does_not_grow_with_the_plan(django_assert_max_num_queries):
    small, large = _plan_with(3, "甲市"), _plan_with(11, "乙市")
    counts = []
    for plan in (small, large):
        with CaptureQueriesContext(connection) as queries:
            overview = plan_overview(plan=plan, on=JUNE_30)
        counts.append(len(queries))
        assert all(i.completion is not None for i in overview.items)
        assert overview.places and overview.departments[0].items == overview.total
        assert all(f.projected is not None for f in overview.forecast)
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(11):
        plan_overview(plan=large, on=JUNE_30, public=True)
