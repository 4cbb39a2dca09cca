"""The report ``minsheng import`` and ``minsheng demo`` print after an import."""

from __future__ import annotations

from django.utils.translation import gettext as _

from minsheng.plans.services import ImportResult


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(no) for no in numbers) or "-"


def report_lines(result: ImportResult) -> list[str]:
    """What an import did, for people; the last line ends with the plan's id."""
    plan, version = result.plan, result.version
    lines = []
    if result.unchanged:
        lines.append(
            _("Unchanged: the document is the same as version %(version)d of %(title)s.")
            % {"version": version.number, "title": plan.title}
        )
    else:
        head = (
            _("Created plan %(title)s (%(region)s, %(year)d).")
            if result.created
            else _("Updated plan %(title)s (%(region)s, %(year)d).")
        )
        lines.append(head % {"title": plan.title, "region": plan.region.name, "year": plan.year})
        lines.append(
            _("Version %(version)d: %(actions)d actions, %(items)d items.")
            % {
                "version": version.number,
                "actions": len(version.parsed.get("actions", [])),
                "items": sum(len(a.get("items", [])) for a in version.parsed.get("actions", [])),
            }
        )
        if not result.created:
            lines.append(_("Added items: %(numbers)s") % {"numbers": _numbers(result.added)})
            lines.append(_("Removed items: %(numbers)s") % {"numbers": _numbers(result.removed)})
            lines.append(_("Changed items: %(numbers)s") % {"numbers": _numbers(result.changed)})
            if result.renumbered:
                lines.append(
                    _("Renumbered items: %(pairs)s")
                    % {"pairs": ", ".join(f"{old}→{new}" for old, new in result.renumbered)}
                )
        for warning in version.changes.get("warnings", []):
            lines.append(_("Warning: %(warning)s") % {"warning": warning})
    lines.append(_("Plan id: %(id)d") % {"id": plan.pk})
    return lines
