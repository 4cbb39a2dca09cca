"""Demo data for the vote and the rating. ``minsheng demo`` calls :func:`demo_voting_setup` on a fresh
database, after the seed plan and the delivery demo; everything goes through the services.

- The vote: the demo document ``tiemenguan-2027-candidates.txt`` (12 candidate items for 2027, labelled as
  demo data) is imported as its own plan, moved to the voting stage, and an "at most 10 of 12" vote is set up
  and opened. Five extra demo deputies (who cannot sign in) have voted, so that when the office closes the
  vote its tally is published (a vote with fewer ballots than ``VOTING_MIN_VOTERS``, five by default, is
  withheld; docs/voting.md); the demo ``deputy`` casts the sixth.
- The rating: the seed plan is moved to adopted (it is imported as a draft) and its year-end rating opened,
  with ratings from the same extra demo deputies and from demo residents (five or more of each, so that
  neither group's results are withheld) so that the office sees counts, comments, and two items that
  closing the rating flags. The demo ``deputy`` and ``public`` accounts are left unrated, to try it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

import minsheng
from minsheng.accounts.models import User
from minsheng.accounts.services import user_create
from minsheng.plans.models import Item, Plan
from minsheng.plans.services import plan_import, plan_status_set
from minsheng.voting import services
from minsheng.voting.models import Grade, RatingRound, VoteRound, VoteRule

CANDIDATES = Path(minsheng.__file__).resolve().parent / "demo_data" / "tiemenguan-2027-candidates.txt"
CHOOSE = 10
WINDOW_DAYS = 14
THRESHOLD = 80
# Extra voters and raters, created without a usable password: they only make the tally and the counts show.
DEMO_DEPUTIES = ("deputy2", "deputy3", "deputy4", "deputy5", "deputy6")
DEMO_RESIDENTS = ("resident1", "resident2", "resident3", "resident4", "resident5", "resident6")
DEMO_COMMENT = "（演示数据）"
_GRADES = {"S": Grade.SATISFIED, "B": Grade.BASIC, "D": Grade.DISSATISFIED}
# The seed items rated, and each extra rater's grade in the order DEMO_DEPUTIES + DEMO_RESIDENTS
# (S satisfied, B basically satisfied, D dissatisfied, - not rated). Items 22 and 34, behind schedule in the
# delivery demo, fall under the threshold: 34 for deputies and public, 22 for the public only.
DEMO_RATINGS = {
    1: "SSBSS" + "SSSBS-",
    4: "SSSBS" + "SBS-SS",
    13: "SSSSB" + "SB-S-S",
    14: "SSBSS" + "SSSS-B",
    22: "SBBSS" + "BSDB-D",
    26: "SBSSS" + "SSBSSS",
    34: "BDDBD" + "DB-DDD",
    40: "S-SBS" + "SB-B-S",
}
# Each extra demo deputy's ballot: the candidates' numbers (at most CHOOSE of the 12).
DEMO_BALLOTS = (
    (1, 2, 3, 4, 5, 6, 7, 8),
    (1, 2, 3, 5, 8, 9, 10),
    (2, 3, 4, 6, 7, 11),
    (1, 3, 4, 5, 6, 9, 10, 12),
    (1, 2, 4, 7, 8, 10),
)
# A few of the ratings carry a comment (the office reads them); each ends with DEMO_COMMENT.
DEMO_COMMENTS = {
    (1, "resident1"): "管网改造后冬季供气稳定多了。",
    (22, "resident3"): "我们连队的手机信号还是时有时无。",
    (34, "deputy3"): "农机补贴兑付进度偏慢，部分农户反映申请后迟迟未到账。",
    (34, "resident2"): "补贴申请材料多，审核时间长。",
}


@dataclass
class DemoVoting:
    candidates_plan: Plan
    vote: VoteRound
    rated_plan: Plan
    rating: RatingRound
    raters: list[User] = field(default_factory=list)
    ratings: int = 0

    @property
    def candidates(self) -> int:
        return self.vote.candidates.count()


@transaction.atomic
def demo_voting_setup(
    *, office: User, rated_plan: Plan, now: dt.datetime | None = None, year: int | None = None
) -> DemoVoting:
    """Import the 2027 candidates and open their vote; adopt ``rated_plan`` (the seed plan) and open its
    rating, with demo ratings from extra demo deputies and residents. Meant for a fresh demo database: the
    vote and the rating open from yesterday to :data:`WINDOW_DAYS` days from ``now``. ``year``: the
    candidates' year (default: as the demo document says)."""
    now = now or timezone.now()
    opens_at, closes_at = now - dt.timedelta(days=1), now + dt.timedelta(days=WINDOW_DAYS)

    candidates_plan = plan_import(
        content=CANDIDATES.read_bytes(), filename=CANDIDATES.name, year=year, by=office
    ).plan
    plan_status_set(plan=candidates_plan, status=Plan.Status.VOTING, by=office)
    # The extra demo accounts exist before the vote opens: its roll is the deputies active at the opening.
    raters = [
        user_create(username=username, password=None, role=role, by=office)
        for usernames, role in ((DEMO_DEPUTIES, User.Role.DEPUTY), (DEMO_RESIDENTS, User.Role.PUBLIC))
        for username in usernames
    ]
    vote = services.vote_set(
        plan=candidates_plan,
        by=office,
        rule=VoteRule.AT_MOST,
        choose=CHOOSE,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    vote = services.vote_open(round=vote, by=office)
    candidates = {item.no: item.pk for item in Item.objects.filter(plan=candidates_plan, removed_in=None)}
    for deputy, numbers in zip(raters, DEMO_BALLOTS, strict=False):
        services.ballot_cast(
            round=vote, by=deputy, item_ids=[candidates[no] for no in numbers if no in candidates], now=now
        )
    vote.refresh_from_db()

    if rated_plan.status not in (Plan.Status.ADOPTED, Plan.Status.CLOSED):
        plan_status_set(plan=rated_plan, status=Plan.Status.ADOPTED, by=office)
    rating = services.rating_set(
        plan=rated_plan, by=office, threshold=THRESHOLD, opens_at=opens_at, closes_at=closes_at
    )
    rating = services.rating_open(round=rating, by=office)

    result = DemoVoting(
        candidates_plan=candidates_plan, vote=vote, rated_plan=rated_plan, rating=rating, raters=raters
    )
    items = {item.no: item for item in Item.objects.filter(plan=rated_plan, removed_in=None)}
    for no, grades in DEMO_RATINGS.items():
        item = items.get(no)
        if item is None:
            continue
        for rater, letter in zip(raters, grades, strict=True):
            if letter == "-":
                continue
            comment = DEMO_COMMENTS.get((no, rater.username), "")
            services.item_rate(
                round=rating,
                item=item,
                by=rater,
                grade=_GRADES[letter],
                comment=comment + DEMO_COMMENT if comment else "",
                now=now,
            )
            result.ratings += 1
    return result
