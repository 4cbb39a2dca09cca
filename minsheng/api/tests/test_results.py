"""The vote's tally and the rating's results through the API: exactly what voting publishes, once it
publishes it (the round closed), and never who chose what."""

from __future__ import annotations

from django.core.cache import cache

from minsheng.voting import services
from minsheng.voting.tests.conftest import open_rating, open_vote, world  # noqa: F401 - fixtures


def test_the_vote_tally_is_read_once_the_vote_is_closed(world, open_vote, client):  # noqa: F811
    cache.clear()
    url = f"/api/plans/{world.plan.pk}/vote"
    for deputy, chosen in zip(world.deputies, ([0, 1], [0, 2], [0]), strict=True):
        services.ballot_cast(round=open_vote, by=deputy, item_ids=[world.items[i].pk for i in chosen])
    assert client.get(url).status_code == 404  # open: nothing published yet
    services.vote_close(round=open_vote, by=world.office)
    tally = client.get(url).json()
    assert tally["ballots"] == 3
    votes = {row["item_id"]: row["votes"] for row in tally["candidates"]}
    assert votes[world.items[0].pk] == 3 and votes[world.items[1].pk] == 1 and votes[world.items[4].pk] == 0
    assert "voter" not in str(tally) and world.deputy.username not in str(tally)


def test_the_rating_results_are_read_once_the_rating_is_closed(world, open_rating, client):  # noqa: F811
    cache.clear()
    url = f"/api/plans/{world.adopted.pk}/rating"
    item = world.adopted_items[0]
    services.item_rate(round=open_rating, item=item, by=world.deputy, grade="satisfied")
    services.item_rate(round=open_rating, item=item, by=world.public, grade="dissatisfied")
    assert client.get(url).status_code == 404
    services.rating_close(round=open_rating, by=world.office)
    results = client.get(url).json()
    assert results["threshold"] == 80
    row = next(r for r in results["items"] if r["item_id"] == item.pk)
    groups = {g["group"]: g for g in row["groups"]}
    assert groups["deputy"]["counts"]["satisfied"] == 1 and groups["deputy"]["rate"] == 100
    assert groups["public"]["counts"]["dissatisfied"] == 1 and groups["public"]["rate"] == 0
    assert row["flagged"] is True
