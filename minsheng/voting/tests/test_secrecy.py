"""The ballot is secret: nothing stored links a deputy to what they chose, even for whoever reads the
database during the vote, and nothing is counted before the close.

The strongest form of the claim is tested directly: two elections in which two deputies swap their choices
leave *every table of the database* in exactly the same state (row for row, apart from automatic ids; the
sealed ballots, which are random bytes under random keys, are compared by what they open to), so no table
and no query can tell who chose what. Then the shapes that make this so: the receipt holds no choice and no
time, the ballot no voter, no time and no ordered key, the counters stay at zero until the close, the
ballots are stored anew in a random order at the close, a result with fewer voters than the minimum is
withheld, the audit event of a ballot names the deputy and nothing else, and nothing logged mentions a
choice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import AuditEvent
from minsheng.accounts.tests.factories import DeputyFactory, PublicUserFactory
from minsheng.plans.models import Plan
from minsheng.testing import sign_in
from minsheng.voting import services
from minsheng.voting.models import Ballot, BallotReceipt, Candidate, RatingTally, VoteRound
from minsheng.voting.sealing import SealBroken, seal, unseal
from minsheng.voting.tests.conftest import window

FIXED = timezone.now().replace(microsecond=0)


def _opened(round_: VoteRound) -> list[tuple[bool, ...]]:
    """The round's ballots as they open with the server's key, sorted (a multiset)."""
    count = Candidate.objects.filter(round=round_).count()
    return sorted(
        tuple(unseal(round_id=round_.pk, sealed=sealed, candidates=count))
        for sealed in Ballot.objects.filter(round=round_).values_list("sealed", flat=True)
    )


def _database_contents() -> dict[str, list[tuple]]:
    """Every row of every table (auto-created many-to-many tables too). Automatic ids are replaced by their
    rank within the table, so the order in which rows were written still shows (a ballot table numbered in
    casting order would give itself away) while the sequences' absolute values do not matter. Sealed
    ballots are random bytes under random keys: they are replaced by what they open to, as a multiset."""
    contents = {}
    for model in apps.get_models(include_auto_created=True):
        if model is Ballot:
            contents[model._meta.db_table] = [
                opened for round_ in VoteRound.objects.all() for opened in _opened(round_)
            ]
            continue
        pk = model._meta.pk
        auto = isinstance(pk, models.AutoField | models.BigAutoField)
        fields = [f.attname for f in model._meta.concrete_fields if not (auto and f.primary_key)]
        rows = model._base_manager.order_by("pk").values_list(*fields)
        contents[model._meta.db_table] = (
            [(rank, *row) for rank, row in enumerate(rows)] if auto else sorted(rows, key=repr)
        )
    return contents


def _election(world, open_vote, first: list[int], second: list[int]) -> dict[str, list[tuple]]:
    """Deputy 0 votes ``first``, deputy 1 votes ``second`` (in that order, at the same instant); the
    database's contents afterwards. Rolled back."""
    with transaction.atomic():
        services.ballot_cast(round=open_vote, by=world.deputies[0], item_ids=first)
        services.ballot_cast(round=open_vote, by=world.deputies[1], item_ids=second)
        contents = _database_contents()
        transaction.set_rollback(True)
    return contents


def test_swapping_two_deputies_choices_leaves_every_table_the_same(world, open_vote, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: FIXED)
    items = world.items
    x = [items[0].pk, items[1].pk]
    y = [items[2].pk]
    as_cast = _election(world, open_vote, x, y)
    swapped = _election(world, open_vote, y, x)
    assert as_cast == swapped
    # ...and the elections did store something: the receipts and the two sealed ballots, no counts.
    assert len(as_cast[BallotReceipt._meta.db_table]) == 2
    assert len(as_cast[Ballot._meta.db_table]) == 2
    assert all(row[-3] == 0 for row in as_cast[Candidate._meta.db_table])
    assert as_cast != _election(world, open_vote, x, x)  # different choices do show, in the sealed ballots


def test_the_receipt_holds_no_choice_and_no_time_the_ballot_no_voter_no_time_no_order():
    receipt_fields = {f.name for f in BallotReceipt._meta.get_fields()}
    assert receipt_fields == {"id", "round", "voter", "cast_on"}
    assert type(BallotReceipt._meta.get_field("cast_on")) is models.DateField  # the day, not the time
    assert {f.name for f in Ballot._meta.get_fields()} == {"id", "round", "sealed"}
    assert isinstance(Ballot._meta.pk, models.UUIDField)  # random: no order to line up with the receipts
    for model in (Ballot, Candidate):
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateTimeField | models.DateField), field
            if field.is_relation:
                assert field.related_model is not BallotReceipt
                assert field.related_model._meta.label != "accounts.User", field
    # No row points at both a receipt and a ballot or candidate (all only point at their round).
    for model in apps.get_models(include_auto_created=True):
        related = {
            f.related_model
            for f in (*model._meta.concrete_fields, *model._meta.many_to_many)
            if f.is_relation
        }
        assert not ({BallotReceipt, Candidate} <= related), model
        assert not ({BallotReceipt, Ballot} <= related), model


def test_nothing_is_counted_while_the_vote_is_open_and_the_ballots_are_sealed(world, open_vote):
    items = world.items
    services.ballot_cast(round=open_vote, by=world.deputies[0], item_ids=[items[0].pk, items[1].pk])
    services.ballot_cast(round=open_vote, by=world.deputies[1], item_ids=[items[0].pk])
    assert list(Candidate.objects.filter(round=open_vote).values_list("votes", flat=True)) == [0] * 5
    sealed = list(Ballot.objects.filter(round=open_vote).values_list("sealed", flat=True))
    assert len(sealed) == 2
    assert len({len(bytes(s)) for s in sealed}) == 1  # a ballot's size does not tell how many were chosen
    assert _opened(open_vote) == sorted(
        [(True, False, False, False, False), (True, True, False, False, False)]
    )
    services.vote_close(round=open_vote, by=world.office)
    counts = dict(Candidate.objects.filter(round=open_vote).values_list("item_id", "votes"))
    assert counts == {items[0].pk: 2, items[1].pk: 1, items[2].pk: 0, items[3].pk: 0, items[4].pk: 0}


def test_the_ballots_are_stored_anew_in_a_random_order_at_close(world, open_vote):
    for deputy, item in zip(world.deputies, world.items, strict=False):
        services.ballot_cast(round=open_vote, by=deputy, item_ids=[item.pk])
    before = set(Ballot.objects.filter(round=open_vote).values_list("pk", flat=True))
    opened = _opened(open_vote)
    services.vote_close(round=open_vote, by=world.office)
    after = set(Ballot.objects.filter(round=open_vote).values_list("pk", flat=True))
    assert len(after) == 3 and not (before & after)  # new keys: the casting order is gone
    assert _opened(open_vote) == opened  # the same ballots, for a recount by the key's holder


def test_a_sealed_ballot_opens_only_with_the_servers_key_and_in_its_round(settings):
    sealed = seal(round_id=7, chosen=[True, False, True])
    assert unseal(round_id=7, sealed=sealed, candidates=3) == [True, False, True]
    with pytest.raises(SealBroken):
        unseal(round_id=8, sealed=sealed, candidates=3)
    altered = bytearray(sealed)
    altered[-1] ^= 1
    with pytest.raises(SealBroken):
        unseal(round_id=7, sealed=bytes(altered), candidates=3)
    settings.VOTING_BALLOT_KEY = "another key"
    with pytest.raises(SealBroken):
        unseal(round_id=7, sealed=sealed, candidates=3)


def test_a_changed_ballot_key_stops_the_close_and_changes_nothing(world, open_vote, settings, nothing_stored):
    services.ballot_cast(round=open_vote, by=world.deputy, item_ids=[world.items[0].pk])
    settings.VOTING_BALLOT_KEY = "a key the ballots were not sealed with"
    nothing_stored.mark()
    with pytest.raises(services.VotingError, match="MINSHENG_BALLOT_KEY"):
        services.vote_close(round=VoteRound.objects.get(pk=open_vote.pk), by=world.office)
    nothing_stored.check()


def test_the_default_minimum_of_voters_is_five():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "MINSHENG_VOTING_MIN_VOTERS"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.VOTING_MIN_VOTERS)"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "5", done.stderr
    assert django_settings.VOTING_MIN_VOTERS == 1  # the test settings lower it; the tests below raise it


def test_a_vote_with_fewer_ballots_than_the_minimum_is_withheld(world, open_vote, settings, client):
    settings.VOTING_MIN_VOTERS = 5
    for deputy in world.deputies:  # three ballots, all for the first item
        services.ballot_cast(round=open_vote, by=deputy, item_ids=[world.items[0].pk])
    round_ = services.vote_close(round=VoteRound.objects.get(pk=open_vote.pk), by=world.office)
    assert round_.withheld and round_.status == "closed"
    assert not Ballot.objects.filter(round=round_).exists()  # destroyed: nothing left to count
    assert set(Candidate.objects.filter(round=round_).values_list("votes", "chosen", "tied")) == {
        (0, None, False)
    }
    assert Plan.objects.get(pk=world.plan.pk).status == Plan.Status.VOTING
    event = AuditEvent.objects.filter(verb="vote_close").get()
    assert event.details["withheld"] is True and "chosen" not in event.details
    page = client.get(reverse("voting:vote_results", args=[world.plan.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="notice withheld"' in html and "3" in html
    assert 'class="tally"' not in html and "vote-chart-data" not in html
    csv = client.get(reverse("voting:vote_results_csv", args=[world.plan.pk])).content.decode("utf-8-sig")
    first = csv.splitlines()[0]
    assert "5" in first and "3" in first and world.items[0].text[:6] not in csv


def test_a_vote_with_the_minimum_of_ballots_is_published(world, open_vote, settings, client):
    settings.VOTING_MIN_VOTERS = 3
    for deputy in world.deputies:
        services.ballot_cast(round=open_vote, by=deputy, item_ids=[world.items[0].pk])
    round_ = services.vote_close(round=VoteRound.objects.get(pk=open_vote.pk), by=world.office)
    assert not round_.withheld
    assert Candidate.objects.get(round=round_, item=world.items[0]).votes == 3
    html = client.get(reverse("voting:vote_results", args=[world.plan.pk])).content.decode()
    assert 'class="tally"' in html and "withheld" not in html


def test_a_rating_group_with_fewer_raters_than_the_minimum_is_withheld(world, open_rating, settings, client):
    settings.VOTING_MIN_VOTERS = 5
    residents = [world.public, world.other, *(PublicUserFactory() for _ in range(3))]
    for resident in residents:
        for item in world.adopted_items:
            services.item_rate(round=open_rating, item=item, by=resident, grade="satisfied")
    lone = world.deputy  # one deputy rates everything dissatisfied: never published, never flagged
    for item in world.adopted_items:
        services.item_rate(round=open_rating, item=item, by=lone, grade="dissatisfied")
    round_ = services.rating_close(round=open_rating, by=world.office)
    assert not round_.flags.exists()
    assert RatingTally.objects.filter(round=round_, group="deputy", dissatisfied=1).count() == 3  # kept
    page = client.get(reverse("voting:rating_results", args=[world.adopted.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'class="notice withheld"' in html
    assert "0 / 0 / 1" not in html and "5 / 0 / 0" in html  # public shown, the lone deputy withheld
    csv = client.get(reverse("voting:rating_results_csv", args=[world.adopted.pk])).content.decode(
        "utf-8-sig"
    )
    rows = csv.splitlines()
    assert len(rows) == 6, rows  # header, three items, a blank line, why a group is withheld
    assert all(",5,0,0,100.0," in row and ",0,0,1," not in row for row in rows[1:4]), rows
    assert "5" in rows[5]


def test_many_deputies_cast_and_the_tally_matches_the_ballots(world, settings):
    settings.VOTING_MIN_VOTERS = 5
    deputies = [*world.deputies, *(DeputyFactory() for _ in range(4))]
    round_ = services.vote_open(
        round=services.vote_set(plan=world.plan, by=world.office, rule="at_most", choose=2, **window()),
        by=world.office,
    )
    expected: Counter[int] = Counter()
    for n, deputy in enumerate(deputies):
        chosen = [world.items[n % 5].pk, world.items[(n + 1) % 5].pk]
        expected.update(chosen)
        services.ballot_cast(round=round_, by=deputy, item_ids=chosen)
    services.vote_close(round=round_, by=world.office)
    counts = dict(Candidate.objects.filter(round=round_).values_list("item_id", "votes"))
    assert counts == {item.pk: expected[item.pk] for item in world.items}


def test_a_ballots_audit_event_names_the_deputy_and_nothing_of_the_choice(world, open_vote):
    services.ballot_cast(round=open_vote, by=world.deputy, item_ids=[world.items[3].pk, world.items[4].pk])
    event = AuditEvent.objects.get(verb="ballot_cast")
    assert event.actor == world.deputy
    assert (event.object_type, event.object_id, event.details) == ("voting.voteround", str(open_vote.pk), {})


def test_a_ballot_logs_nothing_with_debug_off_as_in_production(world, open_vote, caplog, settings):
    """With DEBUG on, Django logs every SQL statement (the sealed ballot's INSERT next to the receipt's):
    docs/voting.md says to keep it off during a vote. With it off, a ballot leaves no log record at all."""
    settings.DEBUG = False
    caplog.set_level(logging.DEBUG)  # every logger, every level
    caplog.clear()
    services.ballot_cast(round=open_vote, by=world.deputy, item_ids=[world.items[3].pk])
    # django-rules traces its permission checks at DEBUG (who may vote on which round): nothing else logs.
    assert [record for record in caplog.records if record.name != "rules"] == []
    assert all("Candidate" not in record.getMessage() for record in caplog.records)


def test_an_error_report_during_a_ballot_holds_no_choice(world, open_vote, rf):
    """Django's error reports (mail to ADMINS) show each frame's variables: a ballot's are all cleansed."""
    import sys

    from django.views.debug import SafeExceptionReporterFilter

    chosen = [world.items[3].pk]
    try:
        services.ballot_cast(round=open_vote, by=world.deputy, item_ids=chosen, now="not a time")
    except Exception:  # noqa: BLE001 - any failure inside the ballot
        _type, _value, tb = sys.exc_info()
    reporter = SafeExceptionReporterFilter()
    request = rf.post("/", {"items": chosen})
    frames = []
    while tb is not None:
        frames.append(dict(reporter.get_traceback_frame_variables(request, tb.tb_frame)))
        tb = tb.tb_next
    inside = [f for f in frames if "by" in f or "round_" in f or "item_ids" in f]
    assert inside, "the ballot's frames were not found"
    for variables in inside:
        for name, value in variables.items():
            assert value == reporter.cleansed_substitute, (name, value)


def test_a_ballot_writes_only_the_receipt_the_sealed_ballot_the_round_and_the_audit_trail(world, open_vote):
    with CaptureQueriesContext(connection) as queries:
        services.ballot_cast(round=open_vote, by=world.deputy, item_ids=[world.items[0].pk])
    written = set()
    for query in queries.captured_queries:
        sql = query["sql"]
        for verb in ("INSERT INTO ", "UPDATE ", "DELETE FROM "):
            if sql.startswith(verb):
                written.add(sql[len(verb) :].split()[0].strip('"'))
    assert written == {
        BallotReceipt._meta.db_table,
        Ballot._meta.db_table,
        VoteRound._meta.db_table,
        AuditEvent._meta.db_table,
    }
    receipt = BallotReceipt.objects.get(round=open_vote)
    assert receipt.cast_on == timezone.localdate()


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_ballots_last_writer_after_the_close_is_the_close(world):
    """PostgreSQL stamps each row with the transaction that wrote it (xmin): while open a ballot shares its
    receipt's (it is sealed); after the close every ballot of the round carries the close's transaction."""
    if connection.vendor != "postgresql":
        pytest.skip("xmin is PostgreSQL's: run the suite with DATABASE_URL=postgres://…")
    now = timezone.now()
    round_ = services.vote_set(
        plan=world.plan,
        by=world.office,
        rule="at_most",
        choose=3,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=1),
    )
    round_ = services.vote_open(round=round_, by=world.office)
    for deputy, item in zip(world.deputies, world.items, strict=False):
        services.ballot_cast(round=round_, by=deputy, item_ids=[item.pk])
    services.vote_close(round=round_, by=world.office)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT xmin::text FROM {Ballot._meta.db_table} WHERE round_id = %s", [round_.pk]
        )
        assert len(cursor.fetchall()) == 1


def test_nobody_reads_a_choice_back_through_the_pages(world, open_vote, client):
    """The deputy's own page says that they voted, not what; the office's pages show turnout, not choices."""
    chosen = world.items[4]
    services.ballot_cast(round=open_vote, by=world.deputy, item_ids=[chosen.pk])
    pages = [
        (world.deputy, "voting:vote"),
        (world.office, "voting:vote"),
        (world.office, "voting:vote_manage"),
    ]
    for user, name in pages:
        sign_in(client, user)
        response = client.get(reverse(name, args=[world.plan.pk]))
        assert response.status_code == 200, (user, name)
        html = response.content.decode()
        assert "checked" not in html
        assert f'value="{chosen.pk}"' not in html
        assert chosen.text not in html or name == "voting:vote"  # the ballot page lists every candidate
    sign_in(client, world.deputy)
    assert 'class="notice voted"' in client.get(reverse("voting:vote", args=[world.plan.pk])).content.decode()
    assert VoteRound.objects.get(pk=open_vote.pk).ballots == 1
