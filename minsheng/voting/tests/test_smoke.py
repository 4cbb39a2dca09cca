from minsheng.voting import services
from minsheng.voting.models import Grade


def test_vote_round_trip(world, open_vote):
    items = world.items
    services.ballot_cast(round=open_vote, by=world.deputies[0], item_ids=[items[0].pk, items[1].pk])
    services.ballot_cast(
        round=open_vote, by=world.deputies[1], item_ids=[items[0].pk, items[2].pk, items[3].pk]
    )
    services.ballot_cast(
        round=open_vote, by=world.deputies[2], item_ids=[items[0].pk, items[1].pk, items[2].pk]
    )
    round_ = services.vote_close(round=open_vote, by=world.office)
    assert round_.ballots == 3 and round_.eligible == 3 and not round_.tied
    world.plan.refresh_from_db()
    assert world.plan.status == "adopted"
    current = set(world.plan.items.filter(removed_in=None).values_list("no", flat=True))
    assert current == {1, 2, 3}


def test_rating_round_trip(world, open_rating):
    services.item_rate(
        round=open_rating, item=world.adopted_items[0], by=world.public, grade=Grade.DISSATISFIED
    )
    services.item_rate(round=open_rating, item=world.adopted_items[0], by=world.deputy, grade=Grade.SATISFIED)
    services.rating_close(round=open_rating, by=world.office)
    assert open_rating.flags.count() == 1
