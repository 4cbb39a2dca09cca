"""The people sheet: the template round trip, every bad row listed (row, column, why) and no one added,
and a good sheet adding everyone with a one-time sign-in link."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from minsheng.accounts.models import SignInLink, User
from minsheng.accounts.tests.factories import DeputyFactory, OfficeUserFactory, ReporterFactory
from minsheng.common.spreadsheets import SheetErrors, SpreadsheetError
from minsheng.people.sheets import people_sheet_load, people_sheet_read, people_template_build
from minsheng.plans.tests.factories import DepartmentFactory, RegionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]


def sheet(*rows) -> bytes:
    workbook = Workbook()
    data = workbook.active
    data.title = "people"
    data.append(["姓名", "手机号或邮箱", "角色", "部门"])
    for row in rows:
        data.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def department():
    return DepartmentFactory(name="示范·住建局")


def test_the_template_has_the_columns_and_the_departments(department):
    workbook = load_workbook(io.BytesIO(people_template_build()))
    assert [cell.value for cell in workbook["people"][1]] == [
        "name",
        "mobile phone or email",
        "role",
        "department (reporters and heads)",
    ]
    assert [row[0].value for row in workbook.worksheets[1].iter_rows(min_row=2)] == ["示范·住建局"]


def test_a_good_sheet_adds_everyone_with_a_link(department):
    office = OfficeUserFactory()
    added = people_sheet_load(
        content=sheet(
            ("张三", "13800000001", "填报员", "示范·住建局"),
            ("李四", "li@example.org", "Department head", "示范·住建局"),
            (None, None, None, None),  # an empty row is skipped
            ("王五", 13800000003, "人大代表", None),  # a phone typed as a number
            ("赵六", "13800000004", "office", ""),
        ),
        by=office,
    )
    assert [new.user.username for new in added] == [
        "13800000001",
        "li@example.org",
        "13800000003",
        "13800000004",
    ]
    assert [new.user.role for new in added] == ["reporter", "dept_head", "deputy", "office"]
    assert added[0].user.department == department
    assert added[2].user.department is None
    assert all(new.token for new in added)
    assert SignInLink.objects.count() == 4


def test_every_bad_row_is_listed_and_no_one_is_added(department):
    office = OfficeUserFactory()
    DeputyFactory(username="13800000009")
    retired = DepartmentFactory(region=department.region, name="旧局")
    retired.retired_at = retired.region.created_at
    retired.save()
    content = sheet(
        ("张三", "13800000001", "填报员", "示范·住建局"),  # good, but not added: another row is bad
        ("", "13800000002", "填报员", "示范·住建局"),  # row 3: no name
        ("李四", "12345", "填报员", "示范·住建局"),  # row 4: bad contact
        ("王五", "13800000005", "boss", "示范·住建局"),  # row 5: unknown role
        ("赵六", "13800000006", "reporter", "不存在局"),  # row 6: unknown department
        ("钱七", "13800000007", "reporter", None),  # row 7: reporter without department
        ("孙八", "13800000009", "deputy", None),  # row 8: taken
        ("周九", "13800000001", "deputy", None),  # row 9: same as row 2
        ("吴十", "13800000010", "deputy", "示范·住建局"),  # row 10: a deputy in a department
        ("郑一", "13800000011", "reporter", "旧局"),  # row 11: retired department
    )
    with pytest.raises(SheetErrors) as raised:
        people_sheet_load(content=content, by=office)
    errors = raised.value.errors
    assert sorted({error.row for error in errors}) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    by_row = {error.row: str(error) for error in errors}
    assert "column A (name)" in by_row[3]
    assert "“12345” is not a mobile phone number" in by_row[4]
    assert "“boss” is not a role" in by_row[5]
    assert "No active department is called “不存在局”" in by_row[6]
    assert "belongs to a department" in by_row[7]
    assert "already signs in with 13800000009" in by_row[8]
    assert "Row 2 already adds 13800000001" in by_row[9]
    assert "Only department reporters and heads" in by_row[10]
    assert "No active department is called “旧局”" in by_row[11]
    assert User.objects.count() == 2
    assert not SignInLink.objects.exists()


def test_not_a_workbook_or_an_empty_one_is_refused(department):
    with pytest.raises(SpreadsheetError, match="not an Excel workbook"):
        people_sheet_read(content=b"name,phone\n")
    with pytest.raises(SpreadsheetError, match="no one to add"):
        people_sheet_read(content=sheet())


def test_only_the_office_loads_a_sheet(department):
    with pytest.raises(PermissionDenied):
        people_sheet_load(content=sheet(("张三", "13800000001", "deputy", None)), by=ReporterFactory())
    assert not User.objects.filter(username="13800000001").exists()


def test_a_department_name_in_two_regions_is_refused(department):
    DepartmentFactory(region=RegionFactory(), name="示范·住建局")
    result = people_sheet_read(content=sheet(("张三", "13800000001", "reporter", "示范·住建局")))
    assert [error.row for error in result.errors] == [2]
    assert "Several regions" in str(result.errors[0])
