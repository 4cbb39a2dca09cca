"""``minsheng audit-purge --by USER [--dry-run]``: delete the audit records (events and field changes) older
than ``MINSHENG_AUDIT_RETENTION_DAYS``; the purge is itself recorded, by ``USER`` (an office user).

Schedule it (cron, monthly) to enforce the retention period; it is the only way records leave the trail.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.commands import acting_for, add_by_argument
from minsheng.accounts.models import AuditEvent
from minsheng.accounts.services import audit_purge, audit_retention_cutoff
from minsheng.common.commands import bad_input


class Command(BaseCommand):
    help = "Delete audit records older than the retention period (MINSHENG_AUDIT_RETENTION_DAYS)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_by_argument(parser, help="the office user purging (recorded in the audit trail)")
        parser.add_argument("--dry-run", action="store_true", help="only say how many records would go")

    def handle(self, *args, **options) -> None:
        with acting_for(options) as user:
            cutoff = audit_retention_cutoff()
            when = timezone.localtime(cutoff).strftime("%Y-%m-%d %H:%M")
            if options["dry_run"]:
                events = AuditEvent.objects.filter(created_at__lt=cutoff).count()
                changes = LogEntry.objects.filter(timestamp__lt=cutoff).count()
                self.stdout.write(
                    _("Would delete %(events)d events and %(changes)d field changes older than %(when)s.")
                    % {"events": events, "changes": changes, "when": when}
                )
                return
            try:
                result = audit_purge(by=user)
            except PermissionDenied as exc:
                raise bad_input(
                    _("%(name)s may not purge the audit trail; name a supervision office user.")
                    % {"name": user.username}
                ) from exc
            self.stdout.write(
                _("Deleted %(events)d events and %(changes)d field changes older than %(when)s.")
                % {"events": result["events"], "changes": result["changes"], "when": when}
            )
