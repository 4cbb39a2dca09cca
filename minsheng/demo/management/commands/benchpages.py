"""``minsheng benchpages [--rounds N] [--sample N] [--label TEXT]``: time the public and office pages against the configured
database, each beside the trivial view ``/healthz`` (see :mod:`minsheng.demo.bench`); ``make bench`` runs it
on the demo database and on a synthetic set, on SQLite and on PostgreSQL. It may add one office account
(``bench-office``) to a database that has none. ``--sample N`` times first renderings of each page kind for N
different plans instead (page cache off; see :mod:`minsheng.demo.bench`).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from minsheng.common.commands import bad_input
from minsheng.demo.bench import force_sign_in, full_scans, measure, measure_sample, pages, sampled_pages


class Command(BaseCommand):
    help = "Time the main pages against the configured database, as ratios to a trivial view."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rounds", default="30", help="requests per page (default 30)")
        parser.add_argument("--label", default="", help="a label for the printed block")
        parser.add_argument(
            "--explain",
            action="store_true",
            help="with --sample: print the queries whose plans read a whole big table instead of timing",
        )
        parser.add_argument(
            "--sample",
            default="",
            help="time first renderings (cache off) of each page for this many different plans instead",
        )

    def handle(self, *args, **options) -> None:
        try:
            rounds = int(options["rounds"])
        except ValueError:
            rounds = 0
        if not 1 <= rounds <= 10_000:
            raise bad_input(_("--rounds must be a whole number from 1 to 10000."))
        if options["sample"]:
            self._sample(options["sample"], options["label"], explain=options["explain"])
            return
        try:
            found = pages()
        except LookupError as exc:
            raise bad_input(str(exc)) from exc
        self.stdout.write(
            f"== pages: {options['label'] or connection.vendor} ({connection.vendor}), {rounds} rounds"
        )
        for page in found:
            self.stdout.write(measure(page, rounds=rounds, sign_in=force_sign_in).line())

    def _sample(self, value: str, label: str, *, explain: bool = False) -> None:
        try:
            count = int(value)
        except ValueError:
            count = 0
        if not 1 <= count <= 10_000:
            raise bad_input(_("--sample must be a whole number from 1 to 10000."))
        try:
            found = sampled_pages(count)
        except LookupError as exc:
            raise bad_input(str(exc)) from exc
        if explain:
            self.stdout.write(
                f"== query plans: {label or connection.vendor} ({connection.vendor}), {count} plans"
            )
            for kind in found.values():
                for line in full_scans(kind, sign_in=force_sign_in):
                    self.stdout.write(line)
            return
        self.stdout.write(
            f"== first renderings (page cache off): {label or connection.vendor} ({connection.vendor}), "
            f"{count} plans"
        )
        for name, kind in found.items():
            self.stdout.write(measure_sample(name, kind, sign_in=force_sign_in).line())
