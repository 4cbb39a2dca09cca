"""The people services: departments created, renamed, merged (everything that points at one moves, in one
transaction, audited) and retired (refused with open work); people added by role with a link or an initial
password, deactivated; every write refused to anyone but the office."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from minsheng.accounts.models import AuditEvent, SignInLink, User
from minsheng.accounts.services import sign_in_link_find
from minsheng.accounts.tests.factories import (
    DeptHeadFactory,
    DeputyFactory,
    OfficeUserFactory,
    PublicUserFactory,
    ReporterFactory,
)
from minsheng.delivery.models import ReportStatus, SupervisionNotice
from minsheng.delivery.tests.factories import (
    ItemDepartmentFactory,
    ProgressReportFactory,
    SupervisionNoticeFactory,
)
from minsheng.people import services
from minsheng.people.services import PeopleError, SignIn
from minsheng.plans.models import Department, ItemDepartment, PlanStatus
from minsheng.plans.tests.factories import DepartmentFactory, ItemFactory, RegionFactory, TargetFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]

NOT_OFFICE = [ReporterFactory, DeptHeadFactory, DeputyFactory, PublicUserFactory]


@pytest.fixture
def office():
    return OfficeUserFactory()


def test_department_create_and_rename_are_audited(office):
    region = RegionFactory()
    department = services.department_create(region=region, name="  住建局 ", by=office)
    assert department.name == "住建局"
    services.department_rename(department=department, name="住房和城乡建设局", by=office)
    department.refresh_from_db()
    assert department.name == "住房和城乡建设局"
    verbs = list(AuditEvent.objects.filter(object_id=str(department.pk)).values_list("verb", flat=True))
    assert sorted(verbs) == ["department_create", "department_rename"]


def test_department_name_taken_in_the_region_is_refused(office):
    taken = DepartmentFactory(name="教育局")
    with pytest.raises(PeopleError, match="already has a department"):
        services.department_create(region=taken.region, name="教育局", by=office)
    other = DepartmentFactory(region=taken.region)
    with pytest.raises(PeopleError, match="already has a department"):
        services.department_rename(department=other, name="教育局", by=office)
    with pytest.raises(PeopleError):
        services.department_create(region=taken.region, name="  ", by=office)
    assert Department.objects.count() == 2


@pytest.mark.parametrize("factory", NOT_OFFICE)
def test_only_the_office_may_write(factory):
    someone = factory()
    department = DepartmentFactory()
    other = DepartmentFactory(region=department.region)
    person = ReporterFactory(department=department)
    calls = [
        lambda: services.department_create(region=department.region, name="新局", by=someone),
        lambda: services.department_rename(department=department, name="新名", by=someone),
        lambda: services.department_merge(department=department, into=other, by=someone),
        lambda: services.department_retire(department=other, by=someone),
        lambda: services.person_add(name="张三", contact="13800000000", role="deputy", by=someone),
        lambda: services.person_deactivate(user=person, by=someone),
        lambda: services.person_link_new(user=person, by=someone),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert Department.objects.count() == 2
    assert not User.objects.filter(username="13800000000").exists()
    person.refresh_from_db()
    assert person.is_active
    assert not AuditEvent.objects.exists()


def test_merge_moves_people_assignments_reports_and_notices(office):
    kept = DepartmentFactory(name="住建局")
    merged = DepartmentFactory(region=kept.region, name="城建局")
    item_both = ItemFactory(action__plan__region=kept.region)
    item_merged_only = ItemFactory(plan=item_both.plan, action=item_both.action)
    ItemDepartmentFactory(item=item_both, department=merged, role=ItemDepartment.Role.LEAD)
    ItemDepartmentFactory(item=item_both, department=kept, role=ItemDepartment.Role.SUPPORTING)
    ItemDepartmentFactory(item=item_merged_only, department=merged, role=ItemDepartment.Role.SUPPORTING)
    member = ReporterFactory(department=merged)
    report = ProgressReportFactory(target=TargetFactory(item=item_both), department=merged)
    notice = SupervisionNoticeFactory(item=item_both, department=merged)

    moved = services.department_merge(department=merged, into=kept, by=office)

    assert not Department.objects.filter(pk=merged.pk).exists()
    member.refresh_from_db()
    report.refresh_from_db()
    notice.refresh_from_db()
    assert member.department == kept
    assert report.department == kept
    assert notice.department == kept
    assignments = dict(ItemDepartment.objects.filter(department=kept).values_list("item_id", "role"))
    assert assignments == {item_both.pk: "lead", item_merged_only.pk: "supporting"}  # the kept one leads now
    assert moved["accounts.user"] == 1
    assert moved["delivery.progressreport"] == 1
    event = AuditEvent.objects.get(verb="department_merge")
    assert event.object_id == str(kept.pk)
    assert event.details["merged_name"] == "城建局"


def test_merge_is_refused_into_itself_another_region_or_a_retired_one(office):
    department = DepartmentFactory()
    elsewhere = DepartmentFactory()
    retired = DepartmentFactory(region=department.region)
    services.department_retire(department=retired, by=office)
    for into, message in (
        (department, "another department"),
        (elsewhere, "another region"),
        (retired, "retired"),
    ):
        with pytest.raises(PeopleError, match=message):
            services.department_merge(department=department, into=into, by=office)
    assert Department.objects.filter(pk=department.pk).exists()


def test_retire_is_refused_with_open_work_and_says_what(office):
    department = DepartmentFactory(name="水利局")
    item = ItemFactory(action__plan__region=department.region)
    ItemDepartmentFactory(item=item, department=department)
    ProgressReportFactory(
        target=TargetFactory(item=item), department=department, status=ReportStatus.SUBMITTED
    )
    SupervisionNoticeFactory(item=item, department=department)
    with pytest.raises(PeopleError) as refused:
        services.department_retire(department=department, by=office)
    message = str(refused.value.messages[0])
    assert "水利局" in message
    assert "1 item(s)" in message
    assert "progress report" in message
    assert "supervision notice" in message
    department.refresh_from_db()
    assert department.retired_at is None


def test_retire_without_open_work_deactivates_its_people(office):
    department = DepartmentFactory()
    item = ItemFactory(action__plan__region=department.region, action__plan__status=PlanStatus.CLOSED)
    ItemDepartmentFactory(item=item, department=department)
    ProgressReportFactory(
        target=TargetFactory(item=item), department=department, status=ReportStatus.ACCEPTED
    )
    SupervisionNoticeFactory(item=item, department=department, status=SupervisionNotice.Status.CLOSED)
    reporter = ReporterFactory(department=department)
    assert services.department_retire(department=department, by=office) == 1
    department.refresh_from_db()
    reporter.refresh_from_db()
    assert department.retired_at is not None
    assert not reporter.is_active
    with pytest.raises(PeopleError, match="already retired"):
        services.department_retire(department=department, by=office)
    with pytest.raises(PeopleError, match="retired"):
        services.person_add(
            name="李四", contact="13900000000", role="reporter", department=department, by=office
        )


def test_person_added_with_a_link_signs_in_with_the_phone(office):
    department = DepartmentFactory()
    new = services.person_add(
        name="张 三", contact="138 0000 0000", role="reporter", department=department, by=office
    )
    user = new.user
    assert (user.username, user.first_name, user.role, user.department) == (
        "13800000000",
        "张 三",
        "reporter",
        department,
    )
    assert not user.has_usable_password()
    assert new.token and not new.password
    assert sign_in_link_find(token=new.token).user == user
    assert SignInLink.objects.get().token_hash != new.token  # only the hash is stored
    assert AuditEvent.objects.filter(verb="user_create", object_id=str(user.pk)).exists()


def test_person_added_with_an_initial_password_must_change_it(office):
    new = services.person_add(
        name="王五", contact="Wang@Example.org", role="office", sign_in=SignIn.PASSWORD, by=office
    )
    user = new.user
    assert user.username == "wang@example.org"
    assert user.email == "Wang@example.org"
    assert user.is_staff
    assert user.must_change_password
    assert new.password and user.check_password(new.password)
    assert not SignInLink.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "contact": "13800000001", "role": "deputy"}, "name"),
        ({"name": "甲", "contact": "", "role": "deputy"}, "contact"),
        ({"name": "甲", "contact": "12345", "role": "deputy"}, "contact"),
        ({"name": "甲", "contact": "not@an@address", "role": "deputy"}, "contact"),
        ({"name": "甲", "contact": "a" * 140 + "@example.org", "role": "deputy"}, "contact"),
        ({"name": "甲", "contact": "13800000001", "role": "public"}, "role"),
        ({"name": "甲", "contact": "13800000001", "role": "reporter"}, "department"),
        ({"name": "甲", "contact": "taken", "role": "deputy"}, "contact"),
    ],
)
def test_person_add_refuses_bad_input_on_its_field(office, fields, field):
    DeputyFactory(username="13800000009")
    if fields["contact"] == "taken":
        fields["contact"] = "13800000009"
    with pytest.raises(PeopleError) as refused:
        services.person_add(**fields, by=office)
    assert field in refused.value.message_dict
    assert User.objects.count() == 2


def test_a_deputy_or_office_belongs_to_no_department(office):
    with pytest.raises(PeopleError) as refused:
        services.person_add(
            name="甲", contact="13800000001", role="deputy", department=DepartmentFactory(), by=office
        )
    assert "department" in refused.value.message_dict


def test_deactivate_and_new_link(office):
    new = services.person_add(name="甲", contact="13800000001", role="deputy", by=office)
    second = services.person_link_new(user=new.user, by=office)
    with pytest.raises(Exception, match="expired"):
        sign_in_link_find(token=new.token)  # the earlier link stops working
    services.person_deactivate(user=new.user, by=office)
    new.user.refresh_from_db()
    assert not new.user.is_active
    with pytest.raises(Exception, match="expired"):
        sign_in_link_find(token=second.token)
    with pytest.raises(PeopleError, match="deactivated"):
        services.person_link_new(user=new.user, by=office)
    with pytest.raises(PeopleError, match="your own"):
        services.person_deactivate(user=office, by=office)
    with pytest.raises(PeopleError, match="Public"):
        services.person_deactivate(user=PublicUserFactory(), by=office)


def test_a_link_is_mailed_to_a_person_with_an_address(
    office, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.MINSHENG_SITE_URL = "https://minsheng.example.gov.cn/"
    with django_capture_on_commit_callbacks(execute=True):
        new = services.person_add(name="李四", contact="li@example.org", role="deputy", by=office)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["li@example.org"]
    assert f"https://minsheng.example.gov.cn/accounts/link/{new.token}/" in mail.body
    assert "li@example.org" in mail.body
    with django_capture_on_commit_callbacks(execute=True):
        services.person_add(name="王五", contact="13800000001", role="deputy", by=office)
    assert len(mailoutbox) == 1  # no address, no mail: the office hands the link over


@pytest.mark.parametrize("contact", ["+86 138-0000-0001", "１３８００００００01", " 13800000001 "])
def test_a_phone_number_is_read_as_people_write_it(office, contact):
    new = services.person_add(name="甲", contact=contact, role="deputy", by=office)
    assert new.user.username == "13800000001"
