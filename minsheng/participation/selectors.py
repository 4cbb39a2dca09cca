"""Reads for participation. Each selector owns its queries; the number of queries does not grow with the
number of comments, suggestions or items (the tests assert it)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.expressions import Window as Over
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from minsheng.common.paging import page_of
from minsheng.common.web import access
from minsheng.participation.models import (
    SCREENED,
    Comment,
    CommentStatus,
    Flag,
    Follow,
    ModerationAction,
    Participant,
    Phase,
    ResponseKind,
    SensitiveWord,
    Suggestion,
    SuggestionStatus,
    Support,
    Window,
)
from minsheng.participation.phrases import Corpus, Phrase
from minsheng.participation.text import sensitive_matches
from minsheng.plans.models import Action, Item, ItemRevision, Plan

# --- windows ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowState:
    """Whether a plan takes suggestions or comments now, and why not.

    ``state`` is ``open``, ``not_yet``, ``closed`` or ``none`` (no window, or the plan is at another stage)."""

    window: Window | None
    state: str

    @property
    def is_open(self) -> bool:
        return self.state == "open"


def _window_state(
    plan: Plan, window: Window | None, phase: str, now: dt.datetime | None = None
) -> WindowState:
    now = now or timezone.now()
    if window is None or plan.status != phase:
        return WindowState(window, "none")
    if now < window.opens_at:
        return WindowState(window, "not_yet")
    if now >= window.closes_at:
        return WindowState(window, "closed")
    return WindowState(window, "open")


def window_state_get(*, plan: Plan, phase: str, now: dt.datetime | None = None) -> WindowState:
    """The plan's window for ``phase`` and whether it is open (1 query)."""
    window = Window.objects.filter(plan_id=plan.pk, phase=phase).first()
    return _window_state(plan, window, phase, now)


# --- suggestions ----------------------------------------------------------------------------------------


def _suggestions() -> QuerySet[Suggestion]:
    return Suggestion.objects.select_related("plan", "action", "merged_into", "item").annotate(
        merged_count=Count("merged_from", distinct=True)
    )


def suggestion_public_list(*, plan: Plan) -> QuerySet[Suggestion]:
    """Screened suggestions of a plan with their outcomes and merged counts (not those withheld), most
    merged first (1 query)."""
    return (
        _suggestions()
        .filter(plan_id=plan.pk, status__in=SCREENED, withheld=False)
        .order_by(F("merged_count").desc(), "-created_at", "-id")
    )


def suggestion_list_for_author(*, user: Any) -> QuerySet[Suggestion]:
    """The user's own suggestions, newest first, with their outcomes (1 query)."""
    if not user.is_authenticated:
        return Suggestion.objects.none()
    return _suggestions().filter(author_id=user.pk).order_by("-created_at", "-id")


def suggestion_queue(*, plan: Plan | None = None) -> QuerySet[Suggestion]:
    """Suggestions awaiting screening, oldest first, with their authors (1 query). ``matched_words`` holds
    the sensitive words found when each was submitted."""
    qs = _suggestions().select_related("author").filter(status=SuggestionStatus.SUBMITTED)
    if plan is not None:
        qs = qs.filter(plan_id=plan.pk)
    return qs.order_by("created_at", "id")


def suggestion_get(*, suggestion_id: int) -> Suggestion:
    """One suggestion with its plan, action, author, what it was merged into, the item it became, the
    suggestions merged into it, and its history (3 queries). Check ``participation.see_suggestion``."""
    return (
        _suggestions()
        .select_related("author")
        .prefetch_related(
            Prefetch("merged_from", queryset=Suggestion.objects.order_by("created_at", "id")),
            Prefetch("moderation_actions", queryset=ModerationAction.objects.select_related("by")),
        )
        .get(pk=suggestion_id)
    )


# --- items under consultation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffPiece:
    """A piece of a revised item text: ``op`` is ``equal``, ``insert`` (new words) or ``delete`` (gone)."""

    text: str
    op: str


@dataclass
class Change:
    """What one version did to an item, with the text compared to the version before."""

    revision: ItemRevision
    pieces: list[DiffPiece]


def text_diff(old: str, new: str) -> list[DiffPiece]:
    """Character-level differences between two texts (Chinese has no spaces to split words at)."""
    pieces: list[DiffPiece] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(DiffPiece(new[j1:j2], "equal"))
            continue
        if op in ("delete", "replace"):
            pieces.append(DiffPiece(old[i1:i2], "delete"))
        if op in ("insert", "replace"):
            pieces.append(DiffPiece(new[j1:j2], "insert"))
    return pieces


def _changes(revisions: list[ItemRevision]) -> list[Change]:
    """What each version after the item's first did to it, compared with the text before (revisions in
    version order). The revision that added the item is not a change."""
    changes: list[Change] = []
    previous: ItemRevision | None = None
    for revision in revisions:
        if revision.kind != ItemRevision.Kind.ADDED:
            before = previous.text if previous is not None else None
            if revision.kind == ItemRevision.Kind.REMOVED:
                pieces = [DiffPiece(before if before is not None else revision.text, "delete")]
            elif before is None:
                pieces = [DiffPiece(revision.text, "equal")]
            else:
                pieces = text_diff(before, revision.text)
            changes.append(Change(revision, pieces))
        previous = revision
    return changes


COMMENTS_PER_PAGE = 50  # the published comments on one page of an item


@dataclass
class ItemConsultation:
    """An item's page during and after consultation. ``comments`` are the published ones on the page
    ``comments_page`` (oldest first, ``COMMENTS_PER_PAGE`` a page, with their responses); ``own_comments``
    are the viewer's comments that are not published (held, hidden, rejected, withdrawn), so that they see
    what became of them."""

    item: Item
    window: WindowState
    comments: list[Comment]
    comments_page: Page
    own_comments: list[Comment]
    support_count: int
    viewer_supports: bool
    viewer_follows: bool
    viewer_flagged: set[int]
    changes: list[Change]


def _published_comments() -> QuerySet[Comment]:
    return Comment.objects.filter(status=CommentStatus.PUBLISHED).select_related(
        "author", "response", "response__revision__version"
    )


def _page_of_comment(item_id: int, comment_id: int, per_page: int) -> int:
    """The page of the item's published comments (oldest first) that holds ``comment_id``; the first when
    it is not one of them (1 query)."""
    published = Comment.objects.filter(item_id=item_id, status=CommentStatus.PUBLISHED)
    at = Subquery(published.filter(pk=comment_id).values("created_at")[:1])
    before = published.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=comment_id)).count()
    return before // per_page + 1


def item_consultation_get(
    *,
    item_id: int,
    viewer: Any = None,
    page: Any = None,
    comment_id: int | None = None,
    per_page: int = COMMENTS_PER_PAGE,
) -> ItemConsultation:
    """An item with one page of its published comments and their responses, support, what versions changed,
    and the viewer's own comments, support, follow and flags. ``page`` is the page asked for (a number as
    typed: one that is not a number gives the first page, one past the end the last); without it, the page
    holding ``comment_id`` (one query more), else the first. 6 queries for anyone, 10 for a signed-in
    viewer, whatever the number of comments."""
    item = Item.objects.select_related("plan", "action", "added_in", "removed_in").get(pk=item_id)
    window = window_state_get(plan=item.plan, phase=Phase.CONSULTATION)
    if page is None and comment_id is not None:
        page = _page_of_comment(item.pk, comment_id, per_page)
    current = page_of(
        _published_comments().filter(item_id=item.pk).order_by("created_at", "id"), page, per_page
    )
    comments = list(current.object_list)
    support_count = Support.objects.filter(item_id=item.pk).count()
    signed_in = viewer is not None and viewer.is_authenticated
    own: list[Comment] = []
    supports = follows = False
    flagged: set[int] = set()
    if signed_in:
        own = list(
            Comment.objects.filter(item_id=item.pk, author_id=viewer.pk)
            .exclude(status=CommentStatus.PUBLISHED)
            .select_related("response")
            .order_by("created_at", "id")
        )
        supports = Support.objects.filter(item_id=item.pk, user_id=viewer.pk).exists()
        follows = Follow.objects.filter(item_id=item.pk, user_id=viewer.pk).exists()
        flagged = set(
            Flag.objects.filter(comment__item_id=item.pk, user_id=viewer.pk).values_list(
                "comment_id", flat=True
            )
        )
    return ItemConsultation(
        item=item,
        window=window,
        comments=comments,
        comments_page=current,
        own_comments=own,
        support_count=support_count,
        viewer_supports=supports,
        viewer_follows=follows,
        viewer_flagged=flagged,
        changes=item_changes(item_id=item.pk),
    )


def item_changes(*, item_id: int) -> list[Change]:
    """What each version after the first did to the item (1 query)."""
    return _changes(
        list(
            ItemRevision.objects.filter(item_id=item_id)
            .select_related("version")
            .order_by("version__number", "id")
        )
    )


def plan_consultation_items(*, plan: Plan) -> QuerySet[Item]:
    """The plan's current items with ``comment_count`` (published) and ``support_count``, for the page that
    lists a draft's items open for comment (1 query)."""
    comments = Comment.objects.filter(item=OuterRef("pk"), status=CommentStatus.PUBLISHED)
    return (
        Item.objects.filter(plan_id=plan.pk, removed_in__isnull=True)
        .select_related("action")
        .annotate(
            comment_count=Count(
                "comments", filter=Q(comments__status=CommentStatus.PUBLISHED), distinct=True
            ),
            support_count=Count("supports", distinct=True),
            has_comments=Exists(comments),
        )
        .order_by("no", "id")
    )


# --- the consultation report ------------------------------------------------------------------------------

NO_RESPONSE = "none"
RECENT_COMMENTS = 3  # the comments the report shows under each item; the rest are a link away
REPORT_ITEMS_PER_PAGE = 50  # the items the report shows a page (a plan of the usual size fits on one)
PHRASE_SAMPLE = 2000  # the most recent comments the recurring phrases are counted in


@dataclass
class ReportItem:
    """One item in the report: its counts, the most recent ``recent`` comments (newest first) and the
    number of the others (on the item's paged page)."""

    item: Item
    comment_count: int
    recent: list[Comment]
    support_count: int
    outcomes: dict[str, int]  # ResponseKind values and NO_RESPONSE -> count
    phrases: list[Phrase]
    changes: list[Change]

    @property
    def more(self) -> int:
        """How many of the item's comments the report does not show."""
        return self.comment_count - len(self.recent)


@dataclass
class ConsultationReport:
    """The public report on a plan's consultation: per item the published comments' counts and outcomes, the
    most recent comments with the office's responses, support, recurring phrases and what the revised versions
    changed. ``phrase_sample`` is the number of most recent comments the phrases were counted in when that is
    fewer than all of them, else None."""

    plan: Plan
    window: WindowState
    items: list[ReportItem]  # those of this page
    comment_count: int
    support_count: int
    outcomes: dict[str, int]
    phrases: list[Phrase]
    commenters: int = 0
    phrase_sample: int | None = None
    pages: Page[tuple[int, int, int | None, int]] | None = (
        None  # the items' pages (id, no, removed in, support)
    )


def _outcome_counts(counts: Counter[str]) -> dict[str, int]:
    return {kind: counts.get(kind, 0) for kind in [*ResponseKind.values, NO_RESPONSE]}


def consultation_report_get(
    *,
    plan_id: int,
    phrase_limit: int = 10,
    recent: int = RECENT_COMMENTS,
    phrase_sample: int | None = None,
    page: str | int | None = None,
) -> ConsultationReport:
    """The consultation report for a plan (9 queries, whatever the number of items and comments). Items are
    the current ones and any removed item that was commented on. Counts and outcomes are counted by the
    database; comments become model instances only for the ``recent`` most recent of each item. Phrases
    (see phrases.py) are counted in the ``phrase_sample`` (default ``PHRASE_SAMPLE``) most recent comments of
    the plan: they take the most time, and the report says when they come from a sample. The items are
    shown ``REPORT_ITEMS_PER_PAGE`` at a time (``page``; the totals are the whole plan's): a plan of
    thousands of items is read in full only as plain rows."""
    phrase_sample = PHRASE_SAMPLE if phrase_sample is None else phrase_sample
    plan = Plan.objects.select_related("region").get(pk=plan_id)
    window = window_state_get(plan=plan, phase=Phase.CONSULTATION)
    published = Comment.objects.filter(plan_id=plan.pk, status=CommentStatus.PUBLISHED)
    commented = published.filter(item=OuterRef("pk"))
    every: list[tuple[int, int, int | None, int]] = list(
        Item.objects.filter(plan_id=plan.pk)
        .filter(Q(removed_in__isnull=True) | Exists(commented))
        .annotate(support_count=Count("supports", distinct=True))
        .order_by()
        .values_list("pk", "no", "removed_in_id", "support_count")
    )
    every.sort(key=lambda row: (row[2] is not None, row[1], row[0]))
    pages = Paginator(every, REPORT_ITEMS_PER_PAGE).get_page(page)
    shown = [row[0] for row in pages.object_list]
    found = {
        item.pk: item
        for item in Item.objects.filter(pk__in=shown)
        .select_related("action", "removed_in")
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=ItemRevision.objects.select_related("version").order_by("version__number", "id"),
            )
        )
    }
    items = [found[pk] for pk in shown]
    support = {row[0]: row[3] for row in every}
    outcomes: dict[int, Counter[str]] = defaultdict(Counter)
    for row in (
        published.annotate(kind=Coalesce("response__kind", Value(NO_RESPONSE)))
        .values("item_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        outcomes[row["item_id"]][row["kind"]] = row["n"]
    commenters = published.exclude(author_id=None).aggregate(n=Count("author_id", distinct=True))["n"]
    texts = list(published.order_by("-created_at", "-id").values_list("item_id", "text")[:phrase_sample])
    corpus = Corpus(text for _item_id, text in texts)
    indices: dict[int, list[int]] = defaultdict(list)
    for index, (item_id, _text) in enumerate(texts):
        indices[item_id].append(index)
    latest = list(
        _published_comments()
        .filter(plan_id=plan.pk)
        .annotate(
            rank=Over(
                RowNumber(), partition_by=[F("item_id")], order_by=[F("created_at").desc(), F("id").desc()]
            )
        )
        .filter(rank__lte=recent, item_id__in=shown)
        .order_by("item_id", "-created_at", "-id")
    )
    recent_by_item: dict[int, list[Comment]] = defaultdict(list)
    for comment in latest:
        recent_by_item[comment.item_id].append(comment)
    rows = []
    total: Counter[str] = Counter()
    for counts in outcomes.values():
        total.update(counts)
    for item in items:
        counts = outcomes.get(item.pk, Counter())
        rows.append(
            ReportItem(
                item=item,
                comment_count=sum(counts.values()),
                recent=recent_by_item.get(item.pk, []),
                support_count=support[item.pk],
                outcomes=_outcome_counts(counts),
                phrases=corpus.top(indices.get(item.pk, []), limit=phrase_limit),
                changes=_changes(list(item.revisions.all())),
            )
        )
    comment_count = sum(total.values())
    return ConsultationReport(
        plan=plan,
        window=window,
        items=rows,
        comment_count=comment_count,
        support_count=sum(support.values()),
        outcomes=_outcome_counts(total),
        phrases=corpus.top(limit=phrase_limit),
        commenters=commenters,
        phrase_sample=len(texts) if len(texts) < comment_count else None,
        pages=pages,
    )


# --- moderation ------------------------------------------------------------------------------------------


def moderation_queue(*, plan: Plan | None = None) -> QuerySet[Comment]:
    """Comments waiting for a moderator (held or hidden), oldest first, with their item, author, the number of
    flags not yet reviewed (``open_flags``) and all flags (``flag_count``) (1 query)."""
    qs = (
        Comment.objects.filter(status__in=[CommentStatus.PENDING, CommentStatus.HIDDEN])
        .select_related("item", "plan", "author")
        .annotate(
            open_flags=Count("flags", filter=Q(flags__reviewed_at__isnull=True), distinct=True),
            flag_count=Count("flags", distinct=True),
        )
    )
    if plan is not None:
        qs = qs.filter(plan_id=plan.pk)
    return qs.order_by("created_at", "id")


def moderation_history(
    *, comment: Comment | None = None, suggestion: Suggestion | None = None, limit: int = 200
) -> list[ModerationAction]:
    """What moderators and the system did, newest first: for one comment or suggestion, or everything (1 query)."""
    qs = ModerationAction.objects.select_related("by", "comment__item", "suggestion")
    if comment is not None:
        qs = qs.filter(comment_id=comment.pk)
    if suggestion is not None:
        qs = qs.filter(suggestion_id=suggestion.pk)
    return list(qs.order_by("-created_at", "-id")[:limit])


def comment_list_for_author(*, user: Any) -> QuerySet[Comment]:
    """The user's own comments, newest first, with their item, status and response (1 query)."""
    if not user.is_authenticated:
        return Comment.objects.none()
    return (
        Comment.objects.filter(author_id=user.pk)
        .select_related("item", "plan", "response", "response__revision__version")
        .order_by("-created_at", "-id")
    )


def sensitive_words_in(*, text: str, plan: Plan | None = None) -> list[str]:
    """The sensitive words (global, and the plan's) found in ``text`` (1 query)."""
    words = SensitiveWord.objects.filter(Q(plan__isnull=True) | Q(plan_id=getattr(plan, "pk", None)))
    return sensitive_matches(text, words.order_by("word").values_list("word", flat=True))


# --- following ---------------------------------------------------------------------------------------------


def followed_items(*, user: Any) -> QuerySet[Item]:
    """The items the user follows, with their plan (1 query)."""
    if not user.is_authenticated:
        return Item.objects.none()
    return Item.objects.filter(follows__user_id=user.pk).select_related("plan").order_by("plan", "no", "id")


# --- single objects and the pages' choices ---------------------------------------------------------------


def plan_get(*, plan_id: int) -> Plan | None:
    return Plan.objects.select_related("region").filter(pk=plan_id).first()


def item_get(*, item_id: int) -> Item | None:
    return Item.objects.select_related("plan").filter(pk=item_id).first()


def comment_get(*, comment_id: int) -> Comment | None:
    """A comment with its item, plan, author and response (for the rules and the office's page)."""
    return (
        Comment.objects.select_related(
            "item", "item__plan", "item__action", "plan", "author", "response", "response__revision__version"
        )
        .filter(pk=comment_id)
        .first()
    )


def plan_actions(*, plan: Plan) -> QuerySet[Action]:
    """The plan's current actions: the choices of "which action it fits" on the suggestion form."""
    return Action.objects.filter(plan_id=plan.pk, removed_in__isnull=True).order_by("no", "id")


def plan_current_items(*, plan_id: int) -> QuerySet[Item]:
    """The plan's current items: the choices when the office links an accepted suggestion to its item."""
    return Item.objects.filter(plan_id=plan_id, removed_in__isnull=True).order_by("no", "id")


def merge_candidates(*, suggestion: Suggestion) -> QuerySet[Suggestion]:
    """Suggestions of the same plan that ``suggestion`` may be merged into: any other one not itself merged."""
    return (
        Suggestion.objects.filter(plan_id=suggestion.plan_id)
        .exclude(pk=suggestion.pk)
        .exclude(status=SuggestionStatus.MERGED)
        .order_by("-created_at", "-id")
    )


def email_state(*, user: Any) -> str:
    """Where the signed-in person's email stands: ``none`` (no address), ``unconfirmed``, ``confirmed``, or
    ``trusted`` (an account the office created: its address needs no confirmation)."""
    if not user.is_authenticated or not user.email:
        return "none"
    participant = Participant.objects.filter(user_id=user.pk).first()
    if participant is None:
        return "trusted"
    return "confirmed" if participant.email_confirmed == user.email else "unconfirmed"


# --- access: one helper per kind of object a page opens by id ----------------------------------------------


def access_comment_by_id(*, comment_id: int, user: Any) -> Comment:
    """The comment if the user may see it; else one 404 for a missing and a hidden comment alike (an
    anonymous visitor is asked to sign in first)."""
    return access(comment_get(comment_id=comment_id), user, "participation.see_comment")


def access_suggestion_by_id(*, suggestion_id: int, user: Any) -> Suggestion:
    """The suggestion if the user may see it (public once screened; its author and the office before);
    else one 404 for a missing and a private suggestion alike (sign in first for a visitor)."""
    try:
        found: Suggestion | None = suggestion_get(suggestion_id=suggestion_id)
    except Suggestion.DoesNotExist:
        found = None
    return access(found, user, "participation.see_suggestion")


def access_plan_by_id(*, plan_id: int, user: Any) -> Plan:
    return access(plan_get(plan_id=plan_id), user, "plans.view_plan", private=False)


def access_item_by_id(*, item_id: int, user: Any) -> Item:
    return access(item_get(item_id=item_id), user, "plans.view_item", private=False)


# --- the office's settings of a plan's participation (the stages page) ----------------------------------


def plan_windows(*, plan: Plan, now: dt.datetime | None = None) -> dict[str, WindowState]:
    """The plan's suggestion and comment windows by phase, set or not, and whether each is open at ``now``
    (one query)."""
    found = {window.phase: window for window in Window.objects.filter(plan_id=plan.pk)}
    return {phase: _window_state(plan, found.get(phase), phase, now) for phase in Phase.values}


def sensitive_word_list(*, plan: Plan) -> list[SensitiveWord]:
    """The words that hold a post for review on this plan: its own, then those of every plan."""
    return list(
        SensitiveWord.objects.filter(Q(plan__isnull=True) | Q(plan_id=plan.pk)).order_by(
            F("plan_id").asc(nulls_last=True), "word"
        )
    )


def sensitive_word_get(*, word_id: int) -> SensitiveWord | None:
    return SensitiveWord.objects.select_related("plan").filter(pk=word_id).first()
