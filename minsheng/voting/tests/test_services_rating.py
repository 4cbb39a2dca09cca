"""What the rating services do and refuse: setting up and opening a rating, its window, rating an item, the close with its flags, notices from flags, satisfaction, and what the review of the first version found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import AuditEvent, User
from minsheng.accounts.tests.factories import DeputyFactory
from minsheng.common.pages import content_version_bump
from minsheng.delivery.models import SupervisionNotice
from minsheng.notifications.models import Notification
from minsheng.plans.models import Item, Plan
from minsheng.plans.tests.factories import PlanVersionFactory
from minsheng.voting import models as m
from minsheng.voting import selectors, services
from minsheng.voting.tests.conftest import World, window
from minsheng.voting.tests.services_support import MINUTE, cast, make_vote, refused, verbs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


# --- rating_set / rating_open -----------------------------------------------------------------------------


def test_rating_set_creates_a_prepared_round(world):
    round_ = services.rating_set(plan=world.adopted, by=world.office, threshold="75.5%", **window())
    round_.refresh_from_db()
    assert round_.threshold == Decimal("75.50") and round_.status == m.RoundStatus.PREPARED
    assert verbs(round_) == ["rating_create"]


@pytest.mark.parametrize("status", [Plan.Status.VOTING, Plan.Status.DRAFT])
def test_rating_set_only_on_an_adopted_plan(world, nothing_stored, status):
    Plan.objects.filter(pk=world.adopted.pk).update(status=status)
    refused(
        nothing_stored,
        lambda: services.rating_set(plan=world.adopted, by=world.office, threshold=80, **window()),
        "adopted plan",
    )


@pytest.mark.parametrize("threshold", [-1, 101, "100.01", "abc", "", None, "NaN", "Infinity"])
def test_rating_set_refuses_a_threshold_outside_0_to_100(world, nothing_stored, threshold):
    refused(
        nothing_stored,
        lambda: services.rating_set(plan=world.adopted, by=world.office, threshold=threshold, **window()),
        "percentage from 0 to 100",
    )


@pytest.mark.parametrize("threshold", [0, 100, "66.7"])
def test_rating_set_accepts_a_threshold_from_0_to_100(world, threshold):
    round_ = services.rating_set(plan=world.adopted, by=world.office, threshold=threshold, **window())
    assert round_.threshold == Decimal(str(threshold))


def test_rating_set_refuses_closing_before_opening(world, nothing_stored):
    refused(
        nothing_stored,
        lambda: services.rating_set(plan=world.adopted, by=world.office, threshold=80, **window(1, -1)),
        "closing time must be after the opening time",
    )


def test_rating_set_changes_the_round_while_open_but_not_once_closed(world, open_rating, nothing_stored):
    services.rating_set(plan=world.adopted, by=world.office, threshold=60, **window())
    open_rating.refresh_from_db()
    assert open_rating.threshold == Decimal(60) and open_rating.status == m.RoundStatus.OPEN
    services.rating_close(round=open_rating, by=world.office)
    refused(
        nothing_stored,
        lambda: services.rating_set(plan=world.adopted, by=world.office, threshold=50, **window()),
        "rating is closed",
    )


def test_rating_open_twice_is_refused(world, open_rating, nothing_stored):
    refused(nothing_stored, lambda: services.rating_open(round=open_rating, by=world.office), "already open")


def test_rating_close_before_opening_is_refused(world, nothing_stored):
    round_ = services.rating_set(plan=world.adopted, by=world.office, threshold=80, **window())
    refused(
        nothing_stored, lambda: services.rating_close(round=round_, by=world.office), "Only an open rating"
    )


# --- the rating's window ----------------------------------------------------------------------------------


def rate_first(world: World, round_: m.RatingRound, **kwargs) -> m.Rating:
    return services.item_rate(
        round=round_, item=world.adopted_items[0], by=world.public, grade=m.Grade.SATISFIED, **kwargs
    )


def test_rating_refused_before_the_round_opens(world, nothing_stored):
    round_ = services.rating_set(plan=world.adopted, by=world.office, threshold=80, **window())
    refused(nothing_stored, lambda: rate_first(world, round_), "rating is not open yet")


def test_rating_refused_before_opens_at(world, open_rating, nothing_stored):
    refused(
        nothing_stored,
        lambda: rate_first(world, open_rating, now=open_rating.opens_at - MINUTE),
        "rating opens at",
    )


def test_rating_accepted_at_opens_at(world, open_rating):
    assert rate_first(world, open_rating, now=open_rating.opens_at).pk is not None


@pytest.mark.parametrize("after", [dt.timedelta(0), MINUTE])
def test_rating_refused_from_closes_at(world, open_rating, nothing_stored, after):
    refused(
        nothing_stored,
        lambda: rate_first(world, open_rating, now=open_rating.closes_at + after),
        "rating closed at",
    )


def test_rating_refused_after_the_round_is_closed(world, open_rating, nothing_stored):
    rate_first(world, open_rating)
    services.rating_close(round=open_rating, by=world.office)
    refused(
        nothing_stored,
        lambda: services.item_rate(
            round=open_rating, item=world.adopted_items[0], by=world.public, grade=m.Grade.DISSATISFIED
        ),
        "rating is closed",
    )


# --- item_rate --------------------------------------------------------------------------------------------


def test_a_rating_is_created_then_changed(world, open_rating):
    item = world.adopted_items[1]
    first = services.item_rate(round=open_rating, item=item, by=world.public, grade=m.Grade.SATISFIED)
    second = services.item_rate(
        round=open_rating, item=item, by=world.public, grade=m.Grade.DISSATISFIED, comment="  没有看到变化。 "
    )
    assert second.pk == first.pk
    rating = m.Rating.objects.get(round=open_rating, item=item, rater=world.public)
    assert (rating.grade, rating.comment, rating.group) == (m.Grade.DISSATISFIED, "没有看到变化。", "public")
    events = AuditEvent.objects.filter(verb="item_rate", object_id=str(rating.round_id)).order_by("id")
    # The trail says who rated which item and whether it was a change, never the grade or the comment.
    assert [event.details for event in events] == [
        {"item": rating.item_id, "changed": False},
        {"item": rating.item_id, "changed": True},
    ]


class _BlindRatings:
    """Stands in for Rating in item_rate: the look-up of one's earlier rating finds none (as when two tabs of
    one person rate the same item together), so a second row is built and saved."""

    objects = SimpleNamespace(filter=lambda **kwargs: m.Rating.objects.none())

    def __new__(cls, **kwargs):
        return m.Rating(**kwargs)


def test_a_racing_second_rating_is_refused_by_the_unique_rating(
    world, open_rating, nothing_stored, monkeypatch
):
    item = world.adopted_items[0]
    services.item_rate(round=open_rating, item=item, by=world.public, grade=m.Grade.SATISFIED)
    monkeypatch.setattr(services, "Rating", _BlindRatings)
    refused(
        nothing_stored,
        lambda: services.item_rate(round=open_rating, item=item, by=world.public, grade=m.Grade.DISSATISFIED),
        "another window",
    )
    assert m.Rating.objects.get().grade == m.Grade.SATISFIED


def test_the_group_is_recorded(world, open_rating):
    item = world.adopted_items[0]
    services.item_rate(round=open_rating, item=item, by=world.deputy, grade=m.Grade.BASIC)
    services.item_rate(round=open_rating, item=item, by=world.public, grade=m.Grade.BASIC)
    groups = dict(m.Rating.objects.filter(round=open_rating).values_list("rater_id", "group"))
    assert groups == {world.deputy.pk: m.RaterGroup.DEPUTY, world.public.pk: m.RaterGroup.PUBLIC}


def test_the_same_rating_twice_changes_nothing(world, open_rating, nothing_stored):
    item = world.adopted_items[0]
    first = services.item_rate(
        round=open_rating, item=item, by=world.public, grade=m.Grade.BASIC, comment="还行"
    )
    nothing_stored.mark()
    again = services.item_rate(
        round=open_rating, item=item, by=world.public, grade=m.Grade.BASIC, comment=" 还行 "
    )
    nothing_stored.check()
    assert again.pk == first.pk and again.updated_at == first.updated_at


@pytest.mark.parametrize("grade", ["", "good", "SATISFIED", None])
def test_an_unknown_grade_is_refused(world, open_rating, nothing_stored, grade):
    refused(
        nothing_stored,
        lambda: services.item_rate(
            round=open_rating, item=world.adopted_items[0], by=world.public, grade=grade
        ),
        "satisfied, basically satisfied or dissatisfied",
    )


@pytest.mark.parametrize(
    ("comment", "words"),
    [
        pytest.param("好" * 501, ["too long", "501", "500"], id="too-long"),
        pytest.param("<b>好</b>", ["plain text"], id="markup"),
        pytest.param("<script>alert(1)</script>", ["plain text"], id="script"),
        pytest.param("好\x00", ["invisible"], id="control-character"),
    ],
)
def test_a_bad_comment_is_refused(world, open_rating, nothing_stored, comment, words):
    refused(
        nothing_stored,
        lambda: services.item_rate(
            round=open_rating,
            item=world.adopted_items[0],
            by=world.public,
            grade=m.Grade.BASIC,
            comment=comment,
        ),
        *words,
    )


def test_a_comment_of_500_characters_is_accepted(world, open_rating):
    rating = services.item_rate(
        round=open_rating,
        item=world.adopted_items[0],
        by=world.public,
        grade=m.Grade.BASIC,
        comment="好" * 500,
    )
    assert len(rating.comment) == 500


def test_an_item_of_another_plan_is_refused(world, open_rating, nothing_stored):
    refused(
        nothing_stored,
        lambda: services.item_rate(
            round=open_rating, item=world.items[0], by=world.public, grade=m.Grade.BASIC
        ),
        "not rated in this round",
    )


def test_a_removed_item_is_refused(world, open_rating, nothing_stored):
    item = world.adopted_items[2]
    Item.objects.filter(pk=item.pk).update(removed_in=PlanVersionFactory(plan=world.adopted))
    item.refresh_from_db()
    refused(
        nothing_stored,
        lambda: services.item_rate(round=open_rating, item=item, by=world.public, grade=m.Grade.BASIC),
        "not rated in this round",
    )


# --- rating_close: flags and the office's notification ----------------------------------------------------


def rate(round_: m.RatingRound, item: Item, people: Sequence[User], grades: Sequence[str]) -> None:
    for person, grade in zip(people, grades, strict=True):
        services.item_rate(round=round_, item=item, by=person, grade=grade)


S, B, D = m.Grade.SATISFIED, m.Grade.BASIC, m.Grade.DISSATISFIED


def flags(round_: m.RatingRound) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """{item no: (deputies' rate, public's rate)}"""
    return {
        flag.item.no: (flag.deputy_rate, flag.public_rate)
        for flag in m.RatingFlag.objects.filter(round=round_).select_related("item")
    }


@pytest.mark.parametrize(
    ("threshold", "flagged"),
    [
        pytest.param("49.99", False, id="above"),
        pytest.param("50", False, id="exactly-at-the-threshold"),
        pytest.param("50.01", True, id="below"),
    ],
)
def test_a_rate_equal_to_the_threshold_is_not_flagged(world, open_rating, threshold, flagged):
    services.rating_set(plan=world.adopted, by=world.office, threshold=threshold, **window())
    rate(open_rating, world.adopted_items[0], world.deputies[:2], [S, D])  # 50.0%
    services.rating_close(round=open_rating, by=world.office)
    assert flags(open_rating) == ({1: (Decimal("50.0"), None)} if flagged else {})


def test_flagged_by_the_deputies_only(world, open_rating):
    item = world.adopted_items[0]
    rate(open_rating, item, world.deputies, [S, B, D])  # 66.7%
    rate(open_rating, item, [world.public, world.other], [S, B])  # 100%
    round_ = services.rating_close(round=open_rating, by=world.office)
    assert round_.status == m.RoundStatus.CLOSED and round_.closed_at is not None
    assert flags(open_rating) == {1: (Decimal("66.66"), Decimal("100.00"))}  # rounded down
    flag = m.RatingFlag.objects.get()
    assert flag.threshold == Decimal(80)


def test_flagged_by_the_public_only(world, open_rating):
    item = world.adopted_items[1]
    rate(open_rating, item, world.deputies, [S, S, B])  # 100%
    rate(open_rating, item, [world.public, world.other], [B, D])  # 50%
    services.rating_close(round=open_rating, by=world.office)
    assert flags(open_rating) == {2: (Decimal("100.00"), Decimal("50.00"))}


def test_items_without_ratings_are_not_flagged(world, open_rating):
    rate(open_rating, world.adopted_items[0], [world.public], [S])  # public 100%, no deputy rated it
    services.rating_close(round=open_rating, by=world.office)
    assert flags(open_rating) == {}
    assert AuditEvent.objects.get(verb="rating_close").details == {
        "ratings": 1,
        "raters": {"deputy": 0, "public": 1},
        "flagged": [],
    }


def test_the_office_is_notified_of_flags(world, open_rating, django_capture_on_commit_callbacks):
    rate(open_rating, world.adopted_items[0], world.deputies, [D, D, S])
    rate(open_rating, world.adopted_items[2], [world.public], [D])
    with django_capture_on_commit_callbacks(execute=True):
        services.rating_close(round=open_rating, by=world.office)
    notification = Notification.objects.get(kind="rating_flagged")
    assert notification.user == world.office  # not the office user who is not staff, nor anyone else
    # The message is in the site's language: check the plan's name and, besides it, the figures.
    assert world.adopted.title in notification.message
    rest = notification.message.replace(world.adopted.title, "")
    assert "2" in rest and "80%" in rest  # two items, below 80%
    assert notification.url == reverse("voting:rating_results", args=[world.adopted.pk])
    assert [message.to for message in mail.outbox] == [[world.office.email]]


def test_the_office_is_not_notified_without_flags(world, open_rating, django_capture_on_commit_callbacks):
    rate(open_rating, world.adopted_items[0], world.deputies, [S, S, B])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.rating_close(round=open_rating, by=world.office)
    assert [c for c in callbacks if c is not content_version_bump] == []
    assert not Notification.objects.filter(kind="rating_flagged").exists()


# --- flags to supervision notices -------------------------------------------------------------------------


@pytest.fixture
def flag(world, open_rating) -> m.RatingFlag:
    rate(open_rating, world.adopted_items[1], world.deputies, [S, D, D])  # deputies 33.3%
    rate(open_rating, world.adopted_items[1], [world.public], [S])  # public 100%
    services.rating_close(round=open_rating, by=world.office)
    return m.RatingFlag.objects.get()


def reply_deadline() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=14)


def test_flag_reason_names_the_rate_below_the_threshold(flag):
    reason = selectors.flag_reason(flag)
    assert "80%" in reason
    assert "deputies 33.33%" in reason
    assert "public" not in reason  # the public's 100% is not below


def test_flag_reason_names_both_groups_when_both_are_below(world, open_rating):
    rate(open_rating, world.adopted_items[0], world.deputies[:2], [S, D])
    rate(open_rating, world.adopted_items[0], [world.public, world.other], [B, D])
    services.rating_close(round=open_rating, by=world.office)
    reason = selectors.flag_reason(m.RatingFlag.objects.get())
    assert "deputies 50%" in reason and "public 50%" in reason


def test_notice_from_flag_issues_a_notice_and_links_it(world, flag):
    notice = services.notice_from_flag(
        flag=flag,
        by=world.office,
        reason=selectors.flag_reason(flag),
        demand="说明满意度低的原因并提出整改措施。",
        reply_deadline=reply_deadline(),
    )
    assert isinstance(notice, SupervisionNotice)
    assert notice.item == world.adopted_items[1]
    assert notice.department.name == "民政局"
    assert "33.33%" in notice.reason
    flag.refresh_from_db()
    assert flag.notice == notice
    assert verbs(flag) == ["rating_flag_notice"]


def test_a_second_notice_from_the_same_flag_is_refused(world, flag, nothing_stored):
    services.notice_from_flag(
        flag=flag, by=world.office, reason="满意度低。", demand="整改。", reply_deadline=reply_deadline()
    )
    notices = SupervisionNotice.objects.count()
    refused(
        nothing_stored,
        lambda: services.notice_from_flag(
            flag=flag, by=world.office, reason="再次督办。", demand="整改。", reply_deadline=reply_deadline()
        ),
        "already issued",
    )
    assert SupervisionNotice.objects.count() == notices


# --- satisfaction -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({S: 2, D: 1}, "66.7"),
        ({S: 1, B: 1, D: 1}, "66.7"),
        ({B: 1, D: 2}, "33.3"),
        ({S: 1, D: 5}, "16.7"),
        ({S: 1, D: 15}, "6.3"),  # 6.25: half up, not to even
        ({S: 1, D: 7}, "12.5"),
        ({B: 1, D: 1999}, "0.1"),  # 0.05
        ({S: 4, B: 0, D: 1}, "80.0"),
        ({S: 3}, "100.0"),
        ({B: 3}, "100.0"),
        ({D: 3}, "0.0"),
    ],
)
def test_satisfaction(counts, expected):
    assert selectors.satisfaction(counts) == Decimal(expected)
    assert str(selectors.satisfaction(counts)) == expected  # one decimal place


@pytest.mark.parametrize("counts", [{}, {S: 0, B: 0, D: 0}])
def test_satisfaction_without_ratings_is_none(counts):
    assert selectors.satisfaction(counts) is None


# --- what the review of the first version found ---------------------------------------------------------


def test_a_rate_just_under_the_threshold_is_flagged_though_it_reads_80_0(world, open_rating):
    """2,499 of 3,125 is 79.968%: published as 80.0% (one place, half up), but under 80: flagged, and the flag
    records 79.96 (two places, rounded down) so that the notice does not read "80% is below 80%"."""
    item = world.adopted_items[0]
    counts = {S: 2499, B: 0, D: 626}
    assert selectors.satisfaction(counts) == Decimal("80.0")
    assert selectors.below_threshold(counts, Decimal(80))
    assert selectors.satisfaction_floor(counts) == Decimal("79.96")
    assert not selectors.below_threshold({S: 4, D: 1}, Decimal(80))  # exactly 80 is not below
    m.Rating.objects.bulk_create(
        m.Rating(round=open_rating, item=item, rater=DeputyFactory(), group="deputy", grade=grade)
        for grade in [S] * 2499 + [D] * 626
    )
    services.rating_close(round=open_rating, by=world.office)
    flag = m.RatingFlag.objects.get(round=open_rating)
    assert (flag.item, flag.deputy_rate, flag.deputies_below, flag.public_below) == (
        item,
        Decimal("79.96"),
        True,
        False,
    )
    assert "79.96%" in selectors.flag_reason(flag)


def test_published_rating_results_do_not_move_after_close(world, open_rating):
    item = world.adopted_items[0]
    rate(open_rating, item, [world.public, world.other], [S, D])
    services.rating_close(round=open_rating, by=world.office)
    before = [(r.item.pk, [g.counts for g in r.groups]) for r in selectors.rating_results(round=open_rating)]
    open_rating.refresh_from_db()
    assert (open_rating.deputy_raters, open_rating.public_raters) == (0, 2)
    world.other.delete()  # an account removed after the results were published
    after = [(r.item.pk, [g.counts for g in r.groups]) for r in selectors.rating_results(round=open_rating)]
    assert after == before
    assert len(after) == len(world.adopted_items)  # every item, rated or not


@pytest.mark.parametrize("year", [1, 1999, 2101, 9999])
def test_times_outside_sane_years_are_refused(world, nothing_stored, year):
    opens = dt.datetime(year, 1, 1, 9, 0)
    closes = opens + dt.timedelta(days=2)
    refused(
        nothing_stored,
        lambda: services.vote_set(
            plan=world.plan, by=world.office, rule="at_most", choose=2, opens_at=opens, closes_at=closes
        ),
        "2000",
    )
    refused(
        nothing_stored,
        lambda: services.rating_set(
            plan=world.adopted, by=world.office, threshold=80, opens_at=opens, closes_at=closes
        ),
        "2100",
    )


def test_the_plan_stays_at_voting_while_its_vote_is_open(world, open_vote):
    from minsheng.plans.services import PlanStatusError, plan_status_set

    with pytest.raises(PlanStatusError):
        plan_status_set(plan=world.plan, status=Plan.Status.DRAFT, by=world.office)
    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.VOTING
    cast(world, open_vote, [0], [1])
    services.vote_close(round=open_vote, by=world.office)  # adopted with items 1 and 2
    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.ADOPTED
    with pytest.raises(PlanStatusError):
        plan_status_set(plan=world.plan, status=Plan.Status.VOTING, by=world.office)
    plan_status_set(plan=world.plan, status=Plan.Status.CLOSED, by=world.office)  # other moves are free


def test_a_prepared_vote_does_not_hold_the_plan(world):
    from minsheng.plans.services import plan_status_set

    services.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=2, **window())
    plan_status_set(plan=world.plan, status=Plan.Status.DRAFT, by=world.office)
    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.DRAFT


def test_a_ballot_given_as_a_string_is_refused(world, open_vote, nothing_stored):
    refused(
        nothing_stored,
        lambda: services.ballot_cast(round=open_vote, by=world.deputy, item_ids=str(world.items[0].pk)),
        "not a candidate",
    )


def test_a_tie_decision_naming_an_item_twice_is_refused(world, nothing_stored):
    round_ = make_vote(world, rule=m.VoteRule.EXACTLY, choose=2)
    cast(world, round_, [0, 1], [0, 2], [0, 3])
    services.vote_close(round=round_, by=world.office)
    round_.refresh_from_db()
    assert round_.tie_places == 1
    tied = world.items[1].pk
    refused(
        nothing_stored,
        lambda: services.vote_tie_decide(
            round=round_, by=world.office, item_ids=[tied, tied], reason="第二轮"
        ),
        "twice",
    )


def test_an_undecided_tie_holds_the_plan_at_voting(world):
    from minsheng.plans.services import PlanStatusError, plan_status_set

    round_ = make_vote(world, rule=m.VoteRule.EXACTLY, choose=2)
    cast(world, round_, [0, 1], [0, 2], [0, 3])
    services.vote_close(round=round_, by=world.office)
    for status in (Plan.Status.ADOPTED, Plan.Status.DRAFT):
        with pytest.raises(PlanStatusError):
            plan_status_set(plan=world.plan, status=status, by=world.office)


def test_a_vote_that_chose_nothing_does_not_let_the_plan_be_marked_adopted(world):
    from minsheng.plans.services import PlanStatusError, plan_status_set

    round_ = make_vote(world, majority_required=True)
    cast(world, round_, [0], [1])  # one vote each of three deputies: no item has a majority
    services.vote_close(round=round_, by=world.office)
    with pytest.raises(PlanStatusError):
        plan_status_set(plan=world.plan, status=Plan.Status.ADOPTED, by=world.office)
    plan_status_set(plan=world.plan, status=Plan.Status.DRAFT, by=world.office)  # back to work on it


def test_an_open_rating_holds_the_plan_adopted(world, open_rating):
    from minsheng.plans.services import PlanStatusError, plan_status_set

    for status in (Plan.Status.VOTING, Plan.Status.DRAFT):
        with pytest.raises(PlanStatusError):
            plan_status_set(plan=world.adopted, status=status, by=world.office)
    plan_status_set(plan=world.adopted, status=Plan.Status.CLOSED, by=world.office)  # the year ends
