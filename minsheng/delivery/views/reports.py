"""The department workspace and reports: an item's delivery page, a new report, its page and edit form,
evidence, and each step of the report flow (a stale version answers 409 with the user's input rebased)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minsheng.accounts.http import SignedInRequest
from minsheng.common.pages import cached_page
from minsheng.common.web import BAD_INPUT, CONFLICT, access, require
from minsheng.delivery import selectors, services
from minsheng.delivery.forms import (
    AcceptForm,
    EvidenceForm,
    PublishForm,
    ReportForm,
    ReturnForm,
    VersionForm,
)
from minsheng.delivery.models import ProgressReport
from minsheng.delivery.services import DeliveryError
from minsheng.delivery.views._core import _attempt, _forms_shown, _rebased, _today

# --- the department workspace and reports ----------------------------------------------------------------


@require_safe
@login_required
@cached_page("delivery.workspace")
def workspace(request: SignedInRequest) -> HttpResponse:
    if not request.user.has_perm("delivery.view_workspace"):
        raise PermissionDenied
    page = selectors.workspace_get(user=request.user, on=_today())
    return render(request, "delivery/workspace.html", {"page": page})


@require_safe
@login_required
def item_delivery(request: SignedInRequest, item_id: int) -> HttpResponse:
    page = access(
        selectors.item_delivery_get(item_id=item_id, user=request.user, on=_today()),
        request.user,
        "plans.view_item",
        private=False,
    )
    require(request, "delivery.view_item_delivery", page.item)
    user = request.user
    return render(
        request,
        "delivery/item.html",
        {
            "page": page,
            "item": page.item,
            "plan": page.item.plan,
            "can_report": user.has_perm("delivery.add_report", page.item),
            "can_assign": user.has_perm("delivery.assign_item", page.item),
            "can_schedule": user.has_perm("delivery.change_schedule", page.item),
            "can_issue": user.has_perm("delivery.issue_notice", page.item),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def report_new(request: SignedInRequest, target_id: int) -> HttpResponse:
    """A new report on a target; where one exists for the chosen period, its page."""
    page = access(
        selectors.report_target_get(target_id=target_id, on=_today()),
        request.user,
        "plans.view_target",
        private=False,
    )
    require(request, "delivery.add_report", page.target)
    milestone = page.target.kind == page.target.Kind.MILESTONE
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST, periods=page.periods, milestone=milestone, unit=page.target.unit)
        if form.is_valid():
            data = form.cleaned_data
            report, status = _attempt(
                form,
                lambda: services.report_save(
                    target=page.target,
                    by=request.user,
                    period_end=data["period_end"],
                    actual=data.get("actual"),
                    stage=data.get("stage") or "",
                    narrative=data["narrative"],
                    funds_spent=data["funds_spent"],
                ),
            )
            if status == 200:
                messages.success(request, _("The draft is saved. Attach evidence, then submit it."))
                return redirect("delivery:report", report.pk)
        else:
            status = BAD_INPUT
    else:
        wanted = request.GET.get("period_end", "")
        day = _parse_date(wanted) if wanted else None
        if day is not None and (existing := page.existing.get(day)) is not None:
            return redirect("delivery:report", existing)
        form = ReportForm(
            initial={"period_end": wanted or (page.periods[-1].end.isoformat() if page.periods else "")},
            periods=page.periods,
            milestone=milestone,
            unit=page.target.unit,
        )
    return render(
        request,
        "delivery/report_form.html",
        {"target": page.target, "item": page.item, "assignment": page.assignment, "form": form},
        status=status,
    )


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _report(request: SignedInRequest, report_id: int) -> ProgressReport:
    return selectors.access_report_by_id(report_id=report_id, user=request.user)


def _render_report(
    request: SignedInRequest, report: ProgressReport, *, status: int = 200, **given: Form
) -> HttpResponse:
    actions = selectors.report_actions(report=report, user=request.user)
    version = {"version": report.version}
    forms, page_errors = _forms_shown(
        {
            "evidence_form": EvidenceForm() if "add_evidence" in actions else None,
            "submit_form": VersionForm(initial=version) if "submit" in actions else None,
            "approve_form": VersionForm(initial=version) if "approve" in actions else None,
            "accept_form": AcceptForm(initial=version) if "accept" in actions else None,
            "return_form": ReturnForm(initial=version) if "return" in actions else None,
            "publish_form": PublishForm(initial={**version, "published": "1"})
            if "publish" in actions
            else None,
            "unpublish_form": PublishForm(initial={**version, "published": "0"})
            if "unpublish" in actions
            else None,
        },
        given,
    )
    accept_form = forms.get("accept_form")
    accept_warnings = selectors.report_warnings(report=report) if accept_form is not None else []
    if accept_form is not None and not accept_warnings:  # the confirmation shows only beside a warning
        accept_form.fields.pop("confirm_far_off", None)
    context: dict[str, Any] = {
        "accept_warnings": accept_warnings,
        "report": report,
        "target": report.target,
        "item": report.target.item,
        "plan": report.target.item.plan,
        "events": list(report.events.all()),
        "evidence": list(report.evidence.all()),
        "can_edit": "edit" in actions,
        "can_view_evidence": request.user.has_perm("delivery.view_evidence", report),
        "can_remove_evidence": "remove_evidence" in actions,
        "conflict": status == CONFLICT,
        "page_errors": page_errors,
        **forms,
    }
    return render(request, "delivery/report.html", context, status=status)


@require_safe
@login_required
def report_detail(request: SignedInRequest, report_id: int) -> HttpResponse:
    return _render_report(request, _report(request, report_id))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def report_edit(request: SignedInRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    require(request, "delivery.change_report", report)
    periods = selectors.report_periods(report=report, on=_today())
    milestone = report.target.kind == report.target.Kind.MILESTONE
    status = 200
    if request.method == "POST":
        form = ReportForm(
            request.POST, periods=periods, milestone=milestone, unit=report.target.unit, editing=True
        )
        if form.is_valid():
            data = form.cleaned_data
            _result, status = _attempt(
                form,
                lambda: services.report_save(
                    target=report.target,
                    by=request.user,
                    period_end=data["period_end"],
                    actual=data.get("actual"),
                    stage=data.get("stage") or "",
                    narrative=data["narrative"],
                    funds_spent=data["funds_spent"],
                    report=report,
                    expected_version=data["version"],
                ),
            )
            if status == 200:
                messages.success(request, _("The draft is saved."))
                return redirect("delivery:report", report.pk)
            if status == CONFLICT:
                report = _report(request, report_id)
                form = _rebased(
                    ReportForm,
                    request.POST,
                    report.version,
                    periods=periods,
                    milestone=milestone,
                    unit=report.target.unit,
                    editing=True,
                )
        else:
            status = BAD_INPUT
    else:
        form = ReportForm(
            initial={
                "period_end": report.period_end.isoformat(),
                "actual": report.actual,
                "stage": report.stage,
                "narrative": report.narrative,
                "funds_spent": report.funds_spent,
                "version": report.version,
            },
            periods=periods,
            milestone=milestone,
            unit=report.target.unit,
            editing=True,
        )
    return render(
        request,
        "delivery/report_form.html",
        {
            "target": report.target,
            "item": report.target.item,
            "report": report,
            "form": form,
            "conflict": status == CONFLICT,
        },
        status=status,
    )


@require_POST
@login_required
def report_evidence(request: SignedInRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    require(request, "delivery.add_evidence", report)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        _result, status = _attempt(
            form,
            lambda: services.evidence_add(report=report, by=request.user, upload=form.cleaned_data["file"]),
        )
        if status == 200:
            messages.success(request, _("The evidence is attached."))
            return redirect("delivery:report", report.pk)
    else:
        status = BAD_INPUT
    return _render_report(request, report, status=status, evidence_form=form)


def _versioned_step(
    request: SignedInRequest,
    obj_id: int,
    *,
    load: Callable[[SignedInRequest, int], Any],
    render: Callable[..., HttpResponse],
    url_name: str,
    perm: str,
    form_class: type[VersionForm],
    form_name: str,
    call: Callable[[Any, dict], Any],
    done: str,
) -> HttpResponse:
    """One step on a versioned record (a report or a notice): check, call the service, and on a conflict
    show the record as it is now with the user's input rebased on its current version."""
    obj = load(request, obj_id)
    require(request, perm, obj)
    form = form_class(request.POST)
    if form.is_valid():
        _result, status = _attempt(form, lambda: call(obj, form.cleaned_data))
        if status == 200:
            messages.success(request, done)
            return redirect(url_name, obj.pk)
        if status == CONFLICT:
            obj = load(request, obj_id)
            form = _rebased(form_class, request.POST, obj.version)
    else:
        status = BAD_INPUT
    return render(request, obj, status=status, **{form_name: form})


def _report_step(request: SignedInRequest, report_id: int, **step: Any) -> HttpResponse:
    return _versioned_step(
        request, report_id, load=_report, render=_render_report, url_name="delivery:report", **step
    )


@require_POST
@login_required
def report_submit(request: SignedInRequest, report_id: int) -> HttpResponse:
    return _report_step(
        request,
        report_id,
        perm="delivery.submit_report",
        form_class=VersionForm,
        form_name="submit_form",
        call=lambda report, data: services.report_submit(
            report=report, by=request.user, expected_version=data["version"]
        ),
        done=_("The report is submitted to the department head."),
    )


@require_POST
@login_required
def report_approve(request: SignedInRequest, report_id: int) -> HttpResponse:
    return _report_step(
        request,
        report_id,
        perm="delivery.approve_report",
        form_class=VersionForm,
        form_name="approve_form",
        call=lambda report, data: services.report_approve(
            report=report, by=request.user, expected_version=data["version"]
        ),
        done=_("The report is approved and goes to the supervision office."),
    )


@require_POST
@login_required
def report_accept(request: SignedInRequest, report_id: int) -> HttpResponse:
    return _report_step(
        request,
        report_id,
        perm="delivery.accept_report",
        form_class=AcceptForm,
        form_name="accept_form",
        call=lambda report, data: services.report_accept(
            report=report,
            by=request.user,
            expected_version=data["version"],
            publish=data["publish"],
            confirm_far_off=data["confirm_far_off"],
        ),
        done=_("The report is accepted."),
    )


@require_POST
@login_required
def report_return(request: SignedInRequest, report_id: int) -> HttpResponse:
    return _report_step(
        request,
        report_id,
        perm="delivery.return_report",
        form_class=ReturnForm,
        form_name="return_form",
        call=lambda report, data: services.report_return(
            report=report, by=request.user, reason=data["reason"], expected_version=data["version"]
        ),
        done=_("The report is returned with your reason."),
    )


@require_POST
@login_required
def report_publish(request: SignedInRequest, report_id: int) -> HttpResponse:
    published = request.POST.get("published") == "1"
    return _report_step(
        request,
        report_id,
        perm="delivery.publish_report",
        form_class=PublishForm,
        form_name="publish_form" if published else "unpublish_form",
        call=lambda report, data: services.report_publish_set(
            report=report, by=request.user, published=data["published"], expected_version=data["version"]
        ),
        done=_("The figure is published.")
        if published
        else _("The figure is withdrawn from the public pages."),
    )


@require_POST
@login_required
def evidence_remove(request: SignedInRequest, evidence_id: int) -> HttpResponse:
    evidence = selectors.access_evidence_by_id(evidence_id=evidence_id, user=request.user)
    require(request, "delivery.delete_evidence", evidence)
    try:
        services.evidence_remove(evidence=evidence, by=request.user)
    except DeliveryError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The file is removed."))
    return redirect("delivery:report", evidence.report_id)


@require_safe
@login_required
def evidence_download(request: SignedInRequest, evidence_id: int) -> HttpResponseBase:
    evidence = selectors.access_evidence_by_id(evidence_id=evidence_id, user=request.user)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, content_type=evidence.content_type, as_attachment=True, filename=evidence.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
