"""The voting workflows, declared once: a vote's round and a rating's round are prepared (set up, changeable),
opened by the office, and closed by it (the tally or the results are published then).

``services.vote_open``/``vote_close``/``rating_open``/``rating_close`` refuse a step from any other state, and
the manage pages show the open and close buttons for exactly :func:`round_steps` (``tests/test_workflows.py``
checks every role and state). Opening has conditions beyond the state (the plan's stage, enough candidates,
a closing time still ahead): the service says which, on the page.
"""

from __future__ import annotations

from typing import Any

from minsheng.common.workflow import Step, Workflow
from minsheng.voting.models import RoundStatus, VoteRound

VOTE_FLOW = Workflow(
    Step("open", "voting.manage_vote", {RoundStatus.PREPARED}),
    Step("close", "voting.manage_vote", {RoundStatus.OPEN}),
)

RATING_FLOW = Workflow(
    Step("open", "voting.manage_rating", {RoundStatus.PREPARED}),
    Step("close", "voting.manage_rating", {RoundStatus.OPEN}),
)


def flow_of(round_: Any) -> Workflow:
    """The workflow of a vote's round or a rating's round."""
    return VOTE_FLOW if isinstance(round_, VoteRound) else RATING_FLOW


def round_steps(*, round: Any, user: Any) -> frozenset[str]:
    """The steps (open, close) this user may take on this round now: the buttons of its manage page."""
    if round is None:
        return frozenset()
    return flow_of(round).available(user, round)
