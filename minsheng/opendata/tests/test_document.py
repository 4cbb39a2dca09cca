"""A plan as one document: the seed imported, exported in the schema's JSON, imported again as a new plan
gives the same actions, items, targets and standards; through the command line and the web import too."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from minsheng.accounts.tests.factories import OfficeUserFactory
from minsheng.opendata.document import plan_document_bytes, plan_document_data
from minsheng.plans.import_drafts import ImportDraftError, import_draft_confirm, import_draft_create
from minsheng.plans.models import Action, ImportDraft, Item, Plan, Standard, Target
from minsheng.plans.services import PlanImportError, plan_import
from minsheng.plans.tests.factories import DepartmentFactory
from minsheng.testing import sign_in

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "documents" / "plan-document.schema.json").read_text("utf-8")
)

pytestmark = pytest.mark.django_db


def snapshot(plan: Plan) -> dict:
    """What a plan holds, without ids: its actions, items, targets, standards and departments."""
    return {
        "title": plan.title,
        "actions": list(
            Action.objects.filter(plan=plan, removed_in=None)
            .order_by("no")
            .values_list("no", "title", "declared_item_count")
        ),
        "items": list(
            Item.objects.filter(plan=plan, removed_in=None)
            .order_by("no")
            .values_list("no", "action__no", "title", "text", "locations")
        ),
        "targets": list(
            Target.objects.filter(item__plan=plan, removed_in=None, item__removed_in=None)
            .order_by("item__no", "position")
            .values_list(
                "item__no",
                "position",
                "kind",
                "subject",
                "op",
                "value",
                "value_max",
                "unit",
                "period",
                "source",
            )
        ),
        "standards": list(
            Standard.objects.filter(item__plan=plan, item__removed_in=None)
            .order_by("item__no", "position")
            .values_list(
                "item__no",
                "position",
                "subject",
                "op",
                "amount",
                "amount_max",
                "per",
                "period",
                "previous",
                "source",
            )
        ),
        "departments": sorted(
            (item.no, assignment.department.name, assignment.role)
            for item in Item.objects.filter(plan=plan, removed_in=None)
            for assignment in item.assignments.select_related("department")
        ),
    }


@pytest.fixture
def seed_plan(seed_docx) -> Plan:
    plan = plan_import(content=seed_docx.read_bytes(), filename=seed_docx.name).plan
    # a department named on two items, as the office assigns them
    lead, helper = DepartmentFactory(region=plan.region, name="住建局"), DepartmentFactory(region=plan.region)
    first, second = Item.objects.filter(plan=plan).order_by("no")[:2]
    first.assignments.create(department=lead, role="lead")
    first.assignments.create(department=helper, role="supporting")
    second.assignments.create(department=helper, role="lead")
    return plan


def test_the_seed_round_trips_through_its_document(seed_plan):
    data = plan_document_data(plan=seed_plan)
    jsonschema.validate(data, SCHEMA)
    assert len(data["actions"]) == 10 and sum(len(a["items"]) for a in data["actions"]) == 40
    result = plan_import(content=plan_document_bytes(plan=seed_plan), filename="plan.json", year=2031)
    assert result.created and result.plan.pk != seed_plan.pk and result.plan.year == 2031
    assert snapshot(result.plan) == snapshot(seed_plan)
    assert plan_document_data(plan=result.plan) == {**data, "year": 2031}


def test_importing_the_document_into_its_own_plan_changes_nothing(seed_plan):
    before = snapshot(seed_plan)
    result = plan_import(content=plan_document_bytes(plan=seed_plan), filename="plan.json")
    assert result.plan.pk == seed_plan.pk
    assert (result.added, result.removed, result.changed, result.renumbered) == ([], [], [], [])
    assert snapshot(seed_plan) == before


def test_minsheng_export_and_minsheng_import_round_trip(seed_plan, tmp_path, capsys):
    out = tmp_path / "plan.json"
    call_command("export", plan=seed_plan.pk, dataset="document", out=str(out))
    jsonschema.validate(json.loads(out.read_text("utf-8")), SCHEMA)
    clerk = OfficeUserFactory()
    call_command("import", str(out), region="新区域", by=clerk.username)
    copy = Plan.objects.get(region__name="新区域")
    assert snapshot(copy) == snapshot(seed_plan)


def test_the_web_import_reads_the_document(seed_plan, client):
    office = OfficeUserFactory()
    draft = import_draft_create(
        content=plan_document_bytes(plan=seed_plan), filename="plan.json", by=office, year=2032
    )
    result = import_draft_confirm(draft=draft, by=office)
    assert snapshot(result.plan) == snapshot(seed_plan)
    sign_in(client, office)
    response = client.get(reverse("plans_import:upload"))
    assert ".json" in response.content.decode()


def test_the_web_upload_of_the_document(seed_plan, client):
    sign_in(client, OfficeUserFactory())
    upload = SimpleUploadedFile("plan.json", plan_document_bytes(plan=seed_plan), "application/json")
    response = client.post(reverse("plans_import:upload"), {"file": upload, "year": 2033})
    draft = ImportDraft.objects.get(filename="plan.json")
    assert response.status_code == 302 and response["Location"] == reverse(
        "plans_import:preview", args=[draft.pk]
    )
    assert draft.year == 2033 and len(draft.parsed["actions"]) == 10


@pytest.mark.parametrize(
    "content",
    [
        b'{"schema_version": "1", "title": "x", "year": 2025, "status": "draft", "actions": [{"no": 1}], '
        b'"warnings": []}',
        b'{"schema_version": "2"}',
        b"{not json",
        b'{"schema_version": "1", "title": "x", "year": 2025, "status": "draft", "warnings": [], "actions": '
        b'[{"no": 1, "title": null, "declared_item_count": null, "items": [{"no": 1, "text": "t", "standards": [],'
        b' "targets": [{"kind": "quantity", "subject": "", "op": "=", "value": "9", "unit": null, "source": ""}]}]}]}',
    ],
)
def test_a_bad_json_document_is_refused_with_a_message_and_nothing_written(db, content):
    plans = Plan.objects.count()
    with pytest.raises(PlanImportError) as error:
        plan_import(content=content, filename="plan.json", region="某市", year=2025)
    assert str(error.value) and "Traceback" not in str(error.value)
    with pytest.raises(ImportDraftError):
        import_draft_create(
            content=content, filename="plan.json", by=OfficeUserFactory(), region="某市", year=2025
        )
    assert Plan.objects.count() == plans
