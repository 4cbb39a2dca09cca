"""``minsheng upkeep``: refresh the database's planner statistics now (SQLite and PostgreSQL; see
:mod:`minsheng.common.database`; this writes no record, so it needs no ``--by``).
``minsheng upkeep --install-schedule --by USER`` instead installs the django-q2 schedule that does it nightly
at 03:00 (``minsheng qcluster`` works it), recorded for that person; cron may run ``minsheng upkeep``
instead. Imports and bulk loads refresh the statistics of the tables they fill on their own.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.commands import acting_for, add_by_argument
from minsheng.accounts.services import upkeep_schedule_install
from minsheng.common.database import statistics_refresh


class Command(BaseCommand):
    help = "Refresh the database's statistics for the query planner, or install the nightly schedule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--install-schedule",
            action="store_true",
            help="create or update the nightly django-q2 schedule instead of refreshing now",
        )
        add_by_argument(parser, help="with --install-schedule: the person the schedule is recorded for")

    def handle(self, *args, **options) -> None:
        if options["install_schedule"]:
            with acting_for(options):
                schedule, created = upkeep_schedule_install()
            message = (
                _("Created the nightly statistics schedule; next run %(when)s.")
                if created
                else _("Updated the nightly statistics schedule; next run %(when)s.")
            )
            self.stdout.write(
                message % {"when": timezone.localtime(schedule.next_run).strftime("%Y-%m-%d %H:%M")}
            )
            return
        started = time.perf_counter()
        tables = statistics_refresh()
        self.stdout.write(
            _("Statistics refreshed for %(count)d tables in %(ms).0f ms.")
            % {"count": len(tables), "ms": (time.perf_counter() - started) * 1000}
        )
