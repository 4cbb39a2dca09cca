"""Who may do what in delivery. Services, views and the admin ask these rules (docs/delivery.md#permissions).

Rules say *who* may act on *which* object; whether the object is in a state that allows the step (a draft
can be submitted, an approved report accepted) is the service's business, which refuses with a clear
message (``DeliveryError``).

- The supervision office (an active staff user with role ``office``) sees everything, assigns, sets
  schedules and thresholds, accepts or returns reports, records figures, issues and closes notices.
- A department reporter drafts, submits and attaches evidence to reports on the items its department
  delivers (lead or supporting) and answers notices sent to its department.
- A department head approves (or sends back) its department's submitted reports and answers notices.
- Deputies and the public see accepted, published figures only.
"""

from __future__ import annotations

from typing import Any

import rules

from minsheng.accounts.models import User
from minsheng.accounts.rules import is_office_staff
from minsheng.plans.models import Item, ItemDepartment


def _has_role(user: Any, role: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == role)


@rules.predicate
def is_reporter(user: User) -> bool:
    return _has_role(user, User.Role.REPORTER) and user.department_id is not None


@rules.predicate
def is_dept_head(user: User) -> bool:
    return _has_role(user, User.Role.DEPT_HEAD) and user.department_id is not None


is_department_member = is_reporter | is_dept_head


def _item_of(obj: Any) -> Item | int | None:
    """The item an object is about: an item, a target, a report, a notice or a piece of evidence."""
    if obj is None:
        return None
    if isinstance(obj, Item):
        return obj
    if hasattr(obj, "report_id"):  # evidence
        return _item_of(obj.report)
    if hasattr(obj, "item_id"):  # target, notice
        return obj.item_id
    if hasattr(obj, "target_id"):  # report
        return obj.target.item_id
    return None


@rules.predicate
def serves_item(user: User, obj: Any) -> bool:
    """The user's department is the lead or a supporting department of the object's item."""
    item = _item_of(obj)
    department_id: int | None = getattr(user, "department_id", None)
    if item is None or not department_id:
        return False
    if isinstance(item, Item):
        cache = getattr(item, "_prefetched_objects_cache", {})
        if "assignments" in cache:
            return any(a.department_id == department_id for a in cache["assignments"])
        item = item.pk
    return ItemDepartment.objects.filter(item_id=item, department_id=department_id).exists()


def _report_of(obj: Any) -> Any:
    return obj.report if hasattr(obj, "report_id") else obj


@rules.predicate
def of_report_department(user: User, obj: Any) -> bool:
    report = _report_of(obj)
    return bool(report is not None and report.department_id and report.department_id == user.department_id)


@rules.predicate
def is_published_report(_user: User, obj: Any) -> bool:
    report = _report_of(obj)
    return bool(report is not None and report.status == "accepted" and report.published)


@rules.predicate
def of_notice_department(user: User, notice: Any) -> bool:
    return bool(notice is not None and notice.department_id == user.department_id)


office = is_office_staff


def returns_as_office(user: Any) -> bool:
    """Whether ``user`` returns reports as the office (from approved), not as a department head (from
    submitted): the office, or an active superuser."""
    return bool(office(user) or (user.is_active and user.is_superuser))


serving_member = is_department_member & serves_item
own_reporter = is_reporter & of_report_department & serves_item
own_head = is_dept_head & of_report_department & serves_item

# The admin's delivery section and its read-only pages.
rules.add_perm("delivery", office)
for model in (
    "deliverysettings",
    "assignment",
    "plannedvalue",
    "progressreport",
    "reportevent",
    "supervisionnotice",
):
    rules.add_perm(f"delivery.view_{model}", office)
rules.add_perm("delivery.add_deliverysettings", office)
rules.add_perm("delivery.change_deliverysettings", office)

# Status (completion and lights): the office sees every accepted figure and overdue reports; everyone
# else sees published figures (plan_status(public=True)); a department sees its own items in full.
rules.add_perm("delivery.view_public_status", rules.always_allow)
rules.add_perm("delivery.view_delivery_status", office)
rules.add_perm("delivery.view_item_delivery", office | serving_member)  # obj: item
rules.add_perm("delivery.view_workspace", rules.is_active & is_department_member)  # a department's own page

# Assignment and schedules (obj: item, plan, target).
rules.add_perm("delivery.assign_item", office)
rules.add_perm("delivery.change_settings", office)
rules.add_perm("delivery.change_schedule", office)

# Progress reports (obj: target for add, else the report).
rules.add_perm("delivery.add_report", is_reporter & serves_item)
rules.add_perm("delivery.view_report", office | serving_member | is_published_report)
rules.add_perm("delivery.change_report", own_reporter)
rules.add_perm("delivery.submit_report", own_reporter)
rules.add_perm("delivery.approve_report", own_head)
rules.add_perm("delivery.return_report", office | own_head)
rules.add_perm("delivery.accept_report", office)
rules.add_perm("delivery.publish_report", office)
rules.add_perm("delivery.add_evidence", own_reporter)  # obj: report
rules.add_perm("delivery.delete_evidence", own_reporter)  # obj: evidence
# (also the admin's evidence page, which only the office reaches)
rules.add_perm("delivery.view_evidence", office | serving_member)  # obj: report or evidence
rules.add_perm("delivery.record_accepted", office)  # obj: target
rules.add_perm("delivery.load_progress", office)  # obj: plan (the Excel load)
rules.add_perm("delivery.download_progress_template", office | is_department_member)  # obj: plan

# Supervision notices (obj: item for issue, else the notice).
rules.add_perm("delivery.issue_notice", office)
rules.add_perm("delivery.view_notice", office | (is_department_member & of_notice_department))
rules.add_perm("delivery.reply_notice", is_department_member & of_notice_department)
rules.add_perm("delivery.close_notice", office)
rules.add_perm("delivery.escalate_notice", office)
