"""Editing an adopted plan and carrying items into next year: the services (a new version with its reason
and diff, ids kept, audit, refusals leave the database unchanged) and the pages (every role both ways, a bad
value on its form with HTTP 400, the versions page's diff, query counts)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from minsheng.accounts.models import AuditEvent
from minsheng.accounts.tests.factories import (
    DeptHeadFactory,
    DeputyFactory,
    OfficeUserFactory,
    PublicUserFactory,
    ReporterFactory,
)
from minsheng.delivery.tests.factories import AssignmentFactory, ProgressReportFactory
from minsheng.documents.model import Target as DocTarget
from minsheng.plans.editing import (
    ItemChange,
    PlanEditError,
    TargetChange,
    item_lineage,
    plan_item_edit,
    plan_items_carry_over,
    plan_versions_page,
)
from minsheng.plans.models import Department, Item, ItemRevision, Plan, PlanVersion, Target
from minsheng.plans.services import plan_document_import
from minsheng.plans.tests.factories import doc_item, document
from minsheng.testing import sign_in

pytestmark = pytest.mark.django_db

OTHERS = {
    "public": PublicUserFactory,
    "deputy": DeputyFactory,
    "reporter": ReporterFactory,
    "head": DeptHeadFactory,
}


@pytest.fixture
def office():
    return OfficeUserFactory()


@pytest.fixture
def plan(office) -> Plan:
    two = doc_item(
        2,
        targets=[
            DocTarget(kind="quantity", subject="服务2", op="=", value=20, unit="名", source="20名"),
            DocTarget(kind="milestone", subject="建成", op="=", value=None, unit=None, source="建成"),
        ],
        departments=["民政局", "财政局"],
    )
    doc = document([[doc_item(1, departments=["民政局"]), two], [doc_item(3), doc_item(4)]])
    result = plan_document_import(document=doc, by=office)
    Plan.objects.filter(pk=result.plan.pk).update(status=Plan.Status.ADOPTED)
    return Plan.objects.get(pk=result.plan.pk)


def _change(item: Item, **overrides) -> ItemChange:
    lead = item.assignments.filter(role="lead").first()
    values = {
        "title": item.title,
        "text": item.text,
        "action": item.action,
        "lead": lead.department if lead else None,
        "supporting": [a.department for a in item.assignments.filter(role="supporting")],
        "targets": [
            TargetChange(
                id=t.pk,
                kind=t.kind,
                subject=t.subject,
                op=t.op,
                value=t.value,
                value_max=t.value_max,
                unit=t.unit,
                period=t.period,
                weight=t.weight,
            )
            for t in item.targets.filter(removed_in=None).order_by("position")
        ],
    }
    values.update(overrides)
    return ItemChange(**values)


def _item(plan: Plan, no: int) -> Item:
    return Item.objects.get(plan=plan, no=no, removed_in=None)


# --- the service ---------------------------------------------------------------------------------------------


def test_an_edit_of_value_unit_comparator_period_and_weight_is_a_new_version_keeping_every_id(plan, office):
    item = _item(plan, 2)
    target, milestone = item.targets.order_by("position")
    report = ProgressReportFactory(target=target)
    assignment = AssignmentFactory(item=item)
    change = _change(item)
    change.targets[0].value = Decimal("25")
    change.targets[0].unit = "人"
    change.targets[0].op = ">="
    change.targets[0].period = "年"
    change.targets[1].weight = Decimal("0.5")

    version = plan_item_edit(item=item, change=change, reason="人大审议意见", by=office)

    assert version.number == 2
    target.refresh_from_db()
    assert (target.value, target.unit, target.op, target.period) == (Decimal("25"), "人", ">=", "年")
    milestone.refresh_from_db()
    assert milestone.weight == Decimal("0.5") and milestone.removed_in is None
    assert set(Item.objects.filter(plan=plan, removed_in=None).values_list("no", flat=True)) == {1, 2, 3, 4}
    report.refresh_from_db()
    assignment.refresh_from_db()
    assert report.target_id == target.pk and assignment.item_id == item.pk
    assert version.changes["reason"] == "人大审议意见"
    assert version.changes["changed"] == [2] and version.changes["added"] == version.changes["removed"] == []
    fields = {edit["field"] for edit in version.changes["edits"]}
    assert {"value", "unit", "op", "period", "weight"} <= fields
    assert ItemRevision.objects.get(item=item, version=version).kind == "changed"
    event = AuditEvent.objects.get(verb="plan_edit")
    assert event.details["reason"] == "人大审议意见" and event.details["version"] == 2


def test_an_edit_rewrites_the_text_moves_the_item_and_changes_its_departments_keeping_its_id(plan, office):
    item = _item(plan, 1)
    other_action = _item(plan, 3).action
    finance = Department.objects.get(name="财政局")
    change = _change(item, text="完全重写的事项内容，与原文毫无相同之处。", action=other_action, lead=finance)
    version = plan_item_edit(item=item, change=change, reason="机构调整", by=office)
    item.refresh_from_db()
    assert item.text.startswith("完全重写") and item.action_id == other_action.pk
    assert [(a.department.name, a.role) for a in item.assignments.all()] == [("财政局", "lead")]
    # the other items and their departments are as they were
    assert [(a.department.name, a.role) for a in _item(plan, 2).assignments.all()] == [
        ("民政局", "lead"),
        ("财政局", "supporting"),
    ]
    assert version.changes["changed"] == [1]
    row = plan_versions_page(plan=plan)[0]
    assert row.changed == [(1, doc_item(1).text, item.text)]


def test_a_target_is_added_and_one_removed(plan, office):
    item = _item(plan, 2)
    target, milestone = item.targets.order_by("position")
    change = _change(item)
    change.targets[1].remove = True
    change.targets.append(TargetChange(id=None, subject="培训", op="=", value=Decimal(3), unit="场次"))
    version = plan_item_edit(item=item, change=change, reason="补充", by=office)
    milestone.refresh_from_db()
    assert milestone.removed_in_id == version.pk
    current = list(item.targets.filter(removed_in=None).order_by("position"))
    assert current[0].pk == target.pk
    assert (current[1].subject, current[1].value, current[1].added_in_id) == ("培训", Decimal(3), version.pk)


def _bad_range(target: TargetChange) -> None:
    target.op, target.value_max = "range", Decimal(1)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda c: None, "   "),  # no reason
        (lambda c: None, "nothing changed"),
        (lambda c: setattr(c.targets[0], "value", None), "no value"),
        (lambda c: setattr(c.targets[0], "weight", Decimal(-1)), "negative weight"),
        (lambda c: _bad_range(c.targets[0]), "bad range"),
        (lambda c: setattr(c.targets[1], "value", Decimal(3)), "a milestone with a value"),
        (lambda c: setattr(c, "text", "  "), "empty text"),
        (lambda c: setattr(c, "lead", None), "no lead"),
        (lambda c: c.targets.append(TargetChange(id=None, value=Decimal(1))), "a new target says nothing"),
        (lambda c: setattr(c.targets[0], "id", 999999), "a target of another item"),
    ],
)
def test_a_bad_edit_is_refused_and_nothing_changes(plan, office, mutate, reason):
    item = _item(plan, 2)
    change = _change(item)
    mutate(change)
    before = (PlanVersion.objects.count(), list(Target.objects.values_list("pk", "value", "weight", "op")))
    with pytest.raises(PlanEditError):
        plan_item_edit(item=item, change=change, reason=reason, by=office)
    assert (
        PlanVersion.objects.count(),
        list(Target.objects.values_list("pk", "value", "weight", "op")),
    ) == before
    assert not AuditEvent.objects.filter(verb="plan_edit").exists()


def test_only_an_adopted_plan_is_edited_and_only_by_the_office(plan, office):
    item = _item(plan, 2)
    change = _change(item, title="新标题")
    with pytest.raises(PlanEditError):
        Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DRAFT)
        plan_item_edit(item=item, change=change, reason="r", by=office)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ADOPTED)
    from django.core.exceptions import PermissionDenied

    for factory in OTHERS.values():
        with pytest.raises(PermissionDenied):
            plan_item_edit(item=item, change=change, reason="r", by=factory())
    assert PlanVersion.objects.count() == 1


# --- carry-over ----------------------------------------------------------------------------------------------


def test_carrying_items_creates_next_years_draft_with_links_back(plan, office):
    two, four = _item(plan, 2), _item(plan, 4)
    Target.objects.filter(item=two, position=1).update(weight=Decimal("0.25"))
    result = plan_items_carry_over(plan=plan, items=[two, four], by=office)
    assert result.created and result.plan.year == 2026 and result.plan.status == Plan.Status.DRAFT
    assert "2026" in result.plan.title
    new = list(Item.objects.filter(plan=result.plan).order_by("no"))
    assert [(i.no, i.carried_from_id) for i in new] == [(1, two.pk), (2, four.pk)]
    assert new[0].text == two.text
    assert [(t.value, t.unit, t.weight) for t in new[0].targets.order_by("position")] == [
        (Decimal(20), "名", Decimal(1)),
        (None, "", Decimal("0.25")),
    ]
    assert [(a.department.name, a.role) for a in new[0].assignments.all()] == [
        ("民政局", "lead"),
        ("财政局", "supporting"),
    ]
    assert item_lineage(item=new[0]) == [two]
    assert list(two.carried_to.all()) == [new[0]]
    assert AuditEvent.objects.filter(verb="plan_carry_over").count() == 1
    assert result.version.changes["source"] == "carry_over"


def test_carrying_into_an_existing_plan_adds_a_version_and_refuses_twice(plan, office):
    following = plan_document_import(document=document(n_items=2, year=2026, title="测试市2026年民生实事"))
    kept = {i.no: i.pk for i in Item.objects.filter(plan=following.plan)}
    result = plan_items_carry_over(plan=plan, items=[_item(plan, 3)], by=office)
    assert result.plan == following.plan and not result.created and result.version.number == 2
    assert {i.no: i.pk for i in Item.objects.filter(plan=following.plan, no__in=kept)} == kept
    assert Item.objects.get(plan=following.plan, no=3).carried_from == _item(plan, 3)
    with pytest.raises(PlanEditError):
        plan_items_carry_over(plan=plan, items=[_item(plan, 3)], by=office)
    with pytest.raises(PlanEditError):
        plan_items_carry_over(plan=plan, items=[], by=office)
    assert PlanVersion.objects.filter(plan=following.plan).count() == 2


# --- the pages -----------------------------------------------------------------------------------------------


def _post(item: Item, **overrides) -> dict:
    targets = list(item.targets.filter(removed_in=None).order_by("position"))
    data = {
        "title": item.title,
        "text": item.text,
        "action": item.action_id,
        "lead": item.assignments.get(role="lead").department_id,
        "supporting": [a.department_id for a in item.assignments.filter(role="supporting")],
        "reason": "人大审议意见",
        "targets-TOTAL_FORMS": len(targets) + 1,
        "targets-INITIAL_FORMS": len(targets),
        "targets-MIN_NUM_FORMS": 0,
        "targets-MAX_NUM_FORMS": 50,
    }
    for index, t in enumerate(targets):
        for key in ("kind", "subject", "op", "unit", "period"):
            data[f"targets-{index}-{key}"] = getattr(t, key)
        data[f"targets-{index}-id"] = t.pk
        data[f"targets-{index}-value"] = "" if t.value is None else str(t.value)
        data[f"targets-{index}-value_max"] = "" if t.value_max is None else str(t.value_max)
        data[f"targets-{index}-weight"] = str(t.weight)
    extra = len(targets)
    data.update(
        {f"targets-{extra}-kind": "quantity", f"targets-{extra}-op": "=", f"targets-{extra}-weight": "1"}
    )
    data.update(overrides)
    return data


def test_the_office_edits_an_item_in_the_browser_and_sees_the_version_and_its_diff(client, plan, office):
    sign_in(client, office)
    item = _item(plan, 2)
    assert client.get(reverse("plans_edit:plan", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plans_edit:item", args=[item.pk])).status_code == 200
    response = client.post(
        reverse("plans_edit:item", args=[item.pk]), _post(item, **{"targets-0-value": "30"})
    )
    assert response.status_code == 302 and response.url == reverse("plans_edit:versions", args=[plan.pk])
    assert item.targets.get(position=0).value == Decimal(30)
    page = client.get(reverse("plans_edit:versions", args=[plan.pk]))
    assert "人大审议意见" in page.content.decode()
    assert "version-2" in page.content.decode()
    assert "<td>20</td><td>30</td>" in page.content.decode()  # the target's value, before and after


@pytest.mark.parametrize(
    "overrides",
    [
        {"reason": ""},
        {"targets-0-value": "abc"},
        {"targets-0-weight": "-1"},
        {"targets-0-value": ""},
        {"text": ""},
        {"targets-2-value": "5"},  # a new target with no subject
    ],
)
def test_a_bad_value_comes_back_on_the_form_and_nothing_is_saved(client, plan, office, overrides):
    sign_in(client, office)
    item = _item(plan, 2)
    response = client.post(reverse("plans_edit:item", args=[item.pk]), _post(item, **overrides))
    assert response.status_code == 400
    assert PlanVersion.objects.filter(plan=plan).count() == 1


@pytest.mark.parametrize("role", OTHERS)
def test_no_one_but_the_office_edits_a_plan(client, plan, role):
    sign_in(client, OTHERS[role]())
    item = _item(plan, 2)
    assert client.get(reverse("plans_edit:plan", args=[plan.pk])).status_code == 403
    assert client.get(reverse("plans_edit:item", args=[item.pk])).status_code == 403
    assert client.post(reverse("plans_edit:item", args=[item.pk]), _post(item)).status_code == 403
    assert PlanVersion.objects.filter(plan=plan).count() == 1


def test_a_visitor_is_asked_to_sign_in_and_may_read_the_versions(client, plan):
    item = _item(plan, 2)
    response = client.get(reverse("plans_edit:item", args=[item.pk]))
    assert response.status_code == 302 and "login" in response.url
    assert client.get(reverse("plans_edit:versions", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plans_edit:history", args=[item.pk])).status_code == 200
    assert client.get(reverse("plans_edit:history", args=[999999])).status_code == 404


def test_the_versions_page_costs_the_same_queries_whatever_the_history(
    client, plan, office, django_assert_num_queries
):
    url = reverse("plans_edit:versions", args=[plan.pk])
    client.get(url)
    with django_assert_num_queries(3) as before:
        client.get(url)
    for no in (1, 2, 3):
        item = _item(plan, no)
        plan_item_edit(item=item, change=_change(item, title=f"标题{no}"), reason="r", by=office)
    with django_assert_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200


def test_an_edit_of_the_seed_changes_only_the_edited_item(office, seed_txt):
    """The plan read back from the database and imported again is the plan itself: only the edited item is
    changed, whatever standards, places and departments the others carry."""
    from minsheng.plans.services import plan_import

    plan = plan_import(content=seed_txt.read_bytes(), filename=seed_txt.name).plan
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ADOPTED)
    before = {
        i.pk: (i.no, i.text, [(t.pk, t.value) for t in i.targets.all()])
        for i in Item.objects.filter(plan=plan)
    }
    item = _item(plan, 5)
    change = _change(item)
    change.targets[0].value = (change.targets[0].value or Decimal(0)) + 1
    version = plan_item_edit(item=item, change=change, reason="r", by=office)
    assert version.changes["changed"] == [5]
    assert version.changes["added"] == version.changes["removed"] == version.changes["renumbered"] == []
    assert ItemRevision.objects.filter(version=version).count() == 1
    after = {
        i.pk: (i.no, i.text, [(t.pk, t.value) for t in i.targets.all()])
        for i in Item.objects.filter(plan=plan)
    }
    assert {pk for pk in before if before[pk] != after[pk]} == {item.pk}
