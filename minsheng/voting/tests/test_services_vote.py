"""What the vote services do and refuse: setting up and opening a vote, the ballot (its window, what it may hold, one per deputy), the tally, ties and adoption. Every refusal is a VotingError that says why and stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from minsheng.accounts.models import AuditEvent, User
from minsheng.accounts.tests.factories import DeputyFactory
from minsheng.plans.models import Action, Item, ItemRevision, Plan
from minsheng.plans.tests.factories import ActionFactory, ItemFactory, PlanVersionFactory
from minsheng.voting import models as m
from minsheng.voting import services
from minsheng.voting.tests.conftest import window
from minsheng.voting.tests.services_support import (
    MINUTE,
    cast,
    current_items,
    make_vote,
    refused,
    tally,
    verbs,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


# --- vote_set / vote_open ---------------------------------------------------------------------------------


def test_vote_set_creates_a_prepared_round(world):
    times = window()
    round_ = services.vote_set(
        plan=world.plan, by=world.office, rule="exactly", choose="2", majority_required=True, **times
    )
    round_.refresh_from_db()
    assert (round_.rule, round_.choose, round_.majority_required) == ("exactly", 2, True)
    assert (round_.opens_at, round_.closes_at) == (times["opens_at"], times["closes_at"])
    assert round_.status == m.RoundStatus.PREPARED
    assert not m.Candidate.objects.filter(round=round_).exists()
    event = AuditEvent.objects.get(verb="vote_create")
    assert event.actor == world.office
    assert event.details["choose"] == 2 and event.details["rule"] == "exactly"


@pytest.mark.parametrize("status", [Plan.Status.DRAFT, Plan.Status.ADOPTED])
def test_vote_set_only_on_a_plan_in_voting(world, nothing_stored, status):
    Plan.objects.filter(pk=world.plan.pk).update(status=status)
    refused(
        nothing_stored,
        lambda: services.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=3, **window()),
        "voting stage",
    )


@pytest.mark.parametrize("choose", [0, -1, 6, 100, "abc", None, ""])
def test_vote_set_refuses_a_count_outside_the_candidates(world, nothing_stored, choose):
    message = refused(
        nothing_stored,
        lambda: services.vote_set(
            plan=world.plan, by=world.office, rule="at_most", choose=choose, **window()
        ),
    )
    assert "whole number" in message or "from 1 to 5" in message


@pytest.mark.parametrize("choose", [1, 5])
def test_vote_set_accepts_a_count_from_one_to_the_candidates(world, choose):
    round_ = services.vote_set(plan=world.plan, by=world.office, rule="exactly", choose=choose, **window())
    assert round_.choose == choose


@pytest.mark.parametrize("rule", ["", "most", "EXACTLY", None])
def test_vote_set_refuses_an_unknown_rule(world, nothing_stored, rule):
    refused(
        nothing_stored,
        lambda: services.vote_set(plan=world.plan, by=world.office, rule=rule, choose=3, **window()),
        "exactly or at most",
    )


@pytest.mark.parametrize("closes_after", [dt.timedelta(0), -MINUTE, -dt.timedelta(days=3)])
def test_vote_set_refuses_closing_before_opening(world, nothing_stored, closes_after):
    opens_at = timezone.now()
    refused(
        nothing_stored,
        lambda: services.vote_set(
            plan=world.plan,
            by=world.office,
            rule="at_most",
            choose=3,
            opens_at=opens_at,
            closes_at=opens_at + closes_after,
        ),
        "closing time must be after the opening time",
    )


def test_vote_set_refuses_a_time_that_is_not_a_time(world, nothing_stored):
    refused(
        nothing_stored,
        lambda: services.vote_set(
            plan=world.plan, by=world.office, rule="at_most", choose=3, opens_at="明天", closes_at=None
        ),
        "date and time",
    )


def test_vote_set_changes_the_round_while_prepared(world):
    first = services.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=3, **window())
    second = services.vote_set(plan=world.plan, by=world.office, rule="exactly", choose=2, **window(2, 3))
    assert second.pk == first.pk and m.VoteRound.objects.count() == 1
    first.refresh_from_db()
    assert (first.rule, first.choose) == ("exactly", 2)
    assert verbs(first) == ["vote_create", "vote_change"]


def test_vote_set_refuses_a_change_once_open(world, open_vote, nothing_stored):
    refused(
        nothing_stored,
        lambda: services.vote_set(plan=world.plan, by=world.office, rule="exactly", choose=2, **window()),
        "has opened",
    )


def test_vote_open_puts_the_current_items_on_the_ballot_in_order(world):
    removed = world.items[4]
    Item.objects.filter(pk=removed.pk).update(removed_in=PlanVersionFactory(plan=world.plan))
    round_ = make_vote(world)
    candidates = list(m.Candidate.objects.filter(round=round_).order_by("position"))
    assert [c.item_id for c in candidates] == [item.pk for item in world.items[:4]]
    assert [c.position for c in candidates] == [1, 2, 3, 4]
    assert all(c.votes == 0 and c.chosen is None and not c.tied for c in candidates)
    round_.refresh_from_db()
    assert round_.status == m.RoundStatus.OPEN and round_.opened_at is not None


def test_vote_open_twice_is_refused(world, open_vote, nothing_stored):
    refused(nothing_stored, lambda: services.vote_open(round=open_vote, by=world.office), "already open")


def test_vote_open_after_the_closing_time_is_refused(world, nothing_stored):
    round_ = services.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=3, **window(3, -1))
    refused(
        nothing_stored, lambda: services.vote_open(round=round_, by=world.office), "closing time has passed"
    )


def test_vote_open_refuses_when_fewer_candidates_than_to_choose(world, nothing_stored):
    round_ = services.vote_set(plan=world.plan, by=world.office, rule="exactly", choose=5, **window())
    Item.objects.filter(pk=world.items[0].pk).update(removed_in=PlanVersionFactory(plan=world.plan))
    refused(nothing_stored, lambda: services.vote_open(round=round_, by=world.office), "4 candidates", "5")


def test_the_vote_is_audited_step_by_step(world):
    round_ = services.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=3, **window())
    services.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=2, **window())
    services.vote_open(round=round_, by=world.office)
    cast(world, round_, [0, 1], [0])
    services.vote_close(round=round_, by=world.office)
    assert verbs(round_) == [
        "vote_create",
        "vote_change",
        "vote_open",
        "ballot_cast",
        "ballot_cast",
        "vote_close",
    ]
    ballots = AuditEvent.objects.filter(verb="ballot_cast").order_by("id")
    assert [event.actor for event in ballots] == world.deputies[:2]
    assert all(event.details == {} for event in ballots)  # nothing of the choice


# --- the ballot's window ----------------------------------------------------------------------------------


def test_ballot_refused_before_the_vote_opens(world, nothing_stored):
    round_ = services.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=3, **window())
    refused(
        nothing_stored,
        lambda: services.ballot_cast(round=round_, by=world.deputy, item_ids=[world.items[0].pk]),
        "not open yet",
    )


def test_ballot_refused_before_opens_at(world, open_vote, nothing_stored):
    refused(
        nothing_stored,
        lambda: services.ballot_cast(
            round=open_vote, by=world.deputy, item_ids=[world.items[0].pk], now=open_vote.opens_at - MINUTE
        ),
        "The vote opens at",
    )


def test_ballot_accepted_at_opens_at(world, open_vote):
    services.ballot_cast(
        round=open_vote, by=world.deputy, item_ids=[world.items[0].pk], now=open_vote.opens_at
    )
    assert m.BallotReceipt.objects.filter(round=open_vote, voter=world.deputy).exists()


@pytest.mark.parametrize("after", [dt.timedelta(0), MINUTE])
def test_ballot_refused_from_closes_at(world, open_vote, nothing_stored, after):
    refused(
        nothing_stored,
        lambda: services.ballot_cast(
            round=open_vote, by=world.deputy, item_ids=[world.items[0].pk], now=open_vote.closes_at + after
        ),
        "The vote closed at",
    )


def test_ballot_refused_after_the_vote_is_closed(world, open_vote, nothing_stored):
    cast(world, open_vote, [0])
    services.vote_close(round=open_vote, by=world.office)
    refused(
        nothing_stored,
        lambda: services.ballot_cast(round=open_vote, by=world.deputies[1], item_ids=[world.items[0].pk]),
        "The vote is closed",
    )


# --- what a ballot may hold -------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 2, 4])
def test_exactly_n_refuses_any_other_count(world, nothing_stored, count):
    round_ = make_vote(world, rule=m.VoteRule.EXACTLY, choose=3)
    refused(
        nothing_stored,
        lambda: services.ballot_cast(
            round=round_, by=world.deputy, item_ids=[item.pk for item in world.items[:count]]
        ),
        "Choose exactly 3 items",
        f"you chose {count}",
    )


def test_exactly_n_accepts_n(world):
    round_ = make_vote(world, rule=m.VoteRule.EXACTLY, choose=3)
    services.ballot_cast(round=round_, by=world.deputy, item_ids=[item.pk for item in world.items[2:]])
    assert tally(world, round_)[2][0] == tally(world, round_)[4][0] == 1
    assert tally(world, round_)[0][0] == 0


def test_at_most_n_refuses_more(world, open_vote, nothing_stored):
    refused(
        nothing_stored,
        lambda: services.ballot_cast(
            round=open_vote, by=world.deputy, item_ids=[item.pk for item in world.items[:4]]
        ),
        "Choose at most 3 items",
        "you chose 4",
    )


def test_at_most_n_refuses_none(world, open_vote, nothing_stored):
    refused(
        nothing_stored,
        lambda: services.ballot_cast(round=open_vote, by=world.deputy, item_ids=[]),
        "at least one",
    )


@pytest.mark.parametrize("count", [1, 2, 3])
def test_at_most_n_accepts_one_to_n(world, open_vote, count):
    receipt = services.ballot_cast(
        round=open_vote, by=world.deputy, item_ids=[str(item.pk) for item in world.items[:count]]
    )
    assert receipt.voter == world.deputy and receipt.round == open_vote
    votes = {n: row[0] for n, row in tally(world, open_vote).items()}
    assert votes == {n: int(n < count) for n in range(5)}
    open_vote.refresh_from_db()
    assert open_vote.ballots == 1


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda world: [world.items[0].pk, 999_999], id="unknown-item"),
        pytest.param(lambda world: [world.items[0].pk, world.adopted_items[0].pk], id="item-of-another-plan"),
        pytest.param(lambda world: [world.items[0].pk, "abc"], id="not-a-number"),
        pytest.param(lambda world: [world.items[0].pk, None], id="none"),
    ],
)
def test_ballot_refuses_what_is_not_a_candidate(world, open_vote, nothing_stored, bad):
    refused(
        nothing_stored,
        lambda: services.ballot_cast(round=open_vote, by=world.deputy, item_ids=bad(world)),
        "not a candidate",
    )


def test_ballot_refuses_an_item_chosen_twice(world, open_vote, nothing_stored):
    pk = world.items[0].pk
    refused(
        nothing_stored,
        lambda: services.ballot_cast(round=open_vote, by=world.deputy, item_ids=[pk, str(pk)]),
        "chosen twice",
    )


# --- one ballot per deputy --------------------------------------------------------------------------------


def test_a_second_ballot_is_refused(world, open_vote, nothing_stored):
    services.ballot_cast(round=open_vote, by=world.deputy, item_ids=[world.items[0].pk])
    refused(
        nothing_stored,
        lambda: services.ballot_cast(round=open_vote, by=world.deputy, item_ids=[world.items[1].pk]),
        "already voted",
    )
    assert {n: row[0] for n, row in tally(world, open_vote).items()} == {0: 1, 1: 0, 2: 0, 3: 0, 4: 0}


class _BlindReceipts:
    """Stands in for BallotReceipt in the service: the "already voted?" look-up never sees a receipt (as
    when two ballots of one deputy pass the check together), while the receipt it makes is a real row."""

    creates: list[IntegrityError | None]

    class objects:
        @staticmethod
        def filter(**kwargs):
            return m.BallotReceipt.objects.none()

    def __new__(cls, **kwargs):
        receipt = m.BallotReceipt(**kwargs)
        save = receipt.save

        def recorded_save(*args, **options):
            try:
                save(*args, **options)
            except IntegrityError as exc:
                cls.creates.append(exc)
                raise
            cls.creates.append(None)

        receipt.save = recorded_save
        return receipt


def test_a_racing_second_ballot_is_refused_by_the_unique_receipt(
    world, open_vote, nothing_stored, monkeypatch
):
    services.ballot_cast(round=open_vote, by=world.deputy, item_ids=[world.items[0].pk])
    monkeypatch.setattr(services, "BallotReceipt", _BlindReceipts)
    monkeypatch.setattr(_BlindReceipts, "creates", [], raising=False)
    refused(
        nothing_stored,
        lambda: services.ballot_cast(round=open_vote, by=world.deputy, item_ids=[world.items[1].pk]),
        "already voted",
    )
    # The check was passed and the unique receipt is what refused the ballot.
    assert len(_BlindReceipts.creates) == 1 and isinstance(_BlindReceipts.creates[0], IntegrityError)
    open_vote.refresh_from_db()
    assert open_vote.ballots == 1
    assert {n: row[0] for n, row in tally(world, open_vote).items()} == {0: 1, 1: 0, 2: 0, 3: 0, 4: 0}


# --- the tally --------------------------------------------------------------------------------------------


def test_close_publishes_the_tally_and_chooses_the_top_n(world, open_vote):
    cast(world, open_vote, [0, 1], [0, 2, 3], [0, 1, 2])
    round_ = services.vote_close(round=open_vote, by=world.office)
    round_.refresh_from_db()
    assert (round_.status, round_.ballots, round_.eligible) == (m.RoundStatus.CLOSED, 3, 3)
    assert round_.closed_at is not None and round_.tie_places == 0 and not round_.tied
    assert tally(world, round_) == {
        0: (3, True, False),
        1: (2, True, False),
        2: (2, True, False),
        3: (1, False, False),
        4: (0, False, False),
    }


def test_close_a_prepared_vote_is_refused(world, nothing_stored):
    round_ = services.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=3, **window())
    refused(nothing_stored, lambda: services.vote_close(round=round_, by=world.office), "Only an open vote")


def test_close_twice_is_refused(world, open_vote, nothing_stored):
    cast(world, open_vote, [0])
    services.vote_close(round=open_vote, by=world.office)
    refused(
        nothing_stored, lambda: services.vote_close(round=open_vote, by=world.office), "Only an open vote"
    )


def test_the_roll_is_the_active_deputies_when_the_vote_opens(world, open_vote, nothing_stored):
    newcomer = DeputyFactory()  # became a deputy while the vote was open: not on the roll
    refused(
        nothing_stored,
        lambda: services.ballot_cast(round=open_vote, by=newcomer, item_ids=[world.items[0].pk]),
        "roll",
    )
    cast(world, open_vote, [0], [0], [1])
    User.objects.filter(pk=world.deputies[2].pk).update(is_active=False)  # left after voting
    round_ = services.vote_close(round=open_vote, by=world.office)
    assert (round_.eligible, round_.ballots) == (3, 3)  # turnout never over 100%
    assert set(m.Elector.objects.filter(round=round_).values_list("deputy_id", flat=True)) == {
        deputy.pk for deputy in world.deputies
    }


def test_exactly_n_chooses_the_top_n(world):
    round_ = make_vote(world, rule=m.VoteRule.EXACTLY, choose=2)
    cast(world, round_, [0, 1], [0, 2], [0, 1])
    services.vote_close(round=round_, by=world.office)
    assert {n for n, (_votes, chosen, _tied) in tally(world, round_).items() if chosen} == {0, 1}


def test_items_without_votes_are_never_chosen(world, open_vote):
    cast(world, open_vote, [0], [0], [1])
    round_ = services.vote_close(round=open_vote, by=world.office)
    # Three places, but only two items have votes: the three without are not tied for the last place.
    assert tally(world, round_) == {
        0: (2, True, False),
        1: (1, True, False),
        2: (0, False, False),
        3: (0, False, False),
        4: (0, False, False),
    }
    assert not round_.tied
    assert current_items(world.plan) == {1, 2}


def test_majority_required_excludes_items_without_more_than_half_of_the_eligible(world):
    round_ = make_vote(world, majority_required=True)
    # Three deputies are eligible: an item needs two votes. Only two of them vote.
    cast(world, round_, [0, 1], [0, 2])
    round_ = services.vote_close(round=round_, by=world.office)
    assert round_.eligible == 3 and round_.ballots == 2
    assert tally(world, round_) == {
        0: (2, True, False),
        1: (1, False, False),
        2: (1, False, False),
        3: (0, False, False),
        4: (0, False, False),
    }
    # Fewer items qualify than the three places: all that qualify are chosen, and the plan is adopted.
    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.ADOPTED
    assert current_items(world.plan) == {1}


def test_without_majority_the_same_ballots_choose_every_item_with_votes(world, open_vote):
    cast(world, open_vote, [0, 1], [0, 2])
    round_ = services.vote_close(round=open_vote, by=world.office)
    assert {n for n, (_votes, chosen, _tied) in tally(world, round_).items() if chosen} == {0, 1, 2}


def test_when_nothing_qualifies_the_plan_stays_in_voting(world):
    round_ = make_vote(world, majority_required=True)
    cast(world, round_, [0, 1, 2])  # one vote each, two are needed
    round_ = services.vote_close(round=round_, by=world.office)
    assert round_.status == m.RoundStatus.CLOSED and not round_.tied
    assert all(chosen is False for _votes, chosen, _tied in tally(world, round_).values())
    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.VOTING and round_.adopted_version is None
    assert current_items(world.plan) == {1, 2, 3, 4, 5}


def test_two_tied_within_the_places_is_not_a_tie(world, open_vote):
    cast(world, open_vote, [0, 1, 2], [0, 1, 2], [0, 1, 3])
    round_ = services.vote_close(round=open_vote, by=world.office)
    assert not round_.tied and round_.tie_places == 0
    assert tally(world, round_) == {
        0: (3, True, False),
        1: (3, True, False),
        2: (2, True, False),
        3: (1, False, False),
        4: (0, False, False),
    }


def test_a_tie_that_exactly_fills_the_last_places_is_not_a_tie(world, open_vote):
    cast(world, open_vote, [0, 1], [0, 2], [0])  # 3, 1, 1: two items tied for two places
    round_ = services.vote_close(round=open_vote, by=world.office)
    assert not round_.tied
    assert {n for n, (_votes, chosen, _tied) in tally(world, round_).items() if chosen} == {0, 1, 2}


@pytest.fixture
def tied_vote(world, open_vote) -> m.VoteRound:
    """Item 1 has three votes; items 2, 3 and 4 have one each, tied for the last two of three places."""
    cast(world, open_vote, [0, 1], [0, 2], [0, 3])
    return services.vote_close(round=open_vote, by=world.office)


def test_a_tie_for_the_last_places_waits_for_the_office(world, tied_vote):
    tied_vote.refresh_from_db()
    assert tied_vote.tied and tied_vote.tie_places == 2
    assert tally(world, tied_vote) == {
        0: (3, True, False),
        1: (1, None, True),
        2: (1, None, True),
        3: (1, None, True),
        4: (0, False, False),
    }
    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.VOTING
    assert tied_vote.adopted_version is None
    assert current_items(world.plan) == {1, 2, 3, 4, 5}


@pytest.mark.parametrize(
    ("choice", "reason", "words"),
    [
        pytest.param([1], "抽签决定。", ["exactly 2 of the tied"], id="too-few"),
        pytest.param([1, 2, 3], "抽签决定。", ["exactly 2 of the tied"], id="too-many"),
        pytest.param([0, 1], "抽签决定。", ["among the tied"], id="an-item-already-chosen"),
        pytest.param([1, 4], "抽签决定。", ["among the tied"], id="an-item-not-tied"),
        pytest.param([1, 2], "", ["how the tie was decided"], id="no-reason"),
        pytest.param([1, 2], "   \n ", ["how the tie was decided"], id="blank-reason"),
        pytest.param([1, 2], "<script>alert(1)</script>", ["plain text"], id="markup"),
        pytest.param([1, 2], "抽" * 1001, ["too long"], id="reason-too-long"),
    ],
)
def test_tie_decide_refusals(world, tied_vote, nothing_stored, choice, reason, words):
    refused(
        nothing_stored,
        lambda: services.vote_tie_decide(
            round=tied_vote, by=world.office, item_ids=[world.items[i].pk for i in choice], reason=reason
        ),
        *words,
    )


def test_tie_decide_refuses_a_non_number(world, tied_vote, nothing_stored):
    refused(
        nothing_stored,
        lambda: services.vote_tie_decide(
            round=tied_vote, by=world.office, item_ids=[world.items[1].pk, "x"], reason="抽签决定。"
        ),
        "among the tied",
    )


def test_tie_decide_chooses_and_adopts(world, tied_vote):
    round_ = services.vote_tie_decide(
        round=tied_vote,
        by=world.office,
        item_ids=[world.items[1].pk, world.items[3].pk],
        reason="  主任会议抽签决定。 ",
    )
    round_.refresh_from_db()
    assert round_.tie_decision == "主任会议抽签决定。" and round_.tie_decided_at is not None
    assert not round_.tied and round_.tie_places == 2
    assert tally(world, round_) == {
        0: (3, True, False),
        1: (1, True, True),
        2: (1, False, True),
        3: (1, True, True),
        4: (0, False, False),
    }
    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.ADOPTED
    assert round_.adopted_version is not None
    assert current_items(world.plan) == {1, 2, 4}
    assert verbs(round_)[-1] == "vote_tie_decide"


def test_tie_decide_twice_is_refused(world, tied_vote, nothing_stored):
    services.vote_tie_decide(
        round=tied_vote, by=world.office, item_ids=[world.items[1].pk, world.items[2].pk], reason="抽签决定。"
    )
    refused(
        nothing_stored,
        lambda: services.vote_tie_decide(
            round=tied_vote, by=world.office, item_ids=[world.items[2].pk, world.items[3].pk], reason="改了。"
        ),
        "no tie to decide",
    )


@pytest.mark.parametrize("closed", [False, True])
def test_tie_decide_without_a_tie_is_refused(world, open_vote, nothing_stored, closed):
    cast(world, open_vote, [0, 1, 2])
    if closed:
        services.vote_close(round=open_vote, by=world.office)
    refused(
        nothing_stored,
        lambda: services.vote_tie_decide(
            round=open_vote, by=world.office, item_ids=[world.items[0].pk], reason="抽签决定。"
        ),
        "no tie to decide",
    )


# --- adoption ---------------------------------------------------------------------------------------------


def test_adoption_removes_the_unchosen_items_and_empty_actions(world):
    # A second action with one item, which nobody chooses: the action is removed with it.
    first_action = world.items[0].action
    other_action = ActionFactory(plan=world.plan, no=2, added_in=first_action.added_in)
    lonely = ItemFactory(action=other_action, no=6, added_in=first_action.added_in)
    round_ = make_vote(world)
    assert m.Candidate.objects.filter(round=round_).count() == 6
    cast(world, round_, [0, 1], [0, 2], [0, 1, 2])
    round_ = services.vote_close(round=round_, by=world.office)

    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.ADOPTED
    version = round_.adopted_version
    assert version is not None and version.plan == world.plan
    assert version.changes["source"] == "vote"
    assert version.changes["removed"] == [4, 5, 6]
    assert current_items(world.plan) == {1, 2, 3}
    dropped = [world.items[3], world.items[4], lonely]
    for item in dropped:
        item.refresh_from_db()
        assert item.removed_in == version
    revisions = ItemRevision.objects.filter(version=version)
    assert {(r.item_id, r.kind) for r in revisions} == {
        (item.pk, ItemRevision.Kind.REMOVED) for item in dropped
    }
    assert Action.objects.get(pk=other_action.pk).removed_in == version
    assert Action.objects.get(pk=first_action.pk).removed_in is None
