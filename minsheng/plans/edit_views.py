"""Editing an adopted plan in the browser (the office), and every version's diff (everyone).

- ``/plans/<id>/edit/``: the plan's current items, each with a link to edit it (``plans.edit_plan``).
- ``/plans/items/<id>/edit/``: one item's text, title, action, targets (comparator, value, up-to value, unit,
  period, weight; add, remove) and departments, with a required reason; saving makes the plan's next version
  (:func:`minsheng.plans.editing.plan_item_edit`). A bad value comes back on its form (HTTP 400), nothing saved.
- ``/plans/<id>/versions/``: every version with what it changed (added, removed, changed with the text
  before and after, renumbered) and, for an edit, its reason and each field before and after.
- ``/plans/items/<id>/history/``: an item's versions and the items it was carried over from.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from minsheng.accounts.http import signed_in_user
from minsheng.common.web import BAD_INPUT, OK, access, attempt, refusals_as_page, require
from minsheng.plans import editing
from minsheng.plans.edit_forms import ItemEditForm, TargetFormSet
from minsheng.plans.editing import ItemChange, PlanEditError, TargetChange
from minsheng.plans.models import Action, Department, Item, ItemDepartment, Plan, Target
from minsheng.plans.selectors import item_page_get

page = refusals_as_page("plans/import_denied.html")


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    plan = access(
        Plan.objects.select_related("region").filter(pk=plan_id).first(),
        request.user,
        "plans.view_plan",
        private=False,
    )
    require(request, "plans.edit_plan", plan, message=_("Only the supervision office edits a plan."))
    return plan


@require_safe
@page
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    items = list(
        Item.objects.filter(plan=plan, removed_in=None)
        .select_related("action")
        .order_by("no", "id")
        .only("pk", "no", "title", "text", "action__no", "action__title")
    )
    return render(
        request,
        "plans/plan_edit.html",
        {"plan": plan, "items": items, "editable": plan.status == Plan.Status.ADOPTED},
    )


def _target_initial(target: Target) -> dict[str, Any]:
    return {
        "id": target.pk,
        "kind": target.kind,
        "subject": target.subject,
        "op": target.op,
        "value": target.value,
        "value_max": target.value_max,
        "unit": target.unit,
        "period": target.period,
        "weight": target.weight,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@page
def item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    item = access(
        Item.objects.select_related("plan__region", "action").filter(pk=item_id, removed_in=None).first(),
        request.user,
        "plans.view_item",
        private=False,
    )
    plan = _plan(request, item.plan_id)
    assignments = list(ItemDepartment.objects.filter(item=item).select_related("department"))
    assigned = [a.department_id for a in assignments]
    departments = Department.objects.filter(region=plan.region).filter(
        Q(retired_at=None) | Q(pk__in=assigned)
    )
    actions = Action.objects.filter(plan=plan, removed_in=None).order_by("no", "id")
    targets = list(Target.objects.filter(item=item, removed_in=None).order_by("position", "id"))
    lead = next((a.department for a in assignments if a.role == ItemDepartment.Role.LEAD), None)
    kwargs = {"actions": actions, "departments": departments}
    status = OK
    if request.method == "POST":
        form = ItemEditForm(request.POST, **kwargs)
        formset = TargetFormSet(request.POST, prefix="targets")
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            change = ItemChange(
                title=data["title"],
                text=data["text"],
                action=data["action"],
                lead=data["lead"],
                supporting=list(data["supporting"]),
                targets=[
                    TargetChange(
                        id=row["id"],
                        kind=row["kind"],
                        subject=row["subject"],
                        op=row["op"],
                        value=row["value"],
                        value_max=row["value_max"],
                        unit=row["unit"],
                        period=row["period"],
                        weight=row["weight"],
                        remove=row["remove"],
                    )
                    for row in formset.cleaned_data
                    if row
                ],
            )
            version, status = attempt(
                form,
                lambda: editing.plan_item_edit(
                    item=item, change=change, reason=data["reason"], by=signed_in_user(request)
                ),
                PlanEditError,
            )
            if version is not None:
                messages.success(
                    request, _("Saved as version %(version)d of the plan.") % {"version": version.number}
                )
                return redirect("plans_edit:versions", plan.pk)
        else:
            status = BAD_INPUT
    else:
        form = ItemEditForm(
            initial={
                "title": item.title,
                "text": item.text,
                "action": item.action_id,
                "lead": lead.pk if lead else None,
                "supporting": [a.department_id for a in assignments if a.role != ItemDepartment.Role.LEAD],
            },
            **kwargs,
        )
        formset = TargetFormSet(initial=[_target_initial(t) for t in targets], prefix="targets")
    context = {
        "plan": plan,
        "item": item,
        "form": form,
        "formset": formset,
        "editable": plan.status == Plan.Status.ADOPTED,
    }
    return render(request, "plans/item_edit.html", context, status=status)


@require_safe
def versions(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access(
        Plan.objects.select_related("region").filter(pk=plan_id).first(),
        request.user,
        "plans.view_plan",
        private=False,
    )
    rows = editing.plan_versions_page(plan=plan)
    return render(
        request,
        "plans/versions.html",
        {"plan": plan, "rows": rows, "can_edit": request.user.has_perm("plans.edit_plan", plan)},
    )


@require_safe
def item_history(request: HttpRequest, item_id: int) -> HttpResponse:
    found = item_page_get(item_id=item_id)
    access(found.item if found else None, request.user, "plans.view_item", private=False)
    assert found is not None  # access() raised Http404 otherwise
    return render(
        request,
        "plans/item_history.html",
        {
            "page": found,
            "lineage": editing.item_lineage(item=found.item),
            "carried_to": list(found.item.carried_to.select_related("plan")),
        },
    )
