"""``minsheng import`` and ``minsheng demo``."""

import os
import sqlite3
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from minsheng.plans.models import Item, Plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


def _import(*args):  # noqa: ANN002
    out = StringIO()
    call_command("import", *map(str, args), stdout=out)
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
    with pytest.raises(CommandError, match="plan.docx"):
        _import(bad)
    with pytest.raises(CommandError, match="Cannot read"):
        _import(tmp_path / "missing.txt")
    assert not Plan.objects.exists()
    assert not Item.objects.exists()


@pytest.mark.django_db(transaction=False)
def test_demo_sets_up_a_fresh_database_with_the_seed_and_accounts(tmp_path):
    env = {**os.environ, "MINSHENG_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    env.pop("DATABASE_URL", None)
    for _ in range(2):  # the second run starts again from scratch
        done = subprocess.run(
            [sys.executable, "-m", "minsheng.cli", "demo", "--no-serve"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "demo.sqlite3").exists()
    out = done.stdout
    assert "第 1 版：10 个行动，40 个事项。" in out  # the command line speaks the site's language
    for username in ("office", "reporter", "head", "deputy", "public"):
        assert f"  {username} " in out
    assert out.count("密码") >= 5
    assert "示范·住建局（演示数据）" in out  # the reporter's and the head's department, labelled as demo data
    with sqlite3.connect(tmp_path / "demo.sqlite3") as db:
        assert db.execute("select count(*) from delivery_assignment").fetchone() == (40,)
        departments = db.execute("select name from plans_department where name like '%演示数据%'").fetchall()
        assert len(departments) == 8
        members = db.execute(
            "select u.username from accounts_user u join plans_department d on u.department_id = d.id "
            "where d.name = '示范·住建局（演示数据）' order by u.username"
        ).fetchall()
        assert members == [("head",), ("reporter",)]
        assert (
            db.execute("select count(*) from delivery_progressreport where status = 'accepted'").fetchone()[0]
            > 0
        )
