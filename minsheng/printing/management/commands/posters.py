"""``minsheng posters --plan P [--item N] --out FILE.pdf [--as-of DATE] [--site-url URL]``.

Writes the QR posters of a plan (one A4 page per current item) or of its item number N. The QR codes link
to the item's public page and to its rating form at ``--site-url`` (default: the ``MINSHENG_SITE_URL``
setting; one of them is needed, since a poster's link must work from a phone). Progress shown: published
figures as of ``--as-of`` (default today). Bad arguments: one line, exit code 2, nothing written.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minsheng.common.commands import bad_input, date_argument
from minsheng.plans.models import Item
from minsheng.printing.fonts import PrintingUnavailable
from minsheng.printing.management.commands.bulletin import out_argument, plan_argument, write_file
from minsheng.printing.posters import posters_get, posters_pdf


def site_argument(value: str | None) -> str:
    site = value or getattr(settings, "MINSHENG_SITE_URL", "")
    if not site:
        raise bad_input(_("Give the site's address: --site-url https://… (or set MINSHENG_SITE_URL)."))
    parts = urlsplit(site)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise bad_input(
            _("“%(value)s” is not a web address (write https://minsheng.example.gov.cn).") % {"value": site}
        )
    return site


class Command(BaseCommand):
    help = "Write the QR posters of a plan's items (or of one item) as a PDF, one A4 page each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", help="the plan's id")
        parser.add_argument("--item", help="only the item with this number in the plan")
        parser.add_argument("--out", help="the .pdf file to write")
        parser.add_argument("--as-of", dest="as_of", help="progress as of this date (default: today)")
        parser.add_argument(
            "--site-url", dest="site_url", help="the site's address (default: MINSHENG_SITE_URL)"
        )

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(options)

    def _handle(self, options: dict) -> None:
        plan = plan_argument(options["plan"])
        item = None
        if options["item"]:
            number = options["item"]
            item = (
                Item.objects.filter(plan=plan, no=int(number), removed_in__isnull=True).first()
                if number.isdigit()
                else None
            )
            if item is None:
                raise bad_input(_("The plan has no item %(no)s.") % {"no": number})
        out = out_argument(options["out"], ".pdf")
        on = date_argument(options["as_of"]) if options["as_of"] else timezone.localdate()
        site = site_argument(options["site_url"])
        posters = posters_get(plan=plan, on=on, site_url=site, item=item)
        try:
            content = posters_pdf(posters)
        except PrintingUnavailable as error:
            raise CommandError(str(error)) from None
        write_file(out, content)
        self.stdout.write(
            _("Wrote %(file)s (posters: %(count)d).") % {"file": out, "count": len(posters.items)}
        )
