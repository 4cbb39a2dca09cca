"""``minsheng progress template`` writes a progress sheet; ``minsheng progress load`` loads a filled one.

    minsheng progress template --plan P --out F.xlsx [--department D]
    minsheng progress load F.xlsx --by USER [--as-of YYYY-MM-DD]

The load is all or nothing: with any bad row it lists every one (row, column, why), changes nothing and
exits with code 2. Figures loaded here are recorded as accepted by the named office user.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from minsheng.accounts.commands import acting_for, add_by_argument
from minsheng.common.commands import BAD_INPUT, date_argument
from minsheng.delivery.services import DeliveryError
from minsheng.delivery.spreadsheets import (
    SheetErrors,
    SpreadsheetError,
    progress_sheet_load,
    progress_template_build,
)


class Command(BaseCommand):
    help = "Write a progress sheet for a plan (template), or load a filled one (load)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="{template,load}")
        template = commands.add_parser("template", help="write an .xlsx with one row per target")
        template.add_argument("--plan", type=int, required=True, help="the plan's id")
        template.add_argument("--out", required=True, help="the .xlsx file to write")
        template.add_argument("--department", help="only this department's items (its id or name)")
        load = commands.add_parser("load", help="load a filled sheet: all rows or none")
        load.add_argument("file", help="the filled .xlsx")
        add_by_argument(load, help="the office user recording the figures")
        load.add_argument("--as-of", dest="as_of", help="the date of rows that leave it empty (YYYY-MM-DD)")
        load.add_argument(
            "--confirm-rows",
            dest="confirm_rows",
            default="",
            help="rows whose far-off figures you have checked and load anyway (e.g. 3,7)",
        )

    def handle(self, *args, **options) -> None:
        if options["action"] == "template":
            self._template(options)
        else:
            self._load(options)

    def _template(self, options: dict) -> None:
        from minsheng.plans.models import Department, Plan

        plan = Plan.objects.filter(pk=options["plan"]).first()
        if plan is None:
            raise CommandError(_("There is no plan %(id)s.") % {"id": options["plan"]}, returncode=BAD_INPUT)
        department = None
        if options["department"]:
            wanted = options["department"]
            departments = Department.objects.filter(region=plan.region)
            department = (
                departments.filter(pk=int(wanted)).first() if wanted.isdigit() else None
            ) or departments.filter(name=wanted).first()
            if department is None:
                raise CommandError(
                    _("There is no department %(name)s in %(region)s.")
                    % {"name": wanted, "region": plan.region.name},
                    returncode=BAD_INPUT,
                )
        out = Path(options["out"])
        try:
            out.write_bytes(progress_template_build(plan=plan, department=department))
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": out, "error": exc.strerror}
            ) from exc
        self.stdout.write(_("Wrote %(file)s for %(plan)s.") % {"file": out, "plan": plan.title})

    def _load(self, options: dict) -> None:
        with acting_for(options) as user:
            self._load_as(options, user)

    def _load_as(self, options: dict, user) -> None:
        as_of = date_argument(options["as_of"]) if options["as_of"] else None
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror},
                returncode=BAD_INPUT,
            ) from exc
        try:
            confirm_rows = {int(part) for part in options["confirm_rows"].split(",") if part.strip()}
        except ValueError as exc:
            raise CommandError(
                _("--confirm-rows takes row numbers separated by commas (such as 3,7)."), returncode=BAD_INPUT
            ) from exc
        try:
            result = progress_sheet_load(
                content=content, by=user, as_of=as_of, source="spreadsheet", confirm_rows=confirm_rows
            )
        except PermissionDenied as exc:
            raise CommandError(
                _("%(name)s may not record accepted figures; name a supervision office user.")
                % {"name": user.username},
                returncode=BAD_INPUT,
            ) from exc
        except (SpreadsheetError, DeliveryError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, DeliveryError) else str(exc)
            raise CommandError(
                _("%(file)s: %(error)s") % {"file": path, "error": message}, returncode=BAD_INPUT
            ) from exc
        except SheetErrors as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("%(file)s: %(count)d bad rows; nothing was loaded.")
                % {"file": path, "count": len({error.row for error in exc.errors})},
                returncode=BAD_INPUT,
            ) from exc
        self.stdout.write(
            _("Loaded %(loaded)d figures for %(plan)s (%(skipped)d rows left empty).")
            % {"loaded": result.loaded, "plan": result.plan.title, "skipped": result.skipped}
        )
