"""The vote and rating pages: who sees what, bad input back on the form with nothing stored, CSV downloads,
htmx fragments, and query counts that stay the same as items, ballots and ratings grow."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.tests.factories import DeputyFactory, PublicUserFactory
from minsheng.delivery.models import SupervisionNotice
from minsheng.plans.tests.factories import ItemFactory
from minsheng.testing import sign_in
from minsheng.voting import services
from minsheng.voting.models import BallotReceipt, Candidate, Grade, Rating, RatingFlag, RoundStatus, VoteRound
from minsheng.voting.tests.conftest import window


def _url(name: str, plan, *args) -> str:
    return reverse(f"voting:{name}", args=[plan.pk, *args])


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def _cast_all(round_, deputies, items) -> None:
    for index, deputy in enumerate(deputies):
        services.ballot_cast(round=round_, by=deputy, item_ids=[items[index % len(items)].pk])


# --- the vote -------------------------------------------------------------------------------------------


def test_anyone_sees_the_ballot_page_and_only_a_deputy_gets_the_form(world, open_vote, client):
    url = _url("vote", world.plan)
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="items"' not in response.content
    assert reverse("accounts:login").encode() in response.content
    sign_in(client, world.public)
    assert b'name="items"' not in client.get(url).content
    sign_in(client, world.deputy)
    html = client.get(url).content.decode()
    assert html.count('name="items"') == len(world.items)
    assert f'action="{_url("vote_cast", world.plan)}"' in html


def test_a_deputy_casts_a_ballot_and_the_page_then_says_so(world, open_vote, client):
    sign_in(client, world.deputy)
    response = client.post(_url("vote_cast", world.plan), {"items": [world.items[0].pk, world.items[1].pk]})
    assert response.status_code == 302
    assert BallotReceipt.objects.filter(round=open_vote, voter=world.deputy).exists()
    html = client.get(_url("vote", world.plan)).content.decode()
    assert 'name="items"' not in html and 'class="notice voted"' in html


def test_a_wrong_ballot_comes_back_with_the_reason_and_the_ticks_kept(
    world, open_vote, client, nothing_stored
):
    sign_in(client, world.deputy)
    nothing_stored.mark()
    four = [item.pk for item in world.items[:4]]
    response = client.post(_url("vote_cast", world.plan), {"items": four})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert html.count("checked") == 4
    nothing_stored.check()
    response = client.post(_url("vote_cast", world.plan), {"items": ["abc"]})
    assert response.status_code == 400
    nothing_stored.check()


def test_a_second_ballot_is_refused_on_the_page(world, open_vote, client, nothing_stored):
    sign_in(client, world.deputy)
    client.post(_url("vote_cast", world.plan), {"items": [world.items[0].pk]})
    nothing_stored.mark()
    response = client.post(_url("vote_cast", world.plan), {"items": [world.items[1].pk]})
    assert response.status_code == 400
    nothing_stored.check()


@pytest.mark.parametrize("who", ["public", "reporter", "head", "office"])
def test_only_deputies_may_post_a_ballot(world, open_vote, client, who, nothing_stored):
    sign_in(client, world.users[who])
    nothing_stored.mark()
    response = client.post(_url("vote_cast", world.plan), {"items": [world.items[0].pk]})
    assert response.status_code == 403
    nothing_stored.check()


def test_an_anonymous_ballot_is_sent_to_sign_in(world, open_vote, client, nothing_stored):
    nothing_stored.mark()
    response = client.post(_url("vote_cast", world.plan), {"items": [world.items[0].pk]})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    nothing_stored.check()


def test_the_office_sets_up_opens_and_closes_the_vote_on_the_pages(world, client):
    sign_in(client, world.office)
    manage = _url("vote_manage", world.plan)
    assert client.get(manage).status_code == 200
    times = {key: timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") for key, value in window().items()}
    bad = client.post(manage, {"rule": "at_most", "choose": 9, **times})
    assert bad.status_code == 400 and not VoteRound.objects.exists()
    bad = client.post(
        manage,
        {"rule": "at_most", "choose": 2, "opens_at": times["closes_at"], "closes_at": times["opens_at"]},
    )
    assert bad.status_code == 400 and not VoteRound.objects.exists()
    assert client.post(manage, {"rule": "exactly", "choose": 2, **times}).status_code == 302
    round_ = VoteRound.objects.get(plan=world.plan)
    assert (round_.rule, round_.choose, round_.status) == ("exactly", 2, RoundStatus.PREPARED)
    client.post(_url("vote_open", world.plan))
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN and Candidate.objects.filter(round=round_).count() == 5
    progress = client.get(manage).content.decode()
    assert "0" in progress and world.deputy.username in progress  # nobody has voted yet
    services.ballot_cast(round=round_, by=world.deputies[0], item_ids=[world.items[0].pk, world.items[1].pk])
    services.ballot_cast(round=round_, by=world.deputies[1], item_ids=[world.items[0].pk, world.items[2].pk])
    response = client.post(_url("vote_close", world.plan))
    assert response["Location"] == _url("vote_results", world.plan)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED and round_.tied  # items 2 and 3 tie for the second place
    page = client.get(manage).content.decode()
    assert f'action="{_url("vote_tie", world.plan)}"' in page
    nothing = client.post(_url("vote_tie", world.plan), {"items": [world.items[1].pk], "reason": ""})
    assert nothing.status_code == 400
    done = client.post(_url("vote_tie", world.plan), {"items": [world.items[1].pk], "reason": "主任会议决定"})
    assert done.status_code == 302
    world.plan.refresh_from_db()
    assert world.plan.status == "adopted"
    assert sorted(world.plan.items.filter(removed_in=None).values_list("no", flat=True)) == [1, 2]
    results = client.get(_url("vote_results", world.plan)).content.decode()
    assert "主任会议决定" in results


@pytest.mark.parametrize("who", ["anonymous", "public", "deputy", "reporter", "head", "office_not_staff"])
def test_only_the_office_runs_the_vote(world, client, who, nothing_stored):
    if who != "anonymous":
        sign_in(client, world.users[who])
    services.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=3, **window())
    nothing_stored.mark()
    for name in ("vote_manage", "vote_open", "vote_close", "vote_tie"):
        response = client.post(_url(name, world.plan), {})
        assert response.status_code in (302, 403), name
        if response.status_code == 302:
            assert reverse("accounts:login") in response["Location"]
    nothing_stored.check()


def test_the_tally_is_hidden_until_the_vote_closes(world, open_vote, client):
    services.ballot_cast(round=open_vote, by=world.deputy, item_ids=[world.items[0].pk])
    assert client.get(_url("vote_results", world.plan)).status_code == 404
    assert client.get(_url("vote_results_csv", world.plan)).status_code == 404
    sign_in(client, world.office)
    assert client.get(_url("vote_results", world.plan)).status_code == 404  # the office too


def test_the_tally_page_and_csv_after_close(world, open_vote, client):
    items = world.items
    services.ballot_cast(round=open_vote, by=world.deputies[0], item_ids=[items[0].pk, items[1].pk])
    services.ballot_cast(round=open_vote, by=world.deputies[1], item_ids=[items[0].pk])
    services.vote_close(round=open_vote, by=world.office)
    html = client.get(_url("vote_results", world.plan)).content.decode()
    assert 'id="vote-chart-data"' in html and "echarts.simple.min.js" in html
    assert "66.7%" in html  # turnout: 2 of 3 deputies
    response = client.get(_url("vote_results_csv", world.plan))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    by_no = {row[0]: row for row in rows[1:] if row and row[0].isdigit()}
    assert by_no["1"][2] == "2" and by_no["2"][2] == "1" and by_no["3"][2] == "0"
    assert len(by_no) == 5


def test_csv_cells_that_look_like_formulas_are_defused(world, client):
    world.items[0].text = '=HYPERLINK("http://x")'
    world.items[0].save()
    round_ = services.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=3, **window())
    services.vote_open(round=round_, by=world.office)
    services.ballot_cast(round=round_, by=world.deputy, item_ids=[world.items[0].pk])
    services.vote_close(round=round_, by=world.office)
    text = client.get(_url("vote_results_csv", world.plan)).content.decode("utf-8")
    assert "'=HYPERLINK" in text


def test_vote_pages_take_the_same_queries_however_many_candidates_and_ballots(world, client):
    round_ = services.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=3, **window())
    services.vote_open(round=round_, by=world.office)
    _cast_all(round_, world.deputies, world.items)
    sign_in(client, world.office)
    small = {name: _queries(client, _url(name, world.plan)) for name in ("vote", "vote_manage", "plan")}
    sign_in(client, world.deputies[0])
    small["deputy"] = _queries(client, _url("vote", world.plan))

    # A second plan at the voting stage with four times the candidates and ballots.
    from minsheng.plans.models import Plan
    from minsheng.plans.tests.factories import ActionFactory, PlanFactory

    big = PlanFactory(year=2030, region=world.plan.region, status=Plan.Status.VOTING)
    action = ActionFactory(plan=big)
    items = [ItemFactory(action=action, no=no) for no in range(1, 21)]
    deputies = [*world.deputies, *(DeputyFactory() for _ in range(9))]
    big_round = services.vote_set(plan=big, by=world.office, rule="at_most", choose=10, **window())
    services.vote_open(round=big_round, by=world.office)
    _cast_all(big_round, deputies, items)
    sign_in(client, world.office)
    large = {name: _queries(client, _url(name, big)) for name in ("vote", "vote_manage", "plan")}
    sign_in(client, deputies[0])
    large["deputy"] = _queries(client, _url("vote", big))
    assert large == small

    services.vote_close(round=round_, by=world.office)
    services.vote_close(round=big_round, by=world.office)
    assert _queries(client, _url("vote_results", world.plan)) == _queries(client, _url("vote_results", big))


# --- the rating -----------------------------------------------------------------------------------------


def test_a_resident_rates_changes_and_sees_their_rating(world, open_rating, client):
    item = world.adopted_items[0]
    sign_in(client, world.public)
    page = _url("rating", world.adopted)
    html = client.get(page).content.decode()
    assert html.count('name="grade"') == 3 * len(world.adopted_items)
    response = client.post(_url("rate", world.adopted, item.pk), {"grade": Grade.BASIC, "comment": "还行"})
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{item.pk}")
    client.post(_url("rate", world.adopted, item.pk), {"grade": Grade.SATISFIED, "comment": ""})
    rating = Rating.objects.get(round=open_rating, item=item, rater=world.public)
    assert (rating.grade, rating.comment, rating.group) == (Grade.SATISFIED, "", "public")
    assert 'value="satisfied" checked' in client.get(page).content.decode()


def test_rating_with_htmx_returns_the_item_alone(world, open_rating, client):
    item = world.adopted_items[1]
    sign_in(client, world.deputy)
    url = _url("rate", world.adopted, item.pk)
    response = client.post(url, {"grade": Grade.DISSATISFIED}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="item-{item.pk}"') and "<html" not in html
    bad = client.post(url, {"grade": "excellent"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()
    assert Rating.objects.get(item=item, rater=world.deputy).grade == Grade.DISSATISFIED


def test_bad_ratings_are_refused_with_nothing_stored(world, open_rating, client, nothing_stored):
    item = world.adopted_items[0]
    sign_in(client, world.public)
    nothing_stored.mark()
    for data in (
        {},
        {"grade": "great"},
        {"grade": Grade.BASIC, "comment": "<script>alert(1)</script>"},
        {"grade": Grade.BASIC, "comment": "长" * 501},
    ):
        response = client.post(_url("rate", world.adopted, item.pk), data)
        assert response.status_code == 400, data
        assert 'role="alert"' in response.content.decode()
    # an item of another plan
    assert (
        client.post(_url("rate", world.adopted, world.items[0].pk), {"grade": Grade.BASIC}).status_code == 404
    )
    nothing_stored.check()


@pytest.mark.parametrize("who", ["reporter", "head", "office"])
def test_those_who_deliver_do_not_rate(world, open_rating, client, who, nothing_stored):
    sign_in(client, world.users[who])
    nothing_stored.mark()
    response = client.post(_url("rate", world.adopted, world.adopted_items[0].pk), {"grade": Grade.SATISFIED})
    assert response.status_code == 403
    assert 'name="grade"' not in client.get(_url("rating", world.adopted)).content.decode()
    nothing_stored.check()


def test_the_office_runs_the_rating_then_issues_a_notice_from_a_flag(
    world, client, django_capture_on_commit_callbacks
):
    sign_in(client, world.office)
    manage = _url("rating_manage", world.adopted)
    times = {key: timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") for key, value in window().items()}
    assert client.post(manage, {"threshold": "101", **times}).status_code == 400
    assert client.post(manage, {"threshold": "75", **times}).status_code == 302
    client.post(_url("rating_open", world.adopted))
    round_ = world.adopted.rating_round
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN
    item = world.adopted_items[2]
    services.item_rate(round=round_, item=item, by=world.public, grade=Grade.DISSATISFIED, comment="厕所太少")
    services.item_rate(round=round_, item=item, by=world.deputy, grade=Grade.SATISFIED)
    assert client.get(_url("rating_results", world.adopted)).status_code == 404  # not before close
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("rating_close", world.adopted))
    flag = RatingFlag.objects.get(round=round_)
    assert flag.item == item and flag.public_rate == 0 and flag.deputy_rate == 100
    html = client.get(_url("rating_results", world.adopted)).content.decode()
    assert reverse("voting:flag_notice", args=[flag.pk]) in html
    assert "厕所太少" in html  # the office reads the comments
    form = client.get(reverse("voting:flag_notice", args=[flag.pk])).content.decode()
    assert "75" in form  # the reason names the threshold
    deadline = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    bad = client.post(
        reverse("voting:flag_notice", args=[flag.pk]),
        {"reason": "", "demand": "整改", "reply_deadline": deadline},
    )
    assert bad.status_code == 400 and not SupervisionNotice.objects.exists()
    response = client.post(
        reverse("voting:flag_notice", args=[flag.pk]),
        {"reason": "群众满意率0%", "demand": "说明原因并整改", "reply_deadline": deadline},
    )
    notice = SupervisionNotice.objects.get()
    assert response["Location"] == reverse("delivery:notice", args=[notice.pk])
    flag.refresh_from_db()
    assert flag.notice == notice and notice.item == item


def test_the_public_results_show_counts_and_rates_but_not_the_comments(world, open_rating, client):
    item = world.adopted_items[0]
    services.item_rate(round=open_rating, item=item, by=world.public, grade=Grade.BASIC, comment="私下的意见")
    services.item_rate(round=open_rating, item=item, by=world.other, grade=Grade.DISSATISFIED)
    services.rating_close(round=open_rating, by=world.office)
    html = client.get(_url("rating_results", world.adopted)).content.decode()
    assert "50.0%" in html and "私下的意见" not in html and 'id="rating-chart-data"' in html
    assert reverse("voting:flag_notice", args=[RatingFlag.objects.get().pk]) not in html
    text = client.get(_url("rating_results_csv", world.adopted)).content.decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + len(world.adopted_items)
    first = rows[1]
    assert first[0] == "1" and first[-2] == "50.0"  # the public's rate, just before the flag column


def test_rating_pages_take_the_same_queries_however_many_items_and_ratings(world, client):
    from minsheng.plans.models import Plan
    from minsheng.plans.tests.factories import ActionFactory, PlanFactory

    def build(plan, items, raters):
        round_ = services.rating_set(plan=plan, by=world.office, threshold=80, **window())
        services.rating_open(round=round_, by=world.office)
        for index, rater in enumerate(raters):
            for item in items:
                grade = [Grade.SATISFIED, Grade.BASIC, Grade.DISSATISFIED][(index + item.no) % 3]
                services.item_rate(
                    round=round_, item=item, by=rater, grade=grade, comment="意见" if index % 2 else ""
                )
        return round_

    small_round = build(world.adopted, world.adopted_items, [world.public, world.deputy])
    big = PlanFactory(year=2031, region=world.adopted.region, status=Plan.Status.ADOPTED)
    action = ActionFactory(plan=big)
    big_items = [ItemFactory(action=action, no=no) for no in range(1, 13)]
    raters = [
        world.public,
        world.deputy,
        *(PublicUserFactory() for _ in range(4)),
        *(DeputyFactory() for _ in range(2)),
    ]
    big_round = build(big, big_items, raters)

    def pages(plan):
        counts = {}
        sign_in(client, world.office)
        counts["manage"] = _queries(client, _url("rating_manage", plan))
        sign_in(client, world.public)
        counts["rate"] = _queries(client, _url("rating", plan))
        return counts

    assert pages(world.adopted) == pages(big)
    services.rating_close(round=small_round, by=world.office)
    services.rating_close(round=big_round, by=world.office)
    sign_in(client, world.office)
    assert _queries(client, _url("rating_results", world.adopted)) == _queries(
        client, _url("rating_results", big)
    )
    client.logout()
    assert _queries(client, _url("rating_results", world.adopted)) == _queries(
        client, _url("rating_results", big)
    )


def test_the_portal_plan_page_links_to_the_vote(world, client):
    html = client.get(reverse("portal:plan", args=[world.plan.pk])).content.decode()
    assert reverse("voting:plan", args=[world.plan.pk]) in html


def test_pages_in_english(world, open_vote, client):
    client.cookies["django_language"] = "en"
    html = client.get(_url("vote", world.plan), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Deputies" in html or "deputies" in html
    assert '<html lang="en">' in html
    assert "<h1>Deputies' vote</h1>" in html
    assert "Each deputy chooses at most 3 of the 5 candidate items." in html
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(_url("vote", world.plan)).content.decode()
    assert "每位代表从 5 个候选事项中最多选 3 项。" in chinese


@pytest.mark.parametrize("model", ["voteround", "ballotreceipt", "ratinground", "rating", "ratingflag"])
def test_the_office_reads_the_lists_in_the_admin_and_changes_nothing_there(world, open_vote, client, model):
    sign_in(client, world.office)
    assert client.get(reverse(f"admin:voting_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:voting_{model}_add")).status_code == 403
    sign_in(client, world.reporter)
    assert client.get(reverse(f"admin:voting_{model}_changelist")).status_code == 302


def test_the_running_tally_is_not_in_the_admin(world, open_vote, client):
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("admin:voting_candidate_changelist")


def test_an_anonymous_ballot_comes_back_to_the_ballot_page_after_signing_in(
    world, open_vote, open_rating, client
):
    response = client.post(_url("vote_cast", world.plan), {"items": [world.items[0].pk]})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={_url('vote', world.plan)}"
    response = client.post(_url("rate", world.adopted, world.adopted_items[0].pk), {"grade": Grade.BASIC})
    assert response["Location"].endswith(f"?next={_url('rating', world.adopted)}")


def test_an_anonymous_htmx_rating_loads_the_sign_in_page_instead_of_swapping_it_in(
    world, open_rating, client
):
    url = _url("rate", world.adopted, world.adopted_items[0].pk)
    response = client.post(url, {"grade": Grade.BASIC}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))
    sign_in(client, world.reporter)
    response = client.post(url, {"grade": Grade.BASIC}, HTTP_HX_REQUEST="true")
    assert (response.status_code, response["HX-Redirect"]) == (204, _url("rating", world.adopted))
    assert not Rating.objects.exists()


def test_an_htmx_rating_updates_the_progress_line_too(world, open_rating, client):
    sign_in(client, world.public)
    url = _url("rate", world.adopted, world.adopted_items[0].pk)
    html = client.post(url, {"grade": Grade.BASIC}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="rating-progress"' in html and 'hx-swap-oob="true"' in html


def test_a_year_one_date_is_refused_on_the_form(world, client, nothing_stored):
    sign_in(client, world.office)
    nothing_stored.mark()
    response = client.post(
        _url("vote_manage", world.plan),
        {"rule": "at_most", "choose": 2, "opens_at": "0001-01-01T00:00", "closes_at": "0001-01-02T00:00"},
    )
    assert response.status_code == 400 and "2000" in response.content.decode()
    nothing_stored.check()


def test_the_rating_admin_does_not_name_the_rater(world, open_rating, client):
    rating = services.item_rate(
        round=open_rating, item=world.adopted_items[0], by=world.public, grade=Grade.BASIC, comment="私人意见"
    )
    sign_in(client, world.office)
    html = client.get(reverse("admin:voting_rating_change", args=[rating.pk])).content.decode()
    assert "私人意见" in html and world.public.username not in html


def test_the_plan_admin_refuses_to_move_a_plan_out_of_an_open_vote(world, open_vote, client):
    from minsheng.plans.models import Plan

    sign_in(client, world.office)
    response = client.post(reverse("admin:plans_plan_change", args=[world.plan.pk]), {"status": "draft"})
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.VOTING


def test_the_tally_says_when_fewer_items_reached_the_bar_than_there_are_places(world, open_vote, client):
    services.ballot_cast(round=open_vote, by=world.deputy, item_ids=[world.items[0].pk])
    services.vote_close(round=open_vote, by=world.office)
    html = client.get(_url("vote_results", world.plan)).content.decode()
    assert 'class="notice short"' in html


def test_a_deputy_added_after_the_vote_opened_is_told_they_are_not_on_the_roll(world, open_vote, client):
    newcomer = DeputyFactory()
    sign_in(client, newcomer)
    html = client.get(_url("vote", world.plan)).content.decode()
    assert 'name="items"' not in html and 'class="notice"' in html


def test_the_office_moves_a_draft_to_the_voting_stage_from_the_vote_page(world, client):
    from minsheng.plans.models import Plan

    world.plan.status = Plan.Status.DRAFT
    world.plan.save()
    sign_in(client, world.office)
    page = client.get(_url("vote_manage", world.plan)).content.decode()
    assert f'action="{_url("plan_stage", world.plan)}"' in page
    response = client.post(_url("plan_stage", world.plan), {"status": "voting"})
    assert response["Location"] == _url("vote_manage", world.plan)
    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.VOTING


def test_moving_a_plan_out_of_an_open_vote_is_refused_with_the_reason(world, open_vote, client):
    from minsheng.plans.models import Plan

    sign_in(client, world.office)
    response = client.post(_url("plan_stage", world.plan), {"status": "adopted"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.VOTING
    response = client.post(_url("plan_stage", world.plan), {"status": "closed"})  # not a stage moved here
    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.VOTING


@pytest.mark.parametrize("who", ["anonymous", "public", "deputy", "reporter", "head", "office_not_staff"])
def test_only_the_office_moves_a_plans_stage(world, client, who, nothing_stored):
    if who != "anonymous":
        sign_in(client, world.users[who])
    nothing_stored.mark()
    response = client.post(_url("plan_stage", world.adopted), {"status": "voting"})
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert reverse("accounts:login") in response["Location"]
    nothing_stored.check()


def test_the_home_page_points_to_an_open_vote_and_an_open_rating(world, open_vote, open_rating, client):
    html = client.get("/").content.decode()
    assert f'href="{_url("vote", world.plan)}"' in html
    assert f'href="{_url("rating", world.adopted)}"' in html
    services.vote_close(round=open_vote, by=world.office)
    assert f'href="{_url("vote", world.plan)}"' not in client.get("/").content.decode()


def test_nobody_is_told_they_are_off_the_roll_before_the_vote_opens(world, client):
    services.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=2, **window())
    sign_in(client, world.deputy)
    html = client.get(_url("vote", world.plan)).content.decode()
    assert 'class="notice"' not in html


def test_a_rating_sent_after_the_close_says_so_in_place(world, open_rating, client):
    sign_in(client, world.public)
    url = _url("rate", world.adopted, world.adopted_items[0].pk)
    services.rating_close(round=open_rating, by=world.office)
    response = client.post(url, {"grade": Grade.BASIC, "comment": "晚了"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
