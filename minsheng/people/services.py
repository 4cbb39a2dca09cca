"""Writes of the people pages: departments (create, rename, merge, retire) and people (add one, add many
from a sheet, deactivate, a new sign-in link). Each is one transaction, asks ``people.manage`` and leaves
an audit event.

A new person signs in with their phone number or email address as user name, and gets either a one-time
sign-in link or an initial password that they must change at their first sign-in; either is returned once
(only the link's hash is stored) for the office to hand over, and a link is also mailed to a person who has
an email address.

Merging moves everything that points at the merged department (its people, its item assignments, its
reports, its notices, and any other foreign key to ``plans.Department``, found through the model's
relations) onto the kept one, then deletes the merged one. Retiring is refused while the department has
open work; otherwise its active people are deactivated with it.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.audit import AuditVerb
from minsheng.accounts.models import User
from minsheng.accounts.services import (
    SIGN_IN_LINK_DAYS,
    audit_record,
    sign_in_link_create,
    user_create,
    user_deactivate,
)
from minsheng.common import services as common
from minsheng.delivery.models import ProgressReport, ReportStatus, SupervisionNotice
from minsheng.notifications.services import mail_send
from minsheng.plans.models import Department, ItemDepartment, PlanStatus, Region

# Roles the office gives; the public registers itself.
ROLES_GIVEN = (User.Role.REPORTER, User.Role.DEPT_HEAD, User.Role.DEPUTY, User.Role.OFFICE)
DEPARTMENT_ROLES = (User.Role.REPORTER, User.Role.DEPT_HEAD)
_PHONE = re.compile(r"^1\d{10}$")
USERNAME_LENGTH = 150  # User.username's max_length
OPEN_REPORT_STATUSES = (
    ReportStatus.DRAFT,
    ReportStatus.SUBMITTED,
    ReportStatus.APPROVED,
    ReportStatus.RETURNED,
)
CLOSED_NOTICE_STATUSES = (SupervisionNotice.Status.CLOSED,)


class PeopleError(ValidationError):
    """A write of the people pages refused: the message says why."""


class SignIn(models.TextChoices):
    LINK = "link", _("A one-time sign-in link")
    PASSWORD = "password", _("An initial password, changed at the first sign-in")


@dataclass(frozen=True)
class NewPerson:
    """A person just added, with what to hand them: a link's token or an initial password (never stored)."""

    user: User
    token: str = ""
    password: str = ""


def _manage(by: Any) -> None:
    common.require(by, "people.manage")


def _name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise PeopleError({"name": [_("Give a name.")]})
    if len(name) > 150:
        raise PeopleError({"name": [_("The name is too long (at most 150 characters).")]})
    return name


# --- departments -----------------------------------------------------------------------------------------


def _department_name_free(*, region: Region, name: str, but: Department | None = None) -> None:
    others = Department.objects.filter(region=region, name=name)
    if but is not None:
        others = others.exclude(pk=but.pk)
    if others.exists():
        raise PeopleError({"name": [_("This region already has a department of this name.")]})


@transaction.atomic
def department_create(*, region: Region, name: str, by: User) -> Department:
    _manage(by)
    name = _name(name)
    _department_name_free(region=region, name=name)
    department = Department(region=region, name=name)
    common.clean(department, PeopleError)
    department.save()
    audit_record(actor=by, verb=AuditVerb.DEPARTMENT_CREATE, obj=department, details={"name": name})
    return department


@transaction.atomic
def department_rename(*, department: Department, name: str, by: User) -> Department:
    _manage(by)
    department = common.lock(Department, department, error=PeopleError)
    name = _name(name)
    if name == department.name:
        return department
    _department_name_free(region=department.region, name=name, but=department)
    old = department.name
    department.name = name
    common.clean(department, PeopleError)
    department.save(update_fields=["name"])
    audit_record(
        actor=by, verb=AuditVerb.DEPARTMENT_RENAME, obj=department, details={"from": old, "to": name}
    )
    return department


def _department_relations() -> list[models.ForeignObject[Any, Any]]:
    """Every foreign key to a department, in any app (users, assignments, reports, notices…)."""
    return [
        relation.field
        for relation in Department._meta.related_objects
        if relation.one_to_many or relation.one_to_one
    ]


@transaction.atomic
def department_merge(*, department: Department, into: Department, by: User) -> dict[str, int]:
    """Move everything of ``department`` onto ``into`` and delete ``department``. Where both deliver the same
    item, the merged one's assignment goes and the kept one leads if either led. Returns how many records of
    each kind moved."""
    _manage(by)
    if department.pk == into.pk:
        raise PeopleError({"into": [_("Choose another department to merge into.")]})
    department = common.lock(Department, department, error=PeopleError)
    into = common.lock(Department, into, error=PeopleError)
    if department.region_id != into.region_id:
        raise PeopleError({"into": [_("The department belongs to another region.")]})
    if into.retired_at is not None:
        raise PeopleError({"into": [_("This department is retired; choose an active one.")]})
    moved: dict[str, int] = {}
    kept_items = dict(ItemDepartment.objects.filter(department=into).values_list("item_id", "pk"))
    for assignment in ItemDepartment.objects.filter(department=department, item_id__in=kept_items):
        led = assignment.role == ItemDepartment.Role.LEAD
        assignment.delete()
        if led:
            ItemDepartment.objects.filter(pk=kept_items[assignment.item_id]).update(
                role=ItemDepartment.Role.LEAD
            )
        moved["plans.itemdepartment (both assigned)"] = (
            moved.get("plans.itemdepartment (both assigned)", 0) + 1
        )
    for field in _department_relations():
        count = field.model._default_manager.filter(**{field.name: department}).update(**{field.name: into})
        if count:
            moved[field.model._meta.label_lower] = moved.get(field.model._meta.label_lower, 0) + count
    audit_record(
        actor=by,
        verb=AuditVerb.DEPARTMENT_MERGE,
        obj=into,
        details={"merged": department.pk, "merged_name": department.name, "moved": moved},
    )
    department.delete()
    return moved


def department_open_work(department: Department) -> list[str]:
    """What keeps a department from being retired, in words: items of plans not closed, reports not yet
    accepted, notices not closed."""
    reasons = []
    items = ItemDepartment.objects.filter(department=department, item__removed_in__isnull=True).exclude(
        item__plan__status=PlanStatus.CLOSED
    )
    if count := items.count():
        reasons.append(_("%(count)d item(s) of plans not yet closed are assigned to it") % {"count": count})
    if count := ProgressReport.objects.filter(department=department, status__in=OPEN_REPORT_STATUSES).count():
        reasons.append(_("%(count)d progress report(s) are not yet accepted") % {"count": count})
    notices = SupervisionNotice.objects.filter(department=department).exclude(
        status__in=CLOSED_NOTICE_STATUSES
    )
    if count := notices.count():
        reasons.append(_("%(count)d supervision notice(s) are not closed") % {"count": count})
    return reasons


@transaction.atomic
def department_retire(*, department: Department, by: User) -> int:
    """Retire a department with no open work: it keeps its history, takes no new people or assignments, and
    its active people are deactivated. Returns how many people were deactivated."""
    _manage(by)
    department = common.lock(Department, department, error=PeopleError)
    if department.retired_at is not None:
        raise PeopleError(_("This department is already retired."))
    reasons = department_open_work(department)
    if reasons:
        raise PeopleError(
            _(
                "%(department)s cannot be retired while it has open work: %(reasons)s. Merge it into another department instead, or finish the work first."
            )
            % {"department": department.name, "reasons": "; ".join(reasons)}
        )
    department.retired_at = timezone.now()
    department.save(update_fields=["retired_at"])
    members = list(User.objects.filter(department=department, is_active=True))
    for member in members:
        user_deactivate(user=member, by=by)
    audit_record(
        actor=by, verb=AuditVerb.DEPARTMENT_RETIRE, obj=department, details={"deactivated": len(members)}
    )
    return len(members)


# --- people ----------------------------------------------------------------------------------------------


def contact_parse(contact: str) -> tuple[str, str]:
    """A mobile phone number (11 digits starting with 1; spaces, dashes and +86 dropped, full-width digits
    read) or an email address: returns (user name, email). A ``PeopleError`` on ``contact`` otherwise."""
    contact = unicodedata.normalize("NFKC", contact or "").strip()
    if not contact:
        raise PeopleError({"contact": [_("Give a mobile phone number or an email address.")]})
    if "@" in contact:
        try:
            validate_email(contact)
            if len(contact) > USERNAME_LENGTH:
                raise ValidationError("too long")
        except ValidationError:
            raise PeopleError(
                {"contact": [_("“%(value)s” is not an email address.") % {"value": contact}]}
            ) from None
        email = User.objects.normalize_email(contact)
        return email.lower(), email
    phone = "".join(contact.split()).replace("-", "").removeprefix("+86")
    if not _PHONE.match(phone):
        raise PeopleError(
            {
                "contact": [
                    _("“%(value)s” is not a mobile phone number (11 digits) or an email address.")
                    % {"value": contact}
                ]
            }
        )
    return phone, ""


def person_check(*, name: str, contact: str, role: str, department: Department | None) -> dict[str, Any]:
    """The fields of a new person, checked: every problem as a ``PeopleError`` on its field."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for key, check in (("name", lambda: _name(name)), ("contact", lambda: contact_parse(contact))):
        try:
            values[key] = check()
        except PeopleError as exc:
            errors.update(exc.message_dict)
    if "contact" in values and User.objects.filter(username__iexact=values["contact"][0]).exists():
        errors["contact"] = [_("Someone already signs in with %(value)s.") % {"value": values["contact"][0]}]
    if role not in ROLES_GIVEN:
        errors["role"] = [_("Choose a role: department reporter, department head, deputy or office.")]
    elif role in DEPARTMENT_ROLES:
        if department is None:
            errors["department"] = [_("A department reporter or head belongs to a department; choose one.")]
        elif department.retired_at is not None:
            errors["department"] = [_("This department is retired; choose an active one.")]
    elif department is not None:
        errors["department"] = [_("Only department reporters and heads belong to a department.")]
    if errors:
        raise PeopleError(errors)
    return values


def _link_new(*, user: User, by: User) -> str:
    """A new one-time link for ``user``; mailed after the commit too when they have an email address."""
    token = sign_in_link_create(user=user, by=by)
    if user.email:
        email, username = user.email, user.get_username()

        def send() -> None:
            site = getattr(settings, "MINSHENG_SITE_URL", "").rstrip("/")
            path = common.link("accounts:sign_in_link", token)

            def body() -> str:
                return (
                    _(
                        "The supervision office has made you an account. Your user name is %(username)s. Open "
                        "this link within %(days)d days to sign in once and choose your password:"
                    )
                    % {"username": username, "days": SIGN_IN_LINK_DAYS}
                    + "\n\n"
                    + (site + path)
                )

            subject = common.in_site_language(lambda: _("[Livelihood pledges] Your sign-in link"))
            mail_send([EmailMessage(subject=subject, body=common.in_site_language(body), to=[email])])

        transaction.on_commit(send)
    return token


def _person_create(
    *, name: str, contact: str, role: str, department: Department | None, sign_in: str, by: User
) -> NewPerson:
    values = person_check(name=name, contact=contact, role=role, department=department)
    username, email = values["contact"]
    password = secrets.token_urlsafe(9) if sign_in == SignIn.PASSWORD else None
    user = user_create(
        username=username,
        password=password,
        role=role,
        is_staff=role == User.Role.OFFICE,
        department=department if role in DEPARTMENT_ROLES else None,
        email=email,
        name=values["name"],
        must_change_password=password is not None,
        by=by,
    )
    if password is not None:
        return NewPerson(user=user, password=password)
    return NewPerson(user=user, token=_link_new(user=user, by=by))


@transaction.atomic
def person_add(
    *,
    name: str,
    contact: str,
    role: str,
    department: Department | None = None,
    sign_in: str = SignIn.LINK,
    by: User,
) -> NewPerson:
    """Add one person by role; they sign in with ``contact`` (phone or email) and the returned link or
    initial password."""
    _manage(by)
    if department is not None:
        department = common.lock(Department, department, error=PeopleError)
    return _person_create(
        name=name, contact=contact, role=role, department=department, sign_in=sign_in, by=by
    )


@transaction.atomic
def people_add(*, rows: list[dict[str, Any]], by: User) -> list[NewPerson]:
    """Add checked rows (name, contact, role, department), each with a one-time sign-in link, all or none."""
    _manage(by)
    return [_person_create(**row, sign_in=SignIn.LINK, by=by) for row in rows]


@transaction.atomic
def person_deactivate(*, user: User, by: User) -> User:
    """The person can no longer sign in; their history stays. The office cannot deactivate itself."""
    _manage(by)
    if user.pk == by.pk:
        raise PeopleError(_("You cannot deactivate your own account."))
    if user.role not in ROLES_GIVEN:
        raise PeopleError(_("Public accounts are not managed here."))
    return user_deactivate(user=user, by=by)


@transaction.atomic
def person_link_new(*, user: User, by: User) -> NewPerson:
    """A new one-time sign-in link for an active person (earlier unused ones stop working)."""
    _manage(by)
    if not user.is_active:
        raise PeopleError(_("This person is deactivated."))
    if user.role not in ROLES_GIVEN:
        raise PeopleError(_("Public accounts are not managed here."))
    return NewPerson(user=user, token=_link_new(user=user, by=by))


def active_departments() -> models.QuerySet[Department]:
    return (
        Department.objects.filter(retired_at__isnull=True)
        .select_related("region")
        .order_by("region__name", "name")
    )
