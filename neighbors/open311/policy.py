"""Who may do what with the Open311 interface: its keys and settings are for the community's staff (and the
admin); partner systems are not people and are checked by their key in neighbors/open311/services.py."""
from __future__ import annotations

from ..models import User
from ..policy import Policy

policy = Policy("open311")


@policy.rule("manage")
def _manage(actor: User, community_id: int | None = None) -> bool:
    """Issue and revoke keys, name the jurisdiction, publish the cases: staff of the community."""
    return actor.is_staff_of(actor.community_id if community_id is None else community_id)
