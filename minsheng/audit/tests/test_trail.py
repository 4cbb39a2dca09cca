"""Every kind of write leaves who, when, what object and its fields before and after, linked to the
AuditEvent of the same write: a service through a web page, the Django admin, a command with --by, an
Excel load; sign-ins, failed sign-ins and lockouts are recorded without the password; no ballot gets a
history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from minsheng.accounts.models import AuditEvent, User
from minsheng.accounts.tests.factories import OfficeUserFactory, ReporterFactory
from minsheng.delivery.models import ProgressReport, ReportStatus
from minsheng.delivery.spreadsheets import progress_sheet_load
from minsheng.delivery.tests.conftest import AS_OF
from minsheng.delivery.tests.test_spreadsheets import _fill, _template
from minsheng.delivery.tests.views_support import _as
from minsheng.plans.models import Target
from minsheng.testing import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


def _changes(obj) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_pk=str(obj.pk)
        ).order_by("timestamp", "id")
    )


def _event_of(change: LogEntry) -> AuditEvent:
    return AuditEvent.objects.get(cid=change.cid)


def _before_after(change: LogEntry, name: str) -> tuple[str, str]:
    before, after = change.changes[name]
    return before, after


# --- a service through a web page ------------------------------------------------------------------------


def test_a_web_edit_keeps_the_figure_before_and_after_with_the_person_and_the_verb(client, world):
    report = world.report(ReportStatus.DRAFT, actual=Decimal(5))
    response = _as(client, world, "reporter").post(
        reverse("delivery:report_edit", args=[report.pk]),
        {"period_end": AS_OF.isoformat(), "actual": "119", "narrative": "", "version": report.version},
    )
    assert response.status_code == 302
    edit = _changes(report)[-1]
    before, after = _before_after(edit, "actual")
    assert Decimal(before) == 5 and Decimal(after) == 119  # the 5 is not lost
    assert edit.actor == world.reporter
    assert edit.cid.startswith("web:")
    event = _event_of(edit)
    assert (event.verb, event.actor, event.object_id) == ("report_edit", world.reporter, str(report.pk))


def test_each_write_of_one_request_has_its_own_link(client, world):
    """Two service writes in a row get two correlation ids: each event shows only its own changes."""
    first = world.report(ReportStatus.DRAFT, actual=Decimal(5))
    second = world.report(ReportStatus.DRAFT, target=world.milestone)
    cids = {_changes(first)[-1].cid, _changes(second)[-1].cid}
    assert len(cids) == 2
    assert {_event_of(_changes(first)[-1]).object_id, _event_of(_changes(second)[-1]).object_id} == {
        str(first.pk),
        str(second.pk),
    }


# --- the Django admin ------------------------------------------------------------------------------------


def test_an_admin_change_is_recorded_with_the_admin_user_and_an_admin_verb(
    client, world, django_capture_on_commit_callbacks
):
    """A superuser's plain admin form (no service behind it): the change still gets its event."""
    person = ReporterFactory(first_name="王五", department=world.lead)
    admin_user = User.objects.create_superuser(username="root", password="root-password-1")
    sign_in(client, admin_user)
    data = {
        "username": person.username,
        "first_name": "王六",
        "last_name": "",
        "email": person.email,
        "is_active": "on",
        "role": "dept_head",
        "department": world.lead.pk,
        "date_joined_0": "2025-01-01",
        "date_joined_1": "08:00:00",
        "initial-date_joined_0": "2025-01-01",
        "initial-date_joined_1": "08:00:00",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:accounts_user_change", args=[person.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    change = _changes(person)[-1]
    assert _before_after(change, "first_name") == ("王五", "王六")
    assert _before_after(change, "role") == ("reporter", "dept_head")
    assert "password" not in change.changes and "last_login" not in change.changes
    assert change.actor == admin_user and change.cid.startswith("admin:")
    event = _event_of(change)
    assert (event.verb, event.actor, event.object_type, event.object_id) == (
        "admin_change",
        admin_user,
        "accounts.user",
        str(person.pk),
    )


def test_an_admin_write_through_a_service_is_not_recorded_twice(
    client, world, django_capture_on_commit_callbacks
):
    sign_in(client, world.office)
    data = {
        "plan": world.plan.pk,
        "start": "",
        "yellow_gap": "0.05",
        "red_gap": "0.2",
        "stages": '[["approved", 0.1], ["accepted", 1]]',
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:delivery_deliverysettings_add"), data)
    assert response.status_code == 302
    events = AuditEvent.objects.filter(object_type="delivery.deliverysettings")
    assert [event.verb for event in events] == ["delivery_settings_set"]
    assert events[0].cid.startswith("admin:")
    assert LogEntry.objects.filter(cid=events[0].cid).exists()


# --- the command line, and the Excel load ----------------------------------------------------------------


def _sheet(world, actual) -> bytes:
    return _fill(_template(world), {f"T{world.quantity.pk}": {"as_of": AS_OF, "actual": actual}})


def test_an_excel_load_by_command_keeps_the_figure_before_and_after_for_the_named_user(world, tmp_path):
    progress_sheet_load(content=_sheet(world, 5), by=world.office)
    sheet = tmp_path / "progress.xlsx"
    sheet.write_bytes(_sheet(world, 119))
    clerk = OfficeUserFactory(username="clerk")
    call_command("progress", "load", str(sheet), "--by", "clerk", stdout=StringIO())
    report = ProgressReport.objects.get(target=world.quantity)
    change = _changes(report)[-1]
    before, after = _before_after(change, "actual")
    assert (Decimal(before), Decimal(after)) == (5, 119)
    assert change.actor == clerk and change.cid.startswith("command:")
    event = _event_of(change)
    assert event.actor == clerk and event.object_id == str(report.pk)


def test_an_excel_load_on_the_web_is_attributed_to_the_office_user(client, world):
    progress_sheet_load(content=_sheet(world, 5), by=world.office)
    upload = _sheet(world, 119)
    from django.core.files.uploadedfile import SimpleUploadedFile

    office = _as(client, world, "office")
    response = office.post(
        reverse("delivery:progress_upload", args=[world.plan.pk]),
        {"file": SimpleUploadedFile("p.xlsx", upload)},
    )
    assert response.status_code in (200, 302)
    change = _changes(ProgressReport.objects.get(target=world.quantity))[-1]
    assert Decimal(_before_after(change, "actual")[1]) == 119
    assert change.actor == world.office and change.cid.startswith("web:")


def test_an_import_by_command_records_the_changed_target_for_the_named_user(seed_docx, seed_txt, tmp_path):
    clerk = OfficeUserFactory(username="clerk")
    call_command("import", str(seed_docx), "--by", "clerk", stdout=StringIO())
    created = AuditEvent.objects.get(verb="plan_import")
    assert created.actor == clerk and created.cid.startswith("command:")
    revised = tmp_path / "revised.txt"
    revised.write_text(seed_txt.read_text(encoding="utf-8").replace("9千米", "12千米"), encoding="utf-8")
    call_command("import", str(revised), "--by", "clerk", stdout=StringIO())
    new_targets = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Target), action=LogEntry.Action.CREATE, actor=clerk
    )
    assert new_targets.exists()
    assert all(entry.cid.startswith("command:") for entry in new_targets)


# --- sign-ins --------------------------------------------------------------------------------------------


def test_a_sign_in_and_a_failed_one_are_recorded_without_the_password(client):
    person = User.objects.create_user(username="zhang", password="right-password-1")
    login = reverse("accounts:login")
    client.post(login, {"username": "zhang", "password": "wrong-password-2"})
    client.post(login, {"username": "nobody", "password": "wrong-password-3"})
    client.post(login, {"username": "zhang", "password": "right-password-1"})
    failed = AuditEvent.objects.filter(verb="sign_in_fail").order_by("id")
    assert [(e.object_id, e.details["username"], e.actor) for e in failed] == [
        (str(person.pk), "zhang", None),
        ("", "nobody", None),
    ]
    signed_in = AuditEvent.objects.get(verb="sign_in")
    assert (signed_in.actor, signed_in.details["address"]) == (person, "127.0.0.1")
    stored = " ".join(str(e.details) for e in AuditEvent.objects.all())
    assert "password" not in stored and "wrong-password" not in stored


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=2)
def test_a_lockout_is_recorded(client):
    User.objects.create_user(username="li", password="right-password-1")
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "li", "password": "wrong-password"})
    lockout = AuditEvent.objects.filter(verb="sign_in_lockout").first()
    assert lockout is not None and lockout.details["username"] == "li"


def test_a_sign_out_is_recorded(client):
    person = User.objects.create_user(username="zhao", password="right-password-1")
    sign_in(client, person)
    client.post(reverse("accounts:logout"))
    assert AuditEvent.objects.filter(verb="sign_out", actor=person).exists()


# --- what is tracked, and what never is ------------------------------------------------------------------

OFFICE_MODELS = [
    "plans.plan",
    "plans.planversion",
    "plans.action",
    "plans.item",
    "plans.target",
    "plans.standard",
    "plans.department",
    "plans.itemdepartment",
    "delivery.assignment",
    "delivery.progressreport",
    "delivery.evidence",
    "delivery.supervisionnotice",
    "delivery.deliverysettings",
    "participation.window",
    "accounts.user",
    "voting.voteround",
    "voting.ratinground",
]
NEVER = ["voting.candidate", "voting.ballotreceipt", "voting.elector", "voting.rating", "voting.ratingtally"]


@pytest.mark.parametrize("label", OFFICE_MODELS)
def test_the_models_the_office_works_with_keep_their_history(label):
    assert auditlog.contains(apps.get_model(label))


@pytest.mark.parametrize("label", NEVER)
def test_nothing_that_could_tell_a_deputy_s_choice_gets_a_history(label):
    assert not auditlog.contains(apps.get_model(label))


def test_the_vote_s_running_count_of_ballots_and_passwords_are_left_out():
    from minsheng.voting.models import VoteRound

    assert "ballots" in auditlog.get_model_fields(VoteRound)["exclude_fields"]
    assert "password" in auditlog.get_model_fields(User)["exclude_fields"]


def test_a_write_outside_requests_and_commands_is_recorded_for_no_one(world):
    report = world.report(ReportStatus.DRAFT)
    change = _changes(report)[-1]
    assert change.actor is None and change.cid.startswith("system:")
    assert _event_of(change).verb == "report_create"


def test_dates_are_recorded_in_the_trail(world):
    before = dt.datetime.now(dt.UTC)
    report = world.report(ReportStatus.DRAFT)
    change = _changes(report)[-1]
    assert change.timestamp >= before - dt.timedelta(seconds=1)
    assert _event_of(change).created_at >= before - dt.timedelta(seconds=1)


def test_a_save_outside_a_service_gets_an_event_of_its_own(world, django_capture_on_commit_callbacks):
    from minsheng.accounts.trail import acting

    clerk = OfficeUserFactory(username="clerk")
    with acting(clerk), django_capture_on_commit_callbacks(execute=True):
        world.item.title = "改过的标题"
        world.item.save()
    change = _changes(world.item)[-1]
    assert change.changes["title"][1] == "改过的标题"
    event = _event_of(change)
    assert (event.verb, event.actor, event.object_type) == ("record_change", clerk, "plans.item")


def test_a_bulk_update_keeps_before_and_after_through_audit_update(world):
    from minsheng.accounts.services import audit_update
    from minsheng.plans.models import Item

    audit_update(Item.objects.filter(pk=world.item.pk), title="批量改名")
    change = _changes(world.item)[-1]
    assert change.changes["title"][1] == "批量改名"
    assert audit_update(AuditEvent.objects.none(), verb="x") == 0  # an untracked model: a plain update
