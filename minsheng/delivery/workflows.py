"""The delivery workflows, declared once: the steps of a progress report and of a supervision notice.

Each step names the rule that allows it (``minsheng/delivery/rules.py``) and the states it is allowed from.
The services run a step only from those states (``services._transition``, ``services._notice_step``) and
the selectors show a button exactly for the steps ``Workflow.available`` returns, so a page never offers a
step the service would refuse (``tests/test_workflows.py`` checks every role and state).

A report: draft → submitted (reporter) → approved (department head) → accepted (office), or returned to the
reporter — by the head from submitted, by the office from approved — and submitted again; the office
publishes or withdraws an accepted figure. A notice: open → answered (department) → closed (office), or
escalated (office) and answered again.
"""

from __future__ import annotations

from typing import Any

from minsheng.common.workflow import Step, Workflow
from minsheng.delivery.models import ReportStatus, SupervisionNotice
from minsheng.delivery.rules import returns_as_office

EDITABLE = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})


def return_states(user: Any) -> frozenset[str]:
    """The office returns reports the department head approved; the head, reports submitted to them."""
    return frozenset({ReportStatus.APPROVED if returns_as_office(user) else ReportStatus.SUBMITTED})


REPORT_FLOW = Workflow(
    Step("edit", "delivery.change_report", EDITABLE),
    Step("submit", "delivery.submit_report", EDITABLE),
    Step("add_evidence", "delivery.add_evidence", EDITABLE),
    Step("remove_evidence", "delivery.delete_evidence", EDITABLE),
    Step("approve", "delivery.approve_report", {ReportStatus.SUBMITTED}),
    Step("accept", "delivery.accept_report", {ReportStatus.APPROVED}),
    Step("return", "delivery.return_report", return_states),
    Step("publish", "delivery.publish_report", {ReportStatus.ACCEPTED}),  # publish or withdraw the figure
)

_Status = SupervisionNotice.Status

NOTICE_FLOW = Workflow(
    Step("reply", "delivery.reply_notice", {_Status.OPEN, _Status.ESCALATED}),
    Step("close", "delivery.close_notice", {_Status.OPEN, _Status.ANSWERED, _Status.ESCALATED}),
    Step("escalate", "delivery.escalate_notice", {_Status.OPEN, _Status.ANSWERED}),
)
