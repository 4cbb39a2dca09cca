"""Helpers shared by the test_services_* test modules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pytest

from minsheng.accounts.models import AuditEvent
from minsheng.plans.models import Item, Plan
from minsheng.voting import models as m
from minsheng.voting import services
from minsheng.voting.sealing import unseal
from minsheng.voting.services import VotingError
from minsheng.voting.tests.conftest import World, window

MINUTE = dt.timedelta(minutes=1)


def refused(nothing_stored, call: Callable[[], object], *words: str) -> str:
    """Make the call, which must raise VotingError and store nothing; its message must hold ``words``."""
    nothing_stored.mark()
    with pytest.raises(VotingError) as info:
        call()
    nothing_stored.check()
    message = " ".join(info.value.messages)
    for word in words:
        assert word in message, message
    return message


def verbs(obj) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )


def make_vote(world: World, *, rule: str = m.VoteRule.AT_MOST, choose: int = 3, **kwargs) -> m.VoteRound:
    """A vote on ``world.plan``, opened now."""
    round_ = services.vote_set(
        plan=world.plan, by=world.office, rule=rule, choose=choose, **window(), **kwargs
    )
    return services.vote_open(round=round_, by=world.office)


def cast(world: World, round_: m.VoteRound, *ballots: Sequence[int]) -> None:
    """One ballot per deputy in ``world.deputies`` order; choices are indexes into ``world.items``."""
    for deputy, choices in zip(world.deputies, ballots, strict=False):
        services.ballot_cast(round=round_, by=deputy, item_ids=[world.items[i].pk for i in choices])


def tally(world: World, round_: m.VoteRound) -> dict[int, tuple[int, bool | None, bool]]:
    """{item index: (votes, chosen, tied)}. While the vote is open nothing is counted (the counters stay at
    zero): the votes are then what the sealed ballots say, opened with the server's key as the close will."""
    index = {item.pk: n for n, item in enumerate(world.items)}
    candidates = list(m.Candidate.objects.filter(round=round_).order_by("position"))
    if m.VoteRound.objects.get(pk=round_.pk).status == m.RoundStatus.OPEN:
        assert all(c.votes == 0 for c in candidates)
        for sealed in m.Ballot.objects.filter(round=round_).values_list("sealed", flat=True):
            flags = unseal(round_id=round_.pk, sealed=sealed, candidates=len(candidates))
            for candidate, flag in zip(candidates, flags, strict=True):
                candidate.votes += int(flag)
    return {index[c.item_id]: (c.votes, c.chosen, c.tied) for c in candidates}


def current_items(plan: Plan) -> set[int]:
    return set(Item.objects.filter(plan=plan, removed_in=None).values_list("no", flat=True))
