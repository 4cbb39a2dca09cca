"""``minsheng import FILE --by USER [--region R] [--year Y]``: import a plan document, or a revised version of
it, for the office user ``USER`` (the audit trail's actor; see minsheng.accounts.commands)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minsheng.accounts.commands import acting_for, add_by_argument
from minsheng.common.commands import bad_input
from minsheng.plans.management.commands._import_report import report_lines
from minsheng.plans.services import PlanImportError, plan_import


class Command(BaseCommand):
    help = "Import a plan document (.txt, .docx, ...) for a region and year, as a new plan or a new version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the plan document")
        parser.add_argument("--region", help="the issuing government; default: as the document states")
        parser.add_argument("--year", type=int, help="the plan year; default: as the document states")
        add_by_argument(parser, help="the office user importing (recorded in the audit trail)")

    def handle(self, *args, **options) -> None:
        with acting_for(options) as user:
            self._import(options, user)

    def _import(self, options: dict, user) -> None:
        if not user.has_perm("plans.import_plan"):
            raise bad_input(
                _("%(name)s may not import plans; name a supervision office user.") % {"name": user.username}
            )
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror}
            ) from exc
        try:
            result = plan_import(
                content=content, filename=path.name, region=options["region"], year=options["year"], by=user
            )
        except PlanImportError as exc:
            raise CommandError(_("%(file)s: %(error)s") % {"file": path, "error": exc}) from exc
        for line in report_lines(result):
            self.stdout.write(line)
