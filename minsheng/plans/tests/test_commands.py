"""``minsheng import`` (``minsheng demo`` is tested in ``minsheng/demo/tests/test_commands.py``)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from minsheng.accounts.tests.factories import OfficeUserFactory
from minsheng.plans.models import Item, Plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


@pytest.fixture(autouse=True)
def office(db):
    return OfficeUserFactory(username="clerk")


def _import(*args):
    out = StringIO()
    call_command("import", *map(str, args), "--by", "clerk", stdout=out)
    return out.getvalue().splitlines()


def test_import_prints_the_plan_id_on_its_last_line(seed_docx):
    lines = _import(seed_docx, "--region", "第二师铁门关市", "--year", "2025")
    plan = Plan.objects.get()
    assert lines[-1].endswith(str(plan.pk))
    assert "10 actions, 40 items" in "\n".join(lines)


def test_import_twice_says_unchanged(seed_docx):
    _import(seed_docx)
    lines = _import(seed_docx)
    assert lines[0].startswith("Unchanged")
    assert lines[-1].endswith(str(Plan.objects.get().pk))


def test_import_of_a_revision_reports_the_changes(seed_docx, seed_txt, tmp_path):
    _import(seed_docx)
    revised = tmp_path / "revised.txt"
    revised.write_text(seed_txt.read_text(encoding="utf-8").replace("9千米", "12千米"), encoding="utf-8")
    lines = _import(revised)
    assert "Changed items: 1" in lines
    assert "Added items: -" in lines
    assert "Removed items: -" in lines


def test_import_of_a_bad_file_is_a_command_error_and_writes_nothing(tmp_path):
    bad = tmp_path / "plan.docx"
    bad.write_bytes(b"not a docx at all")
    with pytest.raises(CommandError, match=r"plan\.docx"):
        _import(bad)
    with pytest.raises(CommandError, match="Cannot read"):
        _import(tmp_path / "missing.txt")
    assert not Plan.objects.exists()
    assert not Item.objects.exists()
