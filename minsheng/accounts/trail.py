"""Who is writing, from where, and which write: the context every audit record is stamped with.

A *trail* is opened once per web request (:class:`~minsheng.accounts.middleware.AuditTrailMiddleware`), per
command run (:func:`acting`, from a command's ``--by``) or, for code run outside both (a django-q task, a
shell), lazily with no person and the source ``system``. It carries:

- the **actor**: the signed-in person or the command's ``--by`` user (``audit_record`` falls back to it when
  a service is called without ``by``; django-auditlog's change entries take it too);
- the **source**: ``web``, ``admin``, ``api``, ``command`` or ``system``;
- a **correlation id** ``source:run:n``. django-auditlog stamps every change entry (the fields before and
  after) with :func:`current_cid`; :func:`~minsheng.accounts.services.audit_record` stamps the service's
  :class:`~minsheng.accounts.models.AuditEvent` with the same id and then moves on to ``n + 1``. A service
  changes its rows and then records its verb, so the changes of one write and its AuditEvent share an id.
  An event whose write changed no tracked row (a ballot, a sign-in) gets ``source:run:-``: it links to
  nothing, and no counter in it could tell the order of the ballots.
- the changes no service claimed (the Django admin's forms, a model saved outside a service): when the
  request or command ends they get an AuditEvent of their own (``admin_add``/``admin_change``/
  ``admin_delete`` from the admin, ``record_*`` elsewhere), so the audit page lists every write. This costs
  no query when every change was claimed.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

SOURCES = ("web", "admin", "api", "command", "system")
# Steps a trail remembers as claimed: far more than one transaction writes before its commit.
KEEP_STEPS = 10_000


@dataclass
class Trail:
    source: str
    actor: Callable[[], Any] | None = None  # resolved when first needed (the request's lazy user)
    remote_addr: str | None = None
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    step: int = 0
    claimed: set[int] = field(default_factory=set)
    logged: set[int] = field(default_factory=set)  # steps with change entries
    # (step, content type id, object pk, auditlog action, entry id) of changes, until the trail closes.
    pending: list[tuple[int, int, str, int, int]] = field(default_factory=list)

    @property
    def cid(self) -> str:
        return f"{self.source}:{self.run}:{self.step}"

    def who(self) -> Any:
        """The person acting, or None (anonymous, the system)."""
        user = self.actor() if self.actor is not None else None
        if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
            return None
        return user


_trail: ContextVar[Trail | None] = ContextVar("minsheng_audit_trail", default=None)


def current() -> Trail:
    """The open trail, opening a ``system`` one (no person) for code that runs outside requests and commands."""
    trail = _trail.get()
    if trail is None:
        trail = Trail(source="system")
        _trail.set(trail)
    return trail


def current_cid() -> str:
    """django-auditlog's correlation id getter (``AUDITLOG_CID_GETTER``)."""
    return current().cid


def claim() -> str:
    """The id of the write being recorded; later changes belong to the next write. Called by audit_record."""
    trail = current()
    if trail.step not in trail.logged:
        return alone()
    cid = trail.cid
    trail.claimed.add(trail.step)
    trail.logged.discard(trail.step)
    trail.step += 1
    if len(trail.claimed) > KEEP_STEPS * 2:  # a long-lived trail: forget old steps
        trail.claimed = {step for step in trail.claimed if step > trail.step - KEEP_STEPS}
    return cid


def note_change(entry: Any) -> None:
    """A change entry (django-auditlog's ``LogEntry``) was saved in this trail: its write has something to
    link; if no service claims it, it gets an AuditEvent when the request or command ends (not in the
    ``system`` trail, which never ends)."""
    trail = current()
    parts = (entry.cid or "").rsplit(":", 2)
    if len(parts) != 3 or parts[1] != trail.run or not parts[2].isdigit():
        return
    step = int(parts[2])
    trail.logged.add(step)
    if trail.source != "system":
        trail.pending.append((step, entry.content_type_id, entry.object_pk, entry.action, entry.pk))


def alone() -> str:
    """The id of an event with no field changes of its own (a sign-in, a purge, a ballot): the source and
    run only; changes recorded before it stay with their own write."""
    trail = current()
    return f"{trail.source}:{trail.run}:-"


@contextlib.contextmanager
def opened(
    *, source: str, actor: Callable[[], Any] | None = None, remote_addr: str | None = None
) -> Iterator[Trail]:
    """Open a trail for a request or a command run."""
    if source not in SOURCES:
        raise ValueError(source)
    trail = Trail(source=source, actor=actor, remote_addr=remote_addr)
    token = _trail.set(trail)
    try:
        yield trail
    finally:
        try:
            if trail.pending:
                from minsheng.accounts.services import audit_unclaimed_record

                audit_unclaimed_record(trail=trail)
        finally:
            _trail.reset(token)


@contextlib.contextmanager
def acting(user: Any, *, source: str = "command") -> Iterator[Trail]:
    """Every write inside is attributed to ``user`` (a command's ``--by``)."""
    with opened(source=source, actor=lambda: user) as trail:
        yield trail
