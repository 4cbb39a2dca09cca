"""The office's delivery pages: the entry that sends each role to its page, the plan dashboard (lights,
overdue departments, open notices), the assignment of an item and a target's planned schedule."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from minsheng.accounts.http import SignedInRequest
from minsheng.common.pages import cached_page
from minsheng.common.web import BAD_INPUT, access, require
from minsheng.delivery import selectors, services
from minsheng.delivery.charts import overview_charts
from minsheng.delivery.forms import (
    AssignmentForm,
    DashboardFilterForm,
    ScheduleForm,
    TemplateForm,
)
from minsheng.delivery.views._core import _attempt, _today
from minsheng.plans.models import Plan
from minsheng.plans.selectors import plan_page_of, plans_in_order

PLANS_PER_PAGE = 50

# --- entry -----------------------------------------------------------------------------------------------


@require_safe
@login_required
def home(request: SignedInRequest) -> HttpResponse:
    """The office chooses a plan; a department goes to its workspace; anyone else to notifications."""
    if request.user.has_perm("delivery.view_delivery_status"):
        page = plan_page_of(plans_in_order(), request.GET.get("page"), PLANS_PER_PAGE)
        return render(request, "delivery/home.html", {"plans": page.object_list, "page": page})
    if request.user.has_perm("delivery.view_workspace"):
        return redirect("delivery:workspace")
    return redirect("notifications:inbox")


# --- the office: dashboard, assignment, schedules --------------------------------------------------------


def _plan(request: SignedInRequest, plan_id: int) -> Plan:
    return selectors.access_plan_by_id(plan_id=plan_id, user=request.user)


@require_safe
@login_required
@cached_page("delivery.dashboard")
def dashboard(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    require(request, "delivery.view_delivery_status", plan)
    chosen = DashboardFilterForm(request.GET).values()
    page = selectors.dashboard_get(
        plan=plan,
        user=request.user,
        on=chosen.get("on") or _today(),
        action_id=chosen.get("action"),
        department_id=chosen.get("department"),
        place=chosen.get("place") or "",
        page=request.GET.get("page"),
        reviews=request.GET.get("reviews"),
        notices=request.GET.get("notices"),
    )
    return render(
        request,
        "delivery/dashboard.html",
        {
            "page": page,
            "plan": plan,
            "template_form": TemplateForm(None, departments=page.departments),
            "charts": overview_charts(page.overview),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def assign(request: SignedInRequest, item_id: int) -> HttpResponse:
    item = access(
        selectors.item_for_assignment_get(item_id=item_id), request.user, "plans.view_item", private=False
    )
    require(request, "delivery.assign_item", item)
    departments = selectors.region_departments(plan=item.plan)
    status = 200
    if request.method == "POST":
        form = AssignmentForm(request.POST, departments=departments)
        if form.is_valid():
            data = form.cleaned_data
            _result, status = _attempt(
                form,
                lambda: services.assignment_set(
                    item=item,
                    by=request.user,
                    lead=data["lead"],
                    supporting=list(data["supporting"]),
                    official=data["official"],
                    deadline=data["deadline"],
                    cadence=data["cadence"],
                    due_day=data["due_day"],
                ),
            )
            if status == 200:
                messages.success(request, _("Item %(no)d is assigned.") % {"no": item.no})
                return redirect(reverse("delivery:dashboard", args=[item.plan_id]) + f"#item-{item.no}")
        else:
            status = BAD_INPUT
    else:
        form = AssignmentForm(initial=selectors.assignment_initial(item=item), departments=departments)
    return render(
        request, "delivery/assign.html", {"item": item, "plan": item.plan, "form": form}, status=status
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def schedule(request: SignedInRequest, target_id: int) -> HttpResponse:
    page = access(
        selectors.target_schedule_get(target_id=target_id), request.user, "plans.view_target", private=False
    )
    target = page.target
    require(request, "delivery.change_schedule", target)
    milestone = target.kind == target.Kind.MILESTONE
    status = 200
    if request.method == "POST":
        form = ScheduleForm(request.POST, months=page.months, milestone=milestone)
        if form.is_valid():
            _result, status = _attempt(
                form,
                lambda: services.target_schedule_set(target=target, by=request.user, planned=form.planned()),
            )
            if status == 200:
                messages.success(request, _("The schedule is saved."))
                return redirect("delivery:dashboard", target.item.plan_id)
        else:
            status = BAD_INPUT
    else:
        form = ScheduleForm(
            initial={
                ScheduleForm.field_name(year, month): value.value
                for (year, month), value in page.planned.items()
            },
            months=page.months,
            milestone=milestone,
        )
    return render(
        request,
        "delivery/schedule.html",
        {"page": page, "target": target, "item": target.item, "plan": target.item.plan, "form": form},
        status=status,
    )
