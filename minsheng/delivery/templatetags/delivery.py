"""Template helpers of the delivery pages: lights and shares as words, and the delivery navigation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from minsheng.delivery.models import ReportStatus, Stage
from minsheng.delivery.rules import is_department_member
from minsheng.delivery.schedule import Light
from minsheng.delivery.selectors import LIGHT_LABELS
from minsheng.notifications.selectors import request_unread_count

register = template.Library()

EVENT_LABELS = {
    "create": _("Drafted"),
    "edit": _("Changed"),
    "submit": _("Submitted"),
    "approve": _("Approved by the department head"),
    "return": _("Returned"),
    "accept": _("Accepted"),
    "record": _("Recorded by the office"),
    "publish": _("Published"),
    "unpublish": _("Withdrawn from the public pages"),
    "evidence_add": _("Evidence attached"),
    "evidence_remove": _("Evidence removed"),
}


@register.filter
def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))


@register.filter
def report_status_label(status: str) -> str:
    try:
        return str(ReportStatus(status).label)
    except ValueError:
        return status


@register.filter
def stage_label(stage: str) -> str:
    try:
        return str(Stage(stage).label)
    except ValueError:
        return stage


@register.filter
def local_path(url: str) -> str:
    """A link inside the site (a path such as /delivery/reports/3/); anything else becomes empty."""
    return url if url.startswith("/") and not url.startswith("//") else ""


@register.filter
def light_label(light: Light | str | None) -> str:
    """green -> 按进度 / on schedule: a light is always said in words, never by colour alone."""
    if not light:
        return ""
    return str(LIGHT_LABELS.get(Light(light), light))


@register.filter
def percent(share: float | None) -> str:
    """0.456 -> 46%; None -> —."""
    if share is None:
        return "—"
    return number_format(round(share * 100)) + "%"


@register.filter
def behind(expected: float, completion: float | None) -> str:
    """How far behind schedule, in percentage points: 0.5|behind:0.2 -> 30."""
    return number_format(round(((expected or 0.0) - (completion or 0.0)) * 100))


@register.filter
def figures_used(targets: Iterable[Any]) -> int:
    """How many accepted figures an item's forecast rests on (the sum over its targets' forecasts)."""
    return sum(getattr(target, "points", 0) for target in targets)


@register.inclusion_tag("delivery/_nav.html", takes_context=True)
def delivery_nav(context: dict[str, Any]) -> dict[str, Any]:
    """The links of the delivery section for the signed-in user (the inbox is in the site menu, once)."""
    request = context["request"]
    user = request.user
    return {
        "request": request,
        "user": user,
        "is_office": user.has_perm("delivery.view_delivery_status"),
        "is_member": is_department_member(user),
        "unread": request_unread_count(request),
        "messages": context.get("messages"),
    }
