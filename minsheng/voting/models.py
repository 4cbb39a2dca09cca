"""The deputies' vote on the candidate items (票决) and the year-end rating of each item (评议); see
docs/voting.md.

The ballot is secret, even from whoever can read the database during the vote:

- :class:`BallotReceipt` records *that* a deputy voted, and on which day (no time); nothing of the choices.
- :class:`Ballot` holds one ballot's choices, sealed (AES-GCM, :mod:`minsheng.voting.sealing`) with a key
  that is not in the database, under a random UUID, with no voter, no time and no counter beside it. Reading
  the database twice during the vote shows that one more sealed ballot exists, not what it says.
- :class:`Candidate` holds the tally (``votes``), computed only when the vote closes: the ballots are
  opened, counted, and written back sealed in a random order under new keys, so that the order in which
  the ballots are stored says nothing about the order of the receipts. While the vote is open the counters
  stay at zero.
- Below ``VOTING_MIN_VOTERS`` ballots the result is withheld: nothing is counted and the ballots are
  destroyed at close (``VoteRound.withheld``).

Ratings are not secret: one per person and item, changeable until the round closes.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_RATING_COMMENT_LENGTH = 500
MAX_NOTE_LENGTH = 1000
DEFAULT_THRESHOLD = Decimal(80)


class RoundStatus(models.TextChoices):
    PREPARED = "prepared", pgettext_lazy("round", "Not open yet")
    OPEN = "open", pgettext_lazy("round", "Open")
    CLOSED = "closed", pgettext_lazy("round", "Closed")


class VoteRule(models.TextChoices):
    EXACTLY = "exactly", _("Choose exactly this many")
    AT_MOST = "at_most", _("Choose at most this many")


class VoteRound(models.Model):
    """The deputies' vote on a plan's candidate items: choose exactly or at most ``choose`` of them."""

    Status = RoundStatus
    Rule = VoteRule

    plan = models.OneToOneField(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="vote_round"
    )
    rule = models.CharField(_("rule"), max_length=16, choices=VoteRule.choices, default=VoteRule.AT_MOST)
    choose = models.PositiveSmallIntegerField(_("items to choose"), validators=[MinValueValidator(1)])
    majority_required = models.BooleanField(
        _("a chosen item needs more than half of all deputies"),
        default=False,
        help_text=_(
            "When set, an item is chosen only with votes from more than half of the deputies entitled to vote."
        ),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    status = models.CharField(
        _("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.PREPARED
    )
    ballots = models.PositiveIntegerField(_("ballots cast"), default=0)
    eligible = models.PositiveIntegerField(_("deputies entitled to vote"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # A tie for the last places is reported at close; the office then decides, with a reason shown to all.
    tie_places = models.PositiveSmallIntegerField(_("places left to a tie"), default=0)
    # Set at close when fewer deputies voted than VOTING_MIN_VOTERS: no tally is computed or published.
    withheld = models.BooleanField(_("result withheld (too few ballots)"), default=False)
    tie_decision = models.TextField(_("how the tie was decided"), blank=True)
    tie_decided_at = models.DateTimeField(_("tie decided"), null=True, blank=True)
    adopted_version = models.ForeignKey(
        "plans.PlanVersion",
        verbose_name=_("adopted version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.CheckConstraint(condition=Q(choose__gte=1), name="voting_voteround_choose_positive"),
            models.CheckConstraint(condition=Q(rule__in=VoteRule.values), name="voting_voteround_rule"),
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values), name="voting_voteround_status"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="voting_voteround_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self._meta.verbose_name}"

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The vote must close after it opens.")})

    @property
    def tied(self) -> bool:
        return self.tie_places > 0 and not self.tie_decided_at


class Candidate(models.Model):
    """An item on the ballot, and its tally: a bare counter with no time and no voter, written at close."""

    round = models.ForeignKey(
        VoteRound, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="candidates"
    )
    item = models.ForeignKey("plans.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position on the ballot"))
    votes = models.PositiveIntegerField(_("votes"), default=0)
    # None until the result is known: while open, and for the items of an undecided tie.
    chosen = models.BooleanField(_("chosen"), null=True, blank=True)
    tied = models.BooleanField(_("tied for the last places"), default=False)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "item"], name="voting_candidate_once"),
            models.UniqueConstraint(fields=["round", "position"], name="voting_candidate_position"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.item_id}"


class Elector(models.Model):
    """A deputy on the vote's roll: the active deputies when the vote opened. Only they may vote, and turnout
    is counted against them."""

    round = models.ForeignKey(
        VoteRound, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="electors"
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("deputy"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("deputy entitled to vote")
        verbose_name_plural = _("deputies entitled to vote")
        constraints = [models.UniqueConstraint(fields=["round", "deputy"], name="voting_elector_once")]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.deputy_id}"


class Ballot(models.Model):
    """One cast ballot: its choices sealed with the server's ballot key. No voter, no time, a random key: it
    cannot be joined to a receipt (see the module's note)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        VoteRound, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="sealed_ballots"
    )
    sealed = models.BinaryField(_("sealed choices"))

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return f"{self.round_id} · {self.pk}"


class BallotReceipt(models.Model):
    """That a deputy has voted, and on which day. It holds nothing of what they chose (see the module's
    note)."""

    round = models.ForeignKey(
        VoteRound, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="receipts"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("deputy"), on_delete=models.PROTECT, related_name="+"
    )
    cast_on = models.DateField(_("voted on"))

    class Meta:
        verbose_name = _("ballot receipt")
        verbose_name_plural = _("ballot receipts")
        ordering = ["round", "voter__username"]
        constraints = [
            models.UniqueConstraint(fields=["round", "voter"], name="voting_receipt_one_per_deputy")
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.voter_id}"


class Grade(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class RaterGroup(models.TextChoices):
    DEPUTY = "deputy", _("Deputies")
    PUBLIC = "public", _("Public")


class RatingRound(models.Model):
    """The year-end rating of a plan's items by deputies and the public."""

    Status = RoundStatus

    plan = models.OneToOneField(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="rating_round"
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    threshold = models.DecimalField(
        _("satisfaction threshold (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_(
            "Items whose deputies' or public's satisfaction rate is below this are flagged to the office."
        ),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.PREPARED
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # How many people rated, fixed when the round closes (the published figures do not move afterwards).
    deputy_raters = models.PositiveIntegerField(_("deputies who rated"), null=True, blank=True)
    public_raters = models.PositiveIntegerField(_("residents who rated"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating round")
        verbose_name_plural = _("rating rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values), name="voting_ratinground_status"
            ),
            models.CheckConstraint(
                condition=Q(threshold__gte=0, threshold__lte=100), name="voting_ratinground_threshold"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="voting_ratinground_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self._meta.verbose_name}"

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The rating must close after it opens.")})


class Rating(models.Model):
    """One person's rating of one item; changeable until the round closes."""

    Grade = Grade
    Group = RaterGroup

    round = models.ForeignKey(
        RatingRound, verbose_name=_("rating round"), on_delete=models.CASCADE, related_name="ratings"
    )
    item = models.ForeignKey(
        "plans.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="ratings"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.CASCADE, related_name="ratings"
    )
    group = models.CharField(_("as"), max_length=16, choices=RaterGroup.choices)
    grade = models.CharField(_("rating"), max_length=16, choices=Grade.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=MAX_RATING_COMMENT_LENGTH)
    created_at = models.DateTimeField(_("rated"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["round", "item", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "item", "rater"], name="voting_rating_one_per_person"),
            models.CheckConstraint(condition=Q(grade__in=Grade.values), name="voting_rating_grade"),
            models.CheckConstraint(condition=Q(group__in=RaterGroup.values), name="voting_rating_group"),
        ]
        indexes = [models.Index(fields=["round", "item", "group", "grade"], name="voting_rating_tally_idx")]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.grade}"


class RatingTally(models.Model):
    """The published counts of one item's ratings by one group, fixed when the round closes: a later change
    to an account or to the plan does not move the published results."""

    round = models.ForeignKey(
        RatingRound, verbose_name=_("rating round"), on_delete=models.CASCADE, related_name="tallies"
    )
    item = models.ForeignKey("plans.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    group = models.CharField(_("as"), max_length=16, choices=RaterGroup.choices)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basic = models.PositiveIntegerField(_("basically satisfied"), default=0)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), default=0)

    class Meta:
        verbose_name = _("rating tally")
        verbose_name_plural = _("rating tallies")
        ordering = ["round", "item__no", "group"]
        constraints = [
            models.UniqueConstraint(fields=["round", "item", "group"], name="voting_ratingtally_once"),
            models.CheckConstraint(condition=Q(group__in=RaterGroup.values), name="voting_ratingtally_group"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.item_id} · {self.group}"

    def counts(self) -> dict[str, int]:
        return {
            Grade.SATISFIED: self.satisfied,
            Grade.BASIC: self.basic,
            Grade.DISSATISFIED: self.dissatisfied,
        }


class RatingFlag(models.Model):
    """An item rated below the threshold when the round closed; the office may open a supervision notice."""

    round = models.ForeignKey(
        RatingRound, verbose_name=_("rating round"), on_delete=models.CASCADE, related_name="flags"
    )
    item = models.ForeignKey("plans.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    # Rates to two places, rounded down (so that a rate just under the threshold never reads as reaching it).
    deputy_rate = models.DecimalField(
        _("deputies' satisfaction (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    public_rate = models.DecimalField(
        _("public's satisfaction (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    deputies_below = models.BooleanField(_("deputies below the threshold"), default=False)
    public_below = models.BooleanField(_("public below the threshold"), default=False)
    threshold = models.DecimalField(_("threshold (%)"), max_digits=5, decimal_places=2)
    notice = models.ForeignKey(
        "delivery.SupervisionNotice",
        verbose_name=_("supervision notice"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("flagged"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating flag")
        verbose_name_plural = _("rating flags")
        ordering = ["round", "item__no", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "item"], name="voting_ratingflag_once")]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.item_id}"
