"""Who may appeal hidden content and who decides appeals: asked by the services, the views and the pages."""
from __future__ import annotations

from ..policy import Policy
from ..registry import HiddenRecord

policy = Policy("appeals")


@policy.rule("see_record")
def _see_record(actor, record: HiddenRecord) -> bool:
    """A record of another community does not exist for anyone but an admin."""
    return actor.is_admin or record.community_id == actor.community_id


@policy.rule("appeal")
def _appeal(actor, record: HiddenRecord) -> bool:
    """Only its author (or whoever asked on their behalf, as the module says) appeals a hidden record."""
    return _see_record(actor, record) and actor.id in record.author_ids


@policy.rule("review")
def _review(actor, community_id: int) -> bool:
    """Staff of the community (or an admin) read its appeals."""
    return actor.is_staff_of(community_id)


@policy.rule("decide")
def _decide(actor, appeal) -> bool:
    return actor.is_staff_of(appeal.community_id)
