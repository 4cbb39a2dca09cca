"""A kill -9 in the middle of an import leaves no partial plan: the command runs in a child process on a
SQLite file holding the demo, is killed once it has written the plan's rows (inside its transaction), and
every table then holds exactly the rows it held before."""

from __future__ import annotations

import shutil

from minsheng.testing import child_env, kill_midway, sqlite_counts


def test_a_kill_during_an_import_leaves_every_table_as_it_was(demo_sqlite, seed_txt, tmp_path):
    database = tmp_path / "minsheng.sqlite3"
    shutil.copy(demo_sqlite, database)
    before = sqlite_counts(database)
    held = kill_midway(
        ["import", str(seed_txt), "--region", "断电测试县", "--year", "2031", "--by", "office"],
        env=child_env(database, tmp_path),
        module="minsheng.plans.services",
        function="audit_record",  # called once the plan, its version and its items are written
        after=1,
        marker=tmp_path / "marker",
        count="plans.Item",
    )
    assert held > before["plans_item"]  # the import had written its items when it was killed
    assert sqlite_counts(database) == before
