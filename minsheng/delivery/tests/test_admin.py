"""The office's admin for delivery: every list reads, settings change through the service, bulk accept
and publish go through the report services, other roles are turned away."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minsheng.accounts.models import AuditEvent
from minsheng.delivery.models import DeliverySettings, ReportStatus
from minsheng.testing import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]

MODELS = [
    "deliverysettings",
    "assignment",
    "plannedvalue",
    "progressreport",
    "supervisionnotice",
]


@pytest.fixture
def office_client(client, world):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in(client, world.office)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_the_office_reads_every_list(office_client, world, model):
    world.report(ReportStatus.SUBMITTED)
    assert office_client.get(reverse(f"admin:delivery_{model}_changelist")).status_code == 200


def test_the_office_reads_a_report_with_its_history(office_client, world):
    report = world.report(ReportStatus.APPROVED)
    response = office_client.get(reverse("admin:delivery_progressreport_change", args=[report.pk]))
    assert response.status_code == 200
    assert "approve" in response.content.decode()


def test_the_admin_index_lists_delivery(office_client):
    assert "/admin/delivery/" in office_client.get("/admin/").content.decode()


def test_settings_are_changed_through_the_service(office_client, world):
    url = reverse("admin:delivery_deliverysettings_add")
    data = {
        "plan": world.plan.pk,
        "start": "",
        "yellow_gap": "0.05",
        "red_gap": "0.2",
        "stages": '[["approved", 0.1], ["accepted", 1]]',
    }
    response = office_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    settings = DeliverySettings.objects.get()
    assert (str(settings.red_gap), settings.stages) == ("0.200", [["approved", 0.1], ["accepted", 1.0]])
    assert AuditEvent.objects.filter(verb="delivery_settings_set").exists()


def test_bad_settings_are_shown_as_form_errors(office_client, world):
    url = reverse("admin:delivery_deliverysettings_add")
    data = {"plan": world.plan.pk, "yellow_gap": "0.3", "red_gap": "0.2", "stages": '[["approved", 1]]'}
    response = office_client.post(url, data)
    assert response.status_code == 200
    assert "at least the yellow one" in response.content.decode()
    assert not DeliverySettings.objects.exists()


def test_bulk_accept_goes_through_the_service(office_client, world):
    approved = world.report(ReportStatus.APPROVED)
    draft = world.report(period_end="2025-05-31")
    url = reverse("admin:delivery_progressreport_changelist")
    response = office_client.post(
        url, {"action": "accept_selected", "_selected_action": [approved.pk, draft.pk]}, follow=True
    )
    assert response.status_code == 200
    approved.refresh_from_db()
    draft.refresh_from_db()
    assert (approved.status, approved.published, draft.status) == ("accepted", True, "draft")
    assert "Only a report approved by the department head" in response.content.decode()


def test_reports_cannot_be_added_changed_or_deleted_here(office_client, world):
    report = world.report()
    assert office_client.get(reverse("admin:delivery_progressreport_add")).status_code == 403
    assert (
        office_client.get(reverse("admin:delivery_progressreport_delete", args=[report.pk])).status_code
        == 403
    )


@pytest.mark.parametrize("who", ["reporter", "head", "deputy", "public"])
def test_other_roles_are_turned_away_even_as_staff(client, world, who):
    user = getattr(world, who)
    user.is_staff = True
    user.save()
    sign_in(client, user)
    response = client.get(reverse("admin:delivery_progressreport_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
