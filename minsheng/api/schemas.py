"""The shapes of the API's requests and answers (pydantic, through django-ninja), as the OpenAPI document
publishes them. Figures are numbers (JSON), dates ISO 8601, lights one of ``not_started``, ``green``,
``yellow``, ``red``, ``done``."""

import datetime as dt
from typing import Any, Generic, Literal, TypeVar

from ninja import Field, Schema
from pydantic import ConfigDict

T = TypeVar("T")

Light = Literal["not_started", "green", "yellow", "red", "done"]
MAX_PAGE_SIZE = 200


class Error(Schema):
    status: int
    code: str
    message: str
    errors: dict[str, list[str]] = {}


class Page(Schema, Generic[T]):
    count: int = Field(description="How many results match, on every page.")
    page: int
    page_size: int
    next: str | None = Field(description="The next page's address, or null on the last.")
    previous: str | None
    results: list[T]


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class Ref(Schema):
    id: int
    name: str


class RegionOut(Schema):
    id: int
    name: str


class DepartmentOut(Schema):
    id: int
    name: str
    region_id: int
    retired: bool


class PlanOut(Schema):
    id: int
    region: RegionOut
    year: int
    title: str
    status: str
    item_count: int
    updated_at: dt.datetime


class ActionOut(Schema):
    id: int
    plan_id: int
    no: int
    title: str
    item_count: int


class TargetOut(Schema):
    id: int
    kind: str
    subject: str
    op: str
    value: float | None
    value_max: float | None
    unit: str
    period: str
    actual: float | None = Field(description="The latest published cumulative figure by the date asked.")
    stage: str = Field(description="The latest published stage reached (a milestone).")
    as_of: dt.date | None = Field(description="The as-of date of that figure.")
    completion: float | None = Field(description="0 to 1; null before any figure.")
    expected: float = Field(description="The share expected by the date asked (序时进度), 0 to 1.")


class ItemOut(Schema):
    id: int
    plan_id: int
    action_id: int
    action_no: int
    no: int
    title: str
    text: str
    locations: list[str]
    lead: Ref | None
    supporting: list[Ref]
    deadline: dt.date | None
    on: dt.date
    completion: float | None
    expected: float
    light: Light
    targets: list[TargetOut]


class ActionStatusOut(Schema):
    id: int
    no: int
    title: str
    completion: float | None
    expected: float
    light: Light


class PlanStatusOut(Schema):
    plan_id: int
    on: dt.date
    completion: float | None
    expected: float
    light: Light
    light_counts: dict[str, int]
    actions: list[ActionStatusOut]


class ReportOut(Schema):
    id: int
    plan_id: int
    item_id: int
    target_id: int
    department: Ref | None
    period_end: dt.date
    actual: float | None
    stage: str
    narrative: str
    funds_spent: float | None
    status: str
    published: bool
    return_reason: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    accepted_at: dt.datetime | None


class NoticeOut(Schema):
    id: int
    plan_id: int
    item_id: int
    department: Ref
    status: str
    issued_at: dt.datetime
    reply_deadline: dt.date
    replied_at: dt.datetime | None
    resolved_at: dt.datetime | None
    reason: str | None = Field(description="Null unless the token's department received the notice.")
    demand: str | None
    explanation: str | None
    catch_up_plan: str | None
    resolution: str | None


class CandidateOut(Schema):
    item_id: int
    item_no: int
    title: str
    votes: int
    chosen: bool | None
    tied: bool
    share: float | None = Field(description="Percent of the ballots cast.")


class VoteOut(Schema):
    plan_id: int
    ballots: int
    eligible: int | None
    turnout: float | None
    candidates: list[CandidateOut]


class GroupOut(Schema):
    group: str
    counts: dict[str, int]
    rate: float | None = Field(description="(满意 + 基本满意) ÷ all, percent to one place.")


class ItemRatingOut(Schema):
    item_id: int
    item_no: int
    title: str
    groups: list[GroupOut]
    flagged: bool


class RatingOut(Schema):
    plan_id: int
    threshold: float
    totals: list[GroupOut]
    items: list[ItemRatingOut]


class MeOut(Schema):
    department: Ref
    acts_as: str
    role: str
    name: str
    scopes: list[str]
    expires_at: dt.datetime


class ReportIn(Schema):
    """A progress report's figures: ``actual`` (cumulative) for a quantity target, ``stage`` for a
    milestone; ``period_end`` the end of one of the item's reporting periods."""

    model_config = ConfigDict(extra="forbid")

    target: int = Field(ge=1, le=2**53)
    period_end: dt.date
    actual: float | None = Field(None, ge=0, lt=1e16, description="The cumulative actual (a quantity).")
    stage: str = Field("", max_length=16)
    narrative: str = Field("", max_length=10000)
    funds_spent: float | None = Field(None, ge=0, lt=1e16, description="Yuan spent to date.")


class ReportChange(Schema):
    """A draft's new figures, with the ``version`` read (a stale one is 409)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=2_000_000_000)
    period_end: dt.date
    actual: float | None = Field(None, ge=0, lt=1e16, description="The cumulative actual (a quantity).")
    stage: str = Field("", max_length=16)
    narrative: str = Field("", max_length=10000)
    funds_spent: float | None = Field(None, ge=0, lt=1e16, description="Yuan spent to date.")


class SubmitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=2_000_000_000)


def read(schema: Any) -> dict[int, Any]:
    """A read endpoint's answers: the data, 304 (not modified), and each error it may give."""
    return {200: schema, 304: None, **dict.fromkeys((401, 403, 404, 422, 429), Error)}


def write(status: int, schema: Any) -> dict[int, Any]:
    """A write endpoint's answers: the report, and each error it may give."""
    return {status: schema, **dict.fromkeys((400, 401, 403, 404, 409, 422, 429), Error)}
