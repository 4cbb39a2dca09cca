"""``minsheng auditlogflush`` refuses: django-auditlog's command of that name would delete every field change
of the trail, which nothing in minsheng may do. Records leave the trail only past the retention period,
through ``minsheng audit-purge --by USER`` (which is recorded)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from minsheng.common.commands import bad_input


class Command(BaseCommand):
    help = "Refused: the audit trail is only purged past its retention period (minsheng audit-purge)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("rest", nargs="*")
        parser.add_argument("-y", "--yes", action="store_true")
        parser.add_argument("-b", "--before-date")

    def handle(self, *args, **options) -> None:
        raise bad_input(
            _(
                "The audit trail cannot be flushed. Records past the retention period go with minsheng audit-purge."
            )
        )
