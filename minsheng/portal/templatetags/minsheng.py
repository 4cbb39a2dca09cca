"""Formatting filters for the portal's templates."""

from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone

from minsheng.notifications.selectors import request_unread_count
from minsheng.plans.funding import format_number, format_yuan
from minsheng.portal.navigation import menu_entries

register = template.Library()


@register.filter
def number(value: Decimal | int | None) -> str:
    """3553000 -> 3,553,000; 39.5000 -> 39.5; None -> ''."""
    return "" if value is None else format_number(value)


@register.filter
def yuan(value: Decimal | int | None) -> str:
    """209 -> 209 元 (209 yuan in English)."""
    return "" if value is None else format_yuan(value)


@register.inclusion_tag("portal/_menu.html", takes_context=True)
def site_menu(context: dict[str, Any]) -> dict[str, Any]:
    """The header's menu: what the signed-in person's role can do, and the one notification inbox."""
    request = context.get("request")
    if request is None:
        return {"entries": []}
    path = request.path
    unread = request_unread_count(request) if request.user.is_authenticated else 0
    entries = menu_entries(user=request.user, now=timezone.now(), unread=unread)
    return {"entries": entries, "path": path}
