"""Writes of the printing app: issuing a bulletin, which renders it and records who issued it, when, for
which period and in which format (an audit event too). The next bulletin's period starts where this one
ends. The bulletin's bytes are returned to the caller (a download, a file), not kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import User
from minsheng.accounts.services import audit_record
from minsheng.common.services import clean, require
from minsheng.plans.models import Plan
from minsheng.printing.bulletins import CONTENT_TYPES, bulletin_get, bulletin_render
from minsheng.printing.models import Bulletin, BulletinFormat


class PrintingError(ValidationError):
    """A bulletin or poster that cannot be made as asked (a bad date, an unknown format)."""


@dataclass(frozen=True)
class IssuedBulletin:
    record: Bulletin
    content: bytes
    filename: str
    content_type: str


def bulletin_filename(*, plan: Plan, on: dt.date, fmt: str) -> str:
    return f"bulletin-plan{plan.pk}-{on:%Y%m%d}.{fmt}"


def bulletin_issue(
    *, plan: Plan, on: dt.date, fmt: str, by: User | None, since: dt.date | None = None
) -> IssuedBulletin:
    """Render the bulletin of ``plan`` as of ``on`` in ``fmt`` (pdf or docx) and record it. ``by`` is the
    office user (None: the command line, run by whoever runs the server). ``since``: the day before the
    period starts (default: the previous bulletin's date, else the start of delivery)."""
    if by is not None:
        require(by, "printing.issue_bulletin", plan)
    if fmt not in BulletinFormat.values:
        raise PrintingError({"format": _("Unknown format “%(format)s”: use pdf or docx.") % {"format": fmt}})
    if since is not None and since >= on:
        raise PrintingError({"since": _("The period must start before the bulletin's date.")})
    if on.year < plan.year - 1 or on.year > plan.year + 1:
        raise PrintingError(
            {
                "on": _("%(date)s is far from the plan's year %(year)d.")
                % {"date": on.isoformat(), "year": plan.year}
            }
        )
    data = bulletin_get(plan=plan, on=on, since=since)
    content = bulletin_render(data, fmt)  # before the transaction: rendering takes a second or two
    with transaction.atomic():
        record = Bulletin(
            plan=plan,
            as_of=on,
            since=data.period.since,
            format=fmt,
            issued_by=by,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
        )
        clean(record, PrintingError)
        record.save()
        audit_record(
            actor=by,
            verb=AuditVerb.BULLETIN_ISSUE,
            obj=record,
            details={
                "plan": plan.pk,
                "as_of": on.isoformat(),
                "since": data.period.since.isoformat(),
                "format": fmt,
                "sha256": record.sha256,
            },
        )
    return IssuedBulletin(
        record=record,
        content=content,
        filename=bulletin_filename(plan=plan, on=on, fmt=fmt),
        content_type=CONTENT_TYPES[BulletinFormat(fmt)],
    )
