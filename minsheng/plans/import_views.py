"""Importing on the web (the office): upload a plan document, preview what the reader found with its warnings,
correct it in place, see the diff against the plan it revises, and confirm or cancel. The pages are thin: the
writes are the services of :mod:`minsheng.plans.import_drafts`, a refused rule is the sign-in page or a 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from minsheng.accounts.http import SignedInRequest
from minsheng.common import web
from minsheng.common.limits import body_limit
from minsheng.common.web import BAD_INPUT, access, require
from minsheng.plans import import_drafts
from minsheng.plans.corrections import OPERATIONS
from minsheng.plans.import_drafts import ImportDraftError
from minsheng.plans.import_forms import ImportUploadForm
from minsheng.plans.models import ImportDraft, Op

DENIED = "plans/import_denied.html"
# The fields a correction may carry (positions and values); anything else in the request is ignored.
CORRECTION_FIELDS = (
    "a", "i", "t", "s", "to", "kind", "subject", "op", "value", "value_max", "unit", "period", "weight",
    "amount", "per", "at",
)  # fmt: skip


def _draft(request: SignedInRequest, draft_id: int) -> ImportDraft:
    return access(import_drafts.import_draft_get(draft_id=draft_id), request.user, "plans.view_importdraft")


@body_limit("MINSHENG_MAX_DOCUMENT_BYTES")
@require_http_methods(["GET", "HEAD", "POST"])
@web.refusals_as_page(DENIED)
@login_required
def upload(request: SignedInRequest) -> HttpResponse:
    require(request, "plans.import_plan", message=_("Only the supervision office imports plan documents."))
    status = 200
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > request_limit():
                    raise ImportDraftError(
                        _("The file is too large (%(size)d bytes; at most %(limit)d).")
                        % {"size": upload.size, "limit": request_limit()}
                    )
                draft = import_drafts.import_draft_create(
                    content=upload.read(),
                    filename=upload.name or "",
                    by=request.user,
                    region=form.cleaned_data["region"] or "",
                    year=form.cleaned_data["year"],
                )
            except ImportDraftError as error:
                web.show_error(form, error)
                status = BAD_INPUT
            else:
                return redirect("plans_import:preview", draft.pk)
        else:
            status = BAD_INPUT
    else:
        form = ImportUploadForm()
    return render(
        request,
        "plans/import_upload.html",
        {"form": form, "pending": import_drafts.import_drafts_pending()},
        status=status,
    )


def request_limit() -> int:
    from django.conf import settings

    return int(settings.MINSHENG_MAX_DOCUMENT_BYTES)


@require_http_methods(["GET", "HEAD"])
@web.refusals_as_page(DENIED)
@login_required
def preview(request: SignedInRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    pending = draft.status == ImportDraft.Status.PENDING
    context = {
        "draft": draft,
        "pending": pending,
        "preview": import_drafts.import_draft_preview(draft=draft),
        "diff": import_drafts.import_draft_diff(draft=draft) if pending else None,
        "revision": len(draft.corrections),
        "ops": Op.choices,
    }
    return render(request, "plans/import_preview.html", context)


@require_POST
@web.refusals_as_page(DENIED)
@login_required
def correct(request: SignedInRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    op = request.POST.get("operation", "")
    args = {key: request.POST[key] for key in CORRECTION_FIELDS if key in request.POST}
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = -1
    back = reverse("plans_import:preview", args=[draft.pk])
    if op not in OPERATIONS:
        messages.error(request, _("Unknown correction."))
        return redirect(back)
    anchor = f"#item-{args.get('a', '')}-{args.get('i', '')}" if "i" in args else ""
    return web.button(
        request,
        lambda: import_drafts.import_draft_correct(
            draft=draft, by=request.user, op=op, args=args, revision=revision
        ),
        done=_("Corrected."),
        back=back + anchor,
        errors=ImportDraftError,
    )


@require_POST
@web.refusals_as_page(DENIED)
@login_required
def confirm(request: SignedInRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    try:
        result = import_drafts.import_draft_confirm(draft=draft, by=request.user)
    except ImportDraftError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("plans_import:preview", draft.pk)
    if result.unchanged:
        messages.success(request, _("The document equals the plan's current version; nothing was changed."))
    else:
        messages.success(
            request,
            _("Imported as version %(version)d of the plan.") % {"version": result.version.number},
        )
    return redirect("plans_import:preview", draft.pk)


@require_POST
@web.refusals_as_page(DENIED)
@login_required
def cancel(request: SignedInRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    return web.button(
        request,
        lambda: import_drafts.import_draft_cancel(draft=draft, by=request.user),
        done=_("The import was cancelled; nothing was saved."),
        back=reverse("plans_import:upload"),
        errors=ImportDraftError,
    )
