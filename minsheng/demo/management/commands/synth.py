"""``minsheng synth --plans N [--seed S] [--date YYYY-MM-DD]``: add a synthetic data set for benchmarks to the
current database (see :mod:`minsheng.demo.synth`; ``--plans 3000`` is national scale). A progress line goes
to stderr; the counts of what was written to stdout. Synthetic writes are not audited one by one (they are
benchmark data, not a government's records); the command refuses to run on a database that holds a plan not
made by it unless ``--force`` is given.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from minsheng.common.commands import bad_input, date_argument
from minsheng.demo.synth import synth
from minsheng.plans.models import Plan

MAX_PLANS = 20_000


class Command(BaseCommand):
    help = "Add a synthetic data set (plans, items, targets, reports, comments…) for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plans", required=True, help="how many plans (3000 is national scale)")
        parser.add_argument("--seed", default="1", help="the random seed (the same seed gives the same data)")
        parser.add_argument("--date", help="the as-of date, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--force", action="store_true", help="add to a database that holds real plans as well"
        )

    def handle(self, *args, **options) -> None:
        plans = _whole(options["plans"], "--plans", low=1, high=MAX_PLANS)
        seed = _whole(options["seed"], "--seed", low=0, high=2**31)
        on = date_argument(options["date"]) if options["date"] else None
        if not options["force"] and Plan.objects.exclude(region__name__startswith="合成县").exists():
            raise bad_input(
                _(
                    "This database holds real plans; synthetic data goes into a database of its own (or give --force)."
                )
            )
        counts = synth(plans=plans, seed=seed, on=on, progress=sys.stderr)
        self.stdout.write(
            _(
                "Synthetic data: %(plans)d plans, %(items)d items, %(targets)d targets, %(reports)d reports, "
                "%(notices)d notices, %(comments)d comments, %(suggestions)d suggestions, %(events)d audit "
                "events, %(users)d accounts in %(seconds).1f s."
            )
            % {
                "plans": counts.plans,
                "items": counts.items,
                "targets": counts.targets,
                "reports": counts.reports,
                "notices": counts.notices,
                "comments": counts.comments,
                "suggestions": counts.suggestions,
                "events": counts.audit_events,
                "users": counts.users,
                "seconds": counts.seconds,
            }
        )


def _whole(text: str, name: str, *, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise bad_input(
            _("%(name)s must be a whole number from %(low)d to %(high)d.")
            % {"name": name, "low": low, "high": high}
        )
    return value
