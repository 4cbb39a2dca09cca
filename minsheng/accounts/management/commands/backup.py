"""``minsheng backup --out FILE``: every row of every model and every uploaded file in one archive with a
manifest and checksums (docs/backup.md; the work is in :mod:`minsheng.common.backup`)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from minsheng.common.backup import backup
from minsheng.common.commands import bad_input


class Command(BaseCommand):
    help = "Write a backup archive: every row of every table and every uploaded file, with a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", required=True, help="the archive to write, e.g. minsheng-2026-12-07.tar.gz"
        )

    def handle(self, *args, **options) -> None:
        out = Path(options["out"])
        if out.is_dir():
            raise bad_input(_("“%(path)s” is a folder: give the archive's file name.") % {"path": out})
        if not out.parent.is_dir():
            raise bad_input(_("There is no folder “%(path)s”.") % {"path": out.parent})
        result = backup(out)
        self.stdout.write(
            _("Backed up %(rows)d rows of %(tables)d tables and %(files)d files to %(path)s.")
            % {"rows": result.total, "tables": len(result.rows), "files": result.files, "path": out}
        )
