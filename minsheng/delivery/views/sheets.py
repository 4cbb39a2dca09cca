"""The Excel round trip: the progress sheet to download (the office any department's, a department its
own) and the filled sheet uploaded by the office, loaded all or nothing with every bad row listed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from minsheng.accounts.http import SignedInRequest
from minsheng.common import web
from minsheng.common.limits import body_limit
from minsheng.common.web import BAD_INPUT, require
from minsheng.delivery import selectors
from minsheng.delivery.forms import (
    TemplateForm,
    UploadForm,
)
from minsheng.delivery.services import DeliveryError
from minsheng.delivery.spreadsheets import (
    MAX_SHEET_BYTES,
    XLSX_CONTENT_TYPE,
    SheetErrors,
    SheetNeedsConfirmation,
    SpreadsheetError,
    progress_sheet_load,
    progress_template_build,
    progress_template_filename,
)
from minsheng.delivery.views.office import _plan

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


@body_limit(MAX_SHEET_BYTES)
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def progress_upload(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    require(request, "delivery.load_progress", plan)
    status = 200
    row_errors: list = []
    far_off: list = []
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
                    result = progress_sheet_load(
                        content=upload.read(),
                        by=request.user,
                        plan=plan,
                        confirm_rows=form.confirmed_rows(),
                    )
                except SpreadsheetError as error:
                    form.add_error("file", str(error))
                    status = BAD_INPUT
                except SheetNeedsConfirmation as errors:
                    far_off = errors.errors
                    rows = sorted({error.row for error in far_off})
                    form = UploadForm(
                        initial={"confirm_rows": ",".join(str(row) for row in rows), "confirm_far_off": False}
                    )
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
            "far_off": far_off,
            "template_form": TemplateForm(None, departments=selectors.region_departments(plan=plan)),
        },
        status=status,
    )
