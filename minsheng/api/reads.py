"""The read endpoints: plans, actions, items with their targets and progress, a plan's completion and lights
on a date, reports, supervision notices, and the published results of the vote and the rating.

Anyone may read what is public (plans, published figures, notices' public fields, published results);
a token with the ``read`` scope reads, in addition, what its person may see on the web (its department's
reports at every step, its notices in full). Every answer carries caching headers (:mod:`.http`)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router

from minsheng.api import selectors
from minsheng.api.auth import TokenAuth, Viewer
from minsheng.api.errors import not_found
from minsheng.api.http import conditional, page_of
from minsheng.api.schemas import (
    MAX_PAGE_SIZE,
    ActionOut,
    DepartmentOut,
    ItemOut,
    Light,
    MeOut,
    NoticeOut,
    Page,
    PlanOut,
    PlanStatusOut,
    RatingOut,
    RegionOut,
    ReportOut,
    VoteOut,
    read,
)
from minsheng.api.shapes import (
    item_out,
    notice_out,
    plan_out,
    plan_status_out,
    rating_out,
    report_out,
    vote_out,
)
from minsheng.delivery.selectors import access_report_by_id, plan_status
from minsheng.plans.selectors import with_item_counts
from minsheng.voting import selectors as voting
from minsheng.voting.models import RoundStatus

MAX_ID = 2**53  # beyond any id a table will reach, and inside every database's integers
ID = Query(None, ge=1, le=MAX_ID)
KEY = Path(..., ge=1, le=MAX_ID)
PAGE_NUMBER = Query(1, ge=1, le=1_000_000)
PAGE_SIZE = Query(50, ge=1, le=MAX_PAGE_SIZE)

router = Router(auth=TokenAuth(required=False), tags=["read"])


def _viewer(request: HttpRequest) -> Viewer:
    return request.auth  # type: ignore[attr-defined]


def _on(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def _public(viewer: Viewer) -> bool:
    """Published figures only, as on the web, unless the reader may see every accepted figure (the office)."""
    return not viewer.reader.has_perm("delivery.view_delivery_status")


@router.get("/regions", response=read(list[RegionOut]), summary="Regions", operation_id="regions")
@conditional
def regions(request: HttpRequest) -> Any:
    return [{"id": r.pk, "name": r.name} for r in selectors.region_list()]


@router.get(
    "/departments", response=read(Page[DepartmentOut]), summary="Departments", operation_id="departments"
)
@conditional
def departments(
    request: HttpRequest,
    region: int | None = ID,
    page: int = PAGE_NUMBER,
    page_size: int = PAGE_SIZE,
) -> Any:
    rows = selectors.department_list(region=region)
    chunk, envelope = page_of(request, rows, page=page, page_size=page_size, count=rows.count())
    results = [
        {"id": d.pk, "name": d.name, "region_id": d.region_id, "retired": d.retired_at is not None}
        for d in chunk
    ]
    return {**envelope, "results": results}


@router.get("/plans", response=read(Page[PlanOut]), summary="Plans", operation_id="plans")
@conditional
def plans(
    request: HttpRequest,
    year: int | None = Query(None, ge=1949, le=2200),
    region: int | None = ID,
    status: str | None = None,
    page: int = PAGE_NUMBER,
    page_size: int = PAGE_SIZE,
) -> Any:
    rows = selectors.plans_filtered(year=year, region=region, status=status)
    chunk, envelope = page_of(request, rows, page=page, page_size=page_size, count=rows.count())
    return {**envelope, "results": [plan_out(plan) for plan in with_item_counts(list(chunk), per="plan")]}


def _plan(request: HttpRequest, plan_id: int, perm: str = "plans.view_plan") -> Any:
    """The plan, if the reader holds ``perm`` on it (plans and their published results are public: the
    rules allow everyone, as on the web); else 404."""
    plan = selectors.plans_filtered().filter(pk=plan_id).first()
    if plan is None or not _viewer(request).reader.has_perm(perm, plan):
        raise not_found()
    return with_item_counts([plan], per="plan")[0]


@router.get("/plans/{plan_id}", response=read(PlanOut), summary="A plan", operation_id="plan")
@conditional
def plan(request: HttpRequest, plan_id: int = KEY) -> Any:
    return plan_out(_plan(request, plan_id))


@router.get(
    "/plans/{plan_id}/status",
    response=read(PlanStatusOut),
    summary="A plan's completion and lights on a date",
    operation_id="plan_status",
)
@conditional
def status(request: HttpRequest, plan_id: int = KEY, on: dt.date | None = None) -> Any:
    found = _plan(request, plan_id, "delivery.view_public_status")
    return plan_status_out(plan_status(plan=found, on=_on(on), public=_public(_viewer(request))))


@router.get(
    "/plans/{plan_id}/vote", response=read(VoteOut), summary="The vote's published tally", operation_id="vote"
)
@conditional
def vote(request: HttpRequest, plan_id: int = KEY) -> Any:
    found = _plan(request, plan_id, "voting.see_vote")
    view = voting.vote_view(plan=found, user=_viewer(request).reader)
    if not view.published or view.round is None:
        raise not_found()
    return vote_out(view)


@router.get(
    "/plans/{plan_id}/rating",
    response=read(RatingOut),
    summary="The rating's published results",
    operation_id="rating",
)
@conditional
def rating(request: HttpRequest, plan_id: int = KEY) -> Any:
    found = _plan(request, plan_id, "voting.see_rating")
    round_ = voting.rating_round_get(plan=found)
    if round_ is None or round_.status != RoundStatus.CLOSED:
        raise not_found()
    results = voting.rating_results(round=round_)
    return rating_out(found, round_, results, voting.rating_totals(results))


@router.get(
    "/actions", response=read(Page[ActionOut]), summary="Actions (groups of items)", operation_id="actions"
)
@conditional
def actions(
    request: HttpRequest,
    plan: int | None = ID,
    year: int | None = Query(None, ge=1949, le=2200),
    region: int | None = ID,
    page: int = PAGE_NUMBER,
    page_size: int = PAGE_SIZE,
) -> Any:
    rows = selectors.actions_filtered(plan=plan, year=year, region=region)
    chunk, envelope = page_of(request, rows, page=page, page_size=page_size, count=rows.count())
    results = [
        {"id": a.pk, "plan_id": a.plan_id, "no": a.no, "title": a.title, "item_count": a.item_count}
        for a in with_item_counts(list(chunk), per="action")
    ]
    return {**envelope, "results": results}


@router.get(
    "/items", response=read(Page[ItemOut]), summary="Items with targets and progress", operation_id="items"
)
@conditional
def items(
    request: HttpRequest,
    plan: int | None = ID,
    year: int | None = Query(None, ge=1949, le=2200),
    region: int | None = ID,
    action: int | None = ID,
    department: int | None = ID,
    light: Light | None = None,
    on: dt.date | None = None,
    page: int = PAGE_NUMBER,
    page_size: int = PAGE_SIZE,
) -> Any:
    day, public = _on(on), _public(_viewer(request))
    rows = selectors.items_filtered(plan=plan, year=year, region=region, action=action, department=department)
    if light:  # the light is computed, not stored: every matching item's status, then the page
        statuses = selectors.item_statuses(items=rows, on=day, public=public)
        wanted = [s for s in statuses.values() if s.light == light]  # in the list's order
        chunk_statuses, envelope = page_of(request, wanted, page=page, page_size=page_size)
        ids = [s.id for s in chunk_statuses]
        by_id = {s.id: s for s in chunk_statuses}
    else:
        chunk_ids, envelope = page_of(
            request, rows.values_list("pk", flat=True), page=page, page_size=page_size, count=rows.count()
        )
        ids = list(chunk_ids)
        by_id = selectors.item_statuses(items=rows.filter(pk__in=ids), on=day, public=public)
    details = selectors.items_detail(ids)
    results = [item_out(details[i], by_id[i], day) for i in ids if i in details and i in by_id]
    return {**envelope, "results": results}


@router.get(
    "/items/{item_id}",
    response=read(ItemOut),
    summary="An item with its targets and progress",
    operation_id="item",
)
@conditional
def item(request: HttpRequest, item_id: int = KEY, on: dt.date | None = None) -> Any:
    day = _on(on)
    rows = selectors.items_filtered().filter(pk=item_id)
    statuses = selectors.item_statuses(items=rows, on=day, public=_public(_viewer(request)))
    details = selectors.items_detail([item_id])
    reader = _viewer(request).reader
    if (
        item_id not in statuses
        or item_id not in details
        or not reader.has_perm("plans.view_item", details[item_id])
    ):
        raise not_found()
    return item_out(details[item_id], statuses[item_id], day)


@router.get("/reports", response=read(Page[ReportOut]), summary="Progress reports", operation_id="reports")
@conditional
def reports(
    request: HttpRequest,
    plan: int | None = ID,
    year: int | None = Query(None, ge=1949, le=2200),
    region: int | None = ID,
    item: int | None = ID,
    target: int | None = ID,
    department: int | None = ID,
    status: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    page: int = PAGE_NUMBER,
    page_size: int = PAGE_SIZE,
) -> Any:
    rows = selectors.reports_filtered(
        user=_viewer(request).reader,
        plan=plan,
        year=year,
        region=region,
        item=item,
        target=target,
        department=department,
        status=status,
        since=since,
        until=until,
    )
    chunk, envelope = page_of(request, rows, page=page, page_size=page_size, count=rows.count())
    return {**envelope, "results": [report_out(r) for r in chunk]}


@router.get(
    "/reports/{report_id}", response=read(ReportOut), summary="A progress report", operation_id="report"
)
@conditional
def report(request: HttpRequest, report_id: int = KEY) -> Any:
    return report_out(report_readable(_viewer(request), report_id))


def report_readable(viewer: Viewer, report_id: int) -> Any:
    """A report the viewer may read (delivery's ``access_report_by_id``); 404 for a missing and a forbidden
    one alike; 403 where only the token's missing ``read`` scope stands in the way."""
    from django.http import Http404

    from minsheng.api.models import Scope
    from minsheng.common.web import SignInFirst

    try:
        return access_report_by_id(report_id=report_id, user=viewer.reader)
    except (Http404, SignInFirst):
        if viewer.token is not None and not viewer.token.scope_read:
            try:
                access_report_by_id(report_id=report_id, user=viewer.user)
            except (Http404, SignInFirst):
                pass
            else:
                viewer.require_scope(Scope.READ)
        raise not_found() from None


@router.get("/notices", response=read(Page[NoticeOut]), summary="Supervision notices", operation_id="notices")
@conditional
def notices(
    request: HttpRequest,
    plan: int | None = ID,
    year: int | None = Query(None, ge=1949, le=2200),
    region: int | None = ID,
    item: int | None = ID,
    department: int | None = ID,
    status: str | None = None,
    page: int = PAGE_NUMBER,
    page_size: int = PAGE_SIZE,
) -> Any:
    rows = selectors.notices_filtered(
        plan=plan, year=year, region=region, item=item, department=department, status=status
    )
    reader = _viewer(request).reader
    chunk, envelope = page_of(request, rows, page=page, page_size=page_size, count=rows.count())
    return {
        **envelope,
        "results": [notice_out(n, full=reader.has_perm("delivery.view_notice", n)) for n in chunk],
    }


@router.get(
    "/notices/{notice_id}", response=read(NoticeOut), summary="A supervision notice", operation_id="notice"
)
@conditional
def notice(request: HttpRequest, notice_id: int = KEY) -> Any:
    found = selectors.notice_get(notice_id=notice_id)
    if found is None:
        raise not_found()
    return notice_out(found, full=_viewer(request).reader.has_perm("delivery.view_notice", found))


@router.get(
    "/me", response=read(MeOut), summary="The token asking", operation_id="me", auth=TokenAuth(required=True)
)
def me(request: HttpRequest) -> Any:
    viewer = _viewer(request)
    token = viewer.token
    assert token is not None  # TokenAuth(required=True)
    return {
        "department": {"id": token.department_id, "name": token.department.name},
        "acts_as": token.user.get_username(),
        "role": token.user.role,
        "name": token.name,
        "scopes": token.scopes,
        "expires_at": token.expires_at,
    }
