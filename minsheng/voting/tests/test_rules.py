"""Every voting permission for every role, both ways: at the rule level (``user.has_perm``) and, for each
action that has a service, at the service level (the service refuses with PermissionDenied and stores
nothing, or goes through for the roles allowed).

The roles are the keys of ``world.users`` (see conftest.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from minsheng.delivery.models import SupervisionNotice
from minsheng.voting import models as m
from minsheng.voting import selectors, services
from minsheng.voting.tests.conftest import World, window

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]

ROLES = [
    "anonymous",
    "public",
    "deputy",
    "reporter",
    "head",
    "office",
    "office_not_staff",
    "inactive_deputy",
    "inactive_public",
]
EVERYONE = frozenset(ROLES)
OFFICE = frozenset({"office"})
VOTERS = frozenset({"deputy"})
RATERS = frozenset({"deputy", "public"})

# permission -> (the object it is asked about, the roles allowed)
MATRIX: dict[str, tuple[str | None, frozenset[str]]] = {
    "voting.manage_vote": ("plan", OFFICE),
    "voting.cast_ballot": ("vote", VOTERS),
    "voting.see_vote": ("plan", EVERYONE),
    "voting.view_receipts": ("vote", OFFICE),
    "voting.manage_rating": ("adopted", OFFICE),
    "voting.rate_item": ("rating", RATERS),
    "voting.see_rating": ("adopted", EVERYONE),
    "voting.view_rating_comments": ("rating", OFFICE),
    "voting.notice_from_flag": ("flag", OFFICE),
    # the admin's read-only pages
    "voting": (None, OFFICE),
    "voting.view_voteround": (None, OFFICE),
    "voting.view_candidate": (None, OFFICE),
    "voting.view_ballotreceipt": (None, OFFICE),
    "voting.view_ratinground": (None, OFFICE),
    "voting.view_rating": (None, OFFICE),
    "voting.view_ratingflag": (None, OFFICE),
}


def _cell_id(perm: str, role: str) -> str:
    return f"{perm}-{role}"


RULE_CELLS = [
    pytest.param(perm, role, role in allowed, id=_cell_id(perm, role))
    for perm, (_obj, allowed) in MATRIX.items()
    for role in ROLES
]


@pytest.fixture
def objects(world: World, open_vote: m.VoteRound, open_rating: m.RatingRound) -> dict[str | None, object]:
    flag = m.RatingFlag.objects.create(
        round=open_rating,
        item=world.adopted_items[0],
        deputy_rate=50,
        public_rate=None,
        threshold=open_rating.threshold,
    )
    return {
        None: None,
        "plan": world.plan,
        "vote": open_vote,
        "adopted": world.adopted,
        "rating": open_rating,
        "flag": flag,
    }


@pytest.mark.parametrize(("perm", "role", "expected"), RULE_CELLS)
def test_rule(world, objects, perm, role, expected):
    obj_name, _allowed = MATRIX[perm]
    user = world.users[role]
    assert user.has_perm(perm, objects[obj_name]) is expected


def test_the_matrix_covers_every_voting_rule():
    import rules

    from minsheng.voting import rules as _voting_rules  # noqa: F401 - registers the rules

    declared = {name for name in rules.permissions.permissions if name.split(".")[0] == "voting"}
    assert declared == set(MATRIX)


def test_the_roles_are_the_worlds(world):
    assert set(world.users) == set(ROLES)


# --- the services -----------------------------------------------------------------------------------------
#
# Each entry builds the state the service needs (as the office would) and returns the call to make as a
# given user. The state is real, so that the permission is the only thing that can make it fail.

Call = Callable[[object], object]


def _ballot(world: World, round_: m.VoteRound, voters_choices: list[list[int]]) -> None:
    for deputy, choices in zip(world.deputies, voters_choices, strict=False):
        services.ballot_cast(round=round_, by=deputy, item_ids=[world.items[i].pk for i in choices])


def _tied_vote(world: World) -> m.VoteRound:
    """At most 3 of 5: item 1 has three votes, items 2, 3 and 4 one each, tied for the last two places."""
    round_ = services.vote_set(
        plan=world.plan, by=world.office, rule=m.VoteRule.AT_MOST, choose=3, **window()
    )
    round_ = services.vote_open(round=round_, by=world.office)
    _ballot(world, round_, [[0, 1], [0, 2], [0, 3]])
    round_ = services.vote_close(round=round_, by=world.office)
    assert round_.tied
    return round_


def _open_vote(world: World) -> m.VoteRound:
    round_ = services.vote_set(
        plan=world.plan, by=world.office, rule=m.VoteRule.AT_MOST, choose=3, **window()
    )
    return services.vote_open(round=round_, by=world.office)


def _open_rating(world: World) -> m.RatingRound:
    round_ = services.rating_set(plan=world.adopted, by=world.office, threshold=80, **window())
    return services.rating_open(round=round_, by=world.office)


def _vote_set(world: World) -> Call:
    return lambda user: services.vote_set(
        plan=world.plan, by=user, rule=m.VoteRule.EXACTLY, choose=2, **window()
    )


def _vote_open(world: World) -> Call:
    round_ = services.vote_set(
        plan=world.plan, by=world.office, rule=m.VoteRule.AT_MOST, choose=3, **window()
    )
    return lambda user: services.vote_open(round=round_, by=user)


def _vote_close(world: World) -> Call:
    round_ = _open_vote(world)
    _ballot(world, round_, [[0, 1], [0, 2], [1, 2]])
    return lambda user: services.vote_close(round=round_, by=user)


def _vote_tie_decide(world: World) -> Call:
    round_ = _tied_vote(world)
    return lambda user: services.vote_tie_decide(
        round=round_, by=user, item_ids=[world.items[1].pk, world.items[2].pk], reason="抽签决定。"
    )


def _ballot_cast(world: World) -> Call:
    round_ = _open_vote(world)
    return lambda user: services.ballot_cast(round=round_, by=user, item_ids=[world.items[0].pk])


def _rating_set(world: World) -> Call:
    return lambda user: services.rating_set(plan=world.adopted, by=user, threshold=75, **window())


def _rating_open(world: World) -> Call:
    round_ = services.rating_set(plan=world.adopted, by=world.office, threshold=80, **window())
    return lambda user: services.rating_open(round=round_, by=user)


def _rating_close(world: World) -> Call:
    round_ = _open_rating(world)
    services.item_rate(round=round_, item=world.adopted_items[0], by=world.deputy, grade=m.Grade.DISSATISFIED)
    return lambda user: services.rating_close(round=round_, by=user)


def _item_rate(world: World) -> Call:
    round_ = _open_rating(world)
    return lambda user: services.item_rate(
        round=round_, item=world.adopted_items[0], by=user, grade=m.Grade.BASIC, comment="还可以"
    )


def _notice_from_flag(world: World) -> Call:
    round_ = _open_rating(world)
    services.item_rate(round=round_, item=world.adopted_items[0], by=world.deputy, grade=m.Grade.DISSATISFIED)
    services.rating_close(round=round_, by=world.office)
    flag = m.RatingFlag.objects.get(round=round_)
    deadline = timezone.localdate() + dt.timedelta(days=14)
    return lambda user: services.notice_from_flag(
        flag=flag,
        by=user,
        reason=selectors.flag_reason(flag),
        demand="说明原因并整改。",
        reply_deadline=deadline,
    )


# service -> (the permission it asks, how to set it up)
SERVICES: dict[str, tuple[str, Callable[[World], Call]]] = {
    "vote_set": ("voting.manage_vote", _vote_set),
    "vote_open": ("voting.manage_vote", _vote_open),
    "vote_close": ("voting.manage_vote", _vote_close),
    "vote_tie_decide": ("voting.manage_vote", _vote_tie_decide),
    "ballot_cast": ("voting.cast_ballot", _ballot_cast),
    "rating_set": ("voting.manage_rating", _rating_set),
    "rating_open": ("voting.manage_rating", _rating_open),
    "rating_close": ("voting.manage_rating", _rating_close),
    "item_rate": ("voting.rate_item", _item_rate),
    "notice_from_flag": ("voting.notice_from_flag", _notice_from_flag),
}

SERVICE_CELLS = [
    pytest.param(service, role, role in MATRIX[perm][1], id=_cell_id(service, role))
    for service, (perm, _setup) in SERVICES.items()
    for role in ROLES
]


def test_every_action_with_a_service_is_in_the_table():
    assert {perm for perm, _setup in SERVICES.values()} == {
        "voting.manage_vote",
        "voting.cast_ballot",
        "voting.manage_rating",
        "voting.rate_item",
        "voting.notice_from_flag",
    }


@pytest.mark.parametrize(("service", "role", "expected"), SERVICE_CELLS)
def test_service(world, nothing_stored, service, role, expected):
    _perm, setup = SERVICES[service]
    call = setup(world)
    user = world.users[role]
    if expected:
        assert call(user) is not None
        return
    notices = SupervisionNotice.objects.count()
    nothing_stored.mark()
    with pytest.raises(PermissionDenied) as info:
        call(user)
    nothing_stored.check()
    assert SupervisionNotice.objects.count() == notices
    expected_message = "Sign in first." if role == "anonymous" else "You may not do this."
    assert str(info.value) == expected_message
