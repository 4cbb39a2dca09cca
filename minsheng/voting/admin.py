"""The office's admin for the vote and the rating: read-only lists. Everything is done on the pages under
/voting/ through the services. The candidates' counters are not in the admin at all: while a vote is open
nobody, the office included, sees a running tally (the published tally is on the results page)."""

from __future__ import annotations

from django.contrib import admin

from minsheng.accounts.admin_site import ReadOnlyAdmin
from minsheng.voting.models import BallotReceipt, Rating, RatingFlag, RatingRound, VoteRound


@admin.register(VoteRound)
class VoteRoundAdmin(ReadOnlyAdmin):
    list_display = ["plan", "rule", "choose", "status", "opens_at", "closes_at", "ballots", "eligible"]
    list_filter = ["status"]
    exclude = ["tie_places"]


@admin.register(BallotReceipt)
class BallotReceiptAdmin(ReadOnlyAdmin):
    """Who has voted, and on which day (never what)."""

    list_display = ["round", "voter", "cast_on"]
    list_select_related = ["round__plan", "voter"]


@admin.register(RatingRound)
class RatingRoundAdmin(ReadOnlyAdmin):
    list_display = ["plan", "status", "threshold", "opens_at", "closes_at"]
    list_filter = ["status"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    """Ratings by item, group and grade; the office reads comments without the person's name."""

    list_display = ["round", "item", "group", "grade", "updated_at"]
    exclude = ["rater"]
    list_filter = ["group", "grade"]
    list_select_related = ["round__plan", "item"]


@admin.register(RatingFlag)
class RatingFlagAdmin(ReadOnlyAdmin):
    list_display = ["round", "item", "deputy_rate", "public_rate", "threshold", "notice"]
    list_select_related = ["round__plan", "item", "notice"]
