"""The delivery pages: the office's dashboard and its forms, the department workspace, reports, notices,
and the Excel round trip (notifications: minsheng.notifications). Each view parses input, checks a rule, calls one service or
selector and renders; a service's ``DeliveryError`` is shown on the form, a ``ConflictError`` says that
someone else changed the record first (the user's input stays in the form), and a refused rule is a 403.

By page family: :mod:`.office`, :mod:`.sheets`, :mod:`.reports`, :mod:`.notices`; every view is re-exported
here for the URLconf.
"""

from __future__ import annotations

from minsheng.delivery.views._core import (
    F,
)
from minsheng.delivery.views.notices import (
    notice_close,
    notice_detail,
    notice_escalate,
    notice_new,
    notice_reply,
)
from minsheng.delivery.views.office import (
    assign,
    dashboard,
    home,
    schedule,
)
from minsheng.delivery.views.reports import (
    evidence_download,
    evidence_remove,
    item_delivery,
    report_accept,
    report_approve,
    report_detail,
    report_edit,
    report_evidence,
    report_new,
    report_publish,
    report_return,
    report_submit,
    workspace,
)
from minsheng.delivery.views.sheets import (
    progress_template,
    progress_upload,
)

__all__ = [
    "F",
    "assign",
    "dashboard",
    "evidence_download",
    "evidence_remove",
    "home",
    "item_delivery",
    "notice_close",
    "notice_detail",
    "notice_escalate",
    "notice_new",
    "notice_reply",
    "progress_template",
    "progress_upload",
    "report_accept",
    "report_approve",
    "report_detail",
    "report_edit",
    "report_evidence",
    "report_new",
    "report_publish",
    "report_return",
    "report_submit",
    "schedule",
    "workspace",
]
