"""The one shape of every state machine (kitchen orders, help requests, findings).

A record type declares its `Transition`s once. The same table answers "may this record move that way
now?" for the service (which refuses otherwise) and for the page (which shows the button only then),
and `StateMachine.move` is the one function that moves a record and writes its history row.

    ORDER_STATES = StateMachine(
        Transition("cook", {"placed"}, "cooking"),
        Transition("deliver", {"out_for_delivery", "no_answer"}, "delivered", when=lambda o: o.delivers),
        history=lambda order, step, actor, now, **extra: OrderEvent(...),
    )
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from .errors import N_, Conflict
from .extensions import db


@dataclass(frozen=True)
class Transition:
    """`action` moves a record from any of `sources` to `target`, where `when(record)` holds (if given)."""

    action: str
    sources: frozenset[str]
    target: str
    when: Callable[[Any], bool] | None = None

    def __init__(self, action: str, sources: Iterable[str], target: str, when: Callable[[Any], bool] | None = None):
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "sources", frozenset(str(s) for s in sources))
        object.__setattr__(self, "target", str(target))
        object.__setattr__(self, "when", when)

    def applies_to(self, record: Any, state: str) -> bool:
        return state in self.sources and (self.when is None or bool(self.when(record)))


History = Callable[..., Any]


@dataclass
class StateMachine:
    """A declared transitions table, the state column it drives and how a move is written down."""

    transitions: dict[str, Transition] = field(default_factory=dict)
    state: str = "status"
    history: History | None = None

    def __init__(self, *transitions: Transition, state: str = "status", history: History | None = None):
        self.transitions = {t.action: t for t in transitions}
        self.state = state
        self.history = history

    def __contains__(self, action: str) -> bool:
        return action in self.transitions

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def current(self, record: Any) -> str:
        return str(getattr(record, self.state))

    def allows(self, record: Any, action: str) -> bool:
        """The table alone: may `action` start from the record's current state?"""
        step = self.transitions.get(action)
        return step is not None and step.applies_to(record, self.current(record))

    def actions(self, record: Any) -> list[str]:
        """Every action the table allows from here, in the order declared (the buttons a page may show)."""
        return [action for action, step in self.transitions.items() if step.applies_to(record, self.current(record))]

    def move(self, record: Any, action: str, actor: Any, now: datetime, *, values: Mapping[str, Any] | None = None,
             **extra) -> Any:
        """Move the record if the table allows it and nobody moved it first; write and return its history row.

        The move is a conditional UPDATE on the state the record was read in, so two people acting at once
        cannot both move it (the second gets a Conflict), even where no row lock was taken. `values` are other
        columns set in the same UPDATE (a check constraint may tie them to the state, e.g. who took a request).
        """
        if not self.allows(record, action):
            raise Conflict(N_("This has moved on in the meantime. Reload the page to see where it is now."))
        step = self.transitions[action]
        model = type(record)
        before = self.current(record)
        column = getattr(model, self.state)
        moved = db.session.execute(
            sa.update(model).where(model.id == record.id, model.community_id == record.community_id, column == before)
            .values({self.state: step.target, **(values or {})}).execution_options(synchronize_session=False))
        if moved.rowcount != 1:
            raise Conflict(N_("Someone changed this a moment ago. Reload the page."))
        set_committed_value(record, self.state, step.target)
        if values:
            _set_values(record, values)
        row = None
        if self.history is not None:
            row = self.history(record, step, actor, now, before=before, **extra)
            db.session.add(row)
        db.session.flush()
        return row


def _set_values(record: Any, values: Mapping[str, Any]) -> None:
    """The record as the UPDATE left it; a relation read through a changed key is read again when asked."""
    for name, value in values.items():
        set_committed_value(record, name, value)
    related = [relation.key for relation in sa.inspect(type(record)).relationships
               if {column.key for column in relation.local_columns} & set(values)]
    if related:
        db.session.expire(record, related)
