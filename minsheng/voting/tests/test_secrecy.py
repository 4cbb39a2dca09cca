"""The ballot is secret: nothing stored links a deputy to what they chose.

The strongest form of the claim is tested directly: two elections in which two deputies swap their choices
leave *every table of the database* in exactly the same state (row for row, apart from automatic ids), so no
table and no query can tell who chose what. Then the shapes that make this so: the receipt holds no choice,
the counters hold no voter and no time, the audit event of a ballot names the deputy and nothing else, and
nothing logged mentions a choice.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.apps import apps
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minsheng.accounts.models import AuditEvent
from minsheng.testing import sign_in
from minsheng.voting import services
from minsheng.voting.models import BallotReceipt, Candidate, VoteRound

FIXED = timezone.now().replace(microsecond=0)


def _database_contents() -> dict[str, list[tuple]]:
    """Every row of every table (auto-created many-to-many tables too). Automatic ids are replaced by their
    rank within the table, so the order in which rows were written still shows (a ballot table numbered in
    casting order would give itself away) while the sequences' absolute values do not matter."""
    contents = {}
    for model in apps.get_models(include_auto_created=True):
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
    # ...and the elections did store something: the receipts, the counters and the audit events.
    assert len(as_cast[BallotReceipt._meta.db_table]) == 2
    assert sorted(row[-3] for row in as_cast[Candidate._meta.db_table] if row[-3]) == [1, 1, 1]
    assert as_cast != _election(world, open_vote, x, x)  # different choices do show, in the counters


def test_the_receipt_holds_no_choice_and_the_counter_no_voter_or_time():
    receipt_fields = {f.name for f in BallotReceipt._meta.get_fields()}
    assert receipt_fields == {"id", "round", "voter", "cast_at"}
    for field in Candidate._meta.get_fields():
        assert not isinstance(field, models.DateTimeField | models.DateField), field
        if field.is_relation:
            assert field.related_model is not BallotReceipt
            assert field.related_model._meta.label != "accounts.User", field
    # No row points at both a receipt and a candidate (both only point at their round).
    for model in apps.get_models(include_auto_created=True):
        related = {
            f.related_model
            for f in (*model._meta.concrete_fields, *model._meta.many_to_many)
            if f.is_relation
        }
        assert not ({BallotReceipt, Candidate} <= related), model


def test_a_ballots_audit_event_names_the_deputy_and_nothing_of_the_choice(world, open_vote):
    services.ballot_cast(round=open_vote, by=world.deputy, item_ids=[world.items[3].pk, world.items[4].pk])
    event = AuditEvent.objects.get(verb="ballot_cast")
    assert event.actor == world.deputy
    assert (event.object_type, event.object_id, event.details) == ("voting.voteround", str(open_vote.pk), {})


def test_a_ballot_logs_nothing_with_debug_off_as_in_production(world, open_vote, caplog, settings):
    """With DEBUG on, Django logs every SQL statement (the counters' UPDATE next to the receipt's INSERT):
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


def test_a_ballot_writes_only_the_receipt_the_counters_the_round_and_the_audit_trail(world, open_vote):
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
        Candidate._meta.db_table,
        VoteRound._meta.db_table,
        AuditEvent._meta.db_table,
    }


def test_a_ballot_rewrites_every_counter_of_the_round(world, open_vote):
    """One UPDATE over all candidates of the round (+1 or +0): the last writer of a row says nothing of a
    choice."""
    before = dict(Candidate.objects.filter(round=open_vote).values_list("pk", "votes"))
    with CaptureQueriesContext(connection) as queries:
        services.ballot_cast(round=open_vote, by=world.deputy, item_ids=[world.items[0].pk])
    table = Candidate._meta.db_table
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'UPDATE "{table}"')]
    assert len(updates) == 1
    where = updates[0].rsplit("WHERE", 1)[1]
    assert "round_id" in where and " IN " not in where  # every row of the round, not the chosen ones
    after = dict(Candidate.objects.filter(round=open_vote).values_list("pk", "votes"))
    assert sum(after.values()) - sum(before.values()) == 1


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_no_counter_rows_last_writer_tells_a_choice(world):
    """PostgreSQL stamps each row with the transaction that last wrote it (xmin). After each ballot every
    counter of the round carries that ballot's transaction, chosen or not."""
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
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT xmin::text FROM {Candidate._meta.db_table} WHERE round_id = %s",
                [round_.pk],
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
