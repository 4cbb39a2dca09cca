"""Backup and restore of the whole site: every row of every model and every uploaded file, in one archive
(docs/backup.md). Django only: the models are found through the app registry, so a new app is backed up
without a change here.

The archive is a gzip'd tar:

- ``data/<app_label>.<model_name>.jsonl``: the rows of one model (auto-created many-to-many tables too), one
  JSON object per line in Django's database-neutral serialization (primary keys kept). Sessions are left
  out: a restored site asks everyone to sign in again.
- ``media/<path>``: every file under ``MEDIA_ROOT`` (evidence…), byte for byte.
- ``manifest.json`` (last): the format and its version, the app's version, when, from which database vendor,
  the applied migrations, the rows per table, and the size and SHA-256 of every other member.

Backing up streams: each table is written to a temporary file, hashed and added to the archive, and the
archive is written beside ``--out`` and renamed into place at the end. The rows are read in one transaction
(repeatable read on PostgreSQL) so that they are consistent with each other.

Restoring refuses, with one line and nothing changed, an archive that is not a tar.gz, is truncated, has a
member whose checksum or size differs from the manifest, has members the manifest does not list (or lacks
ones it lists), is not ours or of another format version, or was made at other migrations; and a database
that already holds rows (beyond the content types and permissions that ``migrate`` writes). The whole
archive is checked before anything is written. The rows are then loaded in one transaction (foreign keys
checked before the commit, sequences reset on PostgreSQL); the files are written to a temporary folder
beside ``MEDIA_ROOT`` and moved into place only after the rows have committed.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "minsheng-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data/"
MEDIA = "media/"
# Left out of the archive: sign-in sessions (a restored site asks everyone to sign in again).
SKIPPED = ("sessions.session",)
# Rows that `migrate` writes itself: a "fresh" database has them; restore replaces them by the archive's.
MIGRATE_WRITES = ("contenttypes.contenttype", "auth.permission")
BATCH = 1000
CHUNK = 1 << 20


class BackupRefused(Exception):
    """The archive or the target database is not fit for a restore; the message says why, on one line."""


@dataclass
class Result:
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    path: Path | None = None

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def backed_up_models() -> list[type[models.Model]]:
    """Every model with a table of its own, auto-created many-to-many tables included, in a stable order."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and _label(model) not in SKIPPED
    ]
    return sorted(found, key=_label)


def _applied_migrations(alias: str) -> dict[str, list[str]]:
    recorder = MigrationRecorder(connections[alias])
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _app_version() -> str:
    try:
        return metadata.version("minsheng")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout without installing
        return "unknown"


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's rounds them to milliseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _fields(model: type[models.Model]) -> list[str]:
    """The fields the serializer writes besides the primary key: every concrete column (many-to-many
    relations are written as their own through tables)."""
    return [f.name for f in model._meta.concrete_fields if not f.primary_key]


def _hash_file(path: Path) -> tuple[str, int, int]:
    """(sha256, size, lines) of a file, read in chunks."""
    digest, size, lines = hashlib.sha256(), 0, 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
    return digest.hexdigest(), size, lines


def _media_files() -> Iterator[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".restore-"))
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def _tarinfo(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(timezone.now().timestamp())
    return info


class _Hashing:
    """A file to read from that hashes what is read."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


def backup(out: Path, *, alias: str = DEFAULT_DB_ALIAS) -> Result:
    """Write the archive to ``out`` (replaced atomically). Returns the rows per table and the files."""
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    try:
        result = _write(partial, out, alias)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, out)
    return result


def _write(partial: Path, out: Path, alias: str) -> Result:
    result = Result(path=out)
    connection = connections[alias]
    members: dict[str, dict[str, Any]] = {}
    with (
        tempfile.TemporaryDirectory(prefix="minsheng-backup-") as scratch,
        tarfile.open(partial, "w:gz") as tar,
    ):
        with transaction.atomic(using=alias):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            migrations = _applied_migrations(alias)
            serializer_class = serializers.get_serializer("jsonl")
            for model in backed_up_models():
                name = f"{DATA}{_label(model)}.jsonl"
                path = Path(scratch) / "table.jsonl"
                with path.open("w", encoding="utf-8") as handle:
                    rows = model._base_manager.using(alias).order_by("pk").iterator(chunk_size=BATCH)
                    serializer_class().serialize(rows, stream=handle, fields=_fields(model), cls=_Encoder)
                sha256, size, lines = _hash_file(path)
                with path.open("rb") as handle:
                    tar.addfile(_tarinfo(name, size), handle)
                members[name] = {"sha256": sha256, "size": size}
                result.rows[_label(model)] = lines
        for relative, path in _media_files():
            name = f"{MEDIA}{relative}"
            with path.open("rb") as handle:
                # Hashed as it is archived: a file changed meanwhile is archived as it was read.
                reader = _Hashing(handle)
                size = os.fstat(handle.fileno()).st_size
                tar.addfile(_tarinfo(name, size), reader)
            members[name] = {"sha256": reader.digest.hexdigest(), "size": size}
            result.files += 1
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": _app_version(),
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "migrations": migrations,
            "tables": {label: {"rows": rows} for label, rows in result.rows.items()},
            "skipped": list(SKIPPED),
            "files": result.files,
            "members": members,
        }
        body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        tar.addfile(_tarinfo(MANIFEST, len(body)), io.BytesIO(body))
    return result


# --- restore ----------------------------------------------------------------------------------------------


def _damaged(why: str) -> BackupRefused:
    return BackupRefused(
        _("The archive is damaged or truncated (%(why)s); nothing was restored.") % {"why": why}
    )


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _members(archive: Path) -> Iterator[tuple[tarfile.TarInfo, IO[bytes]]]:
    """The archive's regular-file members, with a stream of each; anything else is refused. Iterate it
    inside :func:`_reading`, which turns a damaged archive's errors (raised while reading too) into one
    line."""
    with tarfile.open(archive, "r:gz") as tar:
        for info in tar:
            if not info.isfile() or not _safe_name(info.name):
                raise BackupRefused(
                    _("The archive holds “%(name)s”, which no minsheng backup holds; nothing was restored.")
                    % {"name": info.name}
                )
            stream = tar.extractfile(info)
            assert stream is not None  # a regular file
            yield info, stream
        # Read to the end of the compressed stream, so that a cut-off end and gzip's own check (CRC and
        # length, in the last bytes) are noticed even after the last member.
        assert tar.fileobj is not None
        while tar.fileobj.read(CHUNK):
            pass


@contextmanager
def _reading(archive: Path) -> Iterator[None]:
    if not archive.is_file():
        raise BackupRefused(_("There is no file “%(path)s”.") % {"path": archive})
    try:
        yield
    except (tarfile.ReadError, tarfile.CompressionError) as exc:
        if _is_gzip(archive):
            raise _damaged(str(exc) or type(exc).__name__) from None
        raise BackupRefused(
            _("“%(path)s” is not a minsheng backup (not a .tar.gz archive); nothing was restored.")
            % {"path": archive}
        ) from None
    except (EOFError, zlib.error, tarfile.TarError, gzip.BadGzipFile, UnicodeDecodeError) as exc:
        raise _damaged(str(exc) or type(exc).__name__) from None


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def _read_member(stream: IO[bytes], sink: Callable[[bytes], object] | None = None) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink(chunk)
    return digest.hexdigest(), size


def verify(archive: Path) -> dict[str, Any]:
    """Read the whole archive once: the manifest, and every member's size and checksum against it. Returns
    the manifest, or BackupRefused."""
    archive = Path(archive)
    seen: dict[str, tuple[str, int]] = {}
    manifest: dict[str, Any] | None = None
    with _reading(archive):
        for info, stream in _members(archive):
            if info.name == MANIFEST:
                try:
                    manifest = json.loads(stream.read())
                except ValueError:
                    raise BackupRefused(
                        _(
                            "The archive's manifest cannot be read: it is not a minsheng backup; nothing was restored."
                        )
                    ) from None
                continue
            if info.name in seen:
                raise _damaged(_("“%(name)s” appears twice") % {"name": info.name})
            seen[info.name] = _read_member(stream)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        if not seen and manifest is None:
            raise _damaged(_("no manifest"))
        if manifest is None:
            raise _damaged(_("the manifest, written last, is missing"))
        raise BackupRefused(_("The archive is not a minsheng backup; nothing was restored."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupRefused(
            _(
                "The archive is a minsheng backup of format version %(found)s; this minsheng reads version "
                "%(version)d. Nothing was restored."
            )
            % {"found": manifest.get("format_version"), "version": FORMAT_VERSION}
        )
    listed = manifest.get("members")
    if not isinstance(listed, dict):
        raise _damaged(_("the manifest lists no members"))
    for name in sorted(set(listed) | set(seen)):
        if name not in seen:
            raise _damaged(_("“%(name)s” is missing") % {"name": name})
        if name not in listed:
            raise _damaged(_("“%(name)s” is not in the manifest") % {"name": name})
        sha256, size = seen[name]
        if (sha256, size) != (listed[name].get("sha256"), listed[name].get("size")):
            raise _damaged(_("the checksum of “%(name)s” does not match") % {"name": name})
    return manifest


def _not_empty(alias: str) -> list[tuple[str, int]]:
    full = []
    for model in backed_up_models():
        if _label(model) in MIGRATE_WRITES:
            continue
        count = model._base_manager.using(alias).count()
        if count:
            full.append((model._meta.db_table, count))
    for label in SKIPPED:
        model = apps.get_model(label)
        count = model._base_manager.using(alias).count()
        if count:
            full.append((model._meta.db_table, count))
    return full


def check_target(manifest: dict[str, Any], *, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Refuse a target database at other migrations than the archive's, or one that holds rows."""
    here = _applied_migrations(alias)
    there = manifest.get("migrations") or {}
    if here != there:
        differ = sorted(label for label in set(here) | set(there) if here.get(label) != there.get(label))
        raise BackupRefused(
            _(
                "The archive was made at other migrations than this database's (%(apps)s): restore it with the "
                "same version of minsheng, migrated. Nothing was restored."
            )
            % {"apps": ", ".join(differ)}
        )
    full = _not_empty(alias)
    if full:
        tables = ", ".join(f"{table} ({count})" for table, count in full[:5])
        raise BackupRefused(
            _(
                "The database is not empty (rows in %(tables)s): restore only into a newly created and migrated "
                "database. Nothing was restored."
            )
            % {"tables": tables}
        )


@contextmanager
def _stored_times(model: type[models.Model]) -> Iterator[None]:
    """Keep the archive's times: bulk_create would stamp ``auto_now``/``auto_now_add`` fields with now."""
    stamped = [
        (f, f.auto_now, f.auto_now_add)
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add)
    ]
    for f, _now, _add in stamped:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in stamped:
            f.auto_now, f.auto_now_add = now, add


def _load_rows(stream: IO[bytes], model: type[models.Model], alias: str) -> int:
    with _stored_times(model):
        return _bulk_load(stream, model, alias)


def _bulk_load(stream: IO[bytes], model: type[models.Model], alias: str) -> int:
    loaded, batch = 0, []
    text = io.TextIOWrapper(stream, encoding="utf-8")
    for item in serializers.deserialize("jsonl", text, using=alias):
        instance = item.object
        if type(instance) is not model:
            raise BackupRefused(_("The archive's rows do not match their table; nothing was restored."))
        batch.append(instance)
        if len(batch) >= BATCH:
            model._base_manager.using(alias).bulk_create(batch)
            loaded, batch = loaded + len(batch), []
    if batch:
        model._base_manager.using(alias).bulk_create(batch)
        loaded += len(batch)
    return loaded


def restore(
    archive: Path, *, alias: str = DEFAULT_DB_ALIAS, on_rows: Callable[[str], None] | None = None
) -> Result:
    """Restore ``archive`` into an empty, migrated database and the media folder; see the module's note.
    ``on_rows`` is called with each table's label after it is loaded (for progress, and the fault tests)."""
    archive = Path(archive)
    manifest = verify(archive)
    check_target(manifest, alias=alias)
    models_by_label = {_label(model): model for model in backed_up_models()}
    tables = manifest.get("tables") or {}
    unknown = sorted(set(tables) - set(models_by_label))
    if unknown:
        raise BackupRefused(
            _("The archive holds tables this minsheng does not have (%(tables)s); nothing was restored.")
            % {"tables": ", ".join(unknown)}
        )
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
    result = Result(path=archive)
    connection = connections[alias]
    try:
        with transaction.atomic(using=alias):
            from django.contrib.auth.models import Permission
            from django.contrib.contenttypes.models import ContentType

            # `migrate` wrote its own content types and permissions; the archive's keep their ids.
            Permission.objects.using(alias).all().delete()
            ContentType.objects.using(alias).all().delete()
            ContentType.objects.clear_cache()
            with _reading(archive):
                for info, stream in _members(archive):
                    if info.name.startswith(DATA):
                        label = info.name[len(DATA) : -len(".jsonl")]
                        result.rows[label] = _load_rows(stream, models_by_label[label], alias)
                        if result.rows[label] != tables.get(label, {}).get("rows"):
                            raise _damaged(
                                _("the rows of %(table)s do not match the manifest") % {"table": label}
                            )
                        if on_rows is not None:
                            on_rows(label)
                    elif info.name.startswith(MEDIA):
                        target = staging / info.name[len(MEDIA) :]
                        target.parent.mkdir(parents=True, exist_ok=True)
                        with target.open("wb") as handle:
                            sha256, _size = _read_member(stream, handle.write)
                        if sha256 != manifest["members"][info.name]["sha256"]:
                            raise _damaged(
                                _("the checksum of “%(name)s” does not match") % {"name": info.name}
                            )
                        result.files += 1
            connection.check_constraints(table_names=[m._meta.db_table for m in models_by_label.values()])
            sql = connection.ops.sequence_reset_sql(no_style(), list(models_by_label.values()))
            if sql:
                with connection.cursor() as cursor:
                    for statement in sql:
                        cursor.execute(statement)
        ContentType.objects.clear_cache()
        # The rows are in: now the files, each moved into place (a rename within one file system).
        for folder, _dirs, files in os.walk(staging):
            for name in files:
                source = Path(folder) / name
                target = media_root / source.relative_to(staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result
