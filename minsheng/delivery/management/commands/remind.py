"""``minsheng remind --by USER [--date YYYY-MM-DD]``: send today's due-soon and overdue reminders (for cron).

``--by`` names the person the reminders are recorded for in the audit trail (cron names the office account
it runs for). ``minsheng remind --by USER --install-schedule`` instead creates the django-q2 schedule that does the same daily at
07:00 (run ``minsheng qcluster`` to work it). Each reminder goes once per user, item, period and kind, so
running this more than once a day is harmless.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.commands import acting_for, add_by_argument
from minsheng.common.commands import BAD_INPUT, date_argument
from minsheng.delivery.services import reminder_schedule_install, reminders_send


class Command(BaseCommand):
    help = "Send due-soon and overdue report reminders (in-app and by email), or install the daily schedule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to remind for, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--install-schedule",
            action="store_true",
            help="create or update the daily django-q2 schedule instead of sending now",
        )
        add_by_argument(parser)

    def handle(self, *args, **options) -> None:
        with acting_for(options):
            self._remind(options)

    def _remind(self, options: dict) -> None:
        if options["install_schedule"]:
            if options["date"]:
                raise CommandError(
                    _("--date and --install-schedule do not go together."), returncode=BAD_INPUT
                )
            schedule, created = reminder_schedule_install()
            message = (
                _("Created the daily reminder schedule; next run %(when)s.")
                if created
                else _("Updated the daily reminder schedule; next run %(when)s.")
            )
            when = timezone.localtime(schedule.next_run).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(message % {"when": when})
            return
        today = date_argument(options["date"]) if options["date"] else timezone.localdate()
        counts = reminders_send(today=today)
        self.stdout.write(
            _("Reminders for %(date)s: %(due_soon)d due soon, %(overdue)d overdue.")
            % {
                "date": today.isoformat(),
                "due_soon": counts.get("report_due_soon", 0),
                "overdue": counts.get("report_overdue", 0),
            }
        )
