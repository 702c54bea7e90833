"""Who may read and download a person's information, and who may erase it (PIPL arts. 45 and 47)."""
from __future__ import annotations

from ..accounts import can_act_for
from ..models import User
from ..policy import Policy

policy = Policy("privacy")


@policy.rule("see")
def _see(actor: User, person: User) -> bool:
    """The person, a carer who orders for them, or staff of their community (an admin anywhere)."""
    return can_act_for(actor, person)


@policy.rule("erase")
def _erase(actor: User, person: User) -> bool:
    """Staff of the person's community erase on request; only an admin erases staff or an admin; never oneself."""
    if actor.id == person.id or not actor.is_staff_of(person.community_id):
        return False
    return actor.is_admin or not person.is_privileged
