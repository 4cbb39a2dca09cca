"""The demo's vote and rating: the 2027 candidates (demo data) open for the deputies' vote, the seed plan
adopted and open for its year-end rating with demo ratings, and the demo deputy and public left to try."""

from __future__ import annotations

import datetime as dt

import pytest

from minsheng.accounts.models import User
from minsheng.accounts.tests.factories import DeputyFactory, OfficeUserFactory, PublicUserFactory
from minsheng.delivery.selectors import plan_status
from minsheng.demo.delivery import demo_delivery_setup
from minsheng.demo.voting import (
    CANDIDATES,
    DEMO_BALLOTS,
    DEMO_COMMENTS,
    DEMO_DEPUTIES,
    DEMO_RESIDENTS,
    demo_voting_setup,
)
from minsheng.documents import parse_bytes
from minsheng.plans.models import Plan
from minsheng.plans.services import plan_import
from minsheng.voting import services
from minsheng.voting.models import BallotReceipt, Grade, RaterGroup, Rating, RoundStatus, VoteRule
from minsheng.voting.selectors import rating_withheld

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def demo(seed_docx):
    plan = plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name).plan
    office = OfficeUserFactory()
    deputy, public = DeputyFactory(username="deputy"), PublicUserFactory(username="public")
    demo_delivery_setup(plan=plan, office=office, today=TODAY)
    result = demo_voting_setup(office=office, rated_plan=plan)
    return result, office, deputy, public


def test_the_candidates_document_reads_as_12_items_for_2027_labelled_as_demo_data():
    document = parse_bytes(CANDIDATES.read_bytes(), CANDIDATES.name)
    assert document.year == 2027
    assert document.region == "第二师铁门关市"
    assert "示范数据" in document.title
    assert len(document.items) == 12
    assert [item.no for item in document.items] == list(range(1, 13))
    assert all(item.targets for item in document.items)  # every candidate has a measurable target
    assert not document.warnings


def test_the_candidates_are_open_for_the_vote_at_most_10_of_12(demo):
    result, _office, _deputy, _public = demo
    plan = result.candidates_plan
    plan.refresh_from_db()
    assert (plan.year, plan.status) == (2027, Plan.Status.VOTING)
    assert plan.region == result.rated_plan.region
    assert "示范数据" in plan.title
    vote = result.vote
    assert (vote.status, vote.rule, vote.choose) == (RoundStatus.OPEN, VoteRule.AT_MOST, 10)
    assert result.candidates == 12 and vote.candidates.count() == 12
    # Five demo deputies have voted (enough for the tally to be published at close); the demo deputy has not.
    assert vote.ballots == len(DEMO_DEPUTIES) == 5
    assert set(BallotReceipt.objects.values_list("voter__username", flat=True)) == set(DEMO_DEPUTIES)
    assert vote.opens_at < vote.opened_at < vote.closes_at
    assert vote.closes_at - vote.opens_at == dt.timedelta(days=15)


def test_the_seed_plan_is_adopted_and_open_for_its_rating_with_demo_ratings(demo):
    result, _office, _deputy, _public = demo
    plan = result.rated_plan
    plan.refresh_from_db()
    assert (plan.year, plan.status) == (2025, Plan.Status.ADOPTED)
    rating = result.rating
    assert rating.status == RoundStatus.OPEN and rating.threshold == 80
    ratings = Rating.objects.filter(round=rating)
    assert ratings.count() == result.ratings > 0
    assert {r.username for r in result.raters} == {*DEMO_DEPUTIES, *DEMO_RESIDENTS}
    assert all(not rater.has_usable_password() for rater in result.raters)
    assert set(ratings.values_list("group", flat=True)) == {RaterGroup.DEPUTY, RaterGroup.PUBLIC}
    assert set(ratings.values_list("grade", flat=True)) == set(Grade.values)
    assert ratings.exclude(comment="").count() == len(DEMO_COMMENTS)
    assert all(
        comment.endswith("（演示数据）")
        for comment in ratings.exclude(comment="").values_list("comment", flat=True)
    )


def test_closing_the_demo_rating_flags_the_two_items_behind_schedule(demo):
    result, office, _deputy, _public = demo
    services.rating_close(round=result.rating, by=office)
    flagged = {flag.item.no: flag for flag in result.rating.flags.select_related("item")}
    assert set(flagged) == {22, 34}
    assert flagged[34].deputy_rate < 80 and flagged[34].public_rate < 80
    assert flagged[22].deputy_rate == 100 and flagged[22].public_rate < 80


def test_the_demo_deputy_and_public_are_left_to_vote_and_rate(demo):
    result, _office, deputy, public = demo
    assert not Rating.objects.filter(rater__in=[deputy, public]).exists()
    items = list(result.candidates_plan.items.order_by("no")[:10])
    services.ballot_cast(round=result.vote, by=deputy, item_ids=[item.pk for item in items])
    item = result.rated_plan.items.get(no=2)
    services.item_rate(round=result.rating, item=item, by=public, grade=Grade.SATISFIED)
    services.item_rate(round=result.rating, item=item, by=deputy, grade=Grade.BASIC)
    assert Rating.objects.filter(rater__in=[deputy, public]).count() == 2


def test_closing_the_demo_vote_and_rating_publishes_their_results_at_the_default_minimum(demo, settings):
    settings.VOTING_MIN_VOTERS = 5
    result, office, _deputy, _public = demo
    vote = services.vote_close(round=result.vote, by=office)
    assert not vote.withheld
    assert sum(vote.candidates.values_list("votes", flat=True)) == sum(len(b) for b in DEMO_BALLOTS)
    rating = services.rating_close(round=result.rating, by=office)
    assert not any(rating_withheld(rating).values())
    assert {flag.item.no for flag in rating.flags.select_related("item")} == {22, 34}


def test_the_delivery_demo_still_shows_on_the_adopted_plan(demo):
    result, _office, _deputy, _public = demo
    assert len(plan_status(plan=result.rated_plan, on=TODAY).items) == 40
    assert User.objects.filter(role=User.Role.DEPUTY, is_active=True).count() == 1 + len(DEMO_DEPUTIES)
