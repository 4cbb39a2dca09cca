"""``minsheng restore FILE``: restore a backup archive into an empty, migrated database and the media
folder, all or nothing (docs/backup.md; the work is in :mod:`minsheng.common.backup`). A damaged, truncated,
altered or foreign archive, or a database that holds rows, is refused with one line (exit code 2) and
nothing changes."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from minsheng.common.backup import BackupRefused, restore
from minsheng.common.commands import bad_input


class Command(BaseCommand):
    help = "Restore a backup archive into an empty, migrated database (rows and uploaded files)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="an archive written by minsheng backup")

    def handle(self, *args, **options) -> None:
        try:
            result = restore(Path(options["archive"]))
        except BackupRefused as exc:
            raise bad_input(str(exc)) from None
        self.stdout.write(
            _("Restored %(rows)d rows of %(tables)d tables and %(files)d files.")
            % {"rows": result.total, "tables": len(result.rows), "files": result.files}
        )
