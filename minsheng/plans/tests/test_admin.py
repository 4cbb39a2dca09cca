"""The office's admin for plans: it reads everything and changes a plan's status through the service."""

import pytest
from django.urls import reverse

from minsheng.accounts.models import AuditEvent
from minsheng.accounts.tests.factories import UserFactory
from minsheng.plans.models import Plan
from minsheng.plans.services import plan_document_import
from minsheng.plans.tests.factories import document
from minsheng.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return plan_document_import(document=document(n_items=3)).plan


@pytest.mark.parametrize(
    "model", ["plan", "planversion", "item", "action", "region", "department", "importdraft"]
)
def test_the_office_can_read_every_list(office_client, plan, model):
    assert office_client.get(reverse(f"admin:plans_{model}_changelist")).status_code == 200


def test_the_office_reads_an_item_with_its_targets(office_client, plan):
    item = plan.items.get(no=2)
    response = office_client.get(reverse("admin:plans_item_change", args=[item.pk]))
    assert response.status_code == 200
    assert "20名" in response.content.decode()


def test_the_office_moves_a_plan_to_consultation_through_the_service(office_client, plan):
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    response = office_client.post(url, {"status": Plan.Status.CONSULTATION, **_empty_inline("versions")})
    assert response.status_code == 302, response.content.decode()[:2000]
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CONSULTATION
    assert AuditEvent.objects.filter(verb="plan_status_set", object_id=str(plan.pk)).exists()


def test_items_cannot_be_added_or_deleted_in_the_admin(office_client, plan):
    assert office_client.get(reverse("admin:plans_item_add")).status_code == 403
    item = plan.items.first()
    assert office_client.get(reverse("admin:plans_item_delete", args=[item.pk])).status_code == 403


def test_other_roles_cannot_change_a_plan(client, plan):
    sign_in(client, UserFactory(is_staff=True))
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    response = client.post(url, {"status": Plan.Status.CLOSED})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def _empty_inline(prefix: str) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_the_office_reads_an_import_draft_and_cannot_change_it(office_client, seed_txt):
    from minsheng.accounts.tests.factories import OfficeUserFactory
    from minsheng.plans.import_drafts import import_draft_create
    from minsheng.plans.models import ImportDraft

    draft = import_draft_create(content=seed_txt.read_bytes(), filename="plan.txt", by=OfficeUserFactory())
    page = office_client.get(reverse("admin:plans_importdraft_change", args=[draft.pk]))
    assert page.status_code == 200 and "plan.txt" in page.content.decode()
    assert office_client.get(reverse("admin:plans_importdraft_add")).status_code == 403
    assert office_client.get(reverse("admin:plans_importdraft_delete", args=[draft.pk])).status_code == 403
    office_client.post(reverse("admin:plans_importdraft_change", args=[draft.pk]), {"status": "cancelled"})
    assert ImportDraft.objects.get(pk=draft.pk).status == ImportDraft.Status.PENDING


def test_other_roles_cannot_read_import_drafts(client):
    sign_in(client, UserFactory(is_staff=True))
    response = client.get(reverse("admin:plans_importdraft_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
