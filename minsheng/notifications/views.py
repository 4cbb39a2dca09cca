"""The one inbox: a person's notifications from delivery, participation and voting, newest first, with
"mark as read" for one or all. The sections' old notification pages send people here."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from minsheng.accounts.models import User
from minsheng.common import web
from minsheng.notifications import selectors, services
from minsheng.notifications.forms import MarkReadForm

INBOX_SIZE = 100


@require_http_methods(["GET", "HEAD", "POST"])
@web.refusals_as_page("notifications/denied.html")
def inbox(request: HttpRequest) -> HttpResponse:
    web.require(request, "notifications.view_notifications")
    status = web.OK
    if request.method == "POST":
        form = MarkReadForm(request.POST)
        if form.is_valid():
            user = cast(User, request.user)  # signed in: the rule passed
            services.notifications_mark_read(user=user, ids=form.cleaned_data["ids"] or None)
            return redirect("notifications:inbox")
        status = web.BAD_INPUT
    return render(
        request,
        "notifications/inbox.html",
        {
            "notifications": selectors.notification_list(user=request.user, limit=INBOX_SIZE),
            "unread": selectors.unread_count(user=request.user),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def moved(request: HttpRequest) -> HttpResponse:
    """A section's old notifications page: to the inbox (a POST, "mark as read", keeps its method: 307)."""
    response = HttpResponseRedirect(reverse("notifications:inbox"))
    if request.method == "POST":
        response.status_code = 307
    return response
