"""The datasets hold what the public pages show and nothing else; one declaration drives header and keys."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from minsheng.opendata.datasets import CHUNK, DATASETS, TYPE_LABELS
from minsheng.opendata.formats import BOM, plain_decimal, stream
from minsheng.opendata.tests.conftest import SECRET

pytestmark = pytest.mark.django_db


def rows_of(name, plan_id=None):
    """The dataset as a list of dicts, read back from its JSON Lines file."""
    data = b"".join(stream(DATASETS[name], plan_id, "jsonl")).decode("utf-8")
    return [json.loads(line) for line in data.splitlines()]


def csv_of(name, plan_id=None):
    data = b"".join(stream(DATASETS[name], plan_id, "csv")).decode("utf-8")
    assert data.startswith(BOM)
    return list(csv.DictReader(io.StringIO(data[1:])))


def test_every_field_is_declared_with_a_known_type_and_a_meaning():
    for dataset in DATASETS.values():
        names = dataset.names
        assert len(names) == len(set(names)), dataset.name
        for field in dataset.fields:
            assert field.type in TYPE_LABELS
            assert str(field.meaning)


@pytest.mark.parametrize("name", list(DATASETS))
def test_the_csv_header_and_the_jsonl_keys_are_the_declared_names(world, name):
    dataset = DATASETS[name]
    data = b"".join(stream(dataset, None, "csv")).decode("utf-8")
    assert next(csv.reader(io.StringIO(data[1:]))) == dataset.names
    for row in rows_of(name):
        assert list(row) == dataset.names
    assert len(rows_of(name)) == len(csv_of(name)) == dataset.count(None)


def test_plans_items_targets_and_standards_of_every_plan_current_only(world):
    assert [(row["plan_id"], row["region"], row["item_count"]) for row in rows_of("plans")] == [
        (world.plan.pk, "第二师铁门关市", 3),
        (world.other.pk, "第二师铁门关市", 2),
    ]
    items = rows_of("items", world.plan.pk)
    assert [row["item_no"] for row in items] == [1, 2, 3]  # the removed item 99 is not there
    assert items[0]["lead_department"]
    targets = rows_of("targets", world.plan.pk)
    assert [(row["item_no"], row["value"], row["unit"], row["op"]) for row in targets] == [
        (1, 100, "名", "="),
        (2, 200, "名", "="),
        (3, 300, "名", "="),
    ]
    standards = rows_of("standards", world.plan.pk)
    assert {row["amount"] for row in standards} == {209.5}


def test_funding_estimates_come_from_the_items_standards(world):
    funding = rows_of("funding", world.plan.pk)
    assert [row["estimate"] for row in funding] == [20950, 41900, 62850]  # 209.5 元 × 100, 200, 300 名
    assert funding[0]["at_least"] is False and "209.5" in funding[0]["formula"]


def test_progress_holds_accepted_and_published_figures_only(world):
    figures = rows_of("progress")
    assert len(figures) == 5  # one published figure per item of both plans
    assert {row["actual"] for row in figures if row["target_id"] == world.target.pk} == {10}
    assert 999 not in {row["actual"] for row in figures}
    mine = rows_of("progress", world.plan.pk)
    assert [row["as_of"] for row in mine] == ["2025-06-30"] * 3
    assert {row["department"] for row in mine} == {world.items[0].assignments.get().department.name}


def test_notices_show_dates_and_state_but_not_the_reasons(world):
    notices = rows_of("notices", world.plan.pk)
    assert len(notices) == 1 and notices[0]["status"] == "open" and notices[0]["reply_by"] == "2099-01-31"
    for fmt in ("csv", "jsonl"):
        assert SECRET not in b"".join(stream(DATASETS["notices"], None, fmt)).decode()


def test_consultation_counts_published_comments_and_their_responses_only(world):
    counts = {row["item_no"]: row for row in rows_of("consultation", world.plan.pk)}
    assert set(counts) == {1, 3}  # item 2 has only a rejected comment
    assert (
        counts[1]["comments"],
        counts[1]["responses"],
        counts[1]["adopted"],
        counts[1]["not_adopted"],
    ) == (
        1,
        1,
        1,
        0,
    )
    assert (counts[3]["comments"], counts[3]["supports"]) == (0, 1)
    responses = rows_of("responses")
    assert [(row["comment"], row["outcome"], row["response"]) for row in responses] == [
        ("建议加快进度", "adopted", "采纳，已修改")
    ]
    text = b"".join(stream(DATASETS["responses"], None, "csv")).decode()
    assert "待审核的评论" not in text and "被拒绝的评论" not in text and "不公开的答复" not in text


def test_votes_and_ratings_of_closed_rounds_only(world):
    votes = rows_of("votes")
    assert {row["plan_id"] for row in votes} == {world.plan.pk}  # the other plan's vote is still open
    assert [(row["votes"], row["share"], row["chosen"]) for row in votes] == [
        (3, 100, True),
        (2, 66.7, True),
        (1, 33.3, False),
    ]
    ratings = rows_of("ratings")
    assert len(ratings) == 1
    rating = ratings[0]
    assert (rating["total"], rating["satisfaction"], rating["below_threshold"], rating["flagged"]) == (
        6,
        66.7,
        True,
        False,
    )


def test_the_csv_guards_against_formulas_and_writes_plain_values(world):
    figures = csv_of("progress", world.plan.pk)
    assert figures[0]["narrative"] == "'=按计划推进"
    assert figures[0]["actual"] == "10"
    votes = csv_of("votes", world.plan.pk)
    assert [row["chosen"] for row in votes] == ["true", "true", "false"]
    # JSON Lines carries the text as it is
    assert rows_of("progress", world.plan.pk)[0]["narrative"] == "=按计划推进"


def test_plain_decimals():
    assert [plain_decimal(v) for v in (Decimal("9.0000"), Decimal("2.4700"), 3, 2.47, 100.0, None)] == [
        "9",
        "2.47",
        "3",
        "2.47",
        "100",
        None,
    ]


def test_a_large_dataset_is_read_in_chunks(world, django_assert_max_num_queries):
    from minsheng.opendata.tests.conftest import add_items

    add_items(world.plan, CHUNK + 5, start=10)
    with django_assert_max_num_queries(1):
        chunks = list(DATASETS["targets"].read(world.plan.pk))
    assert [len(chunk) for chunk in chunks] == [CHUNK, 3 + 5]
