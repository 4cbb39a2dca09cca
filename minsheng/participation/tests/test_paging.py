"""Lists that grow with the data are paged: the item page's comments (which the consultation report links to
for all but the most recent few), the moderation and screening queues, a plan's suggestions and a person's
own comments and suggestions. A page number that is not one gives the first page, one past the end the
last (as the portal's home page); every published comment stays reachable; the report's and the item
page's query counts are the same at two sizes."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minsheng.accounts.tests.factories import PublicUserFactory
from minsheng.participation import selectors
from minsheng.participation.models import Comment, CommentStatus, Response, Suggestion, SuggestionStatus
from minsheng.participation.tests.views_support import _as, _text

PER_PAGE = selectors.COMMENTS_PER_PAGE
_ARTICLE = re.compile(r'<article class="comment" id="comment-(\d+)"')


def _comments(world, item, n: int, *, author=None, status=CommentStatus.PUBLISHED) -> list[Comment]:
    """n comments on ``item`` (oldest first), every other one answered by the office."""
    author = author or PublicUserFactory()
    made = Comment.objects.bulk_create(
        [
            Comment(plan=world.plan, item=item, author=author, text=f"意见{k}：燃气管道改造。", status=status)
            for k in range(n)
        ]
    )
    Response.objects.bulk_create(
        [
            Response(comment=c, kind="answered", text="已收到。", created_by=world.office)
            for k, c in enumerate(made)
            if k % 2 == 0
        ]
    )
    return made


def _shown(client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200
    return [int(pk) for pk in _ARTICLE.findall(_text(response))]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# --- the item page's comments ------------------------------------------------------------------------------


def test_the_item_page_shows_its_comments_a_page_at_a_time(client, world):
    made = _comments(world, world.item, 2 * PER_PAGE + 7)
    client = _as(client, world, "anonymous")
    url = reverse("participation:item", args=[world.item.pk])
    first = _shown(client, url)
    assert first == [c.pk for c in made[:PER_PAGE]]  # oldest first
    page = _text(client.get(url))
    assert f"{len(made)} comments" in page
    assert "Page 1 of 3" in page
    assert 'rel="next" href="?page=2#comments"' in page
    assert 'rel="prev"' not in page
    last = _shown(client, url + "?page=3")
    assert last == [c.pk for c in made[2 * PER_PAGE :]]
    assert 'rel="prev" href="?page=2#comments"' in _text(client.get(url + "?page=3"))
    # Out of range, not a number, negative: a page all the same, not an error.
    assert _shown(client, url + "?page=99") == last
    assert _shown(client, url + "?page=abc") == first
    assert _shown(client, url + "?page=-1") == last
    assert _shown(client, url + "?page=") == first


def test_every_published_comment_is_reachable_from_the_report(client, world):
    gas, health, _road = world.items
    made = _comments(world, gas, PER_PAGE + 12) + _comments(world, health, 2)
    _comments(world, gas, 3, status=CommentStatus.PENDING)  # not published: neither counted nor shown
    client = _as(client, world, "anonymous")
    report = _text(client.get(reverse("participation:report", args=[world.plan.pk])))
    item_url = reverse("participation:item", args=[gas.pk])
    assert f'href="{item_url}#comments">All {PER_PAGE + 12} comments on this item</a>' in report
    assert reverse("participation:item", args=[health.pk]) + "#comments" not in report  # all 2 shown already
    reached: list[int] = []
    for item in (gas, health):
        url = reverse("participation:item", args=[item.pk])
        pages = selectors.item_consultation_get(item_id=item.pk).comments_page.paginator.num_pages
        for number in range(1, pages + 1):
            reached += _shown(client, f"{url}?page={number}")
    assert sorted(reached) == sorted(c.pk for c in made)


def test_a_link_to_a_comment_opens_the_page_that_holds_it(client, world):
    made = _comments(world, world.item, PER_PAGE + 5)
    client = _as(client, world, "anonymous")
    url = reverse("participation:item", args=[world.item.pk])
    late, early = made[PER_PAGE + 2], made[3]
    assert late.pk in _shown(client, f"{url}?comment={late.pk}")
    assert early.pk in _shown(client, f"{url}?comment={early.pk}")
    assert _shown(client, f"{url}?comment=999999") == [c.pk for c in made[:PER_PAGE]]  # none: the first
    assert _shown(client, f"{url}?comment=x") == [c.pk for c in made[:PER_PAGE]]
    # The page of the comments wins over the comment; the pager drops the comment from its links.
    page = _text(client.get(f"{url}?comment={late.pk}&page=1"))
    assert 'href="?page=2#comments"' in page


def test_after_commenting_the_author_lands_on_the_page_of_their_comment(client, world):
    _comments(world, world.item, PER_PAGE + 1)
    client = _as(client, world, "public")
    response = client.post(reverse("participation:comment_add", args=[world.item.pk]), {"text": "我的意见"})
    comment = Comment.objects.get(text="我的意见")
    assert response["Location"].endswith(f"?comment={comment.pk}#comment-{comment.pk}")
    assert comment.pk in _shown(client, response["Location"].split("#")[0])


def test_the_item_page_query_count_is_the_same_at_two_sizes(client, world):
    client = _as(client, world, "public")
    url = reverse("participation:item", args=[world.item.pk])
    _comments(world, world.item, 10)
    small = _queries(client, url)
    _comments(world, world.item, 3 * PER_PAGE)
    assert _queries(client, url) == small
    assert _queries(client, url + "?page=3") == small


# --- the consultation report --------------------------------------------------------------------------------


def test_the_report_query_count_is_the_same_at_two_sizes(client, world):
    client = _as(client, world, "anonymous")
    url = reverse("participation:report", args=[world.plan.pk])
    for item in world.items:
        _comments(world, item, 4)
    small = _queries(client, url)
    for item in world.items:
        _comments(world, item, 80, author=PublicUserFactory())
    assert _queries(client, url) == small
    report = selectors.consultation_report_get(plan_id=world.plan.pk)
    assert report.comment_count == 3 * 84
    assert all((row.comment_count, len(row.recent), row.more) == (84, 3, 81) for row in report.items)


def test_the_report_shows_the_most_recent_comments_of_each_item_and_all_counts(world):
    made = _comments(world, world.item, 10)
    report = selectors.consultation_report_get(plan_id=world.plan.pk)
    row = report.items[0]
    assert [c.pk for c in row.recent] == [c.pk for c in reversed(made[-3:])]  # newest first
    assert row.outcomes == {"adopted": 0, "partly": 0, "not_adopted": 0, "answered": 5, "none": 5}
    assert report.outcomes == row.outcomes
    assert (report.comment_count, report.commenters) == (10, 1)
    assert report.phrase_sample is None  # every comment's phrases counted


def test_the_report_says_when_its_phrases_come_from_a_sample(client, world, monkeypatch):
    _comments(world, world.item, 12)
    monkeypatch.setattr(selectors, "PHRASE_SAMPLE", 10)
    report = selectors.consultation_report_get(plan_id=world.plan.pk)
    assert report.phrase_sample == 10
    assert report.phrases[0].count == 10  # in all 10 of the sample
    page = _text(_as(client, world, "anonymous").get(reverse("participation:report", args=[world.plan.pk])))
    assert "counted in the most recent 10 comments only" in page


# --- the other lists ----------------------------------------------------------------------------------------


def _suggestions(world, n: int, *, status: str, author=None) -> list[Suggestion]:
    author = author or PublicUserFactory()
    return Suggestion.objects.bulk_create(
        [
            Suggestion(
                plan=world.ideas,
                author=author,
                title=f"建议{k}",
                content="内容",
                reason="理由",
                status=status,
            )
            for k in range(n)
        ]
    )


@pytest.mark.parametrize(
    ("name", "role", "make", "count"),
    [
        ("moderation", "office", "held", r'<li id="comment-\d+">'),
        ("screening", "office", "submitted", r'href="/participation/office/suggestions/\d+/"'),
        ("suggestions", "anonymous", "accepted", r'href="/participation/suggestions/\d+/"'),
    ],
)
def test_the_queues_and_the_suggestions_are_paged(client, world, name, role, make, count):
    if make == "held":
        _comments(world, world.item, 50 + 5, status=CommentStatus.PENDING)
    else:
        _suggestions(world, 50 + 5, status=make)
    client = _as(client, world, role)
    url = reverse(f"participation:{name}", args=[world.ideas.pk] if name == "suggestions" else [])

    def rows(query: str) -> int:
        response = client.get(url + query)
        assert response.status_code == 200
        return len(re.findall(count, _text(response)))

    assert rows("") == 50
    assert "Page 1 of 2" in _text(client.get(url))
    assert rows("?page=2") == 5
    assert rows("?page=9") == 5
    assert rows("?page=zz") == 50
    small = _queries(client, url)
    if make == "held":
        _comments(world, world.items[1], 50, status=CommentStatus.PENDING)
    else:
        _suggestions(world, 50, status=make)
    assert _queries(client, url) == small


def test_my_comments_and_suggestions_are_paged_each_on_its_own(client, world):
    _comments(world, world.item, 50 + 2, author=world.public)
    _suggestions(world, 50 + 1, status=SuggestionStatus.SUBMITTED, author=world.public)
    client = _as(client, world, "public")
    url = reverse("participation:mine")
    page = _text(client.get(url + "?comments=2"))
    assert len(re.findall(r'/\?comment=\d+#comment-\d+">Item', page)) == 2  # the 2 oldest comments…
    assert 'href="?comments=2&amp;suggestions=2#h-suggestions"' in page  # …with the suggestions' pager kept
    assert len(re.findall(r'href="/participation/suggestions/\d+/"', page)) == 50
    page = _text(client.get(url + "?comments=2&suggestions=2"))
    assert len(re.findall(r'href="/participation/suggestions/\d+/"', page)) == 1
    assert client.get(url + "?comments=x&suggestions=99").status_code == 200


def test_the_report_shows_a_big_plans_items_a_page_at_a_time(client, world):
    from minsheng.plans.tests.factories import ItemFactory

    per_page = selectors.REPORT_ITEMS_PER_PAGE
    action = world.items[0].action
    for no in range(4, per_page + 11):
        ItemFactory(action=action, no=no, text=f"第{no}项。")
    _comments(world, world.items[1], 5)
    client = _as(client, world, "anonymous")
    url = reverse("participation:report", args=[world.plan.pk])
    section = re.compile(r'<section class="report-item" id="item-(\d+)"')
    first_queries = _queries(client, url)
    first = [int(pk) for pk in section.findall(_text(client.get(url)))]
    assert len(first) == per_page
    assert 'href="?page=2"' in _text(client.get(url))
    assert _queries(client, url + "?page=2") == first_queries
    second = [int(pk) for pk in section.findall(_text(client.get(url + "?page=2")))]
    assert sorted(first + second) == sorted(world.plan.items.values_list("pk", flat=True))
    # the totals are the whole plan's on every page
    report = selectors.consultation_report_get(plan_id=world.plan.pk, page=2)
    assert report.comment_count == 5 and len(report.items) == 10
