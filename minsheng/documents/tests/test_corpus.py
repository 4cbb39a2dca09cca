"""Our own corpus: one document per layout met in real lists, each with a hand-checked expectation."""

from __future__ import annotations

import pytest

from minsheng.documents import parse_file
from minsheng.documents.tests.compare import Score, compare, load_expected
from minsheng.documents.tests.conftest import HERE

CORPUS = sorted((HERE / "corpus").glob("*.expected.json"))


def test_the_corpus_has_every_layout():
    assert len(CORPUS) >= 10
    suffixes = {load_expected(p)["file"].rsplit(".", 1)[-1] for p in CORPUS}
    assert {"txt", "md", "docx", "xlsx", "html"} <= suffixes


@pytest.mark.parametrize("expected_path", CORPUS, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_corpus_document(expected_path):
    expected = load_expected(expected_path)
    score = compare(expected, parse_file(expected_path.parent / expected["file"]))
    assert score.problems == []
    assert score.items_found == score.items_expected


def test_corpus_quantity_f1():
    total = Score()
    for path in CORPUS:
        expected = load_expected(path)
        total.add(compare(expected, parse_file(path.parent / expected["file"])))
    assert total.f1 >= 0.98, total.problems
