"""Template helpers of the participation pages: the section's navigation and safe local links."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import ngettext

from minsheng.notifications.selectors import request_unread_count
from minsheng.participation.models import CommentStatus, SuggestionStatus

register = template.Library()


@register.filter
def local_path(url: str) -> str:
    """A link inside the site (a path such as /participation/items/3/#changes); anything else is dropped."""
    url = url or ""
    return url if url.startswith("/") and not url.startswith("//") and "\\" not in url else ""


@register.inclusion_tag("participation/_nav.html", takes_context=True)
def participation_nav(context: dict[str, Any]) -> dict[str, Any]:
    """Links for the signed-in person (their suggestions and comments, notifications with the unread count;
    the office's queues), and the page's messages."""
    request = context["request"]
    user = request.user
    return {
        "request": request,
        "user": user,
        "is_office": user.has_perm("participation.view_moderation_queue"),
        "unread": request_unread_count(request),
        "messages": context.get("messages"),
    }


@register.filter
def status_label(value: str) -> str:
    """A comment's or a suggestion's status in words (moderation history keeps the bare values)."""
    for choices in (CommentStatus, SuggestionStatus):
        try:
            return str(choices(value).label)
        except ValueError:
            continue
    return value


@register.filter
def in_comments(count: int) -> str:
    """ "in 3 comments": a recurring phrase's count (the report lists hundreds; a filter costs a fraction of a
    ``blocktranslate``)."""
    return ngettext("in %(counter)s comment", "in %(counter)s comments", count) % {"counter": count}
