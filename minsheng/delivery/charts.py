"""What the charts of the plan page, the item page and the office dashboard draw, as plain data for a
``json_script`` element; ``portal/static/portal/charts.js`` turns each into an Apache ECharts chart.

Every chart here has a table or a sentence beside it on the page with the same figures (the templates build
those from the same selector), so that nothing is said by the chart alone. Percentages are 0..100 with one
decimal; a missing figure is ``null``.

Kinds:

- ``lights``: ``slices`` [{``light``, ``name``, ``value``}] (a ring of the items by light);
- ``bars``: ``labels`` and ``series`` [{``name``, ``role``: "completion" | "expected", ``values``}], in percent;
- ``line``: ``labels`` (dates) and ``series`` as for bars, ``unit`` (the target's unit or "%").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from minsheng.delivery.selectors.overview import OverviewRow, PlanOverview, TargetCurve


def _series(completion: list[float | None], expected: list[float | None]) -> list[dict[str, Any]]:
    return [
        {"name": _("Completed"), "role": "completion", "values": completion},
        {"name": _("Expected by schedule"), "role": "expected", "values": expected},
    ]


def rows_chart(rows: Sequence[OverviewRow]) -> dict[str, Any]:
    """Completion against the expected share per action, lead department or place (horizontal bars)."""
    return {
        "kind": "bars",
        "labels": [row.label for row in rows],
        "series": _series(
            [row.completion_points if row.completion is not None else 0.0 for row in rows],
            [row.expected_points for row in rows],
        ),
    }


def lights_chart(overview: PlanOverview) -> dict[str, Any]:
    return {
        "kind": "lights",
        "slices": [{"light": t.light.value, "name": t.label, "value": t.count} for t in overview.lights],
    }


def curve_chart(overview: PlanOverview) -> dict[str, Any]:
    """The year's curve: the plan's completion at each month end against the expected share."""
    return {
        "kind": "line",
        "unit": "%",
        "labels": [point.on.isoformat() for point in overview.curve],
        "series": _series(
            [point.completion_points for point in overview.curve],
            [point.expected_points for point in overview.curve],
        ),
    }


def overview_charts(overview: PlanOverview) -> dict[str, Any]:
    """All the charts of a plan's overview, by name (one ``json_script`` element for the page)."""
    charts: dict[str, Any] = {
        "lights": lights_chart(overview),
        "actions": rows_chart(overview.actions),
        "departments": rows_chart(overview.departments),
        "curve": curve_chart(overview),
    }
    if overview.places:
        charts["places"] = rows_chart(overview.places)
    return charts


def target_chart(curve: TargetCurve) -> dict[str, Any]:
    """A target's accepted figures against its expected schedule, month by month."""
    return {
        "kind": "line",
        "unit": curve.unit,
        "labels": [point.on.isoformat() for point in curve.points],
        "series": [
            {
                "name": _("Accepted figure"),
                "role": "completion",
                "values": [point.actual for point in curve.points],
            },
            {
                "name": _("Expected by schedule"),
                "role": "expected",
                "values": [point.expected for point in curve.points],
            },
        ],
    }


def item_charts(curves: Sequence[TargetCurve]) -> dict[str, Any]:
    return {f"target-{curve.target.id}": target_chart(curve) for curve in curves}
