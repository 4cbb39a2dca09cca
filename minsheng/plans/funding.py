"""Funding estimate: what an item's standards imply it costs, amount × beneficiaries × periods.

Works on anything shaped like a target (``kind``, ``value``, ``unit``, ``source``) and a standard (``amount``,
``op``, ``per``, ``period``, ``source``): the models, or the document reader's dataclasses.

The rules (docs/data-model.md says more):

- a standard pairs with the nearest quantity target *after* it in the item's text whose unit fits the
  standard's ``per`` (人 ~ 人/名/人次/位, 户 ~ 户, 颗 ~ 颗; otherwise the same word);
- a monthly standard counts 12 times over the plan year, a quarterly one 4 times, a yearly one or one with
  no period once;
- several standards that pair with the same count are graded (每人每月不低于70元、150元、240元): the
  estimate takes the lowest;
- "at least" standards and ranges give an estimate at the stated minimum, and say so;
- standards that pair with no count are left out, and the estimate says how many.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

BENEFICIARY_UNITS: dict[str, frozenset[str]] = {
    "人": frozenset({"人", "名", "人次", "位"}),
    "户": frozenset({"户"}),
    "颗": frozenset({"颗"}),
}
PERIODS_PER_YEAR: dict[str, int] = {"": 1, "年": 1, "季": 4, "季度": 4, "月": 12}


class Reason:
    """Why no estimate can be made for an item."""

    NO_STANDARD = "no_standard"
    NO_PER = "no_per"
    NO_COUNT = "no_count"

    @staticmethod
    def text(code: str) -> str:
        return {
            Reason.NO_STANDARD: _("The item states no funding standard."),
            Reason.NO_PER: _("The standard does not say per whom or per what it is paid."),
            Reason.NO_COUNT: _("No count of beneficiaries in the item matches the standard."),
        }[code]


def format_number(value: Decimal | int) -> str:
    """3553000 -> 3,553,000; 39.5000 -> 39.5."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def format_yuan(value: Decimal | int) -> str:
    return _("%(amount)s yuan") % {"amount": format_number(value)}


@dataclass(frozen=True)
class Term:
    """One standard applied to one count: 209 元 × 17,000 (× 12 for a monthly amount)."""

    amount: Decimal
    count: Decimal
    periods: int
    minimum: bool = False
    graded: tuple[Decimal, ...] = ()

    @property
    def total(self) -> Decimal:
        return self.amount * self.count * self.periods

    @property
    def expression(self) -> str:
        text = _("%(amount)s × %(count)s") % {
            "amount": format_yuan(self.amount),
            "count": format_number(self.count),
        }
        if self.periods != 1:
            text = _("%(expression)s × %(periods)s") % {"expression": text, "periods": self.periods}
        return text


@dataclass(frozen=True)
class ItemEstimate:
    """An item's estimate, or the reason there is none (``terms`` empty, ``reason`` set)."""

    terms: tuple[Term, ...] = ()
    reason: str | None = None
    unpaired: int = 0

    @property
    def possible(self) -> bool:
        return bool(self.terms)

    @property
    def total(self) -> Decimal | None:
        return sum((term.total for term in self.terms), Decimal(0)) if self.terms else None

    @property
    def minimum(self) -> bool:
        return any(term.minimum or term.graded for term in self.terms)

    @property
    def formula(self) -> str:
        """209 元 × 17,000 = 3,553,000 元."""
        if not self.terms:
            return ""
        return _("%(terms)s = %(total)s") % {
            "terms": " + ".join(term.expression for term in self.terms),
            "total": format_yuan(self.total or 0),
        }

    @property
    def reason_text(self) -> str:
        return Reason.text(self.reason) if self.reason else ""

    @property
    def notes(self) -> list[str]:
        notes = []
        for term in self.terms:
            if term.graded:
                notes.append(
                    _("Graded standards (%(amounts)s): estimated at the lowest.")
                    % {"amounts": " / ".join(format_yuan(amount) for amount in term.graded)}
                )
        if any(term.minimum for term in self.terms):
            notes.append(_("The standard is a minimum or a range: estimated at the stated minimum."))
        if any(term.periods == 12 for term in self.terms):
            notes.append(_("A monthly amount counts 12 times over the plan year."))
        if self.unpaired and self.terms:
            notes.append(
                _("%(count)d standard(s) with no matching count of beneficiaries are not included.")
                % {"count": self.unpaired}
            )
        return notes


@dataclass
class TotalEstimate:
    """Sum of the item estimates of an action or a plan, and how many items they cover."""

    total: Decimal = Decimal(0)
    covered: int = 0
    items: int = 0
    minimum: bool = False

    def add(self, estimate: ItemEstimate) -> None:
        self.items += 1
        if estimate.possible:
            self.covered += 1
            self.total += estimate.total or 0
            self.minimum |= estimate.minimum

    @property
    def total_text(self) -> str:
        return format_yuan(self.total)

    @property
    def coverage_text(self) -> str:
        return _("Estimated for %(covered)d of %(items)d items.") % {
            "covered": self.covered,
            "items": self.items,
        }


def compatible(per: str | None, unit: str | None) -> bool:
    if not per or not unit:
        return False
    return unit in BENEFICIARY_UNITS.get(per, frozenset({per}))


def _positions(text: str, sources: Sequence[str]) -> list[int]:
    """Where each source occurs, searching on from the previous one (sources come in text order)."""
    positions, cursor = [], 0
    for source in sources:
        if not source:
            positions.append(-1)
            continue
        found = text.find(source, cursor)
        if found < 0:
            found = text.find(source)
        positions.append(found)
        if found >= 0:
            cursor = found + 1
    return positions


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def item_estimate(*, text: str, targets: Iterable[Any], standards: Iterable[Any]) -> ItemEstimate:
    """Estimate one item's funding from its text, targets and standards."""
    standards = list(standards)
    if not standards:
        return ItemEstimate(reason=Reason.NO_STANDARD)
    usable = [s for s in standards if s.per]
    if not usable:
        return ItemEstimate(reason=Reason.NO_PER)
    counts = [t for t in targets if t.kind == "quantity" and t.value is not None and t.op != "<="]
    standard_at = _positions(text, [s.source for s in standards])
    count_at = _positions(text, [t.source for t in counts])

    groups: dict[int, list[Any]] = {}  # index of count -> standards paired with it, in text order
    unpaired = 0
    for standard, position in zip(standards, standard_at, strict=True):
        periods = PERIODS_PER_YEAR.get(standard.period or "")
        candidates = [
            (count_position, index)
            for index, (count, count_position) in enumerate(zip(counts, count_at, strict=True))
            if compatible(standard.per, count.unit) and count_position > position
        ]
        if periods is None or not candidates:
            unpaired += 1
            continue
        groups.setdefault(min(candidates)[1], []).append(standard)

    terms = []
    for index in sorted(groups, key=lambda i: count_at[i]):
        paired = groups[index]
        lowest = min(paired, key=lambda s: _decimal(s.amount))
        terms.append(
            Term(
                amount=_decimal(lowest.amount),
                count=_decimal(counts[index].value),
                periods=PERIODS_PER_YEAR[lowest.period or ""],
                minimum=any(s.op in (">=", "range") for s in paired),
                graded=tuple(_decimal(s.amount) for s in paired) if len(paired) > 1 else (),
            )
        )
    if not terms:
        return ItemEstimate(reason=Reason.NO_COUNT, unpaired=unpaired)
    return ItemEstimate(terms=tuple(terms), unpaired=unpaired)
