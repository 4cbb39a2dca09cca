"""The open datasets, each declared once: its fields (name, type, meaning) drive the CSV header, the JSON Lines
keys, the data dictionary on /open-data/ and the one in docs/open-data.md.

A dataset is a query (:attr:`Dataset.source`, for one plan or for all) and a generator of rows over it
(:attr:`Dataset.rows`), tuples in the order of the fields. The generators walk the query with
``.iterator(chunk_size=CHUNK)``: memory stays constant however large the data, and the number of queries is
one per file (``values_list``), or one plus one per prefetched relation per chunk where an item's targets and
standards are needed (the items and the funding estimates).

Only public data, as the public pages show it: current items, targets and standards of every plan (plans are
public at every stage); accepted *and published* progress figures; of a supervision notice its dates,
department and state but not its reasons, demands or answers; of the consultation, published comments only
and the office's responses to them; of the vote and the rating, closed rounds only (their tallies as fixed
at close). Drafts, returned or unpublished figures, held or rejected comments, ballots and individual
ratings never appear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain, islice
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.sql.constants import MULTI
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minsheng.delivery.models import ProgressReport, ReportStatus, SupervisionNotice
from minsheng.participation.models import Comment, CommentStatus, Response, ResponseKind, Support
from minsheng.plans.funding import item_estimate
from minsheng.plans.models import Action, Item, ItemDepartment, Plan, Standard, Target
from minsheng.voting.models import Candidate, RatingFlag, RatingTally, RoundStatus
from minsheng.voting.selectors import below_threshold, satisfaction

# Rows fetched from the database at a time (and written out at a time).
CHUNK = 2000

Row = Sequence[Any]


class Type:
    """The type of a field's values; :func:`type_label` says it in words."""

    INTEGER = "integer"
    DECIMAL = "decimal"
    TEXT = "text"
    DATE = "date"
    BOOLEAN = "boolean"
    CODE = "code"


TYPE_LABELS: dict[str, Promise] = {
    Type.INTEGER: _("whole number"),
    Type.DECIMAL: _("decimal number"),
    Type.TEXT: pgettext_lazy("data type", "text"),
    Type.DATE: _("date (YYYY-MM-DD)"),
    Type.BOOLEAN: _("true or false"),
    Type.CODE: _("code (one of the values listed)"),
}


def type_label(kind: str) -> str:
    return str(TYPE_LABELS[kind])


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    meaning: Promise


@dataclass(frozen=True)
class Dataset:
    name: str
    title: Promise
    description: Promise
    fields: tuple[Field, ...]
    source: Callable[[int | None], QuerySet[Any]]  # the rows' query, for one plan (its id) or all (None)
    chunks: Callable[[QuerySet[Any]], Iterator[Sequence[Row]]]  # the rows, a chunk (a list) at a time

    @property
    def names(self) -> list[str]:
        return [field.name for field in self.fields]

    def read(self, plan_id: int | None) -> Iterator[Sequence[Row]]:
        """The rows of one plan (or all, ``plan_id`` None) in chunks of at most :data:`CHUNK`."""
        return self.chunks(self.source(plan_id))

    def read_through_django(self, plan_id: int | None) -> Iterator[Sequence[Row]]:
        """The same rows as :meth:`read`, with Django's converters (``Decimal``, ``date``, ``bool``) where
        :meth:`read` takes them from the cursor as they are: the tests compare the files of both."""
        return getattr(self.chunks, "orm", self.chunks)(self.source(plan_id))

    def rows(self, plan_id: int | None) -> Iterator[Row]:
        return chain.from_iterable(self.read(plan_id))

    def count(self, plan_id: int | None) -> int:
        return self.source(plan_id).count()


class _Values:
    """Rows straight from the database cursor, a chunk at a time: the queryset's own SQL (its
    ``values_list`` of ``names``) run by Django's compiler with ``chunked_fetch`` (``fetchmany`` of
    :data:`CHUNK` rows; a server-side cursor on PostgreSQL, so memory stays flat on both), and the values as
    the driver returns them. The writers in :mod:`~minsheng.opendata.formats` normalize each column (a
    decimal is a ``Decimal`` from PostgreSQL, an int or float from SQLite; a date a ``date`` or its ISO
    text; a boolean a ``bool`` or 0/1), which skips Django's per-value converters, the larger part of the
    cost of a big file. :meth:`orm` reads the same rows through Django (its converters), which the tests
    compare byte for byte."""

    def __init__(self, *names: str) -> None:
        self.names = names

    def __call__(self, queryset: QuerySet[Any]) -> Iterator[Sequence[Row]]:
        query = queryset.values_list(*self.names)
        compiler = query.query.get_compiler(using=query.db)
        # Django (5.2) selects the columns in the order values_list names them, annotations included.
        return iter(compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=CHUNK) or ())

    def orm(self, queryset: QuerySet[Any]) -> Iterator[Sequence[Row]]:
        iterator = queryset.values_list(*self.names).iterator(chunk_size=CHUNK)
        while chunk := list(islice(iterator, CHUNK)):
            yield chunk


_values = _Values


def _rowwise(
    rows: Callable[[QuerySet[Any]], Iterator[Row]],
) -> Callable[[QuerySet[Any]], Iterator[Sequence[Row]]]:
    """A generator of rows (built in Python from a query's objects) as chunks."""

    def chunks(queryset: QuerySet[Any]) -> Iterator[Sequence[Row]]:
        iterator = rows(queryset)
        while chunk := list(islice(iterator, CHUNK)):
            yield chunk

    return chunks


def _of(plan_id: int | None, path: str = "plan_id") -> Q:
    return Q() if plan_id is None else Q(**{path: plan_id})


# Fields that several datasets share, declared once.
PLAN_ID = Field("plan_id", Type.INTEGER, _("The plan's id (the plans dataset; /plans/<id>/ on this site)."))
ITEM_ID = Field("item_id", Type.INTEGER, _("The item's id, stable across revised versions of the plan."))
ITEM_NO = Field("item_no", Type.INTEGER, _("The item's number as printed in the plan."))
OP = _("Comparator: >= at least, = exactly, <= at most, ~ about, range between value and value_max.")


# --- plans, actions, items, targets, standards ---------------------------------------------------------------


def _plans(plan_id: int | None) -> QuerySet[Any]:
    return (
        Plan.objects.filter(_of(plan_id, "pk"))
        .annotate(item_count=Count("items", filter=Q(items__removed_in__isnull=True)))
        .order_by("region__name", "year", "pk")
    )


PLANS = Dataset(
    "plans",
    _("Plans"),
    _("One row per plan: a region's list of pledges for a year."),
    (
        PLAN_ID,
        Field("region", Type.TEXT, _("The issuing government.")),
        Field("year", Type.INTEGER, _("The plan year.")),
        Field("title", Type.TEXT, _("The plan's title.")),
        Field(
            "status",
            Type.CODE,
            _("The plan's stage: solicitation, draft, consultation, voting, adopted or closed."),
        ),
        Field("item_count", Type.INTEGER, _("How many items the plan holds now.")),
    ),
    _plans,
    _values("pk", "region__name", "year", "title", "status", "item_count"),
)


ACTIONS = Dataset(
    "actions",
    _("Actions"),
    _("One row per action (a group of items) of the plans as they stand now."),
    (
        PLAN_ID,
        Field("action_id", Type.INTEGER, _("The action's id.")),
        Field("action_no", Type.INTEGER, _("The action's number in the plan.")),
        Field("title", Type.TEXT, _("The action's title (empty where the plan does not group its items).")),
        Field("declared_item_count", Type.INTEGER, _("The number of items its heading declares, if any.")),
    ),
    lambda plan_id: Action.objects.filter(_of(plan_id), removed_in__isnull=True).order_by(
        "plan_id", "no", "pk"
    ),
    _values("plan_id", "pk", "no", "title", "declared_item_count"),
)


def _items(plan_id: int | None) -> QuerySet[Any]:
    return (
        Item.objects.filter(_of(plan_id), removed_in__isnull=True)
        .select_related("action")
        .only("plan_id", "no", "title", "text", "locations", "action__no")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ItemDepartment.objects.select_related("department").order_by("role", "pk"),
            )
        )
        .order_by("plan_id", "no", "pk")
    )


def _item_rows(queryset: QuerySet[Any]) -> Iterator[Row]:
    for item in queryset.iterator(chunk_size=CHUNK):
        assignments = list(item.assignments.all())
        yield (
            item.plan_id,
            item.action.no,
            item.pk,
            item.no,
            item.title,
            item.text,
            "、".join(str(place) for place in item.locations or []),
            next((a.department.name for a in assignments if a.role == ItemDepartment.Role.LEAD), ""),
            "、".join(a.department.name for a in assignments if a.role != ItemDepartment.Role.LEAD),
        )


ITEMS = Dataset(
    "items",
    _("Items"),
    _("One row per item (a numbered pledge) of the plans as they stand now."),
    (
        PLAN_ID,
        Field("action_no", Type.INTEGER, _("The number of the action the item belongs to.")),
        ITEM_ID,
        ITEM_NO,
        Field("title", Type.TEXT, _("A short name for the item, where the plan gives one.")),
        Field("text", Type.TEXT, _("The item's full text.")),
        Field("locations", Type.TEXT, _("Places the item names, separated by 、.")),
        Field("lead_department", Type.TEXT, _("The department that leads the item (牵头单位).")),
        Field(
            "supporting_departments",
            Type.TEXT,
            _("The departments that support it (配合单位), separated by 、."),
        ),
    ),
    _items,
    _rowwise(_item_rows),
)


TARGETS = Dataset(
    "targets",
    _("Targets"),
    _("One row per measurable promise of an item: what, how much, in which unit."),
    (
        PLAN_ID,
        ITEM_ID,
        ITEM_NO,
        Field("target_id", Type.INTEGER, _("The target's id (progress figures refer to it).")),
        Field("position", Type.INTEGER, _("The target's place among the item's targets, from 0.")),
        Field("kind", Type.CODE, _("quantity (a number to reach) or milestone (a stage to reach).")),
        Field("subject", Type.TEXT, _("What is counted or done.")),
        Field("op", Type.CODE, OP),
        Field("value", Type.DECIMAL, _("The promised value (empty for a milestone).")),
        Field("value_max", Type.DECIMAL, _("The upper value of a range.")),
        Field("unit", Type.TEXT, _("The unit as printed: 千米, 批次, 名, %.")),
        Field("period", Type.TEXT, _("The period a value is per, e.g. 月 (empty: the whole year).")),
        Field("weight", Type.DECIMAL, _("The target's weight in the item's completion.")),
        Field("source", Type.TEXT, _("The words of the item that state the target.")),
    ),
    lambda plan_id: Target.objects.filter(
        _of(plan_id, "item__plan_id"), removed_in__isnull=True, item__removed_in__isnull=True
    ).order_by("item__plan_id", "item__no", "position", "pk"),
    _values(
        "item__plan_id",
        "item_id",
        "item__no",
        "pk",
        "position",
        "kind",
        "subject",
        "op",
        "value",
        "value_max",
        "unit",
        "period",
        "weight",
        "source",
    ),
)


STANDARDS = Dataset(
    "standards",
    _("Standards"),
    _("One row per funding standard of an item: money per person or per unit (每人209元)."),
    (
        PLAN_ID,
        ITEM_ID,
        ITEM_NO,
        Field("standard_id", Type.INTEGER, _("The standard's id.")),
        Field("position", Type.INTEGER, _("The standard's place among the item's standards, from 0.")),
        Field("subject", Type.TEXT, _("Who or what the money is for.")),
        Field("op", Type.CODE, OP),
        Field("amount", Type.DECIMAL, _("The amount in yuan.")),
        Field("amount_max", Type.DECIMAL, _("The upper amount of a range, in yuan.")),
        Field("per", Type.TEXT, _("What one amount is for: 人, 户, 颗.")),
        Field("period", Type.TEXT, _("月 for a monthly amount, 年 for a yearly one.")),
        Field("previous", Type.DECIMAL, _("The former amount where the item raises a standard, in yuan.")),
        Field("source", Type.TEXT, _("The words of the item that state the standard.")),
    ),
    lambda plan_id: Standard.objects.filter(
        _of(plan_id, "item__plan_id"), item__removed_in__isnull=True
    ).order_by("item__plan_id", "item__no", "position", "pk"),
    _values(
        "item__plan_id",
        "item_id",
        "item__no",
        "pk",
        "position",
        "subject",
        "op",
        "amount",
        "amount_max",
        "per",
        "period",
        "previous",
        "source",
    ),
)


def _funding(plan_id: int | None) -> QuerySet[Any]:
    return (
        Item.objects.filter(_of(plan_id), removed_in__isnull=True)
        .only("plan_id", "no", "text")
        .prefetch_related(
            Prefetch(
                "targets", queryset=Target.objects.filter(removed_in__isnull=True).order_by("position", "pk")
            ),
            Prefetch("standards", queryset=Standard.objects.order_by("position", "pk")),
        )
        .order_by("plan_id", "no", "pk")
    )


def _funding_rows(queryset: QuerySet[Any]) -> Iterator[Row]:
    for item in queryset.iterator(chunk_size=CHUNK):
        estimate = item_estimate(text=item.text, targets=item.targets.all(), standards=item.standards.all())
        yield (
            item.plan_id,
            item.pk,
            item.no,
            estimate.total,
            estimate.minimum if estimate.possible else None,
            estimate.formula,
            estimate.reason_text,
        )


FUNDING = Dataset(
    "funding",
    _("Funding estimates"),
    _(
        "One row per item: what its standards imply it costs (amount × beneficiaries × periods), computed from "
        "the plan's own words. An estimate, not a budget figure."
    ),
    (
        PLAN_ID,
        ITEM_ID,
        ITEM_NO,
        Field("estimate", Type.DECIMAL, _("The estimated cost in yuan (empty where none can be made).")),
        Field(
            "at_least",
            Type.BOOLEAN,
            _("true where the estimate is a minimum (graded or at-least standards)."),
        ),
        Field("formula", Type.TEXT, _("How the estimate is computed, in the language of the download.")),
        Field("reason", Type.TEXT, _("Why no estimate can be made, where none is.")),
    ),
    _funding,
    _rowwise(_funding_rows),
)


# --- delivery: published figures and supervision notices -----------------------------------------------------


PROGRESS = Dataset(
    "progress",
    _("Progress figures"),
    _(
        "One row per progress figure that the office accepted and published: a target's cumulative figure "
        "as of a date. Figures still in review, returned or not published are not included."
    ),
    (
        PLAN_ID,
        ITEM_ID,
        ITEM_NO,
        Field("target_id", Type.INTEGER, _("The target the figure is for (the targets dataset).")),
        Field("subject", Type.TEXT, _("What the target counts.")),
        Field("unit", Type.TEXT, _("The target's unit.")),
        Field("target_value", Type.DECIMAL, _("The promised value.")),
        Field("as_of", Type.DATE, _("The date the figure is as of.")),
        Field(
            "actual", Type.DECIMAL, _("The cumulative figure reached by that date (empty for a milestone).")
        ),
        Field(
            "stage",
            Type.CODE,
            _("For a milestone, the stage reached: approved, tendered, started, completed or accepted."),
        ),
        Field("department", Type.TEXT, _("The department that reported it (empty: recorded by the office).")),
        Field("narrative", Type.TEXT, _("The department's account of the work.")),
    ),
    lambda plan_id: (
        ProgressReport.objects.filter(
            _of(plan_id, "target__item__plan_id"),
            status=ReportStatus.ACCEPTED,
            published=True,
            target__removed_in__isnull=True,
            target__item__removed_in__isnull=True,
        )
        # the date as its ISO text from the database: no date object per row to build and print again
        .annotate(as_of=Cast("period_end", CharField()))
        # a target's figures together, by date: the order of the (target, as of) unique index, which the
        # database reads them by (SQLite scans it, PostgreSQL merges it with the targets): no sort of the
        # whole file before its first row, however many figures
        .order_by("target_id", "period_end")
    ),
    _values(
        "target__item__plan_id",
        "target__item_id",
        "target__item__no",
        "target_id",
        "target__subject",
        "target__unit",
        "target__value",
        "as_of",
        "actual",
        "stage",
        "department__name",
        "narrative",
    ),
)


def _day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


def _notice_rows(queryset: QuerySet[Any]) -> Iterator[Row]:
    for row in queryset.values_list(
        "item__plan_id",
        "item_id",
        "item__no",
        "pk",
        "department__name",
        "issued_at",
        "reply_deadline",
        "status",
        "replied_at",
        "resolved_at",
    ).iterator(chunk_size=CHUNK):
        *head, issued, deadline, status, replied, resolved = row
        yield (*head, _day(issued), deadline, status, _day(replied), _day(resolved))


NOTICES = Dataset(
    "notices",
    _("Supervision notices"),
    _(
        "One row per supervision notice (督办单): to which department, when, its reply date and where it "
        "stands. The reasons, demands and answers are not published."
    ),
    (
        PLAN_ID,
        ITEM_ID,
        ITEM_NO,
        Field("notice_id", Type.INTEGER, _("The notice's id.")),
        Field("department", Type.TEXT, _("The department the notice was sent to.")),
        Field("issued_on", Type.DATE, _("The day the office issued it.")),
        Field("reply_by", Type.DATE, _("The day the department must answer by.")),
        Field("status", Type.CODE, _("open, answered, closed or escalated.")),
        Field("replied_on", Type.DATE, _("The day the department answered.")),
        Field("resolved_on", Type.DATE, _("The day the office closed or escalated it.")),
    ),
    lambda plan_id: SupervisionNotice.objects.filter(_of(plan_id, "item__plan_id")).order_by(
        "item__plan_id", "item__no", "issued_at", "pk"
    ),
    _rowwise(_notice_rows),
)


# --- consultation: comment counts and the office's responses -------------------------------------------------


def _count(queryset: QuerySet[Any], item: str) -> Coalesce:
    """The number of rows of ``queryset`` (filtered on the outer item through ``item``) as a subquery."""
    counted = queryset.order_by().values(item).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _consultation(plan_id: int | None) -> QuerySet[Any]:
    published = Comment.objects.filter(item=OuterRef("pk"), status=CommentStatus.PUBLISHED)
    responses = Response.objects.filter(comment__item=OuterRef("pk"), comment__status=CommentStatus.PUBLISHED)
    counts = {
        "n_comments": _count(published, "item"),
        "n_supports": _count(Support.objects.filter(item=OuterRef("pk")), "item"),
        "n_responses": _count(responses, "comment__item"),
        **{f"n_{kind}": _count(responses.filter(kind=kind), "comment__item") for kind in ResponseKind.values},
    }
    return (
        Item.objects.filter(_of(plan_id), removed_in__isnull=True)
        .annotate(**counts)
        .filter(Q(n_comments__gt=0) | Q(n_supports__gt=0))
        .order_by("plan_id", "no", "pk")
    )


CONSULTATION = Dataset(
    "consultation",
    _("Consultation outcomes"),
    _(
        "One row per item that residents commented on or supported while the draft was open for comment: "
        "the published comments and the office's responses, counted by outcome."
    ),
    (
        PLAN_ID,
        ITEM_ID,
        ITEM_NO,
        Field("comments", Type.INTEGER, _("Published comments on the item.")),
        Field("supports", Type.INTEGER, _("Residents who supported the item.")),
        Field("responses", Type.INTEGER, _("Published comments the office responded to.")),
        Field("adopted", Type.INTEGER, _("Responses: adopted (采纳).")),
        Field("partly", Type.INTEGER, _("Responses: partly adopted (部分采纳).")),
        Field("not_adopted", Type.INTEGER, _("Responses: not adopted (不采纳).")),
        Field("answered", Type.INTEGER, _("Responses: answered (已答复).")),
    ),
    _consultation,
    _values(
        "plan_id",
        "pk",
        "no",
        "n_comments",
        "n_supports",
        "n_responses",
        *(f"n_{k}" for k in ResponseKind.values),
    ),
)


def _response_rows(queryset: QuerySet[Any]) -> Iterator[Row]:
    for row in queryset.values_list(
        "plan_id",
        "item_id",
        "item__no",
        "pk",
        "created_at",
        "text",
        "response__kind",
        "response__text",
        "response__created_at",
    ).iterator(chunk_size=CHUNK):
        *head, written, text, kind, reply, responded = row
        yield (*head, _day(written), text, kind, reply, _day(responded))


RESPONSES = Dataset(
    "responses",
    _("Official responses"),
    _(
        "One row per published comment that the office responded to: the comment, the outcome and the "
        "office's reply. Who wrote a comment is not published."
    ),
    (
        PLAN_ID,
        ITEM_ID,
        ITEM_NO,
        Field("comment_id", Type.INTEGER, _("The comment's id.")),
        Field("commented_on", Type.DATE, _("The day the comment was written.")),
        Field("comment", Type.TEXT, _("The published comment.")),
        Field("outcome", Type.CODE, _("adopted, partly, not_adopted or answered.")),
        Field("response", Type.TEXT, _("The office's reply and its reason.")),
        Field("responded_on", Type.DATE, _("The day the office responded.")),
    ),
    lambda plan_id: Comment.objects.filter(
        _of(plan_id), status=CommentStatus.PUBLISHED, response__isnull=False
    ).order_by("plan_id", "item__no", "created_at", "pk"),
    _rowwise(_response_rows),
)


# --- the vote and the rating: closed rounds only -------------------------------------------------------------

_TENTH = Decimal("0.1")


def _share(part: int, whole: int | None) -> Decimal | None:
    """Percent to one place, rounded half up (as the tally page shows it)."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(_TENTH, rounding=ROUND_HALF_UP)


def _vote_rows(queryset: QuerySet[Any]) -> Iterator[Row]:
    for row in queryset.values_list(
        "round__plan_id",
        "item_id",
        "item__no",
        "position",
        "votes",
        "chosen",
        "tied",
        "round__ballots",
        "round__eligible",
    ).iterator(chunk_size=CHUNK):
        plan_id, item_id, no, position, votes, chosen, tied, ballots, eligible = row
        yield (plan_id, item_id, no, position, votes, _share(votes, ballots), chosen, tied, ballots, eligible)


VOTES = Dataset(
    "votes",
    _("Vote tallies"),
    _(
        "One row per candidate item of the deputies' vote, once the vote is closed and its tally published. "
        "Ballots are secret: only the counts are published."
    ),
    (
        PLAN_ID,
        ITEM_ID,
        ITEM_NO,
        Field("ballot_position", Type.INTEGER, _("The candidate's place on the ballot, from 1.")),
        Field("votes", Type.INTEGER, _("Votes for the item.")),
        Field("share", Type.DECIMAL, _("Votes as a percentage of ballots cast.")),
        Field("chosen", Type.BOOLEAN, _("true if the item was chosen (empty: undecided, a tie).")),
        Field("tied", Type.BOOLEAN, _("true if the item tied for the last places.")),
        Field("ballots", Type.INTEGER, _("Ballots cast in the vote.")),
        Field("eligible", Type.INTEGER, _("Deputies entitled to vote.")),
    ),
    lambda plan_id: Candidate.objects.filter(
        _of(plan_id, "round__plan_id"), round__status=RoundStatus.CLOSED
    ).order_by("round__plan_id", "position", "pk"),
    _rowwise(_vote_rows),
)


def _rating_rows(queryset: QuerySet[Any]) -> Iterator[Row]:
    for row in queryset.values_list(
        "round__plan_id",
        "item_id",
        "item__no",
        "group",
        "satisfied",
        "basic",
        "dissatisfied",
        "round__threshold",
        "flagged",
    ).iterator(chunk_size=CHUNK):
        plan_id, item_id, no, group, good, basic, bad, threshold, flagged = row
        counts = {"satisfied": good, "basic": basic, "dissatisfied": bad}
        yield (
            plan_id,
            item_id,
            no,
            group,
            good,
            basic,
            bad,
            good + basic + bad,
            satisfaction(counts),
            below_threshold(counts, threshold),
            threshold,
            flagged,
        )


def _ratings(plan_id: int | None) -> QuerySet[Any]:
    flags = RatingFlag.objects.filter(round=OuterRef("round"), item=OuterRef("item"))
    return (
        RatingTally.objects.filter(_of(plan_id, "round__plan_id"), round__status=RoundStatus.CLOSED)
        .annotate(flagged=Exists(flags))
        .order_by("round__plan_id", "item__no", "item_id", "group")
    )


RATINGS = Dataset(
    "ratings",
    _("Rating results"),
    _(
        "One row per item and group of raters (deputies, public) of the year-end satisfaction rating, once "
        "the rating is closed: the counts fixed at close. Individual ratings are not published."
    ),
    (
        PLAN_ID,
        ITEM_ID,
        ITEM_NO,
        Field("group", Type.CODE, _("Who rated: deputy or public.")),
        Field("satisfied", Type.INTEGER, _("Ratings “satisfied” (满意).")),
        Field("basic", Type.INTEGER, _("Ratings “basically satisfied” (基本满意).")),
        Field("dissatisfied", Type.INTEGER, _("Ratings “dissatisfied” (不满意).")),
        Field("total", Type.INTEGER, _("All ratings of the item by the group.")),
        Field(
            "satisfaction",
            Type.DECIMAL,
            _("(satisfied + basically satisfied) ÷ all, in percent to one place."),
        ),
        Field("below_threshold", Type.BOOLEAN, _("true if the rate is under the rating's threshold.")),
        Field(
            "threshold", Type.DECIMAL, _("The satisfaction rate in percent under which an item is flagged.")
        ),
        Field("flagged", Type.BOOLEAN, _("true if the item was flagged for a check after the rating.")),
    ),
    _ratings,
    _rowwise(_rating_rows),
)


DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (
        PLANS,
        ACTIONS,
        ITEMS,
        TARGETS,
        STANDARDS,
        FUNDING,
        PROGRESS,
        NOTICES,
        CONSULTATION,
        RESPONSES,
        VOTES,
        RATINGS,
    )
}
"""Every dataset by name, in the order the page lists them."""
