"""``minsheng status --plan P [--as-of DATE] [--format json|text] [--public]``: completion and lights.

Prints the plan's completion, expectation and light, and for each current item its number, title,
completion (0..1, null where nothing is measurable yet), expected share, light, whether it has quantities,
and its targets with value, actual and completion. ``--public`` counts published figures only (what the
public pages show). Bad arguments: a one-line error and exit code 2.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.common.commands import bad_input, date_argument
from minsheng.delivery.models import Stage
from minsheng.delivery.selectors import LIGHT_LABELS, ItemStatus, PlanStatus, TargetStatus, plan_status
from minsheng.plans.models import Plan

FORMATS = ("json", "text")


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def target_json(target: TargetStatus) -> dict[str, Any]:
    return {
        "id": target.id,
        "kind": target.kind,
        "subject": target.subject,
        "op": target.op,
        "value": target.value,
        "value_max": target.value_max,
        "unit": target.unit,
        "actual": target.actual,
        "stage": target.stage or None,
        "as_of": target.as_of.isoformat() if target.as_of else None,
        "completion": _round(target.completion),
        "expected": _round(target.expected),
    }


def item_json(item: ItemStatus) -> dict[str, Any]:
    return {
        "no": item.no,
        "title": item.title,
        "completion": _round(item.completion),
        "expected": _round(item.expected),
        "light": item.light.value,
        "has_quantities": item.has_quantities,
        "overdue": item.overdue,
        "lead": item.lead,
        "targets": [target_json(t) for t in item.targets],
    }


def status_json(plan: Plan, status: PlanStatus) -> dict[str, Any]:
    return {
        "plan": {"id": plan.pk, "title": plan.title, "region": plan.region.name, "year": plan.year},
        "as_of": status.on.isoformat(),
        "public": status.public,
        "completion": _round(status.completion),
        "expected": _round(status.expected),
        "light": status.light.value,
        "lights": status.light_counts,
        "items": [item_json(item) for item in status.items],
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns (CJK characters take two), with … where it was cut."""
    if _width(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        if used + _width(ch) > width - 1:
            break
        out += ch
        used += _width(ch)
    return out + "…"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def status_text(plan: Plan, status: PlanStatus) -> list[str]:
    lines = [plan.title]
    lines.append(
        _("As of %(date)s: completion %(completion)s, expected %(expected)s, %(light)s.")
        % {
            "date": status.on.isoformat(),
            "completion": _share(status.completion),
            "expected": _share(status.expected),
            "light": LIGHT_LABELS[status.light],
        }
    )
    counts = status.light_counts
    lines.append("  ".join(f"{LIGHT_LABELS[light]} {counts[light.value]}" for light in LIGHT_LABELS))
    lines.append("")
    light_width = max(_width(str(label)) for label in LIGHT_LABELS.values())
    header = [
        _pad(_("No."), 4, right=True),
        _pad(_("Light"), light_width),
        _pad(_("Done"), 7, right=True),
        _pad(_("Expected"), 8, right=True),
        _pad(_("Lead department"), 16),
        _("Item"),
    ]
    lines.append("  ".join(header))
    for item in status.items:
        light = str(LIGHT_LABELS[item.light]) + ("!" if item.overdue else "")
        lines.append(
            "  ".join(
                [
                    _pad(str(item.no), 4, right=True),
                    _pad(light, light_width),
                    _pad(_share(item.completion), 7, right=True),
                    _pad(_share(item.expected), 8, right=True),
                    _pad(_cut(item.lead or "—", 16), 16),
                    _cut(item.title, 40),
                ]
            )
        )
        for target in item.targets:
            if target.kind == "milestone":
                promised = _("milestone")
                reached = str(Stage(target.stage).label) if target.stage in Stage.values else "—"
            else:
                promised = f"{target.op} {_number(target.value)}{target.unit}"
                reached = _number(target.actual)
            values = {"promised": promised, "subject": _cut(target.subject, 24)}
            if target.completion is None:
                line = _("%(promised)s %(subject)s: no accepted figure") % values
            else:
                line = _("%(promised)s %(subject)s: %(actual)s, %(completion)s done") % {
                    **values,
                    "actual": reached,
                    "completion": _share(target.completion),
                }
            lines.append(" " * 8 + line)
    if any(item.overdue for item in status.items):
        lines.append("")
        lines.append(_("! a report is overdue"))
    return lines


class Command(BaseCommand):
    help = "Print a plan's completion and each item's light on a date (json or a text table)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", help="the plan's id (minsheng import prints it)")
        parser.add_argument("--as-of", dest="as_of", help="the date, YYYY-MM-DD (default: today)")
        parser.add_argument("--format", default="text", help="json or text (default)")
        parser.add_argument("--public", action="store_true", help="published figures only")

    def handle(self, *args, **options) -> None:
        output_format = options["format"]
        if output_format not in FORMATS:
            raise bad_input(_("Unknown format “%(format)s”: use json or text.") % {"format": output_format})
        if not options["plan"]:
            raise bad_input(_("Give the plan: --plan ID."))
        try:
            plan_id = int(options["plan"])
        except ValueError:
            raise bad_input(_("“%(value)s” is not a plan id.") % {"value": options["plan"]}) from None
        on = date_argument(options["as_of"]) if options["as_of"] else timezone.localdate()
        plan = Plan.objects.select_related("region").filter(pk=plan_id).first()
        if plan is None:
            raise bad_input(_("There is no plan %(id)d.") % {"id": plan_id})
        status = plan_status(plan=plan, on=on, public=options["public"])
        if output_format == "json":
            self.stdout.write(json.dumps(status_json(plan, status), ensure_ascii=False, indent=2))
        else:
            for line in status_text(plan, status):
                self.stdout.write(line)
