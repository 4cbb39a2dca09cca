"""The write endpoints: a department's system saves a progress report's draft, changes it and submits it
to the department head, through delivery's own services and rules (the same as the web's report form);
the head approves and the office reviews on the web as for any report.

Each needs a token with the ``report`` scope acting as a reporter of a department that delivers the item.
A request may carry an ``Idempotency-Key`` header: the first answer with that key is kept, a retry with the
same key and body gets it again (header ``Idempotent-Replayed: true``) and writes nothing, a retry with the
same key and another body is refused (422).
"""

import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Path, Status
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel

from minsheng.api.auth import TokenAuth, Viewer
from minsheng.api.errors import CONFLICT, FORBIDDEN, INVALID, ApiError, delivery_error, not_found
from minsheng.api.models import ApiToken, IdempotencyRecord, Scope
from minsheng.api.reads import MAX_ID, router  # one router: a path's reads and writes share its URL
from minsheng.api.schemas import ReportChange, ReportIn, ReportOut, SubmitIn, write
from minsheng.api.services import idempotency_record_save
from minsheng.api.shapes import report_out
from minsheng.common.web import SignInFirst
from minsheng.delivery import selectors as delivery
from minsheng.delivery import services
from minsheng.delivery.models import ProgressReport
from minsheng.delivery.selectors import Period
from minsheng.delivery.services import DeliveryError
from minsheng.delivery.workflows import REPORT_FLOW

AUTH = TokenAuth(required=True)
REPORT = Path(..., ge=1, le=MAX_ID)
TAGS = ["report"]

CREATED = 201
OK = 200
KEY = Header(
    None, alias="Idempotency-Key", max_length=255, description="Makes a retry safe: see docs/api.md."
)


def _viewer(request: HttpRequest) -> Viewer:
    return request.auth  # type: ignore[attr-defined]


# --- idempotency -----------------------------------------------------------------------------------------


def _request_hash(operation: str, payload: BaseModel) -> str:
    body = json.dumps(payload.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{operation}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord, request_hash: str) -> JsonResponse:
    if record.request_hash != request_hash:
        raise ApiError(
            INVALID,
            "idempotency_key_reused",
            _("This Idempotency-Key was already used for another request; use a new key for a new request."),
        )
    response = JsonResponse(
        record.response, status=record.status_code, json_dumps_params={"ensure_ascii": False}
    )
    response["Idempotent-Replayed"] = "true"
    return response


def _idempotent(
    token: ApiToken,
    key: str | None,
    operation: str,
    payload: BaseModel,
    action: Callable[[], tuple[int, dict]],
) -> Any:
    """Run ``action`` (a write returning its status and answer) once per ``key``: its answer is kept in the
    write's own transaction and replayed to a retry."""
    if not key:
        status, body = action()
        return Status(status, body)
    request_hash = _request_hash(operation, payload)
    found = IdempotencyRecord.objects.filter(token=token, key=key).first()
    if found is not None:
        return _replay(found, request_hash)
    try:
        with transaction.atomic():
            status, body = action()
            idempotency_record_save(
                token=token,
                key=key,
                operation=operation,
                request_hash=request_hash,
                status_code=status,
                response=body,
            )
    except IntegrityError:  # the same key, at the same moment, in another request that won
        found = IdempotencyRecord.objects.filter(token=token, key=key).first()
        if found is None:
            raise
        return _replay(found, request_hash)
    return Status(status, body)


# --- checks the web's pages make with their forms --------------------------------------------------------


def _closed_period(period_end: Any, periods: list[Period]) -> ApiError | None:
    ends = [p.end for p in periods]
    if period_end in ends:
        return None
    if not ends:
        return ApiError(
            CONFLICT,
            "closed_period",
            _(
                "No reporting period is open for this target yet (its item is not assigned, or no period has ended)."
            ),
        )
    return ApiError(
        CONFLICT,
        "closed_period",
        _("No reporting period ending %(date)s is open for this target; open periods end on %(ends)s.")
        % {"date": period_end.isoformat(), "ends": ", ".join(end.isoformat() for end in ends)},
    )


def _refused(user: Any, department_id: int | None, what: str) -> ApiError:
    """Why delivery's rule refused: another department's target or report, or a person who may not report."""
    if department_id is not None and department_id != user.department_id:
        return ApiError(
            FORBIDDEN,
            "wrong_department",
            _("This report belongs to another department.")
            if what == "report"
            else _("Your department does not deliver this target's item."),
        )
    return ApiError(
        FORBIDDEN, "forbidden", _("The person this token acts as may not do this (only a reporter may).")
    )


def _decimal(value: float | None) -> Decimal | None:
    """A JSON number as the service takes it (its shortest decimal form: 40.5, not 40.5000000001)."""
    return None if value is None else Decimal(repr(value))


def _serves(user: Any, target: Any) -> bool:
    return bool(user.has_perm("delivery.add_report", target))


def _figures(payload: ReportIn | ReportChange) -> dict[str, Any]:
    """What a report states, from a new report's or a change's payload, as ``services.report_save`` takes it."""
    return {
        "period_end": payload.period_end,
        "actual": _decimal(payload.actual),
        "stage": payload.stage,
        "narrative": payload.narrative,
        "funds_spent": _decimal(payload.funds_spent),
    }


def _body(report_id: int) -> dict:
    found = delivery.report_get(report_id=report_id)
    assert found is not None
    # As ninja's renderer writes it, so that a replayed answer is the same, byte for byte.
    return json.loads(
        json.dumps(ReportOut.model_validate(report_out(found)).model_dump(), cls=NinjaJSONEncoder)
    )


def _service(call: Callable[[], ProgressReport]) -> ProgressReport:
    try:
        return call()
    except DeliveryError as error:
        raise delivery_error(error) from error
    except PermissionDenied as error:
        raise ApiError(FORBIDDEN, "forbidden", str(error) or _("This token may not do this.")) from error


def _own_report(viewer: Viewer, report_id: int) -> ProgressReport:
    """A report the token's person may see (else 404, as on the web)."""
    from django.http import Http404

    try:
        return delivery.access_report_by_id(report_id=report_id, user=viewer.user)
    except (Http404, SignInFirst):
        raise not_found() from None


# --- endpoints -------------------------------------------------------------------------------------------


@router.post(
    "/reports",
    response=write(CREATED, ReportOut),
    summary="Save a new draft report",
    operation_id="report_create",
    auth=AUTH,
    tags=TAGS,
)
def report_create(request: HttpRequest, payload: ReportIn, idempotency_key: str | None = KEY) -> Any:
    viewer = _viewer(request)
    token = viewer.require_scope(Scope.REPORT)
    user = viewer.user

    def action() -> tuple[int, dict]:
        page = delivery.report_target_get(target_id=payload.target, on=timezone.localdate())
        if page is None:
            raise not_found()
        if not _serves(user, page.target):
            serves = any(a.department_id == user.department_id for a in page.item.assignments.all())
            raise _refused(user, None if serves else -1, "target")
        if (closed := _closed_period(payload.period_end, page.periods)) is not None:
            raise closed
        report = _service(
            lambda: services.report_save(
                target=page.target,
                by=user,
                **_figures(payload),
            )
        )
        return CREATED, _body(report.pk)

    return _idempotent(token, idempotency_key, "POST /reports", payload, action)


@router.put(
    "/reports/{report_id}",
    response=write(OK, ReportOut),
    summary="Change a draft report",
    operation_id="report_change",
    auth=AUTH,
    tags=TAGS,
)
def report_change(
    request: HttpRequest, payload: ReportChange, report_id: int = REPORT, idempotency_key: str | None = KEY
) -> Any:
    viewer = _viewer(request)
    token = viewer.require_scope(Scope.REPORT)
    user = viewer.user

    def action() -> tuple[int, dict]:
        report = _own_report(viewer, report_id)
        if not user.has_perm("delivery.change_report", report):
            raise _refused(user, report.department_id, "report")
        if not REPORT_FLOW["edit"].state_allows(user, report):
            raise ApiError(
                CONFLICT,
                "wrong_state",
                _("This report has been submitted (%(status)s); it can no longer be changed.")
                % {"status": report.get_status_display()},
            )
        periods = delivery.report_periods(report=report, on=timezone.localdate())
        if (closed := _closed_period(payload.period_end, periods)) is not None:
            raise closed
        changed = _service(
            lambda: services.report_save(
                target=report.target,
                by=user,
                **_figures(payload),
                report=report,
                expected_version=payload.version,
            )
        )
        return OK, _body(changed.pk)

    return _idempotent(token, idempotency_key, f"PUT /reports/{report_id}", payload, action)


@router.post(
    "/reports/{report_id}/submit",
    response=write(OK, ReportOut),
    summary="Submit a draft to the department head",
    operation_id="report_submit",
    auth=AUTH,
    tags=TAGS,
)
def report_submit(
    request: HttpRequest, payload: SubmitIn, report_id: int = REPORT, idempotency_key: str | None = KEY
) -> Any:
    viewer = _viewer(request)
    token = viewer.require_scope(Scope.REPORT)
    user = viewer.user

    def action() -> tuple[int, dict]:
        report = _own_report(viewer, report_id)
        if not user.has_perm("delivery.submit_report", report):
            raise _refused(user, report.department_id, "report")
        submitted = _service(
            lambda: services.report_submit(report=report, by=user, expected_version=payload.version)
        )
        return OK, _body(submitted.pk)

    return _idempotent(token, idempotency_key, f"POST /reports/{report_id}/submit", payload, action)
