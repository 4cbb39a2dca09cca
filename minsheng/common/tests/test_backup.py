"""Backup and restore (minsheng/common/backup.py, docs/backup.md): a backup restored into an emptied database
reproduces every row of every table and every uploaded file byte for byte; a truncated, altered, foreign or
newer archive, and a database that holds rows, are refused with one line (exit code 2) and change nothing;
across vendors (PostgreSQL → SQLite → PostgreSQL, when the suite runs on PostgreSQL); and a kill -9 in the
middle of a restore leaves the database and the media folder as they were."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from minsheng.accounts.tests.factories import DeputyFactory, OfficeUserFactory
from minsheng.common.backup import FORMAT_VERSION, backed_up_models
from minsheng.delivery.tests.factories import ProgressReportFactory
from minsheng.participation.tests.factories import CommentFactory
from minsheng.testing import child_env, kill_midway, sqlite_counts

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("en")]

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.4\n" + "证据：管网改造验收单".encode() + b"\n%%EOF\n"


def _rows() -> dict[str, list[tuple]]:
    """Every row of every backed-up table, every column, in key order."""
    dump = {}
    for model in backed_up_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        rows = model._base_manager.order_by("pk").values_list(*fields)
        dump[model._meta.label_lower] = [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows
        ]
    return dump


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    settings.MEDIA_ROOT.mkdir(parents=True)
    return settings.MEDIA_ROOT


@pytest.fixture
def site(media):
    """Rows in many apps — users with a group and permissions (many-to-many tables), a plan with a report and
    two evidence files, a comment, audit events with JSON details, a sealed ballot (binary) — and files."""
    # The models of the apps above come through the registry, as the backup finds them.
    Evidence, AuditEvent = apps.get_model("delivery.Evidence"), apps.get_model("accounts.AuditEvent")
    office = OfficeUserFactory()
    group = Group.objects.create(name="督查室")
    group.permissions.add(*Permission.objects.all()[:3])
    office.groups.add(group)
    office.user_permissions.add(Permission.objects.first())
    report = ProgressReportFactory(actual=Decimal("12.3456"), narrative="按月报表")
    for name, content, kind in (("现场.png", PNG, "image/png"), ("验收.pdf", PDF, "application/pdf")):
        evidence = Evidence(
            report=report,
            original_name=name,
            content_type=kind,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=office,
        )
        evidence.file.save(name, ContentFile(content), save=True)
    CommentFactory()
    AuditEvent.objects.create(
        actor=office,
        verb="plan_import",
        object_type="plans.plan",
        object_id="1",
        details={"b": [1, "二"], "a": 1},
    )
    VoteRound, Ballot = apps.get_model("voting.VoteRound"), apps.get_model("voting.Ballot")
    plan = report.target.item.plan
    vote = VoteRound.objects.create(
        plan=plan,
        choose=1,
        opens_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        closes_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
    )
    Ballot.objects.create(round=vote, sealed=bytes(range(40)))
    DeputyFactory()
    return report


def _backup(path: Path) -> Path:
    call_command("backup", out=str(path), stdout=io.StringIO())
    return path


def _empty(media: Path) -> None:
    """The database as `migrate` leaves it (content types and permissions only), the media folder empty."""
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)
    media.mkdir()


def _refused(archive: Path, *words: str) -> str:
    with pytest.raises(CommandError) as error:
        call_command("restore", str(archive), stdout=io.StringIO())
    assert error.value.returncode == 2
    message = str(error.value)
    assert "\n" not in message
    for word in words:
        assert word in message, message
    return message


def _rewrite(source: Path, target: Path, change) -> Path:
    """Copy an archive member by member, passing each (name, bytes) through ``change`` (None drops it)."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for info in old:
            data = old.extractfile(info).read()
            changed = change(info.name, data)
            if changed is None:
                continue
            info.size = len(changed)
            new.addfile(info, io.BytesIO(changed))
    return target


def test_a_backup_restored_into_an_empty_database_reproduces_every_row_and_file(site, media, tmp_path):
    rows, files = _rows(), _files(media)
    assert len(files) == 2 and rows["voting.ballot"] and rows["accounts.user_groups"]
    archive = _backup(tmp_path / "backup.tar.gz")
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[-1] == "manifest.json"
    assert manifest["format"] == "minsheng-backup" and manifest["format_version"] == FORMAT_VERSION
    assert manifest["database_vendor"] == connection.vendor and manifest["created_at"]
    assert manifest["tables"]["delivery.evidence"]["rows"] == 2
    assert "sessions.session" in manifest["skipped"]
    assert set(manifest["members"]) == set(names) - {"manifest.json"}
    assert all(len(member["sha256"]) == 64 for member in manifest["members"].values())

    _empty(media)
    assert _rows() != rows and _files(media) == {}
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "2" in out.getvalue()
    assert _rows() == rows
    assert _files(media) == files
    assert not list(media.parent.glob(".restore-*"))  # the staging folder is gone
    # The sequences follow the restored keys: a new row gets a new key.
    fresh = DeputyFactory()
    assert fresh.pk > max(row[0] for row in rows["accounts.user"])


def _unchanged(media: Path):
    before = (_rows(), _files(media))
    return lambda: (_rows(), _files(media)) == before


def test_a_truncated_archive_is_refused_and_changes_nothing(site, media, tmp_path):
    archive = _backup(tmp_path / "backup.tar.gz")
    _empty(media)
    same = _unchanged(media)
    content = archive.read_bytes()
    for cut in (len(content) // 2, len(content) - 40, 30):
        truncated = tmp_path / f"cut-{cut}.tar.gz"
        truncated.write_bytes(content[:cut])
        _refused(truncated, "nothing was restored")
        assert same()


def test_an_altered_archive_is_refused_and_changes_nothing(site, media, tmp_path):
    archive = _backup(tmp_path / "backup.tar.gz")
    _empty(media)
    same = _unchanged(media)

    def one_figure_changed(name: str, data: bytes) -> bytes:
        return data.replace(b"12.3456", b"99.3456") if name == "data/delivery.progressreport.jsonl" else data

    _refused(_rewrite(archive, tmp_path / "altered.tar.gz", one_figure_changed), "delivery.progressreport")
    assert same()

    def a_file_changed(name: str, data: bytes) -> bytes:
        return data[:-1] + b"!" if name.endswith(".png") else data

    _refused(_rewrite(archive, tmp_path / "file.tar.gz", a_file_changed), ".png")
    assert same()
    dropped = _rewrite(archive, tmp_path / "dropped.tar.gz", lambda n, d: None if n.endswith(".pdf") else d)
    _refused(dropped, ".pdf")
    extra = tmp_path / "extra.tar.gz"
    with tarfile.open(archive, "r:gz") as old, tarfile.open(extra, "w:gz") as new:
        for info in old:
            data = old.extractfile(info).read()
            if info.name == "manifest.json":
                added = tarfile.TarInfo("media/evil.png")
                added.size = 3
                new.addfile(added, io.BytesIO(b"bad"))
            new.addfile(info, io.BytesIO(data))
    _refused(extra, "media/evil.png")
    # A byte flipped in the compressed stream: gzip's own check fails.
    flipped = bytearray(archive.read_bytes())
    flipped[len(flipped) // 2] ^= 0xFF
    (tmp_path / "flipped.tar.gz").write_bytes(bytes(flipped))
    _refused(tmp_path / "flipped.tar.gz")
    assert same()


def test_a_foreign_or_newer_archive_is_refused_and_changes_nothing(site, media, tmp_path):
    archive = _backup(tmp_path / "backup.tar.gz")
    _empty(media)
    same = _unchanged(media)
    text = tmp_path / "notes.txt"
    text.write_text("not an archive")
    _refused(text, "notes.txt")
    gzipped = tmp_path / "notes.gz"
    gzipped.write_bytes(gzip.compress(b"not a tar"))
    _refused(gzipped)
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        info = tarfile.TarInfo("README")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))
    _refused(other)
    foreign_manifest = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign_manifest, "w:gz") as tar:
        body = json.dumps({"format": "someone-else", "members": {}}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    _refused(foreign_manifest, "minsheng")

    def newer(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["format_version"] = FORMAT_VERSION + 1
        return json.dumps(manifest).encode()

    _refused(_rewrite(archive, tmp_path / "newer.tar.gz", newer), str(FORMAT_VERSION + 1))
    _refused(tmp_path / "missing.tar.gz", "missing.tar.gz")
    assert same()


def test_a_database_that_holds_rows_is_refused_and_unchanged(site, media, tmp_path):
    archive = _backup(tmp_path / "backup.tar.gz")
    same = _unchanged(media)
    _refused(archive, "accounts_user")
    assert same()


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "minsheng.cli", *args], env=env, capture_output=True, timeout=300
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return done.stdout.decode()


def test_postgresql_to_sqlite_and_back_reproduces_every_row_and_file(site, media, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("crosses vendors from PostgreSQL: run the suite with DATABASE_URL=postgres://…")
    rows, files = _rows(), _files(media)
    from_postgresql = _backup(tmp_path / "from-postgresql.tar.gz")
    # Into a new SQLite file (its own folder and media) and out again, in child processes.
    sqlite_var = tmp_path / "sqlite-var"
    env = child_env(
        sqlite_var / "minsheng.sqlite3", sqlite_var, DJANGO_SETTINGS_MODULE="config.settings.test"
    )
    _run(["migrate", "-v0"], env)
    _run(["restore", str(from_postgresql)], env)
    assert _files(sqlite_var / "media") == files
    from_sqlite = tmp_path / "from-sqlite.tar.gz"
    _run(["backup", "--out", str(from_sqlite)], env)
    _empty(media)
    call_command("restore", str(from_sqlite), stdout=io.StringIO())
    assert _rows() == rows
    assert _files(media) == files


@pytest.mark.django_db(transaction=False)
def test_a_kill_during_a_restore_leaves_the_database_and_the_files_as_they_were(demo_sqlite, tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(demo_sqlite, source / "minsheng.sqlite3")
    (source / "media" / "evidence").mkdir(parents=True)
    (source / "media" / "evidence" / "现场.png").write_bytes(PNG)
    archive = tmp_path / "backup.tar.gz"
    _run(["backup", "--out", str(archive)], child_env(source / "minsheng.sqlite3", source))
    target = tmp_path / "target"
    target.mkdir()
    database = target / "minsheng.sqlite3"
    shutil.copy(demo_sqlite, database)
    env = child_env(database, target)
    _run(["flush", "--no-input"], env)  # as `migrate` leaves a database
    before = sqlite_counts(database)
    held = kill_midway(
        ["restore", str(archive)],
        env=env,
        module="minsheng.common.backup",
        function="_load_rows",
        after=45,  # well into the tables, the users and plans among them
        marker=tmp_path / "marker",
        count="accounts.User",
    )
    assert held > 0 == before["accounts_user"]
    assert sqlite_counts(database) == before
    assert [p for p in (target / "media").rglob("*") if p.is_file()] == []  # no file moved in
    # The same archive then restores in full.
    _run(["restore", str(archive)], env)
    assert (
        sqlite_counts(database)["accounts_user"]
        == sqlite_counts(source / "minsheng.sqlite3")["accounts_user"]
    )
    assert (target / "media" / "evidence" / "现场.png").read_bytes() == PNG
