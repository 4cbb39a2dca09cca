"""Bad input: one documented exception, a one-line message, exit code 2 from the CLI, nothing written."""

from __future__ import annotations

import io
import zipfile

import pytest

from minsheng.cli import main
from minsheng.documents import DocumentError, parse_bytes, parse_file, parse_text
from minsheng.documents.readers import MAX_BYTES


def _zip(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


BAD_INPUTS = {
    "empty": (b"", "plan.txt", "empty"),
    "blank": (b"  \n\n \r\n", "plan.txt", "no plan"),
    "binary": (bytes(range(256)) * 40, "plan.txt", "binary"),
    "png": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "plan.txt", "binary"),
    "pdf": (b"%PDF-1.7\n...", "plan.pdf", "PDF"),
    "old word": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "plan.doc", ".doc"),
    "truncated docx": (b"PK\x03\x04" + b"\x01" * 200, "plan.docx", "damaged"),
    "docx without text": (
        _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<not xml"}),
        "plan.docx",
        "damaged",
    ),
    "xlsx garbage": (_zip({"xl/workbook.xml": b"<<<"}), "plan.xlsx", "damaged"),
    "other zip": (_zip({"hello.txt": b"hi"}), "plan.docx", "neither"),
    "zip bomb": (_zip({"word/document.xml": b"\x00" * (60 * 1024 * 1024)}), "plan.docx", "zip bomb"),
    "docx extension on text": (b"just some text", "plan.docx", "not a valid"),
    "no plan": ("今天天气很好，我们去公园散步。\n晚上吃饺子。".encode(), "plan.txt", "no plan"),
}


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_raises_one_documented_error(name):
    data, filename, words = BAD_INPUTS[name]
    with pytest.raises(DocumentError) as info:
        parse_bytes(data, filename)
    message = str(info.value)
    assert words in message
    assert "\n" not in message


def test_oversized_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    with open(path, "wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(DocumentError, match="20 MB"):
        parse_file(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(DocumentError, match="no such file"):
        parse_file(tmp_path / "nope.txt")
    with pytest.raises(DocumentError, match="folder"):
        parse_file(tmp_path)


def test_parse_text_refuses_non_text():
    with pytest.raises(DocumentError):
        parse_text(b"bytes")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["empty", "binary", "truncated docx", "zip bomb", "no plan"])
def test_cli_exit_code_2_and_one_line(name, tmp_path, capsys):
    data, filename, _ = BAD_INPUTS[name]
    path = tmp_path / filename
    path.write_bytes(data)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["parse", str(path), "--format", "json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("minsheng parse: error: ")
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_cli_missing_file_and_bad_format(tmp_path, capsys):
    assert main(["parse", str(tmp_path / "missing.docx")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["parse", str(tmp_path / "x.txt"), "--format", "yaml"]) == 2
    assert main(["parse"]) == 2
