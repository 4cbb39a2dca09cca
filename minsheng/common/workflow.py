"""A workflow declared once: a table of steps, each with the rule that allows it and the states it is
allowed from.

The service that runs a step and the selector that decides which buttons a page shows both read the same
table, so a button is shown exactly when the service would accept the step (the apps' tests check this for
every role and state). A workflow lives beside its model, in the app's ``workflows.py``::

    REPORT_FLOW = Workflow(
        Step("submit", "delivery.submit_report", {DRAFT, RETURNED}),
        Step("approve", "delivery.approve_report", {SUBMITTED}),
        ...
    )

A step's states may depend on who takes it (the office returns approved reports, a department head
submitted ones): give ``allowed_from`` as a function of the user.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

States = Collection[str]


@dataclass(frozen=True)
class Step:
    """One step: its ``name`` (the button's and the service's), the rule ``perm`` checked on the object, and
    the states it is ``allowed_from`` (or a function from the user to those states)."""

    name: str
    perm: str
    allowed_from: States | Callable[[Any], States]

    def states_for(self, user: Any) -> frozenset[str]:
        """The states this user may take the step from."""
        states = self.allowed_from(user) if callable(self.allowed_from) else self.allowed_from
        return frozenset(str(state) for state in states)

    def state_allows(self, user: Any, obj: Any, *, state: str | None = None) -> bool:
        """The object (or ``state``, when given) is in a state this user may take the step from."""
        current = getattr(obj, "status") if state is None else state  # noqa: B009 - every workflow's field
        return str(current) in self.states_for(user)

    def allows(self, user: Any, obj: Any) -> bool:
        """The rule allows the user this step on the object, and the object is in a state it is allowed from."""
        return bool(user is not None and user.has_perm(self.perm, obj)) and self.state_allows(user, obj)


class Workflow:
    """The steps of one workflow, by name."""

    def __init__(self, *steps: Step) -> None:
        names = [step.name for step in steps]
        if len(set(names)) != len(names):
            raise ValueError(f"a workflow's step names must be unique: {names}")
        self._steps = {step.name: step for step in steps}

    def __getitem__(self, name: str) -> Step:
        return self._steps[name]

    def __contains__(self, name: object) -> bool:
        return name in self._steps

    def __iter__(self) -> Iterator[Step]:
        return iter(self._steps.values())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._steps)

    def available(self, user: Any, obj: Any, *, among: Iterable[str] | None = None) -> frozenset[str]:
        """The steps (of ``among``, or all) this user may take on this object now: the buttons to show."""
        names = self._steps if among is None else among
        return frozenset(name for name in names if self._steps[name].allows(user, obj))
