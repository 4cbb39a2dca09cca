"""The open-data page (/open-data/): downloads per plan and for all plans, and the data dictionary; each
download a streamed file (constant memory whatever its size). Anyone may download: what a dataset holds is
public by construction (:mod:`minsheng.opendata.datasets`)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from minsheng.common.web import require
from minsheng.opendata.datasets import DATASETS, type_label
from minsheng.opendata.document import document_filename, plan_document_bytes
from minsheng.opendata.formats import FORMATS, stream
from minsheng.opendata.selectors import access_plan_by_id, open_data_plans
from minsheng.plans.models import Plan


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    require(request, "opendata.download")
    dictionary = [
        (dataset, [(field, type_label(field.type)) for field in dataset.fields])
        for dataset in DATASETS.values()
    ]
    search = request.GET.get("q", "").strip()[:100]
    page = open_data_plans(search=search, page=request.GET.get("page"))
    return render(
        request,
        "opendata/index.html",
        {
            "plans": page.object_list,
            "page": page,
            "search": search,
            "datasets": list(DATASETS.values()),
            "dictionary": dictionary,
        },
    )


def filename(dataset: str, fmt: str, plan: Plan | None) -> str:
    """第二师铁门关市-2025-progress.csv for a plan, minsheng-all-progress.csv for all plans."""
    if plan is None:
        return f"minsheng-all-{dataset}.{fmt}"
    return f"{plan.region.name}-{plan.year}-{dataset}.{fmt}"


def _attachment(response: HttpResponse | StreamingHttpResponse, name: str) -> None:
    response["Content-Disposition"] = content_disposition_header(True, name)  # RFC 5987 for Chinese names
    response["X-Content-Type-Options"] = "nosniff"


@require_safe
def download(
    request: HttpRequest, dataset: str, fmt: str, plan_id: int | None = None
) -> StreamingHttpResponse:
    require(request, "opendata.download")
    found = DATASETS.get(dataset)
    if found is None or fmt not in FORMATS:
        raise Http404
    plan = access_plan_by_id(plan_id=plan_id, user=request.user) if plan_id is not None else None
    response = StreamingHttpResponse(
        stream(found, plan.pk if plan is not None else None, fmt), content_type=FORMATS[fmt]
    )
    _attachment(response, filename(dataset, fmt, plan))
    return response


@require_safe
def document(request: HttpRequest, plan_id: int) -> StreamingHttpResponse:
    """The plan as one document (JSON), for another system or to import elsewhere."""
    require(request, "opendata.download")
    plan = access_plan_by_id(plan_id=plan_id, user=request.user)
    response = StreamingHttpResponse(
        iter([plan_document_bytes(plan=plan)]), content_type="application/json; charset=utf-8"
    )
    _attachment(response, document_filename(plan))
    return response
