"""The office's people pages: departments (create, rename, merge, retire) and people (add one, add many
from a sheet, deactivate, a new sign-in link). Only the office may open them: anyone else gets a 403, a
visitor the sign-in page.

A new person's sign-in link or initial password is shown once, on the page that answers the POST that
made it (only the link's hash is stored), for the office to hand over."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minsheng.accounts import services as account_services
from minsheng.accounts.http import SignedInRequest
from minsheng.accounts.models import User
from minsheng.common.limits import body_limit
from minsheng.common.spreadsheets import MAX_SHEET_BYTES, XLSX_CONTENT_TYPE, SheetErrors, SpreadsheetError
from minsheng.common.web import BAD_INPUT, attempt, button, require
from minsheng.people import selectors, services, sheets
from minsheng.people.forms import DepartmentForm, MergeForm, PersonForm, RenameForm, SheetForm
from minsheng.plans.models import Department

PERM = "people.manage"


def _department(request: SignedInRequest, department_id: int) -> Department:
    require(request, PERM)
    department = selectors.department_get(department_id=department_id)
    if department is None:
        raise Http404
    return department


def _person(request: SignedInRequest, user_id: int) -> User:
    require(request, PERM)
    person = selectors.person_get(user_id=user_id)
    if person is None:
        raise Http404
    return person


def _added(request: SignedInRequest, added: list[services.NewPerson], status: int = 200) -> HttpResponse:
    """The page that shows each new person's link or initial password, once."""
    rows = [
        {
            "person": new.user,
            "link": request.build_absolute_uri(reverse("accounts:sign_in_link", args=[new.token]))
            if new.token
            else "",
            "password": new.password,
        }
        for new in added
    ]
    return render(request, "people/added.html", {"rows": rows}, status=status)


@require_safe
@login_required
def home(request: SignedInRequest) -> HttpResponse:
    require(request, PERM)
    return render(
        request,
        "people/home.html",
        {"departments": selectors.departments_list(), "people": selectors.people_list()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def department_new(request: SignedInRequest) -> HttpResponse:
    require(request, PERM)
    status = 200
    if request.method == "POST":
        form = DepartmentForm(request.POST)
        status = BAD_INPUT
        if form.is_valid():
            department, status = attempt(
                form,
                lambda: services.department_create(
                    region=form.cleaned_data["region"], name=form.cleaned_data["name"], by=request.user
                ),
                services.PeopleError,
            )
            if department is not None:
                messages.success(
                    request, _("The department %(name)s is created.") % {"name": department.name}
                )
                return redirect("people:department", department.pk)
    else:
        form = DepartmentForm()
    return render(request, "people/department_new.html", {"form": form}, status=status)


def _department_page(
    request: SignedInRequest,
    department: Department,
    *,
    rename: RenameForm | None = None,
    merge: MergeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "people/department.html",
        {
            "department": department,
            "rename_form": rename or RenameForm(initial={"name": department.name}),
            "merge_form": merge or MergeForm(department=department),
            "open_work": services.department_open_work(department),
            "people": selectors.people_list(department_id=department.pk),
        },
        status=status,
    )


@require_safe
@login_required
def department(request: SignedInRequest, department_id: int) -> HttpResponse:
    return _department_page(request, _department(request, department_id))


@require_POST
@login_required
def department_rename(request: SignedInRequest, department_id: int) -> HttpResponse:
    department = _department(request, department_id)
    form = RenameForm(request.POST)
    if form.is_valid():
        result, _status = attempt(
            form,
            lambda: services.department_rename(
                department=department, name=form.cleaned_data["name"], by=request.user
            ),
            services.PeopleError,
        )
        if result is not None:
            messages.success(request, _("The department is renamed."))
            return redirect("people:department", department.pk)
    return _department_page(request, department, rename=form, status=BAD_INPUT)


@require_POST
@login_required
def department_merge(request: SignedInRequest, department_id: int) -> HttpResponse:
    department = _department(request, department_id)
    form = MergeForm(request.POST, department=department)
    if form.is_valid():
        into = form.cleaned_data["into"]
        _moved, status = attempt(
            form,
            lambda: services.department_merge(department=department, into=into, by=request.user),
            services.PeopleError,
        )
        if status == 200:
            messages.success(
                request,
                _("%(merged)s is merged into %(kept)s: its people and work now belong to %(kept)s.")
                % {"merged": department.name, "kept": into.name},
            )
            return redirect("people:department", into.pk)
    return _department_page(request, department, merge=form, status=BAD_INPUT)


@require_POST
@login_required
def department_retire(request: SignedInRequest, department_id: int) -> HttpResponse:
    department = _department(request, department_id)
    return button(
        request,
        lambda: services.department_retire(department=department, by=request.user),
        done=_("The department is retired; its people can no longer sign in."),
        back=reverse("people:department", args=[department.pk]),
        errors=services.PeopleError,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def person_new(request: SignedInRequest) -> HttpResponse:
    require(request, PERM)
    status = 200
    if request.method == "POST":
        form = PersonForm(request.POST)
        status = BAD_INPUT
        if form.is_valid():
            data = form.cleaned_data
            new, status = attempt(
                form,
                lambda: services.person_add(
                    name=data["name"],
                    contact=data["contact"],
                    role=data["role"],
                    department=data["department"],
                    sign_in=data["sign_in"],
                    by=request.user,
                ),
                services.PeopleError,
            )
            if new is not None:
                return _added(request, [new])
    else:
        initial = {}
        if department_id := request.GET.get("department", ""):
            initial["department"] = department_id if department_id.isdigit() else None
        form = PersonForm(initial=initial)
    return render(request, "people/person_new.html", {"form": form}, status=status)


@require_POST
@login_required
def person_deactivate(request: SignedInRequest, user_id: int) -> HttpResponse:
    person = _person(request, user_id)
    return button(
        request,
        lambda: services.person_deactivate(user=person, by=request.user),
        done=_("%(name)s can no longer sign in.") % {"name": person.get_full_name() or person.username},
        back=reverse("people:home") + "#people",
        errors=services.PeopleError,
    )


@require_POST
@login_required
def person_link(request: SignedInRequest, user_id: int) -> HttpResponse:
    person = _person(request, user_id)
    try:
        new = services.person_link_new(user=person, by=request.user)
    except services.PeopleError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(reverse("people:home") + "#people")
    return _added(request, [new])


@require_POST
@login_required
def person_two_factor_reset(request: SignedInRequest, user_id: int) -> HttpResponse:
    """One office user clears another's authenticator and recovery codes (a lost phone); they set up a new
    one at their next sign-in."""
    person = _person(request, user_id)
    require(request, "accounts.reset_two_factor", person)
    account_services.two_factor_reset(user=person, by=request.user)
    messages.success(
        request,
        _("%(name)s's two-step verification is reset: they set up a new authenticator at their next sign-in.")
        % {"name": person.get_full_name() or person.get_username()},
    )
    return redirect(reverse("people:home") + "#people")


@require_safe
@login_required
def template(request: SignedInRequest) -> HttpResponse:
    require(request, PERM)
    response = HttpResponse(sheets.people_template_build(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="people.xlsx"'
    return response


@body_limit(MAX_SHEET_BYTES)
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def upload(request: SignedInRequest) -> HttpResponse:
    require(request, PERM)
    row_errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = SheetForm(request.POST, request.FILES)
        status = BAD_INPUT
        if form.is_valid():
            try:
                added = sheets.people_sheet_load(content=form.cleaned_data["sheet"].read(), by=request.user)
            except SpreadsheetError as error:
                form.add_error("sheet", str(error))
            except SheetErrors as errors:
                row_errors = [str(error) for error in errors.errors]
            except services.PeopleError as error:
                form.add_error(None, error.messages)
            else:
                return _added(request, added)
    else:
        form = SheetForm()
    return render(request, "people/upload.html", {"form": form, "row_errors": row_errors}, status=status)
