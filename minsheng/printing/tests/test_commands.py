"""``minsheng bulletin`` and ``minsheng posters``: a file written and the bulletin recorded; every bad
argument one line, exit code 2, no file and nothing recorded."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from minsheng.accounts.models import AuditEvent
from minsheng.common.commands import BAD_INPUT
from minsheng.printing.models import Bulletin
from minsheng.printing.tests.marks import needs_pdf

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_bulletin_writes_a_word_file_and_records_it(print_world, tmp_path):
    out = tmp_path / "通报.docx"
    said = run(
        "bulletin",
        "--plan",
        str(print_world.plan.pk),
        "--as-of",
        "2025-07-15",
        "--format",
        "docx",
        "--out",
        str(out),
    )
    assert "2025-07-15" in said and str(out) in said
    document = docx.Document(str(out))
    assert any(
        "开展食品安全抽检" in cell.text
        for table in document.tables
        for row in table.rows
        for cell in row.cells
    )
    record = Bulletin.objects.get()
    assert (record.issued_by, record.format, str(record.as_of)) == (None, "docx", "2025-07-15")
    assert AuditEvent.objects.filter(verb="bulletin_issue", actor=None).count() == 1


def test_bulletin_by_an_office_user_records_them(print_world, tmp_path):
    out = tmp_path / "b.docx"
    run(
        "bulletin",
        "--plan",
        str(print_world.plan.pk),
        "--as-of",
        "2025-07-15",
        "--format",
        "docx",
        "--out",
        str(out),
        "--by",
        print_world.office.username,
    )
    assert Bulletin.objects.get().issued_by == print_world.office


@needs_pdf[0]
@needs_pdf[1]
def test_bulletin_writes_a_pdf(print_world, tmp_path):
    out = tmp_path / "b.pdf"
    run("bulletin", "--plan", str(print_world.plan.pk), "--as-of", "2025-07-15", "--out", str(out))
    assert PdfReader(str(out)).pages


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--as-of", "2025-07-15", "--out", "{tmp}/b.pdf"], "--plan"),
        (["--plan", "x", "--as-of", "2025-07-15", "--out", "{tmp}/b.pdf"], "x"),
        (["--plan", "99999", "--as-of", "2025-07-15", "--out", "{tmp}/b.pdf"], "99999"),
        (["--plan", "{plan}", "--out", "{tmp}/b.pdf"], "--as-of"),
        (["--plan", "{plan}", "--as-of", "2025-13-45", "--out", "{tmp}/b.pdf"], "2025-13-45"),
        (["--plan", "{plan}", "--as-of", "2025-07-15", "--format", "odt", "--out", "{tmp}/b.odt"], "odt"),
        (["--plan", "{plan}", "--as-of", "2025-07-15", "--out", "{tmp}/b.docx"], ".pdf"),
        (["--plan", "{plan}", "--as-of", "2025-07-15"], "--out"),
        (["--plan", "{plan}", "--as-of", "2025-07-15", "--out", "{tmp}/nowhere/b.pdf"], "nowhere"),
        (["--plan", "{plan}", "--as-of", "2025-07-15", "--since", "2025-07-15", "--out", "{tmp}/b.pdf"], ""),
        (["--plan", "{plan}", "--as-of", "2031-07-15", "--out", "{tmp}/b.pdf"], "2031-07-15"),
        (["--plan", "{plan}", "--as-of", "2025-07-15", "--by", "nobody", "--out", "{tmp}/b.pdf"], "nobody"),
        (["--plan", "{plan}", "--as-of", "2025-07-15", "--by", "{reporter}", "--out", "{tmp}/b.pdf"], ""),
    ],
    ids=[
        "no plan",
        "plan not a number",
        "no such plan",
        "no date",
        "bad date",
        "bad format",
        "suffix not the format",
        "no out",
        "no folder",
        "since not before",
        "far from the year",
        "no such user",
        "not the office",
    ],
)
def test_bulletin_bad_arguments(print_world, tmp_path, args, says):
    values = {
        "tmp": str(tmp_path),
        "plan": str(print_world.plan.pk),
        "reporter": print_world.reporter.username,
    }
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError) as raised:
        run("bulletin", *[a.format(**values) for a in args])
    assert raised.value.returncode == BAD_INPUT
    assert "\n" not in str(raised.value) and says in str(raised.value)
    assert not Bulletin.objects.exists() and AuditEvent.objects.count() == events
    assert list(tmp_path.iterdir()) == []


@needs_pdf[0]
@needs_pdf[1]
def test_posters_writes_one_page_per_item(print_world, tmp_path):
    out = tmp_path / "posters.pdf"
    said = run(
        "posters",
        "--plan",
        str(print_world.plan.pk),
        "--out",
        str(out),
        "--site-url",
        "https://ms.example.gov.cn",
    )
    assert len(PdfReader(str(out)).pages) == 4 and "4" in said
    one = tmp_path / "one.pdf"
    run(
        "posters",
        "--plan",
        str(print_world.plan.pk),
        "--item",
        "2",
        "--out",
        str(one),
        "--site-url",
        "https://ms.example.gov.cn",
    )
    assert len(PdfReader(str(one)).pages) == 1


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--out", "{tmp}/p.pdf", "--site-url", "https://a.cn"], "--plan"),
        (["--plan", "{plan}", "--item", "77", "--out", "{tmp}/p.pdf", "--site-url", "https://a.cn"], "77"),
        (["--plan", "{plan}", "--item", "二", "--out", "{tmp}/p.pdf", "--site-url", "https://a.cn"], "二"),
        (["--plan", "{plan}", "--out", "{tmp}/p.docx", "--site-url", "https://a.cn"], ".pdf"),
        (["--plan", "{plan}", "--out", "{tmp}/p.pdf"], "MINSHENG_SITE_URL"),
        (["--plan", "{plan}", "--out", "{tmp}/p.pdf", "--site-url", "minsheng.gov.cn"], "minsheng.gov.cn"),
        (
            ["--plan", "{plan}", "--out", "{tmp}/p.pdf", "--site-url", "https://a.cn", "--as-of", "7/15"],
            "7/15",
        ),
    ],
    ids=[
        "no plan",
        "no such item",
        "item not a number",
        "not a pdf",
        "no site",
        "site not a url",
        "bad date",
    ],
)
def test_posters_bad_arguments(print_world, tmp_path, settings, args, says):
    settings.MINSHENG_SITE_URL = ""
    values = {"tmp": str(tmp_path), "plan": str(print_world.plan.pk)}
    with pytest.raises(CommandError) as raised:
        run("posters", *[a.format(**values) for a in args])
    assert raised.value.returncode == BAD_INPUT and says in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_without_the_font_the_command_says_what_to_install(print_world, tmp_path, monkeypatch):
    from minsheng.printing import fonts

    monkeypatch.setattr(fonts, "_font_path", lambda family: None)
    with pytest.raises(CommandError) as raised:
        run(
            "bulletin",
            "--plan",
            str(print_world.plan.pk),
            "--as-of",
            "2025-07-15",
            "--out",
            str(tmp_path / "b.pdf"),
        )
    assert "fonts-noto-cjk" in str(raised.value) and not Bulletin.objects.exists()
    assert list(tmp_path.iterdir()) == []
