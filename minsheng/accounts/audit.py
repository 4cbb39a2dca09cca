"""The audit trail's vocabulary: every verb a service records, one enumeration.

A service records each write with :func:`minsheng.accounts.services.audit_record`, whose ``verb`` must be an
:class:`AuditVerb` (mypy checks the call sites; ``audit_record`` refuses any other string at run time), so
that an auditor can list what the system does and no verb is built from a string at run time. Add a member
here when a service gains a new kind of write; never rename one (stored events keep their verb).
"""

from __future__ import annotations

from enum import StrEnum


class AuditVerb(StrEnum):
    # accounts
    USER_CREATE = "user_create"
    ACCOUNT_REGISTER = "account_register"
    EMAIL_CONFIRMATION_SEND = "email_confirmation_send"
    EMAIL_CONFIRM = "email_confirm"
    USER_DEACTIVATE = "user_deactivate"
    SIGN_IN_LINK_CREATE = "sign_in_link_create"
    SIGN_IN_LINK_USE = "sign_in_link_use"
    PASSWORD_SET = "password_set"  # noqa: S105 - a verb, not a password
    UPKEEP_SCHEDULE_INSTALL = "upkeep_schedule_install"
    TWO_FACTOR_ENROL = "two_factor_enrol"
    TWO_FACTOR_FAIL = "two_factor_fail"
    TWO_FACTOR_RECOVERY_USE = "two_factor_recovery_use"
    TWO_FACTOR_CODES_RENEW = "two_factor_codes_renew"
    TWO_FACTOR_REMOVE = "two_factor_remove"
    TWO_FACTOR_RESET = "two_factor_reset"
    # accounts: signing in (no password is ever stored)
    SIGN_IN = "sign_in"
    SIGN_IN_FAIL = "sign_in_fail"
    SIGN_IN_LOCKOUT = "sign_in_lockout"
    SIGN_OUT = "sign_out"
    # the audit trail itself
    AUDIT_PURGE = "audit_purge"
    # changes no service claimed (see minsheng.accounts.trail): from the Django admin, or elsewhere
    ADMIN_ADD = "admin_add"
    ADMIN_CHANGE = "admin_change"
    ADMIN_DELETE = "admin_delete"
    RECORD_CREATE = "record_create"
    RECORD_CHANGE = "record_change"
    RECORD_DELETE = "record_delete"
    # plans
    PLAN_IMPORT = "plan_import"
    PLAN_STATUS_SET = "plan_status_set"
    PLAN_ADOPT = "plan_adopt"
    PLAN_EDIT = "plan_edit"
    PLAN_CARRY_OVER = "plan_carry_over"
    DEPARTMENT_CREATE = "department_create"
    DEPARTMENT_RENAME = "department_rename"
    DEPARTMENT_MERGE = "department_merge"
    DEPARTMENT_RETIRE = "department_retire"
    IMPORT_DRAFT_CREATE = "import_draft_create"
    IMPORT_DRAFT_CORRECT = "import_draft_correct"
    IMPORT_DRAFT_CONFIRM = "import_draft_confirm"
    IMPORT_DRAFT_CANCEL = "import_draft_cancel"
    # notifications
    NOTIFICATIONS_MARK_READ = "notifications_mark_read"
    # delivery: settings, assignment, schedules, reminders
    DELIVERY_SETTINGS_SET = "delivery_settings_set"
    ASSIGNMENT_SET = "assignment_set"
    TARGET_SCHEDULE_SET = "target_schedule_set"
    REMINDER_SEND = "reminder_send"
    REMINDER_SCHEDULE_INSTALL = "reminder_schedule_install"
    # delivery: a report's steps (one per ReportEvent.action)
    REPORT_CREATE = "report_create"
    REPORT_EDIT = "report_edit"
    REPORT_SUBMIT = "report_submit"
    REPORT_APPROVE = "report_approve"
    REPORT_ACCEPT = "report_accept"
    REPORT_RETURN = "report_return"
    REPORT_PUBLISH = "report_publish"
    REPORT_UNPUBLISH = "report_unpublish"
    REPORT_RECORD = "report_record"
    REPORT_EVIDENCE_ADD = "report_evidence_add"
    REPORT_EVIDENCE_REMOVE = "report_evidence_remove"
    # delivery: supervision notices
    NOTICE_ISSUE = "notice_issue"
    NOTICE_REPLY = "notice_reply"
    NOTICE_CLOSE = "notice_close"
    NOTICE_ESCALATE = "notice_escalate"
    # participation
    WINDOW_SET = "window_set"
    SENSITIVE_WORD_ADD = "sensitive_word_add"
    SENSITIVE_WORD_REMOVE = "sensitive_word_remove"
    ITEM_CHANGES_NOTIFY = "item_changes_notify"
    SUGGESTION_SUBMIT = "suggestion_submit"
    SUGGESTION_ACCEPTED = "suggestion_accepted"
    SUGGESTION_MERGED = "suggestion_merged"
    SUGGESTION_DECLINED = "suggestion_declined"
    SUGGESTION_MERGE_MOVED = "suggestion_merge_moved"
    SUGGESTION_ITEM_LINK = "suggestion_item_link"
    COMMENT_SUBMIT = "comment_submit"
    COMMENT_WITHDRAW = "comment_withdraw"
    COMMENT_FLAG = "comment_flag"
    COMMENT_MODERATE = "comment_moderate"
    COMMENT_RESPOND = "comment_respond"
    ITEM_SUPPORT = "item_support"
    ITEM_SUPPORT_WITHDRAW = "item_support_withdraw"
    ITEM_FOLLOW = "item_follow"
    ITEM_UNFOLLOW = "item_unfollow"
    # voting
    VOTE_CREATE = "vote_create"
    VOTE_CHANGE = "vote_change"
    VOTE_OPEN = "vote_open"
    BALLOT_CAST = "ballot_cast"
    VOTE_CLOSE = "vote_close"
    VOTE_TIE_DECIDE = "vote_tie_decide"
    RATING_CREATE = "rating_create"
    RATING_CHANGE = "rating_change"
    RATING_OPEN = "rating_open"
    ITEM_RATE = "item_rate"
    RATING_CLOSE = "rating_close"
    RATING_FLAG_NOTICE = "rating_flag_notice"
    # printing
    BULLETIN_ISSUE = "bulletin_issue"
    # api
    API_TOKEN_CREATE = "api_token_create"  # noqa: S105 - a verb, not a token
    API_TOKEN_REVOKE = "api_token_revoke"  # noqa: S105 - a verb, not a token


# Signing in and out: recorded in the trail, but not writes (a refused write records nothing else).
SESSION_VERBS = frozenset(
    {AuditVerb.SIGN_IN, AuditVerb.SIGN_IN_FAIL, AuditVerb.SIGN_IN_LOCKOUT, AuditVerb.SIGN_OUT}
)
