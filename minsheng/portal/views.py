"""Public pages: check the rule, call one selector, render."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from minsheng.common.pages import cached_page
from minsheng.common.web import access, require
from minsheng.delivery.charts import item_charts, overview_charts
from minsheng.plans.selectors import plan_page_of, plan_summary_get
from minsheng.portal.navigation import landing_url
from minsheng.portal.overview import PlanFilterForm, public_plan_get
from minsheng.portal.selectors import HOME_PAGE_SIZE, home_plans, item_with_progress_get, plan_stages_get
from minsheng.portal.sharing import qr_svg

CARE_COOKIE = "minsheng_care"
CARE_COOKIE_AGE = 365 * 24 * 3600


@require_safe
@cached_page("portal.home")
def home(request: HttpRequest) -> HttpResponse:
    require(request, "plans.view_plan")
    search = request.GET.get("q", "").strip()[:100]
    page = plan_page_of(
        home_plans(now=timezone.now(), search=search), request.GET.get("page"), HOME_PAGE_SIZE
    )
    return render(request, "portal/home.html", {"plans": page.object_list, "page": page, "search": search})


@require_safe
@cached_page("portal.plan")
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan at a glance (published figures), then its items as cards, searched and filtered by the
    address's ``q``, ``action``, ``department``, ``place`` and ``light``."""
    page = access(plan_summary_get(plan_id=plan_id), request.user, "plans.view_plan", private=False)
    filters = PlanFilterForm(request.GET).filters()
    public = public_plan_get(
        plan=page.plan, on=timezone.localdate(), filters=filters, page=request.GET.get("page")
    )
    return render(
        request,
        "portal/plan.html",
        {
            "page": page,
            "plan": page.plan,
            "public": public,
            "charts": overview_charts(public.overview),
            "action_key": str(filters.action or ""),
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
    # the site's configured address where there is one (docs: MINSHENG_SITE_URL), else the one asked for
    site = settings.MINSHENG_SITE_URL.rstrip("/")
    share_url = site + request.path if site else request.build_absolute_uri(request.path)
    return render(
        request,
        "portal/item.html",
        {
            "page": page,
            "progress": found,
            "item": page.item,
            "plan": page.item.plan,
            "can_view_delivery": request.user.has_perm("delivery.view_item_delivery", page.item),
            "charts": item_charts(found.curves),
            "share_url": share_url,
            "share_qr": qr_svg(share_url),
        },
    )


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """Where a person lands after signing in (``LOGIN_REDIRECT_URL``): their own work (docs/stages.md)."""
    return redirect(landing_url(user=request.user, now=timezone.now()))


@require_POST
def care_mode(request: HttpRequest) -> HttpResponse:
    """The large-text, high-contrast mode for older readers (关怀模式), on or off, remembered in a cookie
    for a year; back to the page the switch was pressed on."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.POST.get("care") == "on":
        response.set_cookie(
            CARE_COOKIE,
            "1",
            max_age=CARE_COOKIE_AGE,
            samesite="Lax",
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(CARE_COOKIE, samesite="Lax")
    return response


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the icon."""
    return HttpResponseRedirect(static("portal/favicon.svg"))
