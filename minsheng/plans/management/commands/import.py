"""``minsheng import FILE --region R --year Y``: import a plan document, or a revised version of it."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minsheng.plans.management.commands._import_report import report_lines
from minsheng.plans.services import PlanImportError, plan_import


class Command(BaseCommand):
    help = "Import a plan document (.txt, .docx, ...) for a region and year, as a new plan or a new version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the plan document")
        parser.add_argument("--region", help="the issuing government; default: as the document states")
        parser.add_argument("--year", type=int, help="the plan year; default: as the document states")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror}
            ) from exc
        try:
            result = plan_import(
                content=content, filename=path.name, region=options["region"], year=options["year"]
            )
        except PlanImportError as exc:
            raise CommandError(_("%(file)s: %(error)s") % {"file": path, "error": exc}) from exc
        for line in report_lines(result):
            self.stdout.write(line)
