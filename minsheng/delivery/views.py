"""The delivery pages: the office's dashboard and its forms, the department workspace, reports, notices,
and the Excel round trip (notifications: minsheng.notifications). Each view parses input, checks a rule, calls one service or
selector and renders; a service's ``DeliveryError`` is shown on the form, a ``ConflictError`` says that
someone else changed the record first (the user's input stays in the form), and a refused rule is a 403.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minsheng.accounts.http import SignedInRequest
from minsheng.common import web
from minsheng.common.web import BAD_INPUT, CONFLICT, access, require
from minsheng.delivery import selectors, services
from minsheng.delivery.forms import (
    AcceptForm,
    AssignmentForm,
    DashboardFilterForm,
    EvidenceForm,
    NoticeCloseForm,
    NoticeEscalateForm,
    NoticeForm,
    NoticeReplyForm,
    PublishForm,
    ReportForm,
    ReturnForm,
    ScheduleForm,
    TemplateForm,
    UploadForm,
    VersionForm,
)
from minsheng.delivery.models import ProgressReport, SupervisionNotice
from minsheng.delivery.services import DeliveryError
from minsheng.delivery.spreadsheets import (
    MAX_SHEET_BYTES,
    XLSX_CONTENT_TYPE,
    SheetErrors,
    SpreadsheetError,
    progress_sheet_load,
    progress_template_build,
    progress_template_filename,
)
from minsheng.plans.models import Plan
from minsheng.plans.selectors import plan_list

F = TypeVar("F", bound=Form)

def _today() -> dt.date:
    return timezone.localdate()


def _attempt(form: Form, action: Callable[[], Any]) -> tuple[Any, int]:
    """Run a service call; on a refusal put the message on the form. Returns (result, HTTP status);
    on a conflict (someone else wrote first) the caller shows the record as it is now."""
    return web.attempt(form, action, DeliveryError)


def _rebased(form_class: type[F], data: Any, version: int, **kwargs: Any) -> F:
    """The user's input again, now against the record's current version: after a conflict the page shows
    what the other person did, and the user can check their input and send it again."""
    data = data.copy()
    data["version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


def _forms_shown(
    defaults: dict[str, Form | None], given: dict[str, Form]
) -> tuple[dict[str, Form | None], list[str]]:
    """The forms a page shows: those the user may use now, with the submitted one (its input and errors)
    in place of its blank; errors of a form no longer shown go to the top of the page."""
    shown = dict(defaults)
    page_errors: list[str] = []
    for name, form in given.items():
        if shown.get(name) is not None:
            shown[name] = form
        elif form.is_bound and form.errors:
            page_errors.extend(str(message) for errors in form.errors.values() for message in errors)
    return shown, page_errors


# --- entry -----------------------------------------------------------------------------------------------


@require_safe
@login_required
def home(request: SignedInRequest) -> HttpResponse:
    """The office chooses a plan; a department goes to its workspace; anyone else to notifications."""
    if request.user.has_perm("delivery.view_delivery_status"):
        return render(request, "delivery/home.html", {"plans": plan_list()})
    if request.user.has_perm("delivery.view_workspace"):
        return redirect("delivery:workspace")
    return redirect("notifications:inbox")


# --- the office: dashboard, assignment, schedules --------------------------------------------------------


def _plan(request: SignedInRequest, plan_id: int) -> Plan:
    return selectors.access_plan_by_id(plan_id=plan_id, user=request.user)


@require_safe
@login_required
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
    )
    return render(
        request,
        "delivery/dashboard.html",
        {
            "page": page,
            "plan": plan,
            "template_form": TemplateForm(None, departments=page.departments),
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


# --- the Excel round trip --------------------------------------------------------------------------------


@require_safe
@login_required
def progress_template(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    require(request, "delivery.download_progress_template", plan)
    if request.user.has_perm("delivery.load_progress", plan):
        form = TemplateForm(request.GET, departments=selectors.region_departments(plan=plan))
        if not form.is_valid():
            raise Http404
        wanted = form.cleaned_data["department"]
        department = selectors.department_get(plan=plan, department_id=wanted)
        if wanted and department is None:
            raise Http404
    else:  # a department downloads the sheet of its own items
        department = request.user.department
    content = progress_template_build(plan=plan, department=department)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = progress_template_filename(plan=plan, department=department)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def progress_upload(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    require(request, "delivery.load_progress", plan)
    status = 200
    row_errors: list = []
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_SHEET_BYTES:
                form.add_error(
                    "file",
                    _("The file is too large (%(size)d bytes; at most %(limit)d).")
                    % {"size": upload.size, "limit": MAX_SHEET_BYTES},
                )
                status = BAD_INPUT
            else:
                try:
                    result = progress_sheet_load(content=upload.read(), by=request.user, plan=plan)
                except SpreadsheetError as error:
                    form.add_error("file", str(error))
                    status = BAD_INPUT
                except SheetErrors as errors:
                    row_errors = errors.errors
                    status = BAD_INPUT
                except DeliveryError as error:
                    web.show_error(form, error)
                    status = BAD_INPUT
                else:
                    messages.success(
                        request,
                        _("Loaded %(loaded)d figures (%(skipped)d rows left empty).")
                        % {"loaded": result.loaded, "skipped": result.skipped},
                    )
                    return redirect("delivery:dashboard", plan.pk)
        else:
            status = BAD_INPUT
    else:
        form = UploadForm()
    return render(
        request,
        "delivery/upload.html",
        {
            "plan": plan,
            "form": form,
            "row_errors": row_errors,
            "template_form": TemplateForm(None, departments=selectors.region_departments(plan=plan)),
        },
        status=status,
    )


# --- the department workspace and reports ----------------------------------------------------------------


@require_safe
@login_required
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
    context: dict[str, Any] = {
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
            report=report, by=request.user, expected_version=data["version"], publish=data["publish"]
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


# --- notices ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def notice_new(request: SignedInRequest, item_id: int) -> HttpResponse:
    item = access(selectors.item_get(item_id=item_id), request.user, "plans.view_item", private=False)
    require(request, "delivery.issue_notice", item)
    status = 200
    if request.method == "POST":
        form = NoticeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            notice, status = _attempt(
                form,
                lambda: services.notice_issue(
                    item=item,
                    by=request.user,
                    reason=data["reason"],
                    demand=data["demand"],
                    reply_deadline=data["reply_deadline"],
                ),
            )
            if status == 200:
                messages.success(request, _("The supervision notice is issued."))
                return redirect("delivery:notice", notice.pk)
        else:
            status = BAD_INPUT
    else:
        form = NoticeForm(initial={"reply_deadline": _today() + dt.timedelta(days=7)})
    return render(
        request, "delivery/notice_form.html", {"item": item, "plan": item.plan, "form": form}, status=status
    )


def _notice(request: SignedInRequest, notice_id: int) -> SupervisionNotice:
    return selectors.access_notice_by_id(notice_id=notice_id, user=request.user)


def _render_notice(
    request: SignedInRequest, notice: SupervisionNotice, *, status: int = 200, **given: Form
) -> HttpResponse:
    actions = selectors.notice_actions(notice=notice, user=request.user)
    version = {"version": notice.version}
    forms, page_errors = _forms_shown(
        {
            "reply_form": NoticeReplyForm(initial=version) if "reply" in actions else None,
            "close_form": NoticeCloseForm(initial=version) if "close" in actions else None,
            "escalate_form": NoticeEscalateForm(initial=version) if "escalate" in actions else None,
        },
        given,
    )
    context: dict[str, Any] = {
        "notice": notice,
        "item": notice.item,
        "plan": notice.item.plan,
        "conflict": status == CONFLICT,
        "page_errors": page_errors,
        **forms,
    }
    return render(request, "delivery/notice.html", context, status=status)


@require_safe
@login_required
def notice_detail(request: SignedInRequest, notice_id: int) -> HttpResponse:
    return _render_notice(request, _notice(request, notice_id))


def _notice_step(request: SignedInRequest, notice_id: int, **step: Any) -> HttpResponse:
    return _versioned_step(
        request, notice_id, load=_notice, render=_render_notice, url_name="delivery:notice", **step
    )


@require_POST
@login_required
def notice_reply(request: SignedInRequest, notice_id: int) -> HttpResponse:
    return _notice_step(
        request,
        notice_id,
        perm="delivery.reply_notice",
        form_class=NoticeReplyForm,
        form_name="reply_form",
        call=lambda notice, data: services.notice_reply(
            notice=notice,
            by=request.user,
            explanation=data["explanation"],
            catch_up_plan=data["catch_up_plan"],
            expected_version=data["version"],
        ),
        done=_("Your reply is sent to the supervision office."),
    )


@require_POST
@login_required
def notice_close(request: SignedInRequest, notice_id: int) -> HttpResponse:
    return _notice_step(
        request,
        notice_id,
        perm="delivery.close_notice",
        form_class=NoticeCloseForm,
        form_name="close_form",
        call=lambda notice, data: services.notice_close(
            notice=notice, by=request.user, note=data["note"], expected_version=data["version"]
        ),
        done=_("The notice is closed."),
    )


@require_POST
@login_required
def notice_escalate(request: SignedInRequest, notice_id: int) -> HttpResponse:
    return _notice_step(
        request,
        notice_id,
        perm="delivery.escalate_notice",
        form_class=NoticeEscalateForm,
        form_name="escalate_form",
        call=lambda notice, data: services.notice_escalate(
            notice=notice, by=request.user, note=data["note"], expected_version=data["version"]
        ),
        done=_("The notice is escalated."),
    )
