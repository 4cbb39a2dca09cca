"""The people pages: only the office may open them (every role both ways; a visitor is asked to sign in,
nothing is stored when refused), and what the office does there."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from minsheng.accounts.models import AuditEvent, SignInLink, User
from minsheng.accounts.tests.factories import (
    DeptHeadFactory,
    DeputyFactory,
    OfficeUserFactory,
    PublicUserFactory,
    ReporterFactory,
)
from minsheng.plans.models import Department
from minsheng.plans.tests.factories import DepartmentFactory
from minsheng.testing import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("en")]

NOT_OFFICE = [ReporterFactory, DeptHeadFactory, DeputyFactory, PublicUserFactory]


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def world():
    department = DepartmentFactory(name="示范·住建局")
    other = DepartmentFactory(region=department.region, name="示范·城建局")
    person = ReporterFactory(department=department, username="13800000001")
    return {"department": department, "other": other, "person": person}


def _sheet(*rows) -> SimpleUploadedFile:
    workbook = Workbook()
    workbook.active.title = "people"
    workbook.active.append(["name", "contact", "role", "department"])
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("people.xlsx", out.getvalue())


def _pages(world):
    department, other, person = world["department"], world["other"], world["person"]
    return {
        "GET": [
            reverse("people:home"),
            reverse("people:department_new"),
            reverse("people:department", args=[department.pk]),
            reverse("people:person_new"),
            reverse("people:upload"),
            reverse("people:template"),
        ],
        "POST": [
            (reverse("people:department_new"), {"region": department.region_id, "name": "新局"}),
            (reverse("people:department_rename", args=[department.pk]), {"name": "新名"}),
            (reverse("people:department_merge", args=[department.pk]), {"into": other.pk}),
            (reverse("people:department_retire", args=[other.pk]), {}),
            (
                reverse("people:person_new"),
                {"name": "张三", "contact": "13800000002", "role": "deputy", "sign_in": "link"},
            ),
            (reverse("people:upload"), {"sheet": _sheet(("张三", "13800000003", "deputy", None))}),
            (reverse("people:person_deactivate", args=[person.pk]), {}),
            (reverse("people:person_link", args=[person.pk]), {}),
        ],
    }


@pytest.mark.parametrize("factory", NOT_OFFICE)
def test_no_role_but_the_office_may_open_or_post(client, world, factory):
    sign_in(client, factory(department=world["department"]))
    pages = _pages(world)
    for url in pages["GET"]:
        assert client.get(url).status_code == 403, url
    for url, data in pages["POST"]:
        assert client.post(url, data).status_code == 403, url
    assert Department.objects.count() == 2
    assert not User.objects.filter(username__in=["13800000002", "13800000003"]).exists()
    world["person"].refresh_from_db()
    assert world["person"].is_active
    assert not SignInLink.objects.exists()
    assert not AuditEvent.objects.writes().exists()


def test_a_visitor_is_asked_to_sign_in(client, world):
    pages = _pages(world)
    for url in pages["GET"]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url
    for url, data in pages["POST"]:
        response = client.post(url, data)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url
    assert Department.objects.count() == 2


def test_an_office_user_without_staff_is_refused(client, world):
    sign_in(client, OfficeUserFactory(is_staff=False))
    assert client.get(reverse("people:home")).status_code == 403


def test_the_office_opens_every_page(office_client, world):
    for url in _pages(world)["GET"]:
        assert office_client.get(url).status_code == 200, url
    assert office_client.get(reverse("people:department", args=[999999])).status_code == 404
    assert office_client.post(reverse("people:person_deactivate", args=[999999])).status_code == 404
    assert office_client.post(reverse("people:person_link", args=[PublicUserFactory().pk])).status_code == 404


def test_the_office_reaches_the_people_pages_from_the_delivery_home(office_client, world):
    page = office_client.get(reverse("delivery:home")).content.decode()
    assert f'href="{reverse("people:home")}"' in page


def test_the_home_page_lists_departments_and_people_in_constant_queries(office_client, world):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office_client.get(reverse("people:home")).status_code == 200
        return len(queries)

    before = count()
    for _ in range(3):
        department = DepartmentFactory(region=world["department"].region)
        ReporterFactory(department=department)
        DeputyFactory()
    assert count() == before
    page = office_client.get(reverse("people:home")).content.decode()
    assert "示范·住建局" in page and "13800000001" in page


def test_the_office_creates_a_department_and_adds_a_reporter_with_a_link(office_client, world):
    region = world["department"].region
    response = office_client.post(reverse("people:department_new"), {"region": region.pk, "name": "教育局"})
    department = Department.objects.get(name="教育局")
    assert response.status_code == 302 and response["Location"] == reverse(
        "people:department", args=[department.pk]
    )
    response = office_client.post(
        reverse("people:person_new"),
        {
            "name": "张三",
            "contact": "13800000005",
            "role": "reporter",
            "department": department.pk,
            "sign_in": "link",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "/accounts/link/" in page and "13800000005" in page
    user = User.objects.get(username="13800000005")
    assert user.department == department and user.role == "reporter"


def test_an_initial_password_is_shown_once(office_client, world):
    response = office_client.post(
        reverse("people:person_new"),
        {"name": "李四", "contact": "li@example.org", "role": "deputy", "sign_in": "password"},
    )
    assert response.status_code == 200
    user = User.objects.get(username="li@example.org")
    password = response.context["rows"][0]["password"]
    assert password in response.content.decode() and user.check_password(password)
    assert user.must_change_password


def test_bad_input_goes_back_on_the_form_and_saves_nothing(office_client, world):
    response = office_client.post(
        reverse("people:person_new"),
        {"name": "张三", "contact": "123", "role": "reporter", "sign_in": "link"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "not a mobile phone number" in page and "belongs to a department" in page
    response = office_client.post(
        reverse("people:department_new"), {"region": world["department"].region_id, "name": "示范·住建局"}
    )
    assert response.status_code == 400 and "already has a department" in response.content.decode()
    response = office_client.post(
        reverse("people:department_rename", args=[world["department"].pk]), {"name": "示范·城建局"}
    )
    assert response.status_code == 400
    assert User.objects.count() == 2 and Department.objects.count() == 2


def test_rename_merge_and_retire_through_the_pages(office_client, world):
    department, other, person = world["department"], world["other"], world["person"]
    response = office_client.post(
        reverse("people:department_rename", args=[department.pk]), {"name": "住建局"}
    )
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.name == "住建局"
    response = office_client.post(
        reverse("people:department_merge", args=[other.pk]), {"into": department.pk}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "people:department", args=[department.pk]
    )
    assert not Department.objects.filter(pk=other.pk).exists()
    response = office_client.post(
        reverse("people:department_merge", args=[department.pk]), {"into": department.pk}
    )
    assert response.status_code == 400  # not a choice: itself
    response = office_client.post(reverse("people:department_retire", args=[department.pk]), follow=True)
    assert "its people can no longer sign in" in response.content.decode()
    person.refresh_from_db()
    assert not person.is_active


def test_deactivate_and_a_new_link_through_the_pages(office_client, world):
    person = world["person"]
    response = office_client.post(reverse("people:person_link", args=[person.pk]))
    assert response.status_code == 200 and "/accounts/link/" in response.content.decode()
    response = office_client.post(reverse("people:person_deactivate", args=[person.pk]), follow=True)
    assert "can no longer sign in" in response.content.decode()
    person.refresh_from_db()
    assert not person.is_active
    response = office_client.post(reverse("people:person_link", args=[person.pk]), follow=True)
    assert "deactivated" in response.content.decode()


def test_the_sheet_with_bad_rows_lists_them_all_and_a_good_one_adds_everyone(office_client, world):
    response = office_client.post(
        reverse("people:upload"),
        {"sheet": _sheet(("张三", "13800000007", "reporter", "示范·住建局"), ("", "bad", "boss", None))},
    )
    assert response.status_code == 400
    assert len(response.context["row_errors"]) == 3  # name, contact and role of row 3
    assert not User.objects.filter(username="13800000007").exists()
    response = office_client.post(
        reverse("people:upload"),
        {
            "sheet": _sheet(
                ("张三", "13800000007", "reporter", "示范·住建局"), ("李四", "13800000008", "deputy", None)
            )
        },
    )
    assert response.status_code == 200
    assert response.content.decode().count("/accounts/link/") >= 2
    assert User.objects.filter(username__in=["13800000007", "13800000008"]).count() == 2


def test_a_file_that_is_no_workbook_is_refused(office_client, world):
    response = office_client.post(reverse("people:upload"), {"sheet": SimpleUploadedFile("x.xlsx", b"hello")})
    assert response.status_code == 400 and "not an Excel workbook" in response.content.decode()


def test_the_template_downloads(office_client, world):
    response = office_client.get(reverse("people:template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content.startswith(b"PK")
