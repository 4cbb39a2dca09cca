from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from minsheng.cli import main
from minsheng.documents.tests.conftest import HERE

SCHEMA = json.loads((HERE.parent / "plan-document.schema.json").read_text(encoding="utf-8"))
CORPUS_FILES = [
    HERE / "corpus" / json.loads(p.read_text(encoding="utf-8"))["file"]
    for p in sorted((HERE / "corpus").glob("*.expected.json"))
]


def test_json_output_validates_against_the_contract(seed_docx, capsys):
    assert main(["parse", str(seed_docx), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, SCHEMA)
    assert data["schema_version"] == "1"
    assert sum(len(a["items"]) for a in data["actions"]) == 40


def test_every_corpus_document_validates_against_the_contract(capsys):
    for path in CORPUS_FILES:
        assert main(["parse", str(path), "--format", "json"]) == 0, path
        jsonschema.validate(json.loads(capsys.readouterr().out), SCHEMA)


def test_schema_rejects_a_broken_document():
    broken = {
        "schema_version": "1",
        "title": "x",
        "year": 2025,
        "status": "draft",
        "actions": [
            {
                "no": 1,
                "title": None,
                "declared_item_count": None,
                "items": [
                    {
                        "no": 1,
                        "text": "x",
                        "standards": [],
                        "targets": [
                            {
                                "kind": "quantity",
                                "subject": "x",
                                "op": "≥",
                                "value": 1,
                                "unit": "个",
                                "source": "1个",
                            }
                        ],
                    }
                ],
            }
        ],
        "warnings": [],
    }
    try:
        jsonschema.validate(broken, SCHEMA)
    except jsonschema.ValidationError:
        return
    raise AssertionError("the schema accepted an unknown comparator")


def test_text_output_is_a_readable_table(seed_txt, capsys):
    assert main(["parse", str(seed_txt)]) == 0
    out = capsys.readouterr().out
    assert "10 actions, 40 items" in out
    assert "民生安全保障行动 (4)" in out
    assert "17,000 名" in out and "209 元 per 人" in out


def test_installed_command_runs_without_django_settings(seed_txt):
    result = subprocess.run(
        [sys.executable, "-m", "minsheng.cli", "parse", str(seed_txt), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).parents[3],
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["year"] == 2025


def test_json_gives_the_reading_and_coded_notices_and_stderr_the_warnings(tmp_path, capsys):
    plan = tmp_path / "plan.txt"
    plan.write_text(
        "一、安全行动(4项)\n1.新建道路2公里。\n2.新建公园3个。\n4.新建学校1所。\n", encoding="utf-8"
    )
    assert main(["parse", str(plan), "--format", "json", "--language", "zh-hans"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    jsonschema.validate(data, SCHEMA)
    assert data["reading"]["segmenter"] == "numbered" and 0.5 <= data["reading"]["confidence"] <= 1
    assert [n["code"] for n in data["notices"]] == ["numbering-gap", "declared-count"]
    assert data["warnings"][0] == "编号从2跳到4（缺少3）。"
    assert "编号从2跳到4" in captured.err and "注明4项，实际列出3项" in captured.err


def test_text_output_prints_warnings_in_english_when_asked(tmp_path, capsys):
    plan = tmp_path / "plan.txt"
    plan.write_text(
        "一、安全行动(4项)\n1.新建道路2公里。\n2.新建公园3个。\n4.新建学校1所。\n", encoding="utf-8"
    )
    assert main(["parse", str(plan), "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert "reading: numbered" in out
    assert (
        "Warnings found in the document:" in out
        and "Action 1 (安全行动) declares 4 items but lists 3." in out
    )


def test_the_output_still_validates_against_the_shared_contract(seed_docx, capsys):
    shared = HERE.parents[3] / "shared" / "spec" / "plan-document.schema.json"
    if not shared.is_file():
        pytest.skip("../shared/spec is not beside the checkout")
    assert main(["parse", str(seed_docx), "--format", "json"]) == 0
    jsonschema.validate(json.loads(capsys.readouterr().out), json.loads(shared.read_text(encoding="utf-8")))
