"""What mutual aid holds about a person, and its part of their erasure (neighbors/privacy, PIPL arts. 45, 47).

The credit ledger keeps every entry and amount (its sum stays zero, balances stay as they were); what goes is
what the person wrote or where they live: request titles and descriptions, addresses, photos, comments, a
volunteer's introduction and free times, a gift's note."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ...database import same_community
from ...errors import N_
from ...extensions import db
from ...models import User
from ...registry import ERASED, PersonalData
from ...uploads import discard_after_commit
from ..models import (
    ACTIVE, Availability, CreditAccount, CreditTransaction, HelpRequest, LedgerEntry, Offer, RequestEvent,
    TransactionKind, VolunteerProfile, VolunteerSkill,
)


def personal_data(person: User) -> list[PersonalData]:
    return [_volunteer(person), _requests(person), _help_given(person), _offers(person), _credits(person)]


def _mine(model, column: str, person: User):
    return sa.select(model).where(model.community_id == person.community_id,
                                  getattr(model, column) == person.id).order_by(model.id)


def _volunteer(person: User) -> PersonalData:
    profile = db.session.scalar(_mine(VolunteerProfile, "user_id", person))
    rows = [] if profile is None else [(profile.intro, ", ".join(skill.name for skill in profile.skills),
                                        "; ".join(f"{slot.weekday + 1} {slot.starts:%H:%M}-{slot.ends:%H:%M}"
                                                  for slot in profile.availability), profile.created_at)]
    return PersonalData(
        N_("Volunteer profile"),
        (N_("Introduction"), N_("Skills"), N_("Free times (weekday 1 = Monday)"), N_("Since")),
        rows)


def _requests(person: User) -> PersonalData:
    return PersonalData(
        N_("Help you asked for"),
        (N_("Time"), N_("Title"), N_("Description"), N_("Address"), N_("Photo"), N_("Status"), N_("Minutes"),
         N_("Your rating"), N_("Your comment"), N_("Dispute")),
        [(item.created_at, item.title, item.description, item.address, bool(item.photo_key), item.status,
         item.confirmed_minutes, item.rating, item.comment, item.dispute_reason) for item in
         db.session.scalars(_mine(HelpRequest, "requester_id", person))])


def _help_given(person: User) -> PersonalData:
    return PersonalData(
        N_("Help you gave"),
        (N_("Time"), N_("Title"), N_("Status"), N_("Minutes reported"), N_("Minutes confirmed"), N_("Rating")),
        [(item.accepted_at, item.title, item.status, item.reported_minutes, item.confirmed_minutes, item.rating) for
         item in db.session.scalars(_mine(HelpRequest, "volunteer_id", person))])


def _offers(person: User) -> PersonalData:
    return PersonalData(
        N_("Your offers of help"),
        (N_("Time"), N_("Title"), N_("Description"), N_("Open")),
        [(offer.created_at, offer.title, offer.description, offer.active) for offer in db.session.scalars(_mine(Offer,
         "volunteer_id", person))])


def _credits(person: User) -> PersonalData:
    rows = db.session.execute(
        sa.select(LedgerEntry.created_at, CreditTransaction.kind, LedgerEntry.minutes, CreditTransaction.reason)
        .join(CreditTransaction, same_community(LedgerEntry.transaction_id == CreditTransaction.id))
        .join(CreditAccount, same_community(LedgerEntry.account_id == CreditAccount.id))
        .where(LedgerEntry.community_id == person.community_id, CreditAccount.user_id == person.id)
        .order_by(LedgerEntry.id)).all()
    return PersonalData(
        N_("Time credits"),
        (N_("Time"), N_("Kind"), N_("Minutes"), N_("What for")),
        [tuple(row) for row in rows])


def erase_person(actor: User, person: User, now: datetime) -> dict[str, int]:
    """Flushes only: the caller's @service is the transaction."""
    mine = {"community_id": person.community_id}
    requests = list(db.session.scalars(_mine(HelpRequest, "requester_id", person)))
    for request in requests:
        if request.photo_key:
            discard_after_commit(request.photo_key)
        request.title, request.description, request.address, request.photo_key = ERASED, "", "", None
        request.comment, request.dispute_reason = "", ""
        if request.status in ACTIVE and request.hidden_at is None:  # off the board: nobody can go there now
            request.hidden_at, request.hidden_by_id, request.hidden_reason = now, actor.id, ERASED
    profile = db.session.scalar(_mine(VolunteerProfile, "user_id", person))
    if profile is not None:
        profile.intro = ""
        db.session.execute(sa.delete(Availability).where(Availability.profile_id == profile.id))
        db.session.execute(sa.delete(VolunteerSkill).where(VolunteerSkill.profile_id == profile.id))
    counts = {
        "mutualaid.requests": len(requests),
        "mutualaid.request_notes": db.session.execute(
            sa.update(RequestEvent).filter_by(**mine, actor_id=person.id).where(RequestEvent.note != "")
            .values(note="")).rowcount,
        "mutualaid.offers": db.session.execute(
            sa.update(Offer).filter_by(**mine, volunteer_id=person.id)
            .values(title=ERASED, description="", active=False)).rowcount,
        "mutualaid.volunteer_profile": int(profile is not None),
        # a gift's note is the giver's own words; the amounts and entries of the ledger are not touched
        "mutualaid.gift_notes": db.session.execute(
            sa.update(CreditTransaction).filter_by(**mine, actor_id=person.id, kind=TransactionKind.GIFT)
            .where(CreditTransaction.reason != "").values(reason="")).rowcount,
    }
    db.session.flush()
    return counts
