"""Supervision notices: issuing one on an item, its page, and the department's reply and the office's close
and escalate (versioned like reports)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minsheng.accounts.http import SignedInRequest
from minsheng.common.web import BAD_INPUT, CONFLICT, access, require
from minsheng.delivery import selectors, services
from minsheng.delivery.forms import (
    NoticeCloseForm,
    NoticeEscalateForm,
    NoticeForm,
    NoticeReplyForm,
)
from minsheng.delivery.models import SupervisionNotice
from minsheng.delivery.views._core import _attempt, _forms_shown, _today
from minsheng.delivery.views.reports import _versioned_step

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
