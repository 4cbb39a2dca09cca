"""The workflow table itself: steps by name, states as a set or a function of the user, the rule asked."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from minsheng.common.workflow import Step, Workflow


@dataclass
class Thing:
    status: str


class Person:
    def __init__(self, *perms: str, boss: bool = False) -> None:
        self.perms, self.boss = set(perms), boss

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return perm in self.perms


FLOW = Workflow(
    Step("send", "app.send", {"draft"}),
    Step("undo", "app.undo", lambda user: {"sent"} if user.boss else {"draft"}),
)


def test_a_step_needs_both_the_rule_and_a_state_it_is_allowed_from():
    sender = Person("app.send")
    assert FLOW.available(sender, Thing("draft")) == {"send"}
    assert FLOW.available(sender, Thing("sent")) == frozenset()
    assert FLOW.available(Person(), Thing("draft")) == frozenset()
    assert FLOW.available(None, Thing("draft")) == frozenset()


def test_the_states_may_depend_on_who_acts():
    assert FLOW.available(Person("app.undo", boss=True), Thing("sent")) == {"undo"}
    assert FLOW.available(Person("app.undo"), Thing("sent")) == frozenset()
    assert FLOW["undo"].state_allows(Person(), Thing("x"), state="draft")


def test_steps_are_named_once_and_listed_in_order():
    assert FLOW.names == ("send", "undo")
    assert "send" in FLOW and "publish" not in FLOW
    assert [step.name for step in FLOW] == ["send", "undo"]
    with pytest.raises(ValueError, match="unique"):
        Workflow(Step("a", "x", {"s"}), Step("a", "y", {"t"}))
    with pytest.raises(KeyError):
        FLOW["publish"]
