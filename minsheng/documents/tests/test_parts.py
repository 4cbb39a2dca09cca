"""The reader's parts one at a time: the segmenters, the scorer's features, the item reader, the notices."""

from __future__ import annotations

from minsheng.documents.items import build_item
from minsheng.documents.lines import Draft, Line, classify
from minsheng.documents.model import Target
from minsheng.documents.normalize import analysis_copy
from minsheng.documents.notices import MESSAGES, Notice
from minsheng.documents.readings import Reading, confidence, same_items, score
from minsheng.documents.segmenters import numbered_lines, unnumbered_paragraphs


def lines(*texts: str) -> list[Line]:
    out = []
    for text in texts:
        line = Line(text, analysis_copy(text))
        classify(line)
        out.append(line)
    return out


def draft(text: str, **kwargs) -> Draft:
    return Draft(kwargs.pop("no", None), kwargs.pop("title", None), text, analysis_copy(text), **kwargs)


def test_classify_tells_a_number_run_into_the_text_from_a_quantity():
    first, second, third, fourth = lines("1开展学生双减计划", "20万学生免费午餐", "2024年计划", "12件实事")
    assert (first.style, first.num) == ("bare", 1)
    assert second.style is None and third.style is None and fourth.style is None


def test_numbered_lines_groups_and_items():
    groups = numbered_lines(
        lines("一、教育", "1.新建学校2所。", "2.改造操场3个。", "二、医疗", "3.新增床位50张。")
    )
    assert [(g.group[0] if g else None, [d.no for d in drafts]) for g, drafts in groups] == [
        ("教育", [1, 2]),
        ("医疗", [3]),
    ]


def test_unnumbered_paragraphs_splits_one_paragraph_on_semicolons():
    drafts = unnumbered_paragraphs(
        lines("十件实事分别是:新建公园2个;改造道路5公里;新增学位300个;建设食堂4个。")
    )
    assert [d.orig for d in drafts] == ["新建公园2个", "改造道路5公里", "新增学位300个", "建设食堂4个"]


def test_score_features_reward_numbering_pledges_and_coverage():
    good = Reading("numbered", [(None, None, [draft("新建公园2个。", no=1), draft("改造道路5公里。", no=2)])])
    shifted = Reading(
        "numbered", [(None, None, [draft("新建公园2个。", no=2), draft("改造道路5公里。", no=4)])]
    )
    score(good, 16, set())
    score(shifted, 16, set())
    assert good.features["numbering"] == 2.0 and shifted.features["numbering"] == 0.0
    assert good.features["pledges"] == 1.0 and good.features["figures"] == 1.0
    assert good.features["coverage"] > 0.9
    assert good.score > shifted.score
    single = Reading("paragraphs", [(None, None, [draft("新建公园2个。")])])
    score(single, 16, set())
    assert single.features["size"] == -1.0


def test_confidence_grows_with_the_margin_and_same_items_are_one_reading():
    a = Reading("table", [(None, None, [draft("新建公园2个", no=1, title="公园")])], score=5.0)
    b = Reading("table-rows", [(None, None, [draft("公园；新建公园2个", no=1)])], score=4.9)
    c = Reading("paragraphs", [(None, None, [draft("其他内容", no=None)])], score=3.0)
    assert same_items(a, b) and not same_items(a, c)
    assert confidence(a, b) < confidence(a, c) < 1.0 == confidence(a, None)


def test_item_reader_leaves_achieved_figures_out_of_a_progress_report():
    item = build_item(draft("新建口袋公园10个。上半年已建成6个,惠及居民2万人。", progress=True), 1)
    assert [(t.value, t.unit) for t in item.targets] == [(10, "个")]
    plan = build_item(draft("新建口袋公园10个。上半年已建成6个。"), 1)
    assert [(t.value, t.unit) for t in plan.targets] == [(10, "个"), (6, "个")]


def test_item_reader_prefers_a_figure_cell_to_the_same_figure_in_its_label():
    cell = Target("quantity", "定点医疗机构", "=", 1, "个", "1")
    item = build_item(draft("每个县至少1家定点医疗机构", extra_targets=[cell]), 2)
    assert [(t.value, t.unit) for t in item.targets] == [(1, "个")]


def test_an_item_without_a_quantity_gets_one_milestone():
    item = build_item(draft("启动县图书馆新馆建设。"), 3)
    assert [(t.kind, t.subject) for t in item.targets] == [("milestone", "启动县图书馆新馆建设")]


def test_every_notice_code_has_a_message_and_renders_its_params():
    notice = Notice("declared-count", {"action": 1, "title": "就业", "declared": 4, "found": 3})
    assert notice.render() == "Action 1 (就业) declares 4 items but lists 3."
    assert notice.to_dict() == {
        "code": "declared-count",
        "params": {"action": 1, "title": "就业", "declared": 4, "found": 3},
        "message": "Action 1 (就业) declares 4 items but lists 3.",
    }
    assert all("%(" in message for message in MESSAGES.values())


def test_an_item_opening_with_a_count_in_wan_and_no_measure_word_keeps_it():
    item = build_item(draft("36.5万 符合条件的老人提供免费体检服务,为计划的102%。"), 4)
    assert next((t.value, t.unit) for t in item.targets) == (365_000, None)
    people = build_item(draft("13.3万常住人口饮水问题得到解决。"), 5)
    assert [(t.value, t.unit) for t in people.targets] == [(133_000, "人")]  # a people noun gives 人


def _announced(text: str) -> list[dict[str, object]]:
    from minsheng.documents import parse_text

    return [n.params for n in parse_text(text).notices if n.code == "announced-count"]


def test_a_list_shorter_than_its_announced_count_is_said_never_read_short_silently():
    head = "青湾县2025年民生实事\n\n今年办好以下十件民生实事：\n"
    three = "1. 新建幼儿园3所。\n2. 改造老旧小区20个。\n3. 新增停车位500个。\n"
    assert _announced(head + three) == [{"announced": 10, "found": 3}]
    ten = "".join(f"{n}. 新建社区食堂{n}个。\n" for n in range(1, 11))
    assert _announced(head + ten) == []
    # more candidates than the items to choose (a vote's list) is not a shortfall
    twelve = "".join(f"{n}. 新建社区食堂{n}个。\n" for n in range(1, 13))
    assert _announced(head + twelve) == []
    # last year's count is not this list's
    past = "青湾县2025年民生实事\n\n去年承诺的12件民生实事全部办结。今年重点办好以下民生实事：\n"
    assert _announced(past + three) == []
