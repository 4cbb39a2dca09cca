"""Bulletins (通报): what one holds, and the same content as a PDF (WeasyPrint, from
``templates/printing/bulletin.html``) and as a Word document (docxtpl, from ``word/bulletin.docx``).

:func:`bulletin_get` gathers the figures: the plan's overview as of the date (``delivery.selectors.overview.
plan_overview``: completion against schedule, lights, per action and per department, lagging items with how
far behind they are, the forecast), and what happened in the period (:mod:`minsheng.printing.selectors`).
:func:`bulletin_context` turns them into rows of words, the same for both formats, and the chart images
(:mod:`minsheng.printing.charts`); every chart's figures are also in a table.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.delivery.schedule import Light
from minsheng.delivery.selectors import LIGHT_LABELS
from minsheng.delivery.selectors.overview import OverviewItem, OverviewRow, PlanOverview, plan_overview
from minsheng.plans.models import Plan
from minsheng.printing import charts
from minsheng.printing.models import BulletinFormat
from minsheng.printing.pdf import html_to_pdf
from minsheng.printing.selectors import Activity, Period, activity_get, bulletin_period


def pct(share: float | None) -> str:
    """0.4567 -> 45.7%; None (nothing measured) -> —."""
    return "—" if share is None else f"{share * 100:.1f}%"


def points(gap: float) -> str:
    return _("%(points)s percentage points") % {"points": f"{max(gap, 0.0) * 100:.1f}"}


def light_words(light: Light | str) -> str:
    return str(LIGHT_LABELS[Light(light)])


@dataclass
class ItemRow:
    no: int
    title: str
    lead: str
    completion: str
    expected: str
    light: str
    behind: str = ""


@dataclass
class ActionTable:
    heading: str
    summary: str
    rows: list[ItemRow] = field(default_factory=list)


@dataclass
class GroupRow:
    """A lead department or a place: its items rolled up."""

    name: str
    items: int
    completion: str
    expected: str
    lagging: int


@dataclass
class ForecastRow:
    no: int
    title: str
    lead: str
    completion: str
    projected: str


@dataclass
class BulletinData:
    plan: Plan
    period: Period
    completion: float | None
    expected: float
    light: Light
    light_counts: list[tuple[str, str, int]]
    actions: list[ActionTable]
    action_bars: list[charts.Bar]
    departments: list[GroupRow]
    places: list[GroupRow]
    lagging: list[ItemRow]
    forecast: list[ForecastRow]
    curve: list[tuple[str, float | None, float]]
    activity: Activity


def _group_row(row: OverviewRow) -> GroupRow:
    return GroupRow(
        name=row.label,
        items=row.items,
        completion=pct(row.completion),
        expected=pct(row.expected),
        lagging=row.behind,
    )


def _item_row(item: OverviewItem) -> ItemRow:
    return ItemRow(
        no=item.no,
        title=item.title,
        lead=item.lead or "—",
        completion=pct(item.completion),
        expected=pct(item.expected),
        light=light_words(item.light),
    )


def _overview_parts(overview: PlanOverview) -> dict[str, Any]:
    """The overview's figures as this module's rows (nothing is computed again here)."""
    items = {item.id: item for item in overview.items}
    return {
        "completion": overview.completion,
        "expected": overview.expected,
        "light": overview.light,
        "light_counts": [(t.light.value, t.label, t.count) for t in overview.lights],
        "actions": [
            ActionTable(
                heading=row.label,
                summary=_(
                    "Done %(completion)s, expected %(expected)s; behind schedule: %(behind)d of %(items)d."
                )
                % {
                    "completion": pct(row.completion),
                    "expected": pct(row.expected),
                    "behind": row.behind,
                    "items": row.items,
                },
                rows=[_item_row(items[i]) for i in row.item_ids],
            )
            for row in overview.actions
        ],
        "action_bars": [charts.Bar(row.label, row.completion, row.expected) for row in overview.actions],
        "departments": [_group_row(row) for row in overview.departments],
        "places": [_group_row(row) for row in overview.places],
        "lagging": [
            ItemRow(
                no=lag.no,
                title=lag.title,
                lead=lag.lead or "—",
                completion=pct(lag.completion),
                expected=pct(lag.expected),
                light=light_words(lag.light),
                behind=points(lag.behind_points / 100),
            )
            for lag in overview.lagging
        ],
        "forecast": [
            ForecastRow(
                no=f.no,
                title=f.title,
                lead=f.lead or "—",
                completion=pct(f.completion),
                projected=pct(f.projected),
            )
            for f in overview.projected_to_miss
        ],
        "curve": [(f"{point.on:%m-%d}", point.completion, point.expected) for point in overview.curve],
    }


def bulletin_get(*, plan: Plan, on: dt.date, since: dt.date | None = None) -> BulletinData:
    """Everything a bulletin of ``plan`` as of ``on`` shows (the period after ``since``, by default after
    the previous bulletin)."""
    period = bulletin_period(plan=plan, on=on, since=since)
    return BulletinData(
        plan=plan,
        period=period,
        activity=activity_get(plan=plan, period=period),
        **_overview_parts(plan_overview(plan=plan, on=on)),
    )


def _words() -> dict[str, str]:
    """The column heads and section titles, in the active language."""
    return {
        "overall": _("Overall progress"),
        "actions": _("Progress by action"),
        "departments": _("Progress by lead department"),
        "places": _("Progress by place"),
        "place": _("Place"),
        "curve": _("Completion over the year against the schedule"),
        "month_end": _("Date"),
        "lagging": _("Items behind schedule"),
        "notices": _("Supervision notices"),
        "issued": _("Issued in the period"),
        "answered": _("Answered in the period"),
        "figures": _("Figures accepted in the period"),
        "forecast": _("Items projected to miss their target"),
        "no": _("No."),
        "item": _("Item"),
        "lead": _("Lead department"),
        "department": _("Department"),
        "items": _("Items"),
        "done": _("Done"),
        "expected": _("Expected by now"),
        "light": _("Light"),
        "behind": _("Behind by"),
        "lagging_count": _("Behind"),
        "issued_on": _("Issued"),
        "reply_by": _("Reply by"),
        "replied_on": _("Answered"),
        "status": _("Status"),
        "target": _("Target"),
        "figure": _("Figure"),
        "as_of": _("As of"),
        "projected": _("Projected by the deadline"),
        "none": _("None."),
    }


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def bulletin_context(data: BulletinData) -> dict[str, Any]:
    """The words, rows and chart images (PNG bytes) both formats fill in."""
    plan, period, activity = data.plan, data.period, data.activity
    counts = data.light_counts
    context: dict[str, Any] = {
        "words": _words(),
        "title": _("Progress bulletin: %(plan)s") % {"plan": plan.title},
        "lead": _("As of %(on)s; this bulletin covers %(first)s to %(on)s.")
        % {"on": period.on.isoformat(), "first": period.first_day.isoformat()},
        "summary": _(
            "Overall completion %(completion)s against %(expected)s expected by now (%(light)s); items: %(count)d."
        )
        % {
            "completion": pct(data.completion),
            "expected": pct(data.expected),
            "light": light_words(data.light),
            "count": sum(count for _light, _words, count in counts),
        },
        "lights_line": "　".join(f"{words} {count}" for _light, words, count in counts),
        "actions": data.actions,
        "departments": data.departments,
        "lagging": data.lagging,
        "lagging_summary": (
            _("Items behind schedule: %(count)d, the furthest behind first.") % {"count": len(data.lagging)}
            if data.lagging
            else _("No item is behind schedule.")
        ),
        "issued": [_notice_row(n) for n in activity.issued],
        "answered": [_notice_row(n) for n in activity.answered],
        "notices_summary": _("Notices issued in the period: %(issued)d; answered: %(answered)d.")
        % {"issued": len(activity.issued), "answered": len(activity.answered)},
        "figures": [
            {
                "item_no": f.item_no,
                "item_title": f.item_title,
                "target": f.target,
                "figure": f.figure,
                "period_end": _date(f.period_end),
                "department": f.department,
            }
            for f in activity.figures
        ],
        "figures_summary": _("Figures accepted in the period: %(count)d.") % {"count": len(activity.figures)},
        "forecast": data.forecast,
        "forecast_note": _(
            "Each item's completion by its deadline is projected from the trend of its accepted figures: a "
            "straight line through them (from nothing at the start of delivery), read at the deadline; a "
            "target already met stays met, a level to hold stays where it is."
        ),
        "places": data.places,
        "curve": [
            {"on": label, "completion": pct(completion), "expected": pct(expected)}
            for label, completion, expected in data.curve
        ],
        "footer": _("Made by minsheng on %(when)s.")
        % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        "previous": (
            _("Previous bulletin: as of %(on)s.") % {"on": period.previous.as_of.isoformat()}
            if period.previous
            else ""
        ),
    }
    context["charts"] = {
        "lights": charts.light_counts(counts),
        "actions": charts.completion_bars(
            data.action_bars, completion=_("Completion"), expected=_("Expected by now")
        ),
        "curve": charts.schedule_curve(
            data.curve, completion=_("Completion"), expected=_("Expected by schedule")
        ),
    }
    return context


def _notice_row(row: Any) -> dict[str, Any]:
    return {
        "item_no": row.item_no,
        "item_title": row.item_title,
        "department": row.department,
        "issued": _date(row.issued),
        "reply_by": _date(row.reply_by),
        "replied": _date(row.replied),
        "status": row.status,
    }


def _data_url(png: bytes) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def bulletin_pdf(data: BulletinData) -> bytes:
    context = bulletin_context(data)
    context["chart_urls"] = {name: _data_url(png) for name, png in context["charts"].items()}
    return html_to_pdf(render_to_string("printing/bulletin.html", context))


def bulletin_docx(data: BulletinData) -> bytes:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    from minsheng.printing.docx_template import TEMPLATE

    document = DocxTemplate(str(TEMPLATE))
    context = bulletin_context(data)
    for name, png in context.pop("charts").items():
        context[f"chart_{name}"] = InlineImage(document, io.BytesIO(png), width=Mm(170))
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


RENDERERS = {BulletinFormat.PDF: bulletin_pdf, BulletinFormat.DOCX: bulletin_docx}
CONTENT_TYPES = {
    BulletinFormat.PDF: "application/pdf",
    BulletinFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def bulletin_render(data: BulletinData, fmt: str) -> bytes:
    return RENDERERS[BulletinFormat(fmt)](data)
