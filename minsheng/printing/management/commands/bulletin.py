"""``minsheng bulletin --plan P --as-of DATE --format pdf|docx --out FILE [--since DATE] [--by USER]``.

Writes a plan's bulletin (通报) as of a date and records that it was issued (by ``--by``, an office user,
or else by the command line), so that the next bulletin's period starts after this one. Bad arguments: one
line and exit code 2, nothing written and nothing recorded. Text in the site's language.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from minsheng.accounts.models import User
from minsheng.common.commands import bad_input, date_argument
from minsheng.plans.models import Plan
from minsheng.printing.fonts import PrintingUnavailable
from minsheng.printing.models import BulletinFormat
from minsheng.printing.services import PrintingError, bulletin_issue


def plan_argument(value: str | None) -> Plan:
    """The plan named by ``--plan``, or :func:`bad_input`."""
    if not value:
        raise bad_input(_("Give the plan: --plan ID."))
    try:
        plan_id = int(value)
    except ValueError:
        raise bad_input(_("“%(value)s” is not a plan id.") % {"value": value}) from None
    plan = Plan.objects.select_related("region").filter(pk=plan_id).first()
    if plan is None:
        raise bad_input(_("There is no plan %(id)d.") % {"id": plan_id})
    return plan


def out_argument(value: str | None, suffix: str) -> Path:
    """The file ``--out`` names: it must end in ``suffix`` and its folder must exist."""
    if not value:
        raise bad_input(_("Give the file to write: --out FILE%(suffix)s.") % {"suffix": suffix})
    path = Path(value)
    if path.suffix.lower() != suffix:
        raise bad_input(_("The file must end in %(suffix)s: %(file)s.") % {"suffix": suffix, "file": value})
    if not path.parent.is_dir():
        raise bad_input(_("There is no folder %(folder)s.") % {"folder": path.parent})
    return path


def write_file(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise CommandError(
            _("Cannot write %(file)s: %(error)s") % {"file": path, "error": exc.strerror}
        ) from exc


class Command(BaseCommand):
    help = "Write a plan's bulletin as of a date (PDF or Word) and record that it was issued."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", help="the plan's id")
        parser.add_argument("--as-of", dest="as_of", help="the bulletin's date, YYYY-MM-DD")
        parser.add_argument("--format", default="pdf", help="pdf (default) or docx")
        parser.add_argument("--out", help="the file to write (.pdf or .docx)")
        parser.add_argument(
            "--since", help="the period starts the day after this date (default: the previous bulletin's)"
        )
        parser.add_argument("--by", help="the office user issuing it (default: recorded as the command line)")

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(options)

    def _handle(self, options: dict) -> None:
        fmt = options["format"]
        if fmt not in BulletinFormat.values:
            raise bad_input(_("Unknown format “%(format)s”: use pdf or docx.") % {"format": fmt})
        plan = plan_argument(options["plan"])
        if not options["as_of"]:
            raise bad_input(_("Give the bulletin's date: --as-of YYYY-MM-DD."))
        on = date_argument(options["as_of"])
        since = date_argument(options["since"]) if options["since"] else None
        out = out_argument(options["out"], f".{fmt}")
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"], is_active=True).first()
            if by is None:
                raise bad_input(_("There is no active user %(name)s.") % {"name": options["by"]})
        try:
            issued = bulletin_issue(plan=plan, on=on, since=since, fmt=fmt, by=by)
        except PrintingError as error:
            raise bad_input(" ".join(error.messages)) from None
        except PermissionDenied as error:
            raise bad_input(str(error)) from None
        except PrintingUnavailable as error:
            raise CommandError(str(error)) from None
        write_file(out, issued.content)
        self.stdout.write(
            _("Wrote %(file)s: the bulletin of %(plan)s as of %(on)s (period after %(since)s).")
            % {
                "file": out,
                "plan": plan.title,
                "on": on.isoformat(),
                "since": issued.record.since.isoformat(),
            }
        )
