"""Warnings about a document, in the user's language.

The reader imports no Django, so a warning is a :class:`Notice`: a stable ``code``, its ``params``, and the
English message marked with :func:`N_` for translation. Its zh-hans and English entries are in
``minsheng/locale/*/django.po`` (``make messages`` skips this package: a new code is added there by hand).
The edge renders it in the user's language through :meth:`Notice.render`: ``minsheng parse`` with the
project's catalogue, the import preview with Django's gettext. ``PlanDocument.warnings`` keeps the English
text for the JSON contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Mark a message for translation without translating it here."""
    return message


MESSAGES = {
    "number-repeated": N_("Item number %(number)s appears more than once."),
    "numbering-gap": N_("The numbering skips from %(previous)s to %(next)s (missing %(missing)s)."),
    "declared-count": N_("Action %(action)s (%(title)s) declares %(declared)s items but lists %(found)s."),
    "announced-count": N_(
        "The document announces %(announced)s items but %(found)s were read; check that the list is complete."
    ),
    "subtotal": N_("Item %(item)s: the parts after 其中 add up to %(total)s, not %(stated)s."),
    "doubtful-reading": N_(
        "The list can be read in more than one way (chosen: %(chosen)s, close second: %(runner_up)s); "
        "check the items."
    ),
}


@dataclass(slots=True)
class Notice:
    code: str
    params: dict[str, object] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The English message, the msgid of its translations."""
        return MESSAGES[self.code]

    def render(self, gettext: Callable[[str], str] | None = None) -> str:
        template = gettext(self.message) if gettext else self.message
        return template % self.params

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "params": dict(self.params), "message": self.render()}
