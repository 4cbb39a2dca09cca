"""The office's audit pages: the trail with filters and a CSV export (``/audit/``), and each object's
history (``/audit/history/<type>/<id>/``). Only the office (``accounts.view_audit``); nothing here writes:
the trail cannot be edited or deleted from the product."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from minsheng.accounts.http import SignedInRequest
from minsheng.audit import present, selectors
from minsheng.audit.forms import FiltersForm
from minsheng.common.web import BAD_INPUT, refusals_as_page, require

PERM = "accounts.view_audit"
DENIED = "audit/denied.html"


@require_safe
@login_required
@refusals_as_page(DENIED)
def trail(request: SignedInRequest) -> HttpResponse:
    require(request, PERM)
    form = FiltersForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "audit/trail.html", {"form": form, "rows": [], "page": None}, status=BAD_INPUT)
    filters = form.filters() if form.is_bound else selectors.Filters()
    page, rows = selectors.events_page(filters=filters, page=request.GET.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/trail.html",
        {"form": form, "rows": rows, "page": page, "query": query.urlencode(), "present": present},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_lines(rows: Iterator[selectors.Row]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel reads the Chinese as UTF-8
    yield writer.writerow(
        [
            _("When"),
            _("Who"),
            _("What was done"),
            _("Object type"),
            _("Object id"),
            _("Source"),
            _("Fields before → after"),
            _("Details"),
        ]
    )
    for row in rows:
        event = row.event
        yield writer.writerow(
            [
                _cell(timezone.localtime(event.created_at).isoformat(timespec="seconds")),
                _cell(event.actor.username if event.actor else ""),
                _cell(present.verb_label(event.verb)),
                _cell(event.object_type),
                _cell(event.object_id),
                _cell(present.source_label(event.cid)),
                _cell(present.changes_text(row.changes)),
                _cell(json.dumps(event.details, ensure_ascii=False, sort_keys=True) if event.details else ""),
            ]
        )


@require_safe
@login_required
def trail_csv(request: SignedInRequest) -> HttpResponseBase:
    if not request.user.has_perm(PERM):  # the refusal page, as refusals_as_page gives the other views
        return render(request, DENIED, {"message": _("You may not do this.")}, status=403)
    form = FiltersForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "audit/trail.html", {"form": form, "rows": [], "page": None}, status=BAD_INPUT)
    filters = form.filters() if form.is_bound else selectors.Filters()
    response = StreamingHttpResponse(
        _csv_lines(selectors.events_export(filters=filters)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


@require_safe
@login_required
@refusals_as_page(DENIED)
def history(request: SignedInRequest, object_type: str, object_pk: str) -> HttpResponse:
    require(request, PERM)
    model = selectors.tracked_model(object_type)
    if model is None:
        raise Http404
    page, rows = selectors.history_page(model=model, object_pk=object_pk, page=request.GET.get("page") or 1)
    obj = selectors.history_object(model=model, object_pk=object_pk)
    if obj is None and not rows:
        raise Http404
    title = str(obj) if obj is not None else rows[0].change.object_repr
    return render(
        request,
        "audit/history.html",
        {
            "model_name": model._meta.verbose_name,
            "title": title,
            "rows": rows,
            "page": page,
            "present": present,
            "object_type": object_type,
            "object_pk": object_pk,
        },
    )
