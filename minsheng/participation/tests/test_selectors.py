"""Reads: the item page during consultation, the consultation report, the screening and moderation queues.
Query counts do not grow with the number of comments."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minsheng.accounts.tests.factories import PublicUserFactory
from minsheng.notifications import selectors as notification_selectors
from minsheng.participation import selectors, services
from minsheng.participation.models import CommentStatus, Flag, ModerationMode, Response, Support
from minsheng.participation.tests.conftest import IP
from minsheng.participation.tests.factories import CommentFactory, SuggestionFactory
from minsheng.plans.models import ItemRevision
from minsheng.plans.tests.factories import PlanVersionFactory


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def _grow(world, n: int) -> None:
    """n more published comments on each item, each with a response, a flag and a supporter."""
    kinds = ["adopted", "partly", "not_adopted", "answered"]
    version = PlanVersionFactory(plan=world.plan)
    revisions = {
        item.pk: ItemRevision.objects.create(
            item=item, version=version, kind="changed", no=item.no, text=item.text + "（修订）"
        )
        for item in world.items
    }
    for item in world.items:
        for k in range(n):
            author = PublicUserFactory()
            comment = CommentFactory(
                item=item, author=author, text=f"建议加快老旧小区燃气管道改造，第{k}条。"
            )
            Response.objects.create(
                comment=comment,
                kind=kinds[k % 4],
                text="答复",
                revision=revisions[item.pk],
                created_by=world.office,
            )
            Flag.objects.create(comment=comment, user=PublicUserFactory())
            Support.objects.create(item=item, user=author)
            CommentFactory(item=item, author=author, status=CommentStatus.PENDING, text="待审核")


# --- the item page -------------------------------------------------------------------------------------------


def test_the_item_page_shows_published_comments_and_the_viewers_own(world):
    mine = services.comment_submit(item=world.item, by=world.public, text="公开的意见", ip=IP)
    world.window.moderation = ModerationMode.PRE
    world.window.save()
    held = services.comment_submit(item=world.item, by=world.public, text="待审核的意见", ip=IP)
    services.comment_submit(item=world.item, by=world.other, text="别人的待审核意见", ip=IP)
    services.comment_flag(comment=mine, by=world.other)
    services.item_support(item=world.item, by=world.other)

    anonymous_view = selectors.item_consultation_get(item_id=world.item.pk)
    assert anonymous_view.comments == [mine]
    assert anonymous_view.own_comments == []
    assert anonymous_view.support_count == 1
    assert anonymous_view.window.is_open

    author_view = selectors.item_consultation_get(item_id=world.item.pk, viewer=world.public)
    assert author_view.own_comments == [held]
    assert (author_view.viewer_supports, author_view.viewer_follows) == (False, True)

    other_view = selectors.item_consultation_get(item_id=world.item.pk, viewer=world.other)
    assert other_view.viewer_flagged == {mine.pk}
    assert other_view.viewer_supports is True


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_item_page_query_count_does_not_grow_with_comments(
    world, django_assert_max_num_queries, signed_in
):
    viewer = world.public if signed_in else None
    _grow(world, 3)
    few = _queries(lambda: selectors.item_consultation_get(item_id=world.item.pk, viewer=viewer))
    _grow(world, 9)
    page = None

    def read() -> None:
        nonlocal page
        page = selectors.item_consultation_get(item_id=world.item.pk, viewer=viewer)
        for comment in page.comments:  # what the template touches
            str(comment.author)
            comment.response.get_kind_display()
            assert comment.response.revision.version.number
        for change in page.changes:
            assert change.revision.version.number

    with django_assert_max_num_queries(few):
        read()
    assert few == (10 if signed_in else 6)
    assert len(page.comments) == 12


# --- the consultation report -------------------------------------------------------------------------------


def test_the_report_counts_comments_support_and_outcomes_per_item(world):
    gas, health, _road = world.items
    texts = ["老旧小区燃气管道要尽快改造", "燃气管道改造请避开冬季", "希望燃气管道改造覆盖更多小区"]
    comments = [services.comment_submit(item=gas, by=PublicUserFactory(), text=t, ip=None) for t in texts]
    services.comment_respond(comment=comments[0], by=world.office, kind="adopted")
    services.comment_respond(comment=comments[1], by=world.office, kind="not_adopted", text="工期已定。")
    services.comment_submit(item=health, by=world.public, text="体检增加骨密度检查", ip=None)
    world.window.moderation = ModerationMode.PRE
    world.window.save()
    services.comment_submit(item=health, by=world.other, text="待审核，不进报告", ip=None)
    for user in (world.public, world.other):
        services.item_support(item=gas, by=user)

    report = selectors.consultation_report_get(plan_id=world.plan.pk)
    rows = {row.item.no: row for row in report.items}
    assert [row.item.no for row in report.items] == [1, 2, 3]
    assert (rows[1].comment_count, rows[1].support_count) == (3, 2)
    assert rows[1].outcomes == {"adopted": 1, "partly": 0, "not_adopted": 1, "answered": 0, "none": 1}
    assert rows[2].comment_count == 1  # the held comment is not in the report
    assert (rows[3].comment_count, rows[3].support_count) == (0, 0)
    assert (report.comment_count, report.support_count, report.commenters) == (4, 2, 4)
    assert report.outcomes["none"] == 2
    phrases = {p.text: p.count for p in rows[1].phrases}
    assert phrases["燃气管道"] == 3  # in every comment on the item
    assert phrases["燃气管道改造"] == 2  # grown past the 4-character n-grams
    assert "燃气" not in phrases  # inside a longer phrase with the same count
    assert "希望" not in phrases  # a stock phrase


def test_a_removed_item_stays_in_the_report_when_it_was_commented_on(world):
    gas, health, road = world.items
    services.comment_submit(item=road, by=world.public, text="这条路很重要", ip=None)
    version = PlanVersionFactory(plan=world.plan)
    for item in (road, health):
        item.removed_in = version
        item.save()
    ItemRevision.objects.create(item=road, version=version, kind="removed", no=road.no, text=road.text)
    report = selectors.consultation_report_get(plan_id=world.plan.pk)
    assert [row.item for row in report.items] == [gas, road]  # health: removed and never commented on
    assert report.items[1].changes[0].revision.kind == "removed"


def test_the_report_query_count_does_not_grow_with_comments(world, django_assert_max_num_queries):
    _grow(world, 3)
    few = _queries(lambda: selectors.consultation_report_get(plan_id=world.plan.pk))
    _grow(world, 9)

    def read() -> None:
        report = selectors.consultation_report_get(plan_id=world.plan.pk)
        for row in report.items:
            assert (row.comment_count, len(row.recent), row.more) == (12, 3, 9)
            for comment in row.recent:
                comment.response.get_kind_display()
                assert comment.response.revision.version.number
                str(comment.author)
        assert report.comment_count == 36

    with django_assert_max_num_queries(few):
        read()
    assert few == 9


def test_the_plan_item_list_counts_without_a_query_per_item(world, django_assert_num_queries):
    _grow(world, 2)
    with django_assert_num_queries(1):
        items = list(selectors.plan_consultation_items(plan=world.plan))
    assert [(i.comment_count, i.support_count) for i in items] == [(2, 2)] * 3


# --- suggestions and moderation ------------------------------------------------------------------------------


def test_the_public_list_of_suggestions_is_one_query(world, django_assert_num_queries):
    original = SuggestionFactory(plan=world.ideas, status="accepted")
    for _ in range(3):
        SuggestionFactory(plan=world.ideas, status="merged", merged_into=original)
    SuggestionFactory(plan=world.ideas)  # not screened: not listed
    with django_assert_num_queries(1):
        listed = list(selectors.suggestion_public_list(plan=world.ideas))
        for suggestion in listed:
            str(suggestion.action), str(suggestion.merged_into), suggestion.merged_count
    assert [s.merged_count for s in listed] == [3, 0, 0, 0]


def test_the_moderation_queue_shows_held_and_hidden_comments_with_flags(world, django_assert_num_queries):
    world.window.flag_threshold = 2
    world.window.save()
    published = services.comment_submit(item=world.item, by=world.public, text="已发布", ip=None)
    for user in (world.other, world.deputy):
        services.comment_flag(comment=published, by=user)
    world.window.moderation = ModerationMode.PRE
    world.window.save()
    held = services.comment_submit(item=world.item, by=world.public, text="待审核", ip=None)
    with django_assert_num_queries(1):
        queue = list(selectors.moderation_queue(plan=world.plan))
        for comment in queue:
            str(comment.item), str(comment.author)
    assert queue == [published, held]
    assert (queue[0].open_flags, queue[0].flag_count, queue[0].status) == (2, 2, "hidden")
    history = selectors.moderation_history(comment=published)
    assert [h.kind for h in history] == ["hidden_by_flags"]
    assert selectors.moderation_history()[0].comment == held


def test_a_users_own_lists(world):
    comment = services.comment_submit(item=world.item, by=world.public, text="我的意见", ip=None)
    services.comment_respond(comment=comment, by=world.office, kind="adopted")
    mine = list(selectors.comment_list_for_author(user=world.public))
    assert mine == [comment]
    assert mine[0].response.kind == "adopted"
    assert list(selectors.followed_items(user=world.public)) == [world.item]


def test_anonymous_viewers_have_empty_own_lists(anonymous, db):
    assert not selectors.comment_list_for_author(user=anonymous).exists()
    assert not selectors.suggestion_list_for_author(user=anonymous).exists()
    assert not selectors.followed_items(user=anonymous).exists()
    assert notification_selectors.notification_list(user=anonymous) == []
    assert notification_selectors.unread_count(user=anonymous) == 0


def test_text_diff_marks_insertions_and_deletions():
    pieces = selectors.text_diff("改造燃气主管道9千米。", "改造燃气主管道12千米。")
    assert [(p.text, p.op) for p in pieces] == [
        ("改造燃气主管道", "equal"),
        ("9", "delete"),
        ("12", "insert"),
        ("千米。", "equal"),
    ]
