"""The published tallies as CSV (for Excel) and as the figures the charts draw. Plain functions of what the
selectors return; the views send the results."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from minsheng.plans.models import Item
from minsheng.voting.models import Grade, RaterGroup
from minsheng.voting.selectors import ItemResult, VoteView, vote_tally_sorted


def item_label(item: Item) -> str:
    return item.title or item.text


def csv_cell(value: Any) -> str:
    """A cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(rows: list[list[Any]]) -> str:
    """The rows as CSV, with a byte-order mark so that Excel reads the Chinese as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()


def vote_rows(view: VoteView) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [_("No."), _("Item"), _("Votes"), _("Share of ballots (%)"), _("Chosen"), _("Tied")]
    ]
    for row in vote_tally_sorted(view):
        rows.append(
            [
                row.item.no,
                item_label(row.item),
                row.votes,
                row.share if row.share is not None else "",
                _("yes") if row.chosen else (_("undecided") if row.chosen is None else _("no")),
                _("yes") if row.tied else "",
            ]
        )
    rows.append([])
    rows.append([_("Ballots cast"), view.round.ballots if view.round else 0])
    rows.append([_("Deputies entitled to vote"), view.eligible])
    rows.append([_("Turnout (%)"), view.turnout if view.turnout is not None else ""])
    return rows


def vote_withheld_rows(view: VoteView, message: str) -> list[list[Any]]:
    """The CSV of a vote whose result is withheld: why, and the turnout (no tally exists)."""
    return [
        [message],
        [],
        [_("Ballots cast"), view.round.ballots if view.round else 0],
        [_("Deputies entitled to vote"), view.eligible],
        [_("Turnout (%)"), view.turnout if view.turnout is not None else ""],
    ]


def vote_chart(view: VoteView) -> dict[str, Any]:
    rows = vote_tally_sorted(view)
    return {
        "kind": "vote",
        "labels": [f"{row.item.no}. {item_label(row.item)[:24]}" for row in rows],
        "values": [row.votes for row in rows],
        "chosen": [bool(row.chosen) for row in rows],
        "series": _("Votes"),
    }


def rating_rows(results: list[ItemResult]) -> list[list[Any]]:
    header: list[Any] = [_("No."), _("Item")]
    for _group, group_label in RaterGroup.choices:
        header += [f"{group_label} · {grade_label}" for _grade, grade_label in Grade.choices]
        header += [f"{group_label} · {_('Satisfaction (%)')}"]
    header.append(_("Flagged"))
    rows: list[list[Any]] = [header]
    for result in results:
        row: list[Any] = [result.item.no, item_label(result.item)]
        for group in result.groups:
            if group.withheld:
                row += [_("withheld")] + [""] * len(Grade.values)
                continue
            row += [group.counts.get(grade, 0) for grade in Grade.values]
            row.append(group.rate if group.rate is not None else "")
        row.append(_("yes") if result.flag else "")
        rows.append(row)
    return rows


def rating_chart(results: list[ItemResult]) -> dict[str, Any]:
    groups = []
    for index, (group, label) in enumerate(RaterGroup.choices):
        groups.append(
            {
                "group": group,
                "title": str(label),
                "values": [
                    {grade: result.groups[index].counts.get(grade, 0) for grade in Grade.values}
                    for result in results
                ],
            }
        )
    return {
        "kind": "rating",
        "labels": [f"{result.item.no}. {item_label(result.item)[:20]}" for result in results],
        "grades": [{"key": key, "label": str(label)} for key, label in Grade.choices],
        "groups": groups,
    }
