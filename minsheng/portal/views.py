"""Public pages: check the rule, call one selector, render."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from minsheng.common.pages import cached_page
from minsheng.common.web import access, require
from minsheng.plans.selectors import plan_page_get
from minsheng.portal.navigation import landing_url
from minsheng.portal.selectors import HOME_PAGE_SIZE, home_plans, item_with_progress_get, plan_stages_get


@require_safe
@cached_page("portal.home")
def home(request: HttpRequest) -> HttpResponse:
    require(request, "plans.view_plan")
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(home_plans(now=timezone.now(), search=search), HOME_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/home.html", {"plans": page.object_list, "page": page, "search": search})


@require_safe
@cached_page("portal.plan")
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    page = access(plan_page_get(plan_id=plan_id), request.user, "plans.view_plan", private=False)
    return render(
        request,
        "portal/plan.html",
        {
            "page": page,
            "plan": page.plan,
            "stages": plan_stages_get(plan=page.plan, now=timezone.now()),
            "can_run_stages": request.user.has_perm("plans.change_plan", page.plan),
        },
    )


@require_safe
@cached_page("portal.item")
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    """An item with its progress: the office sees every accepted figure, everyone else published ones."""
    require(request, "delivery.view_public_status")
    public = not request.user.has_perm("delivery.view_delivery_status")
    found = access(
        item_with_progress_get(item_id=item_id, on=timezone.localdate(), public=public),
        request.user,
        "plans.view_item",
        private=False,
    )
    page = found.page
    return render(
        request,
        "portal/item.html",
        {
            "page": page,
            "progress": found,
            "item": page.item,
            "plan": page.item.plan,
            "can_view_delivery": request.user.has_perm("delivery.view_item_delivery", page.item),
        },
    )


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """Where a person lands after signing in (``LOGIN_REDIRECT_URL``): their own work (docs/stages.md)."""
    return redirect(landing_url(user=request.user, now=timezone.now()))
