"""The import service: a new plan, an identical re-import, a revised document, bad files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from minsheng.accounts.models import AuditEvent
from minsheng.accounts.tests.factories import OfficeUserFactory
from minsheng.documents.model import Standard as DocStandard
from minsheng.documents.model import Target as DocTarget
from minsheng.plans.models import (
    Action,
    Department,
    Item,
    ItemDepartment,
    ItemRevision,
    Plan,
    PlanVersion,
    Region,
    Standard,
    Target,
)
from minsheng.plans.services import PlanImportError, plan_document_import, plan_import, plan_status_set
from minsheng.plans.tests.factories import doc_item, document

pytestmark = pytest.mark.django_db

ALL_MODELS = (
    Region,
    Plan,
    PlanVersion,
    Action,
    Item,
    ItemRevision,
    Target,
    Standard,
    Department,
    ItemDepartment,
    AuditEvent,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def _import_file(path: Path, **kwargs):
    return plan_import(content=path.read_bytes(), filename=path.name, **kwargs)


def _revised_seed(seed_txt: Path, tmp_path: Path) -> Path:
    """The seed with item 1's main count changed (9千米 -> 12千米), item 22 dropped and an item 41 added."""
    text = seed_txt.read_text(encoding="utf-8")
    assert "主管道9千米" in text
    lines = [
        line
        for line in text.replace("主管道9千米", "主管道12千米").splitlines()
        if not line.startswith("22.")
    ]
    lines.append("41.为城区老旧小区加装电梯20部，方便老年人出行。")
    path = tmp_path / "tiemenguan-2025-revised.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- a new plan ------------------------------------------------------------------------------------------


def test_import_of_the_seed_creates_the_plan_with_10_actions_and_40_items(seed_docx):
    office = OfficeUserFactory()
    result = _import_file(seed_docx, region="第二师铁门关市", year=2025, by=office)

    plan = result.plan
    assert result.created and not result.unchanged
    assert (plan.region.name, plan.year, plan.status) == ("第二师铁门关市", 2025, Plan.Status.DRAFT)
    assert plan.title.startswith("第二师铁门关市2025年")
    assert plan.actions.count() == 10
    assert plan.items.count() == 40
    assert result.added == list(range(1, 41))
    assert sorted(plan.items.values_list("no", flat=True)) == list(range(1, 41))
    assert Action.objects.get(plan=plan, no=8).title == "全民健康守护行动"
    assert Target.objects.filter(item__plan=plan).count() >= 40
    item26 = plan.items.get(no=26)
    assert [(s.amount, s.per) for s in item26.standards.all()] == [(209, "人")]
    assert item26.targets.get().value == 17000

    version = result.version
    assert version.number == 1
    assert version.created_by == office
    assert bytes(version.content) == seed_docx.read_bytes()
    assert version.sha256 == hashlib.sha256(seed_docx.read_bytes()).hexdigest()
    assert version.parsed["schema_version"] == "1"
    assert ItemRevision.objects.filter(version=version, kind=ItemRevision.Kind.ADDED).count() == 40
    event = AuditEvent.objects.get(verb="plan_import")
    assert (event.actor, event.object_id, event.details["version"]) == (office, str(plan.pk), 1)


def test_region_and_year_default_to_what_the_document_states(seed_docx):
    plan = _import_file(seed_docx).plan
    assert (plan.region.name, plan.year) == ("第二师铁门关市", 2025)


def test_the_same_document_for_another_year_is_another_plan(seed_docx):
    first = _import_file(seed_docx, year=2025).plan
    second = _import_file(seed_docx, year=2026).plan
    assert first.pk != second.pk
    assert second.items.count() == 40


# --- the same document again -----------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(seed_docx):
    first = _import_file(seed_docx)
    before = _counts()
    items = dict(Item.objects.values_list("pk", "text"))

    again = _import_file(seed_docx)

    assert again.unchanged
    assert again.plan.pk == first.plan.pk
    assert again.version.pk == first.version.pk
    assert _counts() == before
    assert dict(Item.objects.values_list("pk", "text")) == items


def test_the_same_plan_as_text_instead_of_docx_is_unchanged_too(seed_docx, seed_txt):
    _import_file(seed_docx)
    before = _counts()
    assert _import_file(seed_txt).unchanged
    assert _counts() == before


# --- a revised document ----------------------------------------------------------------------------------


def test_a_revised_document_is_a_new_version_that_keeps_identities(seed_docx, seed_txt, tmp_path):
    first = _import_file(seed_docx)
    plan = first.plan
    old_items = {item.no: item.pk for item in plan.items.all()}
    old_target = Target.objects.get(item__plan=plan, item__no=1, unit="千米", value=9)

    result = _import_file(_revised_seed(seed_txt, tmp_path))

    assert not result.unchanged and not result.created
    assert result.plan.pk == plan.pk
    assert result.version.number == 2
    assert result.added == [41]
    assert result.removed == [22]
    assert result.changed == [1]
    assert result.version.changes["added"] == [41]
    assert result.version.changes["removed"] == [22]
    assert result.version.changes["changed"] == [1]

    current = {item.no: item.pk for item in Item.objects.filter(plan=plan, removed_in=None)}
    assert set(current) == (set(range(1, 42)) - {22})
    assert all(current[no] == old_items[no] for no in range(1, 41) if no != 22)
    # The changed target keeps its identity and takes the new value.
    old_target.refresh_from_db()
    assert (old_target.value, old_target.removed_in) == (12, None)
    assert old_target.source.startswith("12千米") or "12千米" in old_target.source
    # The dropped item is kept, marked removed in version 2.
    dropped = Item.objects.get(pk=old_items[22])
    assert dropped.removed_in == result.version
    assert list(dropped.revisions.values_list("kind", flat=True)) == ["added", "removed"]
    assert list(Item.objects.get(pk=old_items[1]).revisions.values_list("kind", flat=True)) == [
        "added",
        "changed",
    ]
    assert Item.objects.get(pk=old_items[2]).revisions.count() == 1


def test_going_back_to_the_first_document_is_a_third_version(seed_docx, seed_txt, tmp_path):
    plan = _import_file(seed_docx).plan
    _import_file(_revised_seed(seed_txt, tmp_path))
    result = _import_file(seed_docx)
    assert result.version.number == 3
    assert result.added == [22] and result.removed == [41] and result.changed == [1]
    assert Item.objects.filter(plan=plan, removed_in=None).count() == 40


def test_renumbered_items_keep_their_identity_and_are_reported():
    first = plan_document_import(document=document(n_items=5))
    pks = {item.text: item.pk for item in first.plan.items.all()}
    items = [doc_item(1), doc_item(3), doc_item(4), doc_item(5)]
    for no, item in enumerate(items, start=1):
        item.no = no  # 3 -> 2, 4 -> 3, 5 -> 4

    result = plan_document_import(document=document([items]))

    assert result.removed == [2]
    assert result.added == [] and result.changed == []
    assert result.renumbered == [(3, 2), (4, 3), (5, 4)]
    for item in Item.objects.filter(plan=first.plan, removed_in=None):
        assert pks[item.text] == item.pk
    assert Item.objects.get(plan=first.plan, removed_in=None, no=2).revisions.last().kind == "renumbered"


def test_an_edited_item_that_also_moved_keeps_its_identity():
    first = plan_document_import(document=document(n_items=5))
    old = first.plan.items.get(no=4)
    items = [doc_item(1), doc_item(2), doc_item(3), doc_item(4), doc_item(5)]
    del items[1]
    items[2].text = items[2].text.replace("提供第4类服务", "提供第4类上门服务")
    for no, item in enumerate(items, start=1):
        item.no = no

    result = plan_document_import(document=document([items]))

    assert Item.objects.get(plan=first.plan, removed_in=None, no=3).pk == old.pk
    assert 3 in result.changed


def test_targets_are_matched_within_an_item():
    first = plan_document_import(
        document=document(
            [
                [
                    doc_item(
                        1,
                        "新建5G基站2座，改造光纤10千米。",
                        targets=[
                            DocTarget(
                                kind="quantity",
                                subject="5G基站",
                                op="=",
                                value=2,
                                unit="座",
                                source="5G基站2座",
                            ),
                            DocTarget(
                                kind="quantity",
                                subject="光纤",
                                op="=",
                                value=10,
                                unit="千米",
                                source="光纤10千米",
                            ),
                        ],
                    )
                ]
            ]
        )
    )
    base, fibre = first.plan.items.get().targets.order_by("position")

    result = plan_document_import(
        document=document(
            [
                [
                    doc_item(
                        1,
                        "新建5G基站3座，改造光纤10千米，新增机房1间。",
                        targets=[
                            DocTarget(
                                kind="quantity",
                                subject="5G基站",
                                op="=",
                                value=3,
                                unit="座",
                                source="5G基站3座",
                            ),
                            DocTarget(
                                kind="quantity",
                                subject="光纤",
                                op="=",
                                value=10,
                                unit="千米",
                                source="光纤10千米",
                            ),
                            DocTarget(
                                kind="quantity", subject="机房", op="=", value=1, unit="间", source="机房1间"
                            ),
                        ],
                    )
                ]
            ]
        )
    )

    assert result.changed == [1]
    current = list(Target.objects.filter(item__plan=first.plan, removed_in=None).order_by("position"))
    assert [t.pk for t in current[:2]] == [base.pk, fibre.pk]
    assert current[0].value == 3
    assert current[2].unit == "间"


def test_a_dropped_target_is_kept_and_marked_removed():
    targets = [
        DocTarget(kind="quantity", subject="基站", op="=", value=2, unit="座", source="基站2座"),
        DocTarget(kind="quantity", subject="光纤", op="=", value=10, unit="千米", source="光纤10千米"),
    ]
    first = plan_document_import(
        document=document([[doc_item(1, "新建基站2座，光纤10千米。", targets=targets)]])
    )
    result = plan_document_import(document=document([[doc_item(1, "新建基站2座。", targets=targets[:1])]]))
    fibre = Target.objects.get(item__plan=first.plan, unit="千米")
    assert fibre.removed_in == result.version
    assert Target.objects.filter(item__plan=first.plan, removed_in=None).count() == 1


def test_standards_and_departments_follow_the_document():
    standard = DocStandard(subject="体检", op="=", amount=209, per="人", source="每人209元")
    first = plan_document_import(
        document=document([[doc_item(1, standards=[standard], departments=["卫健委", "财政局"])]])
    )
    item = first.plan.items.get()
    assert [(a.department.name, a.role) for a in item.assignments.select_related("department")] == [
        ("卫健委", "lead"),
        ("财政局", "supporting"),
    ]
    raised = DocStandard(subject="体检", op="=", amount=230, per="人", source="每人230元", previous=209)
    result = plan_document_import(
        document=document([[doc_item(1, standards=[raised], departments=["卫健委", "财政局"])]])
    )
    assert result.changed == [1]
    assert [(s.amount, s.previous) for s in item.standards.all()] == [(230, 209)]
    assert Department.objects.filter(region=first.plan.region).count() == 2


def test_a_re_import_that_differs_only_in_warnings_changes_no_item():
    plan_document_import(document=document(n_items=3))
    doc = document(n_items=3)
    doc.warnings.append("something odd")
    result = plan_document_import(document=doc)
    assert result.version.number == 2
    assert (result.added, result.removed, result.changed, result.renumbered) == ([], [], [], [])


# --- bad files -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("plan.docx", b"PK\x03\x04 this is not really a docx"),
        ("plan.txt", b""),
        ("plan.txt", "今天天气很好，我们去公园散步。".encode()),
        ("plan.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
    ],
    ids=["corrupt-docx", "empty", "no-plan", "binary"],
)
def test_a_bad_file_is_a_clear_error_and_the_database_is_untouched(seed_docx, filename, content):
    _import_file(seed_docx)
    before = _counts()
    with pytest.raises(PlanImportError) as info:
        plan_import(content=content, filename=filename, region="第二师铁门关市", year=2025)
    assert str(info.value).strip()
    assert "\n" not in str(info.value)
    assert _counts() == before


def test_a_document_that_breaks_an_invariant_half_way_leaves_nothing_behind():
    broken = DocTarget(
        kind="quantity", subject="x", op="range", value=10, value_max=5, unit="名", source="10名"
    )
    doc = document([[doc_item(1), doc_item(2, targets=[broken])]])
    with pytest.raises(PlanImportError):
        plan_document_import(document=doc)
    assert all(count == 0 for count in _counts().values())


def test_a_document_without_region_or_year_needs_them_given():
    doc = document(n_items=2)
    doc.region, doc.year = None, None
    with pytest.raises(PlanImportError):
        plan_document_import(document=doc)
    with pytest.raises(PlanImportError):
        plan_document_import(document=doc, region="测试市")
    assert plan_document_import(document=doc, region="测试市", year=2024).plan.year == 2024


def test_an_oversized_file_is_refused_before_reading(settings, seed_txt, en):
    settings.MINSHENG_MAX_DOCUMENT_BYTES = 100
    with pytest.raises(PlanImportError, match="too large"):
        _import_file(seed_txt)
    assert not Plan.objects.exists()


# --- status ----------------------------------------------------------------------------------------------


def test_plan_status_set_moves_the_plan_and_records_it():
    office = OfficeUserFactory()
    plan = plan_document_import(document=document(n_items=1)).plan
    plan_status_set(plan=plan, status=Plan.Status.CONSULTATION, by=office)
    plan.refresh_from_db()
    assert plan.status == "consultation"
    event = AuditEvent.objects.get(verb="plan_status_set")
    assert event.details == {"from": "draft", "to": "consultation"}


def test_a_document_that_repeats_an_item_number_is_refused(en):
    doc = document([[doc_item(1), doc_item(2)], [doc_item(2, "另一个事项，为20名群众服务。")]])
    with pytest.raises(PlanImportError, match="Item number 2 appears twice"):
        plan_document_import(document=doc)
    assert not Plan.objects.exists()


def test_a_plan_at_the_voting_stage_takes_no_new_version(db, en):
    from minsheng.plans.models import Plan
    from minsheng.plans.services import PlanImportError, plan_document_import, plan_status_set
    from minsheng.plans.tests.factories import document

    plan = plan_document_import(document=document(n_items=3)).plan
    plan_status_set(plan=plan, status=Plan.Status.VOTING)
    with pytest.raises(PlanImportError, match="voting"):
        plan_document_import(document=document(n_items=4))
    assert plan.versions.count() == 1 and plan.items.count() == 3
