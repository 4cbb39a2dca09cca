"""How the trail reads in the user's language: verbs, sources, actions and each field's before and after."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.audit import AuditVerb

VERB_LABELS: dict[str, Promise] = {
    AuditVerb.USER_CREATE.value: _("Created an account"),
    AuditVerb.ACCOUNT_REGISTER.value: _("Registered an account"),
    AuditVerb.EMAIL_CONFIRMATION_SEND.value: _("Sent an email confirmation"),
    AuditVerb.EMAIL_CONFIRM.value: _("Confirmed an email address"),
    AuditVerb.USER_DEACTIVATE.value: _("Deactivated an account"),
    AuditVerb.SIGN_IN_LINK_CREATE.value: _("Created a sign-in link"),
    AuditVerb.SIGN_IN_LINK_USE.value: _("Used a sign-in link"),
    AuditVerb.PASSWORD_SET.value: _("Set a password"),
    AuditVerb.SIGN_IN.value: _("Signed in"),
    AuditVerb.SIGN_IN_FAIL.value: _("Failed sign-in"),
    AuditVerb.SIGN_IN_LOCKOUT.value: _("Locked out after failed sign-ins"),
    AuditVerb.SIGN_OUT.value: _("Signed out"),
    AuditVerb.AUDIT_PURGE.value: _("Purged audit records past retention"),
    AuditVerb.ADMIN_ADD.value: _("Added in the admin"),
    AuditVerb.ADMIN_CHANGE.value: _("Changed in the admin"),
    AuditVerb.ADMIN_DELETE.value: _("Deleted in the admin"),
    AuditVerb.RECORD_CREATE.value: _("Created a record"),
    AuditVerb.RECORD_CHANGE.value: _("Changed a record"),
    AuditVerb.RECORD_DELETE.value: _("Deleted a record"),
    AuditVerb.PLAN_IMPORT.value: _("Imported a plan"),
    AuditVerb.PLAN_STATUS_SET.value: _("Set a plan's stage"),
    AuditVerb.PLAN_ADOPT.value: _("Adopted a plan"),
    AuditVerb.DEPARTMENT_CREATE.value: _("Created a department"),
    AuditVerb.DEPARTMENT_RENAME.value: _("Renamed a department"),
    AuditVerb.DEPARTMENT_MERGE.value: _("Merged departments"),
    AuditVerb.DEPARTMENT_RETIRE.value: _("Retired a department"),
    AuditVerb.IMPORT_DRAFT_CREATE.value: _("Uploaded a document to import"),
    AuditVerb.IMPORT_DRAFT_CORRECT.value: _("Corrected an import preview"),
    AuditVerb.IMPORT_DRAFT_CONFIRM.value: _("Confirmed an import"),
    AuditVerb.IMPORT_DRAFT_CANCEL.value: _("Cancelled an import"),
    AuditVerb.NOTIFICATIONS_MARK_READ.value: _("Marked notifications read"),
    AuditVerb.DELIVERY_SETTINGS_SET.value: _("Changed delivery settings"),
    AuditVerb.ASSIGNMENT_SET.value: _("Assigned an item"),
    AuditVerb.TARGET_SCHEDULE_SET.value: _("Set a target's schedule"),
    AuditVerb.REMINDER_SEND.value: _("Sent a reminder"),
    AuditVerb.REMINDER_SCHEDULE_INSTALL.value: _("Installed the reminder schedule"),
    AuditVerb.REPORT_CREATE.value: _("Created a progress report"),
    AuditVerb.REPORT_EDIT.value: _("Edited a progress report"),
    AuditVerb.REPORT_SUBMIT.value: _("Submitted a progress report"),
    AuditVerb.REPORT_APPROVE.value: _("Approved a progress report"),
    AuditVerb.REPORT_ACCEPT.value: _("Accepted a progress report"),
    AuditVerb.REPORT_RETURN.value: _("Returned a progress report"),
    AuditVerb.REPORT_PUBLISH.value: _("Published a figure"),
    AuditVerb.REPORT_UNPUBLISH.value: _("Withdrew a published figure"),
    AuditVerb.REPORT_RECORD.value: _("Recorded an accepted figure"),
    AuditVerb.REPORT_EVIDENCE_ADD.value: _("Added evidence"),
    AuditVerb.REPORT_EVIDENCE_REMOVE.value: _("Removed evidence"),
    AuditVerb.NOTICE_ISSUE.value: _("Issued a supervision notice"),
    AuditVerb.NOTICE_REPLY.value: _("Replied to a supervision notice"),
    AuditVerb.NOTICE_CLOSE.value: _("Closed a supervision notice"),
    AuditVerb.NOTICE_ESCALATE.value: _("Escalated a supervision notice"),
    AuditVerb.WINDOW_SET.value: _("Set a participation window"),
    AuditVerb.SENSITIVE_WORD_ADD.value: _("Added a sensitive word"),
    AuditVerb.SENSITIVE_WORD_REMOVE.value: _("Removed a sensitive word"),
    AuditVerb.ITEM_CHANGES_NOTIFY.value: _("Told followers of item changes"),
    AuditVerb.SUGGESTION_SUBMIT.value: _("Submitted a suggestion"),
    AuditVerb.SUGGESTION_ACCEPTED.value: _("Accepted a suggestion"),
    AuditVerb.SUGGESTION_MERGED.value: _("Merged a suggestion"),
    AuditVerb.SUGGESTION_DECLINED.value: _("Declined a suggestion"),
    AuditVerb.SUGGESTION_MERGE_MOVED.value: _("Moved a merged suggestion"),
    AuditVerb.SUGGESTION_ITEM_LINK.value: _("Linked a suggestion to an item"),
    AuditVerb.COMMENT_SUBMIT.value: _("Submitted a comment"),
    AuditVerb.COMMENT_WITHDRAW.value: _("Withdrew a comment"),
    AuditVerb.COMMENT_FLAG.value: _("Flagged a comment"),
    AuditVerb.COMMENT_MODERATE.value: _("Moderated a comment"),
    AuditVerb.COMMENT_RESPOND.value: _("Responded to a comment"),
    AuditVerb.ITEM_SUPPORT.value: _("Supported an item"),
    AuditVerb.ITEM_SUPPORT_WITHDRAW.value: _("Withdrew support for an item"),
    AuditVerb.ITEM_FOLLOW.value: _("Followed an item"),
    AuditVerb.ITEM_UNFOLLOW.value: _("Stopped following an item"),
    AuditVerb.VOTE_CREATE.value: _("Created a vote"),
    AuditVerb.VOTE_CHANGE.value: _("Changed a vote"),
    AuditVerb.VOTE_OPEN.value: _("Opened a vote"),
    AuditVerb.BALLOT_CAST.value: _("Cast a ballot"),
    AuditVerb.VOTE_CLOSE.value: _("Closed a vote"),
    AuditVerb.VOTE_TIE_DECIDE.value: _("Decided a tie"),
    AuditVerb.RATING_CREATE.value: _("Created a rating round"),
    AuditVerb.RATING_CHANGE.value: _("Changed a rating round"),
    AuditVerb.RATING_OPEN.value: _("Opened a rating round"),
    AuditVerb.ITEM_RATE.value: _("Rated an item"),
    AuditVerb.RATING_CLOSE.value: _("Closed a rating round"),
    AuditVerb.RATING_FLAG_NOTICE.value: _("Flagged a low rating to the office"),
}

SOURCE_LABELS: dict[str, Promise] = {
    "web": _("web page"),
    "admin": _("admin"),
    "api": _("API"),
    "command": _("command line"),
    "system": _("system"),
}

ACTION_LABELS: dict[int, Promise] = {
    LogEntry.Action.CREATE: _("created"),
    LogEntry.Action.UPDATE: _("changed"),
    LogEntry.Action.DELETE: _("deleted"),
}

EMPTY = "—"


def verb_label(verb: str) -> str:
    """The verb in the user's language; a verb added since (by another app) reads as its code."""
    label = VERB_LABELS.get(verb)
    return str(label) if label is not None else verb.replace("_", " ")


def source_label(cid: str | None) -> str:
    source = (cid or "").split(":", 1)[0]
    label = SOURCE_LABELS.get(source)
    return str(label) if label is not None else ""


def action_label(action: int) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else str(action)


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


def _value(model_field: Any, value: Any) -> str:
    if value is None or value == "None" or value == "":
        return EMPTY
    text = str(value)
    choices = getattr(model_field, "flatchoices", None) or ()
    for key, label in choices:
        if str(key) == text:
            return str(label)
    kind = model_field.get_internal_type() if model_field is not None else ""
    if kind == "DateTimeField":
        moment = parse_datetime(text)
        if moment is not None:
            if timezone.is_naive(moment):  # django-auditlog keeps UTC
                moment = moment.replace(tzinfo=dt.UTC)
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
    if kind == "BooleanField":
        return str(_("yes")) if text == "True" else str(_("no")) if text == "False" else text
    return text


def field_changes(change: LogEntry) -> list[FieldChange]:
    """The fields a change touched, each with its name in the user's language, before and after."""
    model = change.content_type.model_class() if change.content_type_id else None
    rows = []
    for name, values in (change.changes or {}).items():
        model_field = None
        label = name
        if model is not None:
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                pass
            else:
                if not model_field.concrete:  # a reverse relation, recorded as a name only
                    continue
                label = str(getattr(model_field, "verbose_name", name))
        if isinstance(
            values, dict
        ):  # a many-to-many change: {"type": "m2m", "operation": ..., "objects": [...]}
            objects = ", ".join(str(obj) for obj in values.get("objects", []))
            before, after = (EMPTY, objects) if values.get("operation") == "add" else (objects, EMPTY)
        else:
            before, after = (
                values if isinstance(values, list | tuple) and len(values) == 2 else (EMPTY, values)
            )
        rows.append(
            FieldChange(field=label, before=_value(model_field, before), after=_value(model_field, after))
        )
    return rows


def changes_text(changes: list[LogEntry]) -> str:
    """All the fields of a write's changes on one line, for the CSV export."""
    parts = []
    for change in changes:
        fields = "; ".join(f"{row.field}: {row.before} → {row.after}" for row in field_changes(change))
        parts.append(f"{change.object_repr} ({action_label(change.action)}) {fields}".strip())
    return " | ".join(parts)
