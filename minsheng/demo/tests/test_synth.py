"""The synthetic data set: every kind of row, every comparator and state, deterministic, and the command's
bad arguments refused with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from minsheng.delivery.models import Assignment, ProgressReport, SupervisionNotice
from minsheng.delivery.selectors import plan_status
from minsheng.demo.synth import synth
from minsheng.participation.models import Comment, Suggestion
from minsheng.plans.models import Item, Op, Plan, Target

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 10, 15)


def test_a_small_set_holds_every_kind_of_row_in_every_state():
    counts = synth(plans=10, seed=7, on=ON, big_plan_items=200)
    assert counts.plans == Plan.objects.count() == 10
    assert Item.objects.count() == counts.items >= 200 + 9 * 15
    assert Plan.objects.filter(items__no=200).exists()  # the first plan of ten or more is the big one
    assert Assignment.objects.count() == counts.items
    assert set(Target.objects.values_list("op", flat=True)) == set(Op.values)
    assert set(Target.objects.values_list("kind", flat=True)) == {"quantity", "milestone"}
    states = set(ProgressReport.objects.values_list("status", flat=True))
    assert states == {"draft", "submitted", "approved", "returned", "accepted"}
    assert ProgressReport.objects.filter(published=True).exists()
    assert SupervisionNotice.objects.exists() and Suggestion.objects.count() == 10 * 30
    assert {"published", "pending", "hidden"} <= set(Comment.objects.values_list("status", flat=True))


def test_the_lights_are_a_realistic_mix():
    synth(plans=3, seed=11, on=ON)
    plan = Plan.objects.filter(year=ON.year).first() or Plan.objects.first()
    status = plan_status(plan=plan, on=ON if plan.year == ON.year else dt.date(plan.year, 12, 31))
    lights = [item.light for item in status.items]
    on_track = sum(1 for light in lights if light in ("green", "done"))
    assert on_track > len(lights) / 2
    assert any(light in ("yellow", "red") for light in lights)


def _made(seed: int) -> list[tuple]:
    with transaction.atomic():
        synth(plans=2, seed=seed, on=ON, refresh_statistics=False)
        made = list(
            Target.objects.order_by("pk").values_list("item__plan__region__name", "item__no", "source")
        )
        transaction.set_rollback(True)
    return made


def test_the_same_seed_gives_the_same_data():
    assert _made(5) == _made(5)
    assert _made(5) != _made(6)


@pytest.mark.parametrize(
    "arguments",
    [
        ["--plans", "0"],
        ["--plans", "many"],
        ["--plans", "2", "--seed", "-1"],
        ["--plans", "2", "--date", "soon"],
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_written(arguments):
    with pytest.raises(CommandError) as raised:
        call_command("synth", *arguments)
    assert raised.value.returncode == 2
    assert not Plan.objects.exists()


def test_a_database_with_real_plans_is_left_alone_without_force(seed_docx):
    from minsheng.plans.services import plan_import

    plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name)
    with pytest.raises(CommandError):
        call_command("synth", "--plans", "1")
    assert Plan.objects.count() == 1
    call_command("synth", "--plans", "1", "--force", "--date", ON.isoformat())
    assert Plan.objects.count() == 2
