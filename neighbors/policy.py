"""The one shape of "who may do what": each module has a `policy.py` holding one `Policy`.

Models, services and templates all ask the same policy, so a button is shown exactly when the service
would accept its click, and no template decides who sees a phone number.

    policy = Policy("kitchen")

    @policy.rule("leave_feedback")
    def _leave_feedback(actor, order) -> bool:
        return order.status in HANDED_OVER and actor.id in (order.resident_id, order.placed_by_id)

    policy.may(actor, "leave_feedback", order)            # services, models, templates (via `may`)
    policy.require(actor, "leave_feedback", order)        # services: NotAllowed when not
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import N_, NotAllowed

Rule = Callable[[Any, Any], bool]


class Policy:
    def __init__(self, module: str):
        self.module = module
        self.rules: dict[str, Rule] = {}

    def rule(self, *actions: str) -> Callable[[Rule], Rule]:
        """Declare the predicate `(actor, record) -> bool` for one or more actions."""

        def register(predicate: Rule) -> Rule:
            for action in actions:
                if action in self.rules:
                    raise ValueError(f"{self.module}: a rule for {action!r} is already declared")
                self.rules[action] = predicate
            return predicate

        return register

    def may(self, actor: Any, action: str, record: Any = None) -> bool:
        """Whether `actor` may do `action` (to `record`). Nobody may do what no rule declares."""
        if actor is None or not getattr(actor, "is_authenticated", True):
            return False
        predicate = self.rules.get(action)
        if predicate is None:
            raise KeyError(f"{self.module}: no rule for {action!r}")
        return bool(predicate(actor, record))

    def require(self, actor: Any, action: str, record: Any = None, message: str | None = None,
                **params) -> None:
        if not self.may(actor, action, record):
            raise NotAllowed(message or N_("You cannot do that."), **params)

    def for_templates(self, actor: Any) -> Callable[..., bool]:
        """`may("cancel", order)` in a template, for the signed-in reader."""
        return lambda action, record=None: self.may(actor, action, record)
