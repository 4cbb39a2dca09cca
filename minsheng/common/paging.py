"""Pages of a list that grows with the data, for the selectors: :func:`page_of` is Django's paginator with a
fixed number of queries (the count and the page's rows, whatever the page holds, so that a page's query
count is the same on an empty queue and a full one) and the forgiving page number (``get_page``: a missing
or bad number gives the first page, one past the end the last)."""

from __future__ import annotations

from typing import TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def page_of(queryset: QuerySet[M], number: str | int | None, per_page: int) -> Page[M]:
    """The page ``number`` of ``queryset`` (ordered), ``per_page`` rows a page: two queries always."""
    page = Paginator(queryset, per_page).get_page(number)
    bottom = (page.number - 1) * per_page
    page.object_list = list(queryset[bottom : bottom + per_page])  # evaluated even when empty: one query
    return page
