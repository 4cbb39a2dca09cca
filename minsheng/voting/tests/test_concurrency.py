"""Ballots at the same moment, in threads with connections of their own (PostgreSQL: row locks and the
unique receipt decide; SQLite's in-memory test database cannot hold concurrent writers, so these skip there
and the race is tested deterministically in test_services.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from minsheng.testing import race
from minsheng.voting import services
from minsheng.voting.models import Ballot, BallotReceipt, Candidate, VoteRound
from minsheng.voting.tests.conftest import window
from minsheng.voting.tests.services_support import tally

pytestmark = pytest.mark.django_db(transaction=True)


_race = race


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: run the suite with DATABASE_URL=postgres://…")


def test_one_deputy_sending_four_ballots_at_once_casts_one(postgresql, world, open_vote):
    items = world.items
    choices = [[items[0].pk], [items[1].pk], [items[2].pk, items[3].pk], [items[4].pk]]
    outcomes = _race(
        *(
            lambda choice=choice: services.ballot_cast(
                round=VoteRound.objects.get(pk=open_vote.pk), by=world.deputy, item_ids=choice
            )
            for choice in choices
        )
    )
    cast = [o for o in outcomes if isinstance(o, BallotReceipt)]
    refused = [o for o in outcomes if isinstance(o, services.VotingError)]
    assert len(cast) == 1 and len(refused) == 3, outcomes
    assert BallotReceipt.objects.filter(round=open_vote).count() == 1
    open_vote.refresh_from_db()
    assert open_vote.ballots == 1
    votes = sum(votes for votes, _chosen, _tied in tally(world, open_vote).values())
    assert Ballot.objects.filter(round=open_vote).count() == 1
    assert votes in (1, 2)  # one ballot's worth: one or two items, never the sum of several ballots


def test_many_deputies_at_once_are_all_counted(postgresql, world):
    from minsheng.accounts.tests.factories import DeputyFactory

    deputies = [*world.deputies, *(DeputyFactory() for _ in range(7))]
    open_vote = services.vote_open(
        round=services.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=3, **window()),
        by=world.office,
    )
    items = world.items
    outcomes = _race(
        *(
            lambda deputy=deputy: services.ballot_cast(
                round=VoteRound.objects.get(pk=open_vote.pk), by=deputy, item_ids=[items[0].pk, items[1].pk]
            )
            for deputy in deputies
        )
    )
    assert all(isinstance(o, BallotReceipt) for o in outcomes), outcomes
    open_vote.refresh_from_db()
    assert open_vote.ballots == len(deputies)
    assert Ballot.objects.filter(round=open_vote).count() == len(deputies)
    services.vote_close(round=open_vote, by=world.office)
    counts = dict(Candidate.objects.filter(round=open_vote).values_list("item_id", "votes"))
    assert counts[items[0].pk] == counts[items[1].pk] == len(deputies)
    assert sum(counts.values()) == 2 * len(deputies)


def test_a_ballot_racing_the_close_is_either_counted_or_refused(postgresql, world, open_vote):
    outcomes = _race(
        lambda: services.ballot_cast(
            round=VoteRound.objects.get(pk=open_vote.pk), by=world.deputy, item_ids=[world.items[0].pk]
        ),
        lambda: services.vote_close(round=VoteRound.objects.get(pk=open_vote.pk), by=world.office),
    )
    open_vote.refresh_from_db()
    assert open_vote.status == "closed"
    counted = isinstance(outcomes[0], BallotReceipt)
    assert counted or isinstance(outcomes[0], services.VotingError), outcomes
    # The published tally matches the receipts either way.
    assert open_vote.ballots == BallotReceipt.objects.filter(round=open_vote).count() == int(counted)
    chosen = Candidate.objects.get(round=open_vote, item=world.items[0])
    assert chosen.votes == int(counted) and chosen.chosen is counted


def test_saving_the_settings_while_the_vote_opens_never_undoes_the_opening(postgresql, world):
    round_ = services.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=3, **window())
    outcomes = _race(
        lambda: services.vote_open(round=VoteRound.objects.get(pk=round_.pk), by=world.office),
        lambda: services.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=2, **window()),
    )
    assert not any(isinstance(o, Exception) and not isinstance(o, services.VotingError) for o in outcomes), (
        outcomes
    )
    round_.refresh_from_db()
    assert round_.status == "open"
    assert Candidate.objects.filter(round=round_).count() == len(world.items)


def test_saving_the_settings_while_the_rating_closes_never_reopens_it(postgresql, world, open_rating):
    from minsheng.voting.models import RatingRound

    outcomes = _race(
        lambda: services.rating_close(round=RatingRound.objects.get(pk=open_rating.pk), by=world.office),
        lambda: services.rating_set(plan=world.adopted, by=world.office, threshold=70, **window()),
    )
    assert not any(isinstance(o, Exception) and not isinstance(o, services.VotingError) for o in outcomes), (
        outcomes
    )
    open_rating.refresh_from_db()
    assert open_rating.status == "closed"
