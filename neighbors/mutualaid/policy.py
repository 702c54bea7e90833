"""Who may do what in mutual aid: the models, the services and the templates (`may`) all ask this policy.

A rule about moving a help request also asks the request's state machine (`request.allows`), so a button is
shown exactly when the service would accept its click. Rules take `(actor, record)`; community-wide rules
take a community id as the record (the actor's own community when none is given).
"""
from __future__ import annotations

from typing import Any

from .. import accounts
from ..models import Role, User
from ..policy import Policy

policy = Policy("mutualaid")


def _staff(actor: User, community_id: int | None = None) -> bool:
    return actor.is_staff_of(actor.community_id if community_id is None else community_id)


def _in_reach(actor: User, request: Any) -> bool:
    return actor.is_admin or actor.community_id == request.community_id


def _requester_side(actor: User, request: Any) -> bool:
    """The person helped, whoever asked for them, and anyone who may act for them (asked last: a query)."""
    return actor.id in (request.requester_id, request.created_by_id) or accounts.can_act_for(actor, request.requester)


def _moves(actor: User, request: Any, action: str) -> bool:
    """The state machine allows `action` now and the actor is within the request's community."""
    return request.allows(action) and _in_reach(actor, request)


@policy.rule("accept")
def _accept(actor: User, request: Any) -> bool:
    return (_moves(actor, request, "accept") and actor.is_verified_volunteer and actor.id != request.requester_id
            and not request.hidden)


@policy.rule("decline")
def _decline(actor: User, request: Any) -> bool:
    return _moves(actor, request, "decline") and actor.id == request.volunteer_id


@policy.rule("done")
def _done(actor: User, request: Any) -> bool:
    return _moves(actor, request, "done") and actor.id == request.volunteer_id


@policy.rule("no_show")
def _no_show(actor: User, request: Any) -> bool:
    return (_moves(actor, request, "no_show") and actor.id != request.volunteer_id
            and (_staff(actor, request.community_id) or _requester_side(actor, request)))


@policy.rule("confirm")
def _confirm(actor: User, request: Any) -> bool:
    return (_moves(actor, request, "confirm") and actor.id != request.volunteer_id
            and _requester_side(actor, request))


@policy.rule("dispute")
def _dispute(actor: User, request: Any) -> bool:
    return (_moves(actor, request, "dispute") and actor.id != request.volunteer_id
            and _requester_side(actor, request))


@policy.rule("resolve_confirm")
def _resolve_confirm(actor: User, request: Any) -> bool:
    return _moves(actor, request, "resolve_confirm") and _staff(actor, request.community_id)


@policy.rule("resolve_change")
def _resolve_change(actor: User, request: Any) -> bool:
    return _moves(actor, request, "resolve_change") and _staff(actor, request.community_id)


@policy.rule("resolve_void")
def _resolve_void(actor: User, request: Any) -> bool:
    return _moves(actor, request, "resolve_void") and _staff(actor, request.community_id)


@policy.rule("cancel")
def _cancel(actor: User, request: Any) -> bool:
    return _moves(actor, request, "cancel") and (_staff(actor, request.community_id)
                                                 or _requester_side(actor, request))


@policy.rule("speak_for")
def _speak_for(actor: User, request: Any) -> bool:
    """Staff, or the requester's side: who may change, cancel or answer for the request at all."""
    return _in_reach(actor, request) and (_staff(actor, request.community_id) or _requester_side(actor, request))


@policy.rule("edit", "invite")
def _change(actor: User, request: Any) -> bool:
    """Only while nobody has taken it."""
    return request.is_open and _speak_for(actor, request)


@policy.rule("decline_invite")
def _decline_invite(actor: User, request: Any) -> bool:
    return _in_reach(actor, request) and request.is_open and actor.id == request.invited_id


@policy.rule("hide")
def _hide(actor: User, request: Any) -> bool:
    return _in_reach(actor, request) and _staff(actor, request.community_id)


@policy.rule("view")
def _view(actor: User, request: Any) -> bool:
    if not _in_reach(actor, request):
        return False
    return (_staff(actor, request.community_id) or actor.id in (request.volunteer_id, request.invited_id)
            or (actor.has_role(Role.VOLUNTEER) and not request.hidden) or _requester_side(actor, request))


@policy.rule("see_address")
def _see_address(actor: User, request: Any) -> bool:
    """The volunteer who took it, the requester's side and staff; other volunteers only once they take it."""
    return (actor.id in (request.requester_id, request.created_by_id, request.volunteer_id)
            or _staff(actor, request.community_id))


@policy.rule("see_contact")
def _see_contact(actor: User, request: Any) -> bool:
    """While a volunteer is on it, they and the requester's side see each other's phone (and staff both)."""
    return request.is_taken and request.volunteer_id is not None and (
        actor.id in (request.requester_id, request.created_by_id, request.volunteer_id)
        or _staff(actor, request.community_id))


def contact_for(actor: User, request: Any) -> User | None:
    """Whose phone the reader is shown, if anyone's: the volunteer sees the requester's side (whoever asked for
    the help, when they have a phone), the requester's side and staff see the volunteer's."""
    if not policy.may(actor, "see_contact", request):
        return None
    if actor.id == request.volunteer_id:
        return request.created_by if request.created_by.phone else request.requester
    return request.volunteer


@policy.rule("see_volunteer_record")
def _see_volunteer_record(actor: User, request: Any) -> bool:
    """Those waiting for a volunteer may look at the record of the one who is coming."""
    return request.is_taken and request.volunteer_id is not None and actor.id != request.volunteer_id


@policy.rule("appeal")
def _appeal(actor: User, request: Any) -> bool:
    """A hidden request's author (or whoever asked for them) may ask staff to look again."""
    return request.hidden and actor.id in (request.requester_id, request.created_by_id)


@policy.rule("post_offer")
def _post_offer(actor: User, _record: Any = None) -> bool:
    return actor.is_verified_volunteer


@policy.rule("close_offer")
def _close_offer(actor: User, offer: Any) -> bool:
    """Its author only: staff hide an offer with a reason instead, so its author is told."""
    return actor.id == offer.volunteer_id


@policy.rule("hide_offer")
def _hide_offer(actor: User, offer: Any) -> bool:
    return _staff(actor, offer.community_id)


@policy.rule("ask_for_offer")
def _ask_for_offer(actor: User, offer: Any) -> bool:
    return actor.id != offer.volunteer_id


@policy.rule("change_profile")
def _change_profile(actor: User, person: Any) -> bool:
    return actor.id == person.id


@policy.rule("wait_for_verification")
def _wait_for_verification(actor: User, _record: Any = None) -> bool:
    """A volunteer staff have not verified yet: told so where they would otherwise accept work."""
    return actor.has_role(Role.VOLUNTEER) and not actor.is_verified_volunteer


@policy.rule("see_board")
def _see_board(actor: User, community_id: int | None = None) -> bool:
    """Open requests are for volunteers (and staff) to pick from."""
    return actor.has_role(Role.VOLUNTEER) or _staff(actor, community_id)


@policy.rule("manage")
def _manage(actor: User, community_id: int | None = None) -> bool:
    """Settings, skills, verification, the pool and corrections: staff of the community."""
    return _staff(actor, community_id)
