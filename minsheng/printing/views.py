"""The office's printing pages: a plan's bulletins (issue one as PDF or Word, see those issued) and its QR
posters (the whole plan, or one item). Office only (``printing.*`` rules); a bulletin is issued by POST
(it is recorded), posters are downloaded by GET (nothing is written)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from minsheng.accounts.http import SignedInRequest
from minsheng.common.web import BAD_INPUT, access, require, show_error
from minsheng.delivery.selectors import access_plan_by_id, item_get
from minsheng.plans.models import Item, Plan
from minsheng.printing import selectors, services
from minsheng.printing.fonts import PrintingUnavailable
from minsheng.printing.forms import BulletinForm, PostersForm
from minsheng.printing.posters import posters_get, posters_pdf

UNAVAILABLE = 503


def _site_url(request: HttpRequest) -> str:
    """The site's address for the QR codes: MINSHENG_SITE_URL, else the address this request came to."""
    return getattr(settings, "MINSHENG_SITE_URL", "") or request.build_absolute_uri("/")


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _page(request: SignedInRequest, plan: Plan, form: BulletinForm, status: int = 200) -> HttpResponse:
    on = timezone.localdate()
    return render(
        request,
        "printing/plan.html",
        {
            "plan": plan,
            "form": form,
            "period": selectors.bulletin_period(plan=plan, on=on),
            "bulletins": selectors.bulletin_list(plan=plan)[:20],
            "items": selectors.plan_items(plan=plan),
        },
        status=status,
    )


def _unavailable(request: HttpRequest, error: PrintingUnavailable) -> HttpResponse:
    return render(request, "printing/unavailable.html", {"message": str(error)}, status=UNAVAILABLE)


@require_safe
@login_required
def plan_page(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan = access_plan_by_id(plan_id=plan_id, user=request.user)
    require(request, "printing.view_bulletins", plan)
    return _page(request, plan, BulletinForm(initial={"on": timezone.localdate(), "format": "pdf"}))


@require_POST
@login_required
def bulletin_issue(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan = access_plan_by_id(plan_id=plan_id, user=request.user)
    require(request, "printing.issue_bulletin", plan)
    form = BulletinForm(request.POST)
    if not form.is_valid():
        return _page(request, plan, form, BAD_INPUT)
    data = form.cleaned_data
    try:
        issued = services.bulletin_issue(
            plan=plan, on=data["on"], since=data["since"], fmt=data["format"], by=request.user
        )
    except services.PrintingError as error:
        show_error(form, error)
        return _page(request, plan, form, BAD_INPUT)
    except PrintingUnavailable as error:
        return _unavailable(request, error)
    return _download(issued.content, issued.filename, issued.content_type)


def _posters(request: SignedInRequest, plan: Plan, item: Item | None, filename: str) -> HttpResponse:
    chosen = PostersForm(request.GET)
    on = (chosen.cleaned_data.get("on") if chosen.is_valid() else None) or timezone.localdate()
    try:
        content = posters_pdf(posters_get(plan=plan, on=on, site_url=_site_url(request), item=item))
    except PrintingUnavailable as error:
        return _unavailable(request, error)
    return _download(content, filename, "application/pdf")


@require_safe
@login_required
def plan_posters(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan = access_plan_by_id(plan_id=plan_id, user=request.user)
    require(request, "printing.download_posters", plan)
    return _posters(request, plan, None, f"posters-plan{plan.pk}.pdf")


@require_safe
@login_required
def item_poster(request: SignedInRequest, item_id: int) -> HttpResponse:
    item = access(item_get(item_id=item_id), request.user, "plans.view_item", private=False)
    require(request, "printing.download_posters", item)
    return _posters(request, item.plan, item, f"poster-plan{item.plan_id}-item{item.no}.pdf")
