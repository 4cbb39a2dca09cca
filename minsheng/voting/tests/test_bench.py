"""Benchmarks (``make bench``): casting a ballot among 40 candidates, closing a vote, rating an item, and the
published results pages with many ballots and ratings."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse

from minsheng.accounts.tests.factories import DeputyFactory, PublicUserFactory
from minsheng.plans.models import Plan
from minsheng.plans.tests.factories import ActionFactory, ItemFactory, PlanFactory
from minsheng.voting import services
from minsheng.voting.models import Grade
from minsheng.voting.tests.conftest import window

pytestmark = [pytest.mark.bench, pytest.mark.django_db]


@pytest.fixture
def candidates(world):
    plan = PlanFactory(year=2040, region=world.plan.region, status=Plan.Status.VOTING)
    action = ActionFactory(plan=plan)
    items = [ItemFactory(action=action, no=no) for no in range(1, 41)]
    deputies = [DeputyFactory() for _ in range(60)]  # on the roll: they exist when the vote opens
    round_ = services.vote_set(plan=plan, by=world.office, rule="at_most", choose=30, **window())
    return plan, items, services.vote_open(round=round_, by=world.office), deputies


def test_bench_casting_a_ballot_among_40_candidates(benchmark, world, candidates):
    _plan, items, round_, roll = candidates
    deputies = iter(roll)
    choice = [item.pk for item in items[:30]]
    benchmark.pedantic(
        lambda: services.ballot_cast(round=round_, by=next(deputies), item_ids=choice),
        rounds=50,
        iterations=1,
    )


def test_bench_closing_a_vote_and_adopting_the_plan(benchmark, world, candidates):
    _plan, items, round_, roll = candidates
    for index, deputy in enumerate(roll[:50]):
        services.ballot_cast(
            round=round_, by=deputy, item_ids=[item.pk for item in items[index % 10 : index % 10 + 30]]
        )
    result = benchmark.pedantic(
        lambda: services.vote_close(round=round_, by=world.office), rounds=1, iterations=1
    )
    assert result.status == "closed"


def test_bench_tally_page_with_40_candidates(benchmark, world, candidates, client):
    plan, items, round_, roll = candidates
    for index, deputy in enumerate(roll[:50]):
        services.ballot_cast(
            round=round_, by=deputy, item_ids=[item.pk for item in items[index % 10 : index % 10 + 30]]
        )
    services.vote_close(round=round_, by=world.office)
    response = benchmark(client.get, reverse("voting:vote_results", args=[plan.pk]))
    assert response.status_code == 200


def test_bench_rating_an_item(benchmark, world, open_rating):
    grades = itertools.cycle(Grade.values)
    item = world.adopted_items[0]
    benchmark(lambda: services.item_rate(round=open_rating, item=item, by=world.public, grade=next(grades)))


def test_bench_rating_results_page_with_40_items_and_4000_ratings(benchmark, world, client):
    plan = PlanFactory(year=2041, region=world.adopted.region, status=Plan.Status.ADOPTED)
    action = ActionFactory(plan=plan)
    items = [ItemFactory(action=action, no=no) for no in range(1, 41)]
    round_ = services.rating_set(plan=plan, by=world.office, threshold=80, **window())
    services.rating_open(round=round_, by=world.office)
    from minsheng.voting.models import Rating

    raters = [PublicUserFactory() for _ in range(80)] + [DeputyFactory() for _ in range(20)]
    Rating.objects.bulk_create(
        Rating(
            round=round_,
            item=item,
            rater=rater,
            group="deputy" if rater.role == "deputy" else "public",
            grade=Grade.values[(index + item.no) % 3],
        )
        for index, rater in enumerate(raters)
        for item in items
    )
    services.rating_close(round=round_, by=world.office)
    response = benchmark(client.get, reverse("voting:rating_results", args=[plan.pk]))
    assert response.status_code == 200
