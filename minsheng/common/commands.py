"""What the management commands share: bad arguments are a one-line error and exit code 2
(:data:`BAD_INPUT`), in the user's language, and nothing is written."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

BAD_INPUT = 2


def bad_input(message: str) -> CommandError:
    """The error a command raises for a bad argument: its message on one line, exit code 2."""
    return CommandError(message, returncode=BAD_INPUT)


def date_argument(text: str) -> dt.date:
    """A date given on the command line (2025-06-30), or :func:`bad_input` saying how to write one."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise bad_input(_("“%(value)s” is not a date (write 2025-06-30).") % {"value": text}) from None
