"""The public plan page's reads: the plan at a glance (``delivery.selectors.plan_overview``, published figures
only) and its items as short cards grouped by action, narrowed by the visitor's search and filters.

The filters come from the address (a plain GET form: ``q``, ``action``, ``department``, ``place``, ``light``),
so a filtered page can be shared; a value that names nothing is ignored rather than refused. The cards that
match are shown :data:`CARDS_PER_PAGE` at a time (``page`` in the address; a plan of the usual size fits on
one), so that a plan of thousands of items is a page of a hundred cards, not megabytes. Queries: those of the
overview, plus one for the items' text when a search is given, whatever the number of items.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.core.paginator import Page, Paginator

from minsheng.common.pages import cached_read
from minsheng.delivery.schedule import Light
from minsheng.delivery.selectors import OverviewItem, OverviewRow, PlanOverview, plan_overview
from minsheng.plans.models import Item, Plan

CARDS_PER_PAGE = 100

DELIVERING = (Plan.Status.ADOPTED, Plan.Status.CLOSED)
"""The stages in which a plan's items are being delivered: only then are lights and percentages shown."""


class PlanFilterForm(forms.Form):
    """The plan page's search and filters; a bad value is dropped (the page shows everything for it)."""

    q = forms.CharField(required=False, max_length=100, strip=True)
    action = forms.IntegerField(required=False, min_value=1)
    department = forms.CharField(required=False, max_length=200)
    place = forms.CharField(required=False, max_length=100)
    light = forms.ChoiceField(
        required=False, choices=[("", "")] + [(light.value, light.value) for light in Light]
    )

    def filters(self) -> PlanFilters:
        self.is_valid()
        data = self.cleaned_data
        return PlanFilters(
            q=data.get("q") or "",
            action=data.get("action"),
            department=data.get("department") or "",
            place=data.get("place") or "",
            light=data.get("light") or "",
        )


@dataclass(frozen=True)
class PlanFilters:
    q: str = ""
    action: int | None = None
    department: str = ""
    place: str = ""
    light: str = ""

    @property
    def active(self) -> bool:
        return bool(self.q or self.action or self.department or self.place or self.light)


@dataclass
class CardGroup:
    """An action's items as cards: those the filters let through on this page; ``matched``: on all pages."""

    action: OverviewRow
    cards: list[OverviewItem] = field(default_factory=list)
    matched: int = 0


@dataclass
class PublicPlan:
    overview: PlanOverview
    filters: PlanFilters
    groups: list[CardGroup]
    shown: int  # cards that match, on every page
    delivering: bool
    page: Page[OverviewItem]

    @property
    def departments(self) -> list[str]:
        """Every department that delivers an item (lead or supporting), for the filter's choices."""
        names = {name for item in self.overview.items for name in (item.lead, *item.supporting) if name}
        return sorted(names)

    @property
    def places(self) -> list[str]:
        return [row.key for row in self.overview.places]


def _terms(text: str) -> list[str]:
    return [term for term in text.casefold().split() if term]


def _matches(item: OverviewItem, filters: PlanFilters, texts: dict[int, str]) -> bool:
    if filters.action and item.action_id != filters.action:
        return False
    if filters.department and filters.department not in (item.lead, *item.supporting):
        return False
    if filters.place and filters.place not in item.places:
        return False
    if filters.light and item.light.value != filters.light:
        return False
    if filters.q:
        haystack = " ".join(
            [
                str(item.no),
                item.title,
                texts.get(item.id, ""),
                item.lead or "",
                *item.supporting,
                *item.places,
            ]
        ).casefold()
        return all(term in haystack for term in _terms(filters.q))
    return True


def public_plan_get(
    *, plan: Plan, on: dt.date, filters: PlanFilters, page: str | int | None = None
) -> PublicPlan:
    """The plan page's overview (published figures only) and one page of its cards (``page``, the first
    where it names none), filtered and grouped by action."""
    overview = cached_read(  # one computation for every page, filter and search of the plan's page
        "plan_overview",
        plan.pk,
        on,
        "public",
        compute=lambda: plan_overview(plan=plan, on=on, public=True, forecast=False),
    )
    texts: dict[int, str] = {}
    if filters.q:
        texts = dict(
            Item.objects.filter(plan=plan, removed_in__isnull=True).values_list("id", "text").order_by()
        )
    groups = {int(row.key): CardGroup(action=row) for row in overview.actions}
    matching = [
        item for item in overview.items if item.action_id in groups and _matches(item, filters, texts)
    ]
    order = {action_id: position for position, action_id in enumerate(groups)}
    matching.sort(key=lambda item: order[item.action_id or 0])  # by action, in plan order within it
    for item in matching:
        groups[item.action_id or 0].matched += 1
    shown = Paginator(matching, CARDS_PER_PAGE).get_page(page)
    for item in shown.object_list:
        groups[item.action_id or 0].cards.append(item)
    return PublicPlan(
        overview=overview,
        filters=filters,
        groups=[group for group in groups.values() if group.cards],
        shown=len(matching),
        delivering=plan.status in DELIVERING,
        page=shown,
    )
