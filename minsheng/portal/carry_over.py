"""Carrying unfinished items into next year's plan (the office; docs/stages.md).

``/plans/<id>/carry-over/`` lists the plan's items that are not done (delivery's completion rule: every
target measured and met), each with a checkbox (all ticked), its completion and light, and says where they
go: the region's plan for the next year, or a new draft of it. Posting carries the ticked ones through
:func:`minsheng.plans.editing.plan_items_carry_over`; each new item points back to the one it came from and
its history page (``plans_edit:history``) shows that item's. Office only (``plans.edit_plan``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minsheng.accounts.http import signed_in_user
from minsheng.common.web import BAD_INPUT, access, attempt, refusals_as_page, require
from minsheng.delivery.schedule import Light
from minsheng.delivery.selectors import plan_status
from minsheng.plans.edit_forms import CarryOverForm
from minsheng.plans.editing import PlanEditError, plan_items_carry_over
from minsheng.plans.models import Item, Plan

page = refusals_as_page("notifications/denied.html")


@require_http_methods(["GET", "HEAD", "POST"])
@page
def carry_over(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access(
        Plan.objects.select_related("region").filter(pk=plan_id).first(),
        request.user,
        "plans.view_plan",
        private=False,
    )
    require(
        request,
        "plans.edit_plan",
        plan,
        message=_("Only the supervision office carries items into next year's plan."),
    )
    status = plan_status(plan=plan, on=timezone.localdate())
    unfinished = {s.id: s for s in status.items if s.light != Light.DONE}
    carried = dict(
        Item.objects.filter(carried_from__plan=plan, removed_in=None, plan__year=plan.year + 1).values_list(
            "carried_from_id", "pk"
        )
    )
    choices = Item.objects.filter(pk__in=set(unfinished) - set(carried)).order_by("no")
    following = Plan.objects.filter(region=plan.region, year=plan.year + 1).first()
    code = 200
    if request.method == "POST":
        form = CarryOverForm(request.POST, items=choices)
        if form.is_valid():
            result, code = attempt(
                form,
                lambda: plan_items_carry_over(
                    plan=plan, items=list(form.cleaned_data["items"]), by=signed_in_user(request)
                ),
                PlanEditError,
            )
            if result is not None:
                messages.success(
                    request,
                    _("%(count)d items were carried into %(plan)s (version %(version)d).")
                    % {
                        "count": len(result.carried),
                        "plan": result.plan.title,
                        "version": result.version.number,
                    },
                )
                return redirect("plans_edit:versions", result.plan.pk)
        else:
            code = BAD_INPUT
    else:
        form = CarryOverForm(items=choices, initial={"items": list(choices)})
    rows: list[dict[str, Any]] = [
        {"status": unfinished[item.pk], "item": item, "carried_to": carried.get(item.pk)}
        for item in Item.objects.filter(pk__in=unfinished).order_by("no")
    ]
    ticked = set(request.POST.getlist("items")) if request.method == "POST" else {str(i.pk) for i in choices}
    context = {
        "plan": plan,
        "form": form,
        "rows": rows,
        "ticked": ticked,
        "following": following,
        "next_year": plan.year + 1,
    }
    return render(request, "portal/carry_over.html", context, status=code)
