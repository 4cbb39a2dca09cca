"""Reads for bulletins: what a bulletin of a plan as of a date holds, the bulletins issued so far, and
where the next one's period starts.

A bulletin covers the period after ``since`` up to and including ``on``: ``since`` is the date of the
previous bulletin of the plan (the latest ``as_of`` before ``on``), or the day before delivery started
when none was issued, or a date the office gives. The figures (completion, schedule, lights, per action,
per department and per place, lagging items and how far behind, the forecast) come from
``delivery.selectors.overview.plan_overview``, the same reading the dashboard shows; this module adds the
period's supervision notices and accepted figures. :func:`bulletin_get` runs a constant number of queries
whatever the number of items, reports and notices.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from minsheng.delivery.models import ProgressReport, ReportStatus, Stage, SupervisionNotice
from minsheng.delivery.selectors import delivery_settings_get, delivery_start
from minsheng.plans.funding import format_number
from minsheng.plans.models import Item, Plan
from minsheng.printing.models import Bulletin


@dataclass(frozen=True)
class NoticeRow:
    item_no: int
    item_title: str
    department: str
    issued: dt.date
    reply_by: dt.date
    replied: dt.date | None
    status: str
    reason: str


@dataclass(frozen=True)
class FigureRow:
    item_no: int
    item_title: str
    target: str
    figure: str
    period_end: dt.date
    accepted: dt.date
    department: str


@dataclass
class Period:
    since: dt.date  # the period starts the day after
    on: dt.date
    previous: Bulletin | None = None

    @property
    def first_day(self) -> dt.date:
        return self.since + dt.timedelta(days=1)


@dataclass
class Activity:
    """What happened in a bulletin's period: notices issued, notices answered, figures accepted."""

    issued: list[NoticeRow] = field(default_factory=list)
    answered: list[NoticeRow] = field(default_factory=list)
    figures: list[FigureRow] = field(default_factory=list)


def bulletin_list(*, plan: Plan) -> QuerySet[Bulletin]:
    """The bulletins issued for ``plan``, newest first, with who issued them."""
    return Bulletin.objects.filter(plan=plan).select_related("issued_by").order_by("-issued_at", "-id")


def bulletin_previous(*, plan: Plan, on: dt.date) -> Bulletin | None:
    """The bulletin whose period ended last before ``on`` (the latest ``as_of`` before it)."""
    return Bulletin.objects.filter(plan=plan, as_of__lt=on).order_by("-as_of", "-issued_at", "-id").first()


def bulletin_period(*, plan: Plan, on: dt.date, since: dt.date | None = None) -> Period:
    """The period a bulletin as of ``on`` covers: after ``since`` if given, else after the previous
    bulletin's date, else from the start of delivery."""
    previous = bulletin_previous(plan=plan, on=on)
    if since is None:
        if previous is not None:
            since = previous.as_of
        else:
            start = delivery_start(plan=plan, settings=delivery_settings_get(plan=plan))
            since = min(start, on) - dt.timedelta(days=1)
    return Period(since=since, on=on, previous=previous)


def _moment(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _notice_row(notice: SupervisionNotice) -> NoticeRow:
    return NoticeRow(
        item_no=notice.item.no,
        item_title=notice.item.title or notice.item.text[:40],
        department=notice.department.name,
        issued=_local_date(notice.issued_at),
        reply_by=notice.reply_deadline,
        replied=_local_date(notice.replied_at) if notice.replied_at else None,
        status=str(notice.get_status_display()),
        reason=notice.reason,
    )


def _figure_words(report: ProgressReport) -> str:
    if report.target.kind == "milestone":
        return str(Stage(report.stage).label) if report.stage in Stage.values else "—"
    if report.actual is None:
        return "—"
    return f"{format_number(report.actual)} {report.target.unit}".strip()


def activity_get(*, plan: Plan, period: Period) -> Activity:
    """Notices issued and answered, and figures accepted, in the period. Two queries."""
    start, end = _moment(period.first_day), _moment(period.on + dt.timedelta(days=1))
    notices = list(
        SupervisionNotice.objects.filter(item__plan=plan)
        .filter(Q(issued_at__gte=start, issued_at__lt=end) | Q(replied_at__gte=start, replied_at__lt=end))
        .select_related("item", "department")
        .order_by("issued_at", "id")
    )
    issued = [_notice_row(n) for n in notices if start <= n.issued_at < end]
    answered = [_notice_row(n) for n in notices if n.replied_at is not None and start <= n.replied_at < end]
    reports = (
        ProgressReport.objects.filter(
            target__item__plan=plan,
            status=ReportStatus.ACCEPTED,
            accepted_at__gte=start,
            accepted_at__lt=end,
        )
        .select_related("target", "target__item", "department")
        .order_by("target__item__no", "target__position", "target_id", "period_end", "id")
    )
    figures = [
        FigureRow(
            item_no=r.target.item.no,
            item_title=r.target.item.title or r.target.item.text[:40],
            target=r.target.subject or r.target.source[:40],
            figure=_figure_words(r),
            period_end=r.period_end,
            accepted=_local_date(r.accepted_at) if r.accepted_at else period.on,
            department=r.department.name if r.department else "",
        )
        for r in reports
    ]
    return Activity(issued=issued, answered=answered, figures=figures)


@dataclass(frozen=True)
class ItemLink:
    id: int
    no: int
    title: str


def plan_items(*, plan: Plan) -> list[ItemLink]:
    """The plan's current items (number and title), for a poster link each. One query."""
    rows = (
        Item.objects.filter(plan=plan, removed_in__isnull=True)
        .order_by("no", "id")
        .values_list("id", "no", "title", "text")
    )
    return [ItemLink(id=pk, no=no, title=title or text[:40]) for pk, no, title, text in rows]
