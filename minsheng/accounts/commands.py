"""``--by USERNAME`` for every ``minsheng`` command that writes: the named, active person the writes are
attributed to (in the audit trail, as the actor of each AuditEvent and of each change's before and after).

It is required: an auditor wants a person behind every write, including the nightly ones (cron names the
office account it runs for). A missing, unknown or inactive name is :func:`common.commands.bad_input`
(one line, exit code 2), before anything is written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from minsheng.accounts.models import User
from minsheng.accounts.trail import acting
from minsheng.common.commands import bad_input


def add_by_argument(parser: CommandParser, *, help: str | None = None) -> None:
    parser.add_argument(
        "--by", metavar="USERNAME", help=help or "the person the writes are recorded for (an active user)"
    )


def command_actor(options: dict[str, Any]) -> User:
    """The active user named by ``--by``, or bad_input saying what is wrong."""
    name = (options.get("by") or "").strip()
    if not name:
        raise bad_input(_("Name the person this is done for: --by USERNAME."))
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        raise bad_input(_("There is no active user %(name)s.") % {"name": name})
    return user


@contextlib.contextmanager
def acting_for(options: dict[str, Any]) -> Iterator[User]:
    """Check ``--by`` and attribute every write inside to that person."""
    user = command_actor(options)
    with acting(user, source="command"):
        yield user
