"""Reads for plans. Each selector owns its queries: a page's query count does not grow with its items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.core.paginator import Page
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from minsheng.common.paging import page_of
from minsheng.plans.funding import ItemEstimate, TotalEstimate, item_estimate
from minsheng.plans.models import (
    Action,
    Item,
    ItemDepartment,
    ItemRevision,
    Plan,
    PlanVersion,
    Standard,
    Target,
)

M = TypeVar("M", Plan, Action)


@dataclass(frozen=True)
class Fragment:
    """A piece of an item's text; ``marked`` pieces state a target (their ``source``)."""

    text: str
    marked: bool = False


@dataclass
class PlanSummary:
    """What the public plan page needs of the plan itself beside its overview: the funding estimate over
    its current items, their number and the versions (no item rows: a plan may hold thousands)."""

    plan: Plan
    estimate: TotalEstimate
    versions: list[PlanVersion]
    item_count: int


@dataclass
class ItemPage:
    item: Item
    fragments: list[Fragment]
    targets: list[Target]
    standards: list[Standard]
    estimate: ItemEstimate
    revisions: list[ItemRevision]


def plans_in_order(*, search: str = "") -> QuerySet[Plan]:
    """Every plan with its region, by region then newest year first (no counts: see :func:`plan_page_of`);
    ``search``: only those whose region or title holds it."""
    plans = Plan.objects.select_related("region").order_by("region__name", "-year", "id")
    if search:
        plans = plans.filter(Q(region__name__icontains=search) | Q(title__icontains=search))
    return plans


def plan_page_of(plans: QuerySet[Plan], number: str | int | None, per_page: int) -> Page[Plan]:
    """A page of ``plans`` (ordered), each with its count of current items as ``item_count``: three
    queries whatever the number of plans (how many, the page, the page's counts). Annotating every plan
    with its count instead would count every item of every plan before the page is cut (slow at national
    scale)."""
    page = page_of(plans, number, per_page)
    with_item_counts(list(page.object_list), per="plan")
    return page


def with_item_counts(rows: Sequence[M], *, per: str) -> Sequence[M]:
    """Give each of ``rows`` (plans, ``per="plan"``, or actions, ``per="action"``) its count of current
    items as ``item_count``, in one query: for a page of rows, where counting in the rows' own query would
    count the items of every row before the page is cut."""
    counts = dict(
        Item.objects.filter(**{f"{per}__in": [row.pk for row in rows]}, removed_in__isnull=True)
        .order_by()
        .values(per)
        .annotate(n=Count("pk"))
        .values_list(per, "n")
    )
    for row in rows:
        row.item_count = counts.get(row.pk, 0)  # type: ignore[attr-defined]
    return rows


def _current_targets() -> Prefetch:
    return Prefetch(
        "targets", queryset=Target.objects.filter(removed_in__isnull=True).order_by("position", "id")
    )


def _assignments() -> Prefetch:
    return Prefetch("assignments", queryset=ItemDepartment.objects.select_related("department"))


def _estimate(item: Item) -> ItemEstimate:
    return item_estimate(text=item.text, targets=item.targets.all(), standards=item.standards.all())


def plan_summary_get(*, plan_id: int) -> PlanSummary | None:
    """A plan with the total funding estimate of its current items (the sum of their items' estimates),
    their number and its versions. Six queries whatever the number of items: only the items that state a
    standard can have an estimate, so only their text and targets are read."""
    plan = Plan.objects.select_related("region").filter(pk=plan_id).first()
    if plan is None:
        return None
    current = Item.objects.filter(plan=plan, removed_in__isnull=True)
    count = current.count()
    standards: dict[int, list[Standard]] = {}
    for standard in Standard.objects.filter(item__in=current.values("pk")).order_by(
        "item_id", "position", "id"
    ):
        standards.setdefault(standard.item_id, []).append(standard)
    with_standards = current.filter(Exists(Standard.objects.filter(item=OuterRef("pk"))))
    targets: dict[int, list[Target]] = {}
    for target in Target.objects.filter(
        item__in=with_standards.values("pk"), removed_in__isnull=True
    ).order_by("item_id", "position", "id"):
        targets.setdefault(target.item_id, []).append(target)
    total = TotalEstimate()
    for item_id, text in with_standards.order_by().values_list("id", "text"):
        total.add(item_estimate(text=text, targets=targets.get(item_id, []), standards=standards[item_id]))
    for _ in range(count - total.items):  # the others state no standard: no estimate
        total.add(item_estimate(text="", targets=[], standards=[]))
    versions = list(plan.versions.defer("content", "parsed").order_by("-number"))
    return PlanSummary(plan=plan, estimate=total, versions=versions, item_count=count)


def item_page_get(*, item_id: int) -> ItemPage | None:
    """An item with its text split into highlighted fragments, its targets, standards and history."""
    item = (
        Item.objects.select_related("plan__region", "action", "removed_in")
        .defer("removed_in__content", "removed_in__parsed")
        .prefetch_related(
            _current_targets(),
            "standards",
            _assignments(),
            Prefetch(
                "revisions",
                queryset=ItemRevision.objects.select_related("version")
                .defer("version__content", "version__parsed")
                .order_by("version__number"),
            ),
        )
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        return None
    targets = list(item.targets.all())
    return ItemPage(
        item=item,
        fragments=text_fragments(item.text, [t.source for t in targets]),
        targets=targets,
        standards=list(item.standards.all()),
        estimate=_estimate(item),
        revisions=list(item.revisions.all()),
    )


def text_fragments(text: str, sources: list[str]) -> list[Fragment]:
    """Split ``text`` so that each source span is its own marked fragment.

    Sources are looked for in order, each from where the previous one was found (a text may state "10场次"
    twice); a source that is not in the text, or that would overlap one already marked, is skipped.
    """
    spans: list[tuple[int, int]] = []
    cursor = 0
    for source in sources:
        if not source:
            continue
        start = _find_free(text, source, cursor, spans)
        if start < 0:
            start = _find_free(text, source, 0, spans)
        if start < 0:
            continue
        spans.append((start, start + len(source)))
        cursor = start + len(source)
    spans.sort()
    fragments: list[Fragment] = []
    position = 0
    for start, end in spans:
        if start > position:
            fragments.append(Fragment(text[position:start]))
        fragments.append(Fragment(text[start:end], marked=True))
        position = end
    if position < len(text):
        fragments.append(Fragment(text[position:]))
    return fragments


def _find_free(text: str, source: str, start: int, spans: list[tuple[int, int]]) -> int:
    found = text.find(source, start)
    while found >= 0:
        end = found + len(source)
        if all(end <= s or found >= e for s, e in spans):
            return found
        found = text.find(source, found + 1)
    return -1
