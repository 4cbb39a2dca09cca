"""The seed plan, read from .txt and from .docx, against its hand-written expectation."""

from __future__ import annotations

import json

from minsheng.documents import parse_file
from minsheng.documents.tests.compare import compare, load_expected
from minsheng.documents.tests.conftest import HERE

EXPECTED = load_expected(HERE / "fixtures" / "seed.expected.json")


def test_seed_txt_matches_the_hand_checked_expectation(seed_txt):
    score = compare(EXPECTED, parse_file(seed_txt))
    assert score.problems == []
    assert (score.tp, score.fp, score.fn) == (score.tp, 0, 0)
    assert score.tp == 64 + 19  # quantity targets + standards, counted by hand


def test_seed_docx_matches_the_hand_checked_expectation(seed_docx):
    score = compare(EXPECTED, parse_file(seed_docx))
    assert score.problems == []


def test_seed_txt_and_docx_read_the_same(seed_txt, seed_docx):
    assert json.dumps(parse_file(seed_txt).to_dict()) == json.dumps(parse_file(seed_docx).to_dict())


def test_seed_structure(seed_docx):
    document = parse_file(seed_docx)
    assert document.title == "第二师铁门关市2025年“我为群众办实事”十大民生行动事项"
    assert (document.region, document.year, document.status) == ("第二师铁门关市", 2025, "draft")
    assert [a.declared_item_count for a in document.actions] == [4, 5, 3, 5, 2, 3, 3, 7, 5, 3]
    assert [len(a.items) for a in document.actions] == [4, 5, 3, 5, 2, 3, 3, 7, 5, 3]
    assert [i.no for i in document.items] == list(range(1, 41))
    assert document.warnings == []


def test_seed_item_26_health_check(seed_docx):
    item = parse_file(seed_docx).items[25]
    assert item.no == 26
    [standard] = item.standards
    assert (standard.amount, standard.per, standard.op, standard.period) == (209, "人", "=", None)
    [target] = item.targets
    assert (target.value, target.unit, target.op) == (17000, "名", "=")
    assert target.source in item.text and "1.7万名" in target.source


def test_seed_bookmark_artefact_is_not_in_the_text(seed_txt):
    assert "[bookmark" not in parse_file(seed_txt).items[39].text


def test_item_numbers_are_unique_even_when_the_document_repeats_one():
    from minsheng.documents import parse_text

    document = parse_text(
        "青山县2025年民生实事\n1.新建公园2处。\n2.改造道路5公里。\n2.新增停车位300个。\n3.建设食堂4个。\n"
    )
    assert [item.no for item in document.items] == [1, 2, 3, 4]
    assert any("more than once" in warning for warning in document.warnings)
