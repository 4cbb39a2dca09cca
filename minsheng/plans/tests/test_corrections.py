"""The corrections on the reader's JSON (no database): each operation changes what it says and reports
before and after; splitting and merging renumber the items after; the JSON goes back to a PlanDocument."""

from __future__ import annotations

import copy

import pytest

from minsheng.documents import parse_text
from minsheng.plans.corrections import (
    CorrectionError,
    corrected,
    correction_apply,
    document_from_dict,
    weights,
)

TEXT = """铁门关市2025年民生实事
一、安全行动(2项)
1.改造燃气管道9千米，其中主管道4千米。
2.开展食品抽检500批次。
二、教育行动(1项)
3.新建幼儿园2所，按照每人209元的标准发放补助。
"""


@pytest.fixture
def data() -> dict:
    return parse_text(TEXT).to_dict()


def _items(data) -> list[tuple[int, str]]:
    return [(item["no"], item["text"]) for action in data["actions"] for item in action["items"]]


def test_the_reader_json_goes_back_to_the_same_document(data):
    assert document_from_dict(copy.deepcopy(data)).to_dict() == data


def test_a_target_is_edited_and_keeps_its_source(data):
    before, after = correction_apply(
        data,
        "target_edit",
        {"a": 0, "i": 0, "t": 0, "op": "range", "value": "9", "value_max": "10", "unit": "千米"},
    )
    assert (before["op"], before["value"]) == ("=", 9)
    assert (after["op"], after["value"], after["value_max"], after["source"]) == (
        "range",
        9,
        10,
        before["source"],
    )


def test_targets_and_standards_are_added_deleted_and_weighted(data):
    correction_apply(data, "target_add", {"a": 1, "i": 0, "kind": "milestone", "subject": "开园"})
    correction_apply(data, "standard_add", {"a": 0, "i": 1, "subject": "抽检", "amount": "30", "per": "批次"})
    correction_apply(data, "target_weight", {"a": 0, "i": 1, "t": 0, "weight": "3"})
    removed, _ = correction_apply(data, "standard_delete", {"a": 1, "i": 0, "s": 0})
    assert removed["amount"] == 209
    item3 = data["actions"][1]["items"][0]
    assert item3["targets"][-1] == {
        "kind": "milestone",
        "subject": "开园",
        "source": "",
        "op": "=",
        "value": None,
        "value_max": None,
        "unit": None,
        "period": None,
    }
    assert item3["standards"] == []
    assert data["actions"][0]["items"][1]["standards"][0]["amount"] == 30
    assert weights(data) == {(2, 0): 3}
    document = document_from_dict(data)
    assert document.items[2].targets[-1].kind == "milestone"


def test_an_item_moves_to_another_action_in_number_order(data):
    correction_apply(data, "item_move", {"a": 1, "i": 0, "to": 0})
    assert [i["no"] for i in data["actions"][0]["items"]] == [1, 2, 3]
    assert data["actions"][1]["items"] == []


def test_an_item_splits_and_the_later_items_are_renumbered(data):
    correction_apply(data, "target_add", {"a": 0, "i": 0, "kind": "quantity", "value": "1", "unit": "个"})
    before, after = correction_apply(data, "item_split", {"a": 0, "i": 0, "at": "其中"})
    assert before["no"] == 1 and len(after) == 2
    assert _items(data)[:3] == [
        (1, "改造燃气管道9千米，"),
        (2, "其中主管道4千米。"),
        (3, "开展食品抽检500批次。"),
    ]
    first, second = data["actions"][0]["items"][:2]
    assert [t["source"] for t in second["targets"]] == ["4千米"]  # the target goes with the text it came from
    assert "9千米" in [t["source"] for t in first["targets"]]
    assert "" in [t["source"] for t in first["targets"]]  # a target added by hand stays with the first part
    assert data["actions"][1]["items"][0]["no"] == 4


def test_items_merge_and_the_later_items_are_renumbered(data):
    correction_apply(data, "item_merge", {"a": 0, "i": 0})
    assert _items(data) == [
        (1, "改造燃气管道9千米，其中主管道4千米。开展食品抽检500批次。"),
        (2, "新建幼儿园2所，按照每人209元的标准发放补助。"),
    ]
    assert len(data["actions"][0]["items"][0]["targets"]) >= 2


def test_corrections_replay_in_order_on_a_copy(data):
    original = copy.deepcopy(data)
    corrections = [
        {"op": "item_merge", "args": {"a": 0, "i": 0}},
        {"op": "target_delete", "args": {"a": 0, "i": 0, "t": 0}},
    ]
    result = corrected(data, corrections)
    assert data == original
    assert len(result["actions"][0]["items"]) == 1


@pytest.mark.parametrize(
    ("op", "args"),
    [
        ("target_edit", {"a": 0, "i": 0, "t": 0, "value": "1e400"}),
        ("target_edit", {"a": 0, "i": 0, "t": 0, "value": "NaN"}),
        ("target_edit", {"a": 0, "i": 0, "t": 0, "value": "1", "op": "!="}),
        ("target_add", {"a": 0, "i": 0, "kind": "wish"}),
        ("target_add", {"a": 0, "i": 0, "kind": "milestone"}),
        ("target_weight", {"a": 0, "i": 0, "t": 0, "weight": "99999"}),
        ("standard_add", {"a": 0, "i": 0, "amount": "1"}),
        ("item_split", {"a": 0, "i": 0, "at": "改造"}),
        ("target_delete", {"a": "x", "i": 0, "t": 0}),
    ],
)
def test_bad_arguments_are_refused_and_change_nothing(data, op, args):
    original = copy.deepcopy(data)
    with pytest.raises(CorrectionError):
        correction_apply(data, op, args)
    assert data == original
