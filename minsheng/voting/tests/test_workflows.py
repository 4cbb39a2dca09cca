"""The open and close buttons of the vote's and the rating's manage pages are exactly the steps the services
accept: for every role and every state of the round (minsheng/voting/workflows.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from minsheng.testing import accepted
from minsheng.voting import models as m
from minsheng.voting import services
from minsheng.voting.services import VotingError
from minsheng.voting.tests.conftest import window
from minsheng.voting.workflows import RATING_FLOW, VOTE_FLOW, round_steps

ROLES = ("office", "deputy", "public", "reporter", "head", "anonymous")


def _accepted(call) -> bool:
    return accepted(call, (VotingError, PermissionDenied))


def _user(world, anonymous, role):
    return anonymous if role == "anonymous" else getattr(world, role)


def _vote_in(world, state: str) -> m.VoteRound:
    round_ = services.vote_set(
        plan=world.plan, by=world.office, rule=m.VoteRule.AT_MOST, choose=3, **window()
    )
    if state in (m.RoundStatus.OPEN, m.RoundStatus.CLOSED):
        round_ = services.vote_open(round=round_, by=world.office)
    if state == m.RoundStatus.CLOSED:
        round_ = services.vote_close(round=round_, by=world.office)
    return round_


def _rating_in(world, state: str) -> m.RatingRound:
    round_ = services.rating_set(plan=world.adopted, by=world.office, threshold=80, **window())
    if state in (m.RoundStatus.OPEN, m.RoundStatus.CLOSED):
        round_ = services.rating_open(round=round_, by=world.office)
    if state == m.RoundStatus.CLOSED:
        round_ = services.rating_close(round=round_, by=world.office)
    return round_


@pytest.mark.parametrize("state", list(m.RoundStatus))
@pytest.mark.parametrize("kind", ["vote", "rating"])
def test_round_buttons_are_the_steps_the_services_accept(world, anonymous, kind, state):
    if kind == "vote":
        round_, flow = _vote_in(world, state), VOTE_FLOW
        calls = {"open": services.vote_open, "close": services.vote_close}
    else:
        round_, flow = _rating_in(world, state), RATING_FLOW
        calls = {"open": services.rating_open, "close": services.rating_close}
    assert set(calls) == set(flow.names)
    for role in ROLES:
        user = _user(world, anonymous, role)
        round_.refresh_from_db()
        shown = round_steps(round=round_, user=user)
        for step, call in calls.items():
            round_.refresh_from_db()
            accepted = _accepted(lambda c=call, u=user: c(round=round_, by=u))
            assert (step in shown) == accepted, (kind, state, role, step)


def test_a_page_without_a_round_offers_no_step(world):
    assert round_steps(round=None, user=world.office) == frozenset()
