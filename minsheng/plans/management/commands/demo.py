"""``minsheng demo``: a fresh demo database with the seed plan and one account per role, served locally.

The demo always uses its own SQLite file, ``var/demo.sqlite3``, recreated on every run. Because the database
is chosen when Django starts, the set-up and the server run as child processes with ``DATABASE_URL`` pointing
at that file.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

import minsheng

SEED = Path(minsheng.__file__).resolve().parent / "demo_data" / "tiemenguan-2025-draft.docx"


class Command(BaseCommand):
    help = "Create a fresh demo database with the seed plan and demo accounts, and serve it on 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port", type=int, default=None, help="port to serve on (default: $PORT or 8000)"
        )
        parser.add_argument("--no-serve", action="store_true", help="set the database up, do not serve")
        parser.add_argument("--setup", action="store_true", help="(internal) set up the current database")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        if options["setup"]:
            self._setup()
            return
        port = options["port"] or int(os.environ.get("PORT") or 8000)
        database = Path(settings.VAR_DIR) / "demo.sqlite3"
        database.parent.mkdir(parents=True, exist_ok=True)
        database.unlink(missing_ok=True)
        env = {
            **os.environ,
            "DATABASE_URL": "sqlite:///" + str(database),
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),
        }
        command = [sys.executable, "-m", "minsheng.cli"]
        if subprocess.run([*command, "demo", "--setup"], env=env, check=False).returncode:  # noqa: S603
            raise CommandError(_("The demo set-up failed; see above."))
        if options["no_serve"]:
            return
        self.stdout.write(
            _("Serving on %(url)s (the office signs in at %(url)sadmin/); Ctrl-C stops.")
            % {"url": f"http://127.0.0.1:{port}/"}
        )
        try:
            subprocess.run([*command, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, check=False)  # noqa: S603
        except KeyboardInterrupt:
            pass

    def _setup(self) -> None:
        from minsheng.accounts.models import User
        from minsheng.accounts.services import user_create
        from minsheng.plans.management.commands._import_report import report_lines
        from minsheng.plans.services import plan_import

        call_command("migrate", interactive=False, verbosity=0)
        result = plan_import(content=SEED.read_bytes(), filename=SEED.name)
        for line in report_lines(result):
            self.stdout.write(line)
        self.stdout.write("\n" + _("Demo accounts, one per role (the office can sign in at /admin/):"))
        for role in User.Role:
            password = secrets.token_urlsafe(9)
            user_create(
                username=role.value, password=password, role=role.value, is_staff=role == User.Role.OFFICE
            )
            self.stdout.write(
                "  "
                + _("%(username)s  password %(password)s  (%(role)s)")
                % {"username": role.value.ljust(10), "password": password, "role": role.label}
            )
