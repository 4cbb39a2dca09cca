"""The document's own JSON form read back: what ``to_dict()`` gives, ``parse_bytes`` of its JSON returns."""

from __future__ import annotations

import json

import pytest

from minsheng.documents import DocumentError, parse_bytes, parse_file
from minsheng.documents.jsonform import looks_like_json


def test_the_seed_reads_back_from_its_json(seed_docx):
    document = parse_file(seed_docx)
    data = json.dumps(document.to_dict(), ensure_ascii=False).encode("utf-8")
    assert parse_bytes(data, "seed.json") == document
    assert parse_bytes(b"\xef\xbb\xbf" + data, "no-suffix") == document  # a BOM, and no name to go by


def test_only_json_looks_like_json():
    assert looks_like_json(b'  {"a": 1}') and looks_like_json(b"x", "json")
    assert not looks_like_json("一、民生安全保障行动".encode(), "txt")


def _doc(**item) -> bytes:
    base = {"no": 1, "text": "为100名老人体检。", "targets": [], "standards": []}
    action = {"no": 1, "title": None, "declared_item_count": None, "items": [{**base, **item}]}
    return json.dumps(
        {
            "schema_version": "1",
            "title": "t",
            "region": "r",
            "year": 2025,
            "status": "draft",
            "actions": [action],
            "warnings": [],
        }
    ).encode()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "an object is expected"),
        (b'{"schema_version": "9"}', "schema version"),
        (b"\xff{", "not UTF-8"),
        (_doc(no=0), "no must be a whole number"),
        (_doc(text=""), "text is empty"),
        (_doc(targets=[{"kind": "size", "op": "="}]), "kind"),
        (_doc(targets=[{"kind": "quantity", "op": "=", "value": None}]), "needs a value"),
        (_doc(targets=[{"kind": "quantity", "op": "range", "value": 5, "value_max": 3}]), "range"),
        (_doc(targets=[{"kind": "milestone", "op": "=", "value": 3}]), "milestone has no value"),
        (_doc(targets=[{"kind": "quantity", "op": "≈", "value": 3}]), "op must be"),
        (_doc(standards=[{"op": "=", "amount": -1}]), "amount"),
        (_doc(standards=[{"op": "=", "amount": True}]), "amount"),
        (_doc(locations="31团"), "list"),
    ],
)
def test_a_bad_document_is_one_line_saying_what(data, words):
    with pytest.raises(DocumentError) as error:
        parse_bytes(data, "plan.json")
    assert words in str(error.value) and "\n" not in str(error.value)


def test_a_text_document_that_starts_with_a_brace_is_read_as_text():
    text = "{通知}\n铁门关市2025年民生实事\n1.为100名老人体检。\n2.改造燃气管道9千米。\n".encode()
    document = parse_bytes(text, "plan.txt")
    assert [item.no for item in document.items] == [1, 2]
