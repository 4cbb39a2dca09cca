"""The one pager's tag (template ``common/_pages.html``): a page's address with another page number."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context: dict[str, Any], name: str, number: int, drop: str = "") -> str:
    """The address's query with ``name`` set to ``number`` and every other parameter kept (the filters, a
    search, another list's page: ``?q=…&page=3``), except those named in ``drop`` (comma-separated: a
    parameter that only says where to open, like a comment to show)."""
    query = context["request"].GET.copy()
    for gone in filter(None, drop.split(",")):
        query.pop(gone, None)
    query[name] = str(number)
    return "?" + query.urlencode()
