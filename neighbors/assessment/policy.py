"""Who may do what with the assessment: the district (the admin) defines the indicators, sees the year's
standings before they are published and publishes them; once a year is published, the street's staff see the
results of the communities of their street and a community's staff their own. Nobody else, and nobody before.

Rules take `(actor, record)`: a published `Result`, or nothing for the district-wide rules.
"""
from __future__ import annotations

from typing import Any

from ..models import Role, User
from ..policy import Policy

policy = Policy("assessment")


@policy.rule("define", "preview", "publish")
def _district(actor: User, _record: Any = None) -> bool:
    return actor.is_admin


@policy.rule("see_assessment")
def _see_assessment(actor: User, _record: Any = None) -> bool:
    """The page of results: the admin, the street's staff and a community's staff (what it shows, `see_result`)."""
    return actor.has_role(Role.STAFF, Role.STREET_STAFF, Role.ADMIN)


@policy.rule("see_result")
def _see_result(actor: User, result: Any) -> bool:
    """A published result: its community's staff, the staff of its street, the admin."""
    community = result.community
    return actor.is_staff_of(community.id) or actor.oversees(community)
