"""``minsheng export --plan P|--all --dataset NAME [--format csv|jsonl] --out FILE``: write an open-data file,
the same bytes as the download on /open-data/, with a progress bar on stderr (a final count always).

``--dictionary [LANGUAGE]`` prints the data dictionary (Markdown; English unless a language is given). ``--dataset document`` (with ``--plan``) writes the plan as one document, the JSON that ``minsheng import``
reads back. A bad argument is one line and exit code 2; a failed write leaves no partial file behind.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser, OutputWrapper
from django.utils import translation
from django.utils.translation import gettext as _

from minsheng.common.commands import bad_input
from minsheng.opendata.datasets import DATASETS
from minsheng.opendata.dictionary import markdown
from minsheng.opendata.document import plan_document_bytes
from minsheng.opendata.formats import FORMATS, stream
from minsheng.plans.models import Plan

DOCUMENT = "document"


class Progress:
    """Rows written so far on stderr: a bar redrawn in place on a terminal; elsewhere only the last line."""

    def __init__(self, out: OutputWrapper, total: int, label: str) -> None:
        self.out, self.total, self.label = out, total, label
        self.done = 0
        self.started = time.monotonic()
        self.live = out.isatty()

    def __call__(self, rows: int) -> None:
        self.done += rows
        if self.live:
            self.out.write("\r" + self.line(), ending="")
            self.out.flush()

    def line(self) -> str:
        width = 30
        share = self.done / self.total if self.total else 1.0
        filled = min(width, int(share * width))
        bar = "#" * filled + "-" * (width - filled)
        return f"{self.label} [{bar}] {self.done}/{self.total}"

    def finish(self, path: Path) -> None:
        seconds = max(time.monotonic() - self.started, 1e-6)
        if self.live:
            self.out.write("\r" + self.line())
        self.out.write(
            _("%(rows)d rows written to %(file)s in %(seconds).1f s.")
            % {"rows": self.done, "file": path, "seconds": seconds}
        )


class Command(BaseCommand):
    help = (
        "Write an open-data file (CSV or JSON Lines) of one plan or of all plans, or a plan as one document."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--plan", type=int, help="the plan's id")
        scope.add_argument("--all", action="store_true", help="every plan")
        parser.add_argument("--dataset", help=f"one of: {', '.join([*DATASETS, DOCUMENT])}")
        parser.add_argument("--format", dest="fmt", help="csv (default) or jsonl; the document is JSON")
        parser.add_argument("--out", help="the file to write")
        parser.add_argument(
            "--dictionary",
            nargs="?",
            const="en",
            metavar="LANGUAGE",
            help="print the data dictionary (Markdown) in English, or in the language given (zh-hans), and stop",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dictionary"]:
            if options["dictionary"] not in dict(settings.LANGUAGES):
                raise bad_input(
                    _("“%(language)s” is not a language of the site: use %(languages)s.")
                    % {"language": options["dictionary"], "languages": ", ".join(dict(settings.LANGUAGES))}
                )
            with translation.override(options["dictionary"]):
                self.stdout.write(markdown())
            return
        plan_id, every = options["plan"], options["all"]
        name, fmt, out = options["dataset"], options["fmt"], options["out"]
        if plan_id is None and not every:
            raise bad_input(_("Say which plan (--plan ID) or --all."))
        if not name:
            raise bad_input(
                _("Say which dataset (--dataset): %(names)s.") % {"names": ", ".join([*DATASETS, DOCUMENT])}
            )
        if name != DOCUMENT and name not in DATASETS:
            raise bad_input(
                _("There is no dataset “%(name)s”; choose one of: %(names)s.")
                % {"name": name, "names": ", ".join([*DATASETS, DOCUMENT])}
            )
        if name == DOCUMENT:
            if every:
                raise bad_input(_("A plan document is of one plan: give --plan ID instead of --all."))
            if fmt not in (None, "json"):
                raise bad_input(_("A plan document is written as JSON (--format json)."))
        elif (fmt or "csv") not in FORMATS:
            raise bad_input(_("“%(format)s” is not a format: use csv or jsonl.") % {"format": fmt})
        if not out:
            raise bad_input(_("Say where to write the file (--out FILE)."))
        path = Path(out)
        if path.is_dir():
            raise bad_input(_("%(file)s is a folder; give a file name.") % {"file": path})
        if not path.parent.is_dir():
            raise bad_input(_("The folder %(folder)s does not exist.") % {"folder": path.parent})
        plan = None
        if plan_id is not None:
            plan = Plan.objects.select_related("region").filter(pk=plan_id).first()
            if plan is None:
                raise bad_input(_("There is no plan %(id)d.") % {"id": plan_id})
        if name == DOCUMENT:
            assert plan is not None
            self._write(path, iter([plan_document_bytes(plan=plan)]))
            self.stderr.write(_("The plan as one document written to %(file)s.") % {"file": path})
            return
        dataset = DATASETS[name]
        scope = plan.pk if plan is not None else None
        progress = Progress(self.stderr, dataset.count(scope), name)
        self._write(path, stream(dataset, scope, fmt or "csv", progress))
        progress.finish(path)

    def _write(self, path: Path, chunks: Any) -> None:
        partial = path.with_name(path.name + ".part")
        try:
            with open(partial, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
            os.replace(partial, path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise bad_input(
                _("Cannot write %(file)s: %(error)s") % {"file": path, "error": exc.strerror or exc}
            ) from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
