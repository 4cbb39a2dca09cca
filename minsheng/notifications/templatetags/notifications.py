"""Template helpers of the inbox: safe local links, and the unread count for the sections' navigation."""

from __future__ import annotations

from typing import Any

from django import template

from minsheng.notifications.selectors import request_unread_count

register = template.Library()


@register.filter
def local_path(url: str) -> str:
    """A link inside the site (a path such as /participation/items/3/#changes); anything else is dropped."""
    url = url or ""
    return url if url.startswith("/") and not url.startswith("//") and "\\" not in url else ""


@register.simple_tag(takes_context=True)
def notifications_unread(context: dict[str, Any]) -> int:
    """How many notifications the signed-in person has not read yet (0 for a visitor)."""
    return request_unread_count(context["request"])
