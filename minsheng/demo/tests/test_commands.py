"""``minsheng demo``: a fresh demo database, built twice in a row, from the command line."""

import base64
import os
import sqlite3
import subprocess
import sys

import pytest


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
    # The office's authenticator key and recovery codes are printed, and they are the ones enrolled.
    lines = out.splitlines()
    secret = next(lines[n + 1].strip() for n, line in enumerate(lines) if "TOTP" in line)
    codes = next(lines[n + 1].split() for n, line in enumerate(lines) if "恢复码" in line)
    assert len(codes) == 10
    with sqlite3.connect(tmp_path / "demo.sqlite3") as db:
        assert db.execute("select count(*) from delivery_assignment").fetchone() == (40,)
        departments = db.execute("select name from plans_department where name like '%演示数据%'").fetchall()
        assert len(departments) == 8
        members = db.execute(
            "select u.username from accounts_user u join plans_department d on u.department_id = d.id "
            "where d.name = '示范·住建局（演示数据）' order by u.username"
        ).fetchall()
        assert members == [("head",), ("reporter",)]
        key = db.execute(
            "select d.key from otp_totp_totpdevice d join accounts_user u on d.user_id = u.id "
            "where u.username = 'office' and d.confirmed"
        ).fetchone()[0]
        assert base64.b32encode(bytes.fromhex(key)).decode() == secret
        tokens = db.execute("select token from otp_static_statictoken").fetchall()
        assert sorted(token for (token,) in tokens) == sorted(codes)
        assert (
            db.execute("select count(*) from delivery_progressreport where status = 'accepted'").fetchone()[0]
            > 0
        )
