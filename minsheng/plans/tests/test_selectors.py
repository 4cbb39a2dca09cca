import pytest

from minsheng.plans.selectors import (
    Fragment,
    item_page_get,
    plan_page_of,
    plan_summary_get,
    plans_in_order,
    text_fragments,
)
from minsheng.plans.services import plan_document_import
from minsheng.plans.tests.factories import doc_item, document


def _marked(fragments):
    return [f.text for f in fragments if f.marked]


def test_fragments_mark_each_source_and_keep_the_whole_text():
    text = "计划完成监督抽检不少于500批次，现场快速检测不少于600批次。"
    fragments = text_fragments(text, ["不少于500批次", "不少于600批次"])
    assert "".join(f.text for f in fragments) == text
    assert _marked(fragments) == ["不少于500批次", "不少于600批次"]
    assert fragments[0] == Fragment("计划完成监督抽检")


def test_a_repeated_source_marks_the_next_occurrence():
    text = "开展培训10场次，覆盖300人次；开展活动10场次，覆盖300人次。"
    fragments = text_fragments(text, ["10场次", "300人次", "10场次", "300人次"])
    assert _marked(fragments) == ["10场次", "300人次", "10场次", "300人次"]
    assert "".join(f.text for f in fragments) == text


def test_missing_empty_and_overlapping_sources_are_skipped():
    text = "建设5G基站2座。"
    fragments = text_fragments(text, ["", "3座", "基站2座", "2座"])
    assert _marked(fragments) == ["基站2座"]
    assert "".join(f.text for f in fragments) == text


def test_no_sources_is_one_plain_fragment():
    assert text_fragments("完善服务。", []) == [Fragment("完善服务。")]


@pytest.mark.django_db
def test_plan_list_counts_current_items_only():
    plan_document_import(document=document(n_items=4))
    plan_document_import(document=document([[doc_item(1), doc_item(2)]]))
    (plan,) = plan_page_of(plans_in_order(), 1, 10).object_list
    assert plan.item_count == 2


@pytest.mark.django_db
def test_pages_of_missing_rows_are_none():
    assert plan_summary_get(plan_id=999) is None
    assert item_page_get(item_id=999) is None


@pytest.mark.django_db
def test_item_page_of_a_removed_item_still_has_its_history():
    first = plan_document_import(document=document(n_items=3))
    gone = first.plan.items.get(no=3)
    plan_document_import(document=document([[doc_item(1), doc_item(2)]]))
    page = item_page_get(item_id=gone.pk)
    assert page.item.removed_in.number == 2
    assert [r.kind for r in page.revisions] == ["added", "removed"]
    assert _marked(page.fragments) == ["30名"]
