"""Importing in bulk: a handful of queries for a whole plan, the same whatever its size, and a row that breaks
a database rule refused with a message (the database left as it was)."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minsheng.documents import parse_bytes
from minsheng.plans.models import Item, Plan, Target
from minsheng.plans.services import PlanImportError, plan_document_import

pytestmark = pytest.mark.django_db


def _seed(seed_txt):
    return parse_bytes(seed_txt.read_bytes(), seed_txt.name)


def _grown(document, times: int):
    """The seed's actions repeated ``times`` times, items renumbered: a plan ``times`` as large."""
    actions, no = [], 0
    for round_ in range(times):
        for action in document.actions:
            items = []
            for item in action.items:
                no += 1
                items.append(dataclasses.replace(copy.deepcopy(item), no=no, text=f"{item.text}（{round_}）"))
            actions.append(dataclasses.replace(action, no=len(actions) + 1, items=items))
    return dataclasses.replace(document, actions=actions)


def _queries(document, year: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        plan_document_import(document=document, year=year)
    return len(queries)


def test_the_query_count_of_an_import_does_not_grow_with_the_items(seed_txt):
    document = _seed(seed_txt)
    small = _queries(document, 2001)
    large = _queries(_grown(document, 3), 2002)
    assert Item.objects.filter(plan__year=2002).count() == 3 * Item.objects.filter(plan__year=2001).count()
    # Per action there are a few writes (actions are renumbered in place), but nothing per item or target.
    assert large - small <= 3 * len(document.actions)
    assert small < 80


def test_a_row_that_breaks_a_database_rule_is_refused_and_nothing_is_stored(seed_txt):
    document = _seed(seed_txt)
    bad = copy.deepcopy(document)
    target = next(t for a in bad.actions for i in a.items for t in i.targets if t.kind == "quantity")
    # Each field is valid alone; only the table's rule (a quantity has a value) refuses the row.
    object.__setattr__(target, "value", None)
    before = (Plan.objects.count(), Item.objects.count(), Target.objects.count())
    with pytest.raises(PlanImportError) as raised:
        plan_document_import(document=bad, year=2003)
    assert "plans_target_value_matches_kind" in str(raised.value)
    assert (Plan.objects.count(), Item.objects.count(), Target.objects.count()) == before
