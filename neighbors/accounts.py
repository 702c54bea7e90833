"""Accounts, roles and carers: the only way these change; every change is one `@service` transaction."""
from __future__ import annotations

import secrets
import string
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from . import audit
from .clock import utcnow
from .database import begin_write
from .errors import N_, DomainError, InvalidInput, NotAllowed, NotFound
from .extensions import db
from .links import Link
from .models import Building, CarerLink, Community, Role, RoleGrant, SubDistrict, User
from .notifications import notify
from .passwords import MIN_LENGTH, weakness
from .phones import normalise_phone
from .registry import installed
from .transactions import service


def check_password_strength(password: str, phone: str = "", staff: bool = False) -> None:
    problem = weakness(password or "", phone, staff)
    if problem:
        raise InvalidInput(problem, field="password")


def registration_community(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise InvalidInput(N_("Choose your community from the list."), field="community")
    return community


def community_choices() -> list[tuple[int, str]]:
    """Every community a resident may register in, as the registration form lists them (street by street)."""
    rows = db.session.execute(
        sa.select(Community.id, Community.name, SubDistrict.name)
        .join(SubDistrict, Community.sub_district_id == SubDistrict.id)
        .order_by(SubDistrict.name, Community.name)
    ).all()
    return [(community_id, f"{name}（{street}）") for community_id, name, street in rows]


@service
def register(phone: str, name: str, password: str, community_id: int, now: datetime | None = None) -> User:
    """Self-registration of a resident with a phone login."""
    begin_write()
    phone = normalise_phone(phone)
    name = clean_name(name)
    check_password_strength(password, phone)
    community = registration_community(community_id)
    if db.session.scalar(sa.select(User.id).where(User.phone == phone)):
        raise InvalidInput(N_("This phone number is already registered. Log in instead."), field="phone")
    user = User(phone=phone, name=name, community_id=community.id, created_at=now or utcnow())
    user.set_password(password)
    user.role_grants.append(RoleGrant(role=Role.RESIDENT, community_id=community.id))
    db.session.add(user)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # the same number registered a moment ago: the transaction is rolled back
        raise InvalidInput(N_("This phone number is already registered. Log in instead."), field="phone") from None
    return user


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(N_("Enter a name."), field="name")
    if len(name) > 50:
        raise InvalidInput(N_("A name can have at most 50 characters."), field="name")
    return name


def authenticate(phone: str, password: str, now: datetime | None = None) -> User | None:
    """The user with this phone and password, or None; a one-time password past its time is refused (NotAllowed)."""
    try:
        phone = normalise_phone(phone)
    except InvalidInput:
        return None
    user = db.session.scalar(sa.select(User).where(User.phone == phone))
    if user is None or not user.can_log_in or not user.check_password(password or ""):
        return None
    if user.must_change_password and user.one_time_password_until and (now or utcnow()) > user.one_time_password_until:
        raise NotAllowed(N_("This one-time password has expired. Ask community staff to set a new one."))
    return user


def log_in(phone: str, password: str, now: datetime) -> User:
    """The user this phone and password belong to; a wrong pair is refused without saying which part was wrong."""
    user = authenticate(phone, password, now)
    if user is None:
        raise InvalidInput(N_("Mobile number or password is not right."))
    return user


@service
def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current or ""):
        raise InvalidInput(N_("Your current password is not right."), field="current_password")
    check_password_strength(new, user.phone or "", staff=user.is_privileged)
    if current == new:
        raise InvalidInput(N_("Choose a password different from the current one."), field="new_password")
    user.set_password(new)
    user.must_change_password = False
    user.one_time_password_until = None


ONE_TIME_PASSWORD_DIGITS = MIN_LENGTH
# long enough to go home and log in on the family's phone, short enough that a slip of paper found later is useless
ONE_TIME_PASSWORD_LIFETIME = timedelta(hours=24)


def one_time_password() -> str:
    """Eight random digits: easy to read out and to type on a phone's number pad."""
    while True:
        password = "".join(secrets.choice(string.digits) for _ in range(ONE_TIME_PASSWORD_DIGITS))
        if weakness(password) is None:  # never 12345678 or 11111111
            return password


def check_password_reset(actor: User, user: User) -> None:
    """Raise the DomainError that stops the actor resetting this person's password, if any."""
    if not actor.is_staff_of(user.community_id):
        raise NotFound(N_("That person was not found."))
    if user.id == actor.id:
        raise NotAllowed(N_("You cannot reset your own password here. Change it on your account page."))
    if user.is_privileged and not actor.is_admin:
        raise NotAllowed(N_("Only an administrator can reset the password of staff or an administrator."))
    if not user.active:
        raise InvalidInput(N_("This account is closed; its password cannot be reset."))
    if not user.phone:
        raise InvalidInput(N_("This person has no mobile number to log in with, so there is no password to reset."))


def can_reset_password(actor: User, user: User) -> bool:
    try:
        check_password_reset(actor, user)
    except DomainError:
        return False
    return True


@service
def reset_password(actor: User, user_id: int, now: datetime) -> str:
    """Staff who have checked the person face to face set a one-time password, shown once to them.

    Only its hash is kept; every session of the person ends; their next login, within
    ONE_TIME_PASSWORD_LIFETIME, must choose a new password. Staff of the person's community (or an
    admin) only, and only an admin may reset the password of staff or another admin. One
    transaction: the password is returned only once it is stored."""
    begin_write()
    user = db.session.get(User, user_id, with_for_update=True)
    if user is None:
        raise NotFound(N_("That person was not found."))
    check_password_reset(actor, user)
    password = one_time_password()
    user.set_password(password)  # also ends every session and remember-me cookie of the account
    user.must_change_password = True
    user.one_time_password_until = now + ONE_TIME_PASSWORD_LIFETIME
    audit.record(actor, "accounts.password_reset", user, community_id=user.community_id, subject=user,
                 after={"must_change_password": True}, now=now)
    notify(user, N_("Community staff set a one-time password for you. Choose your own password now."),
           link=Link("auth.change_password"), now=now)
    return password


@service
def end_sessions(user: User) -> None:
    """Logging out ends the account's sessions everywhere, so a copied cookie is worthless."""
    begin_write()
    user.end_sessions()


@service
def register_resident_without_phone(
    actor: User,
    community_id: int,
    name: str,
    birth_date: date | None = None,
    building_id: int | None = None,
    unit: str = "",
    needs_care: bool = False,
    phone: str | None = None,
    now: datetime | None = None,
) -> User:
    """Staff register an elder who has no smartphone; carers act for them."""
    require_staff_of(actor, community_id)
    now = now or utcnow()
    resident = User(
        created_at=now,
        name=clean_name(name),
        community_id=community_id,
        birth_date=birth_date,
        building_id=building_id,
        unit=unit,
        needs_care=needs_care,
        phone=normalise_phone(phone) if phone else None,
    )
    resident.role_grants.append(RoleGrant(role=Role.RESIDENT, community_id=community_id, granted_by_id=actor.id))
    db.session.add(resident)
    db.session.flush()
    audit.record(actor, "resident.registered", resident, community_id=community_id, subject=resident,
                 after={"name": resident.name, "phone_login": False}, now=now)
    return resident


def require_staff_of(actor: User, community_id: int) -> None:
    if not actor.is_staff_of(community_id):
        raise NotAllowed(N_("Only staff of this community can do that."))


# roles whose reach goes beyond one community: only an administrator grants them
ADMIN_GRANTED = frozenset({Role.ADMIN, Role.STREET_STAFF})


def may_grant(actor: User, role: Role) -> bool:
    """Staff grant the roles of their community; the administrator also those that reach further."""
    return Role(role) not in ADMIN_GRANTED or actor.is_admin


@service
def grant_role(actor: User | None, user: User, role: Role, department: str = "") -> RoleGrant:
    role = Role(role)
    if actor is not None:
        require_staff_of(actor, user.community_id)
        if not may_grant(actor, role):
            raise NotAllowed(N_("Only an administrator can grant that role."))
    existing = next((g for g in user.role_grants if g.role == role), None)
    if existing:
        return existing
    grant = RoleGrant(
        role=role, community_id=user.community_id, department=department,
        granted_by_id=actor.id if actor else None,
    )
    user.role_grants.append(grant)
    db.session.flush()
    audit.record(actor, "role.granted", grant, community_id=user.community_id, subject=user,
                 before={"roles": sorted(user.roles - {role})}, after={"roles": sorted(user.roles), "department": department})
    return grant


@service
def register_with_roles(phone: str, name: str, password: str, community_id: int, roles: Iterable[Role],
                        now: datetime | None = None) -> User:
    """An account made by the operator on the command line: registered and given its roles at once."""
    roles = [Role(role) for role in roles]
    check_password_strength(password, phone, staff=bool({Role.STAFF, Role.ADMIN} & set(roles)))
    user = register(phone, name, password, community_id, now)
    grant_roles(None, user, roles)
    return user


@service
def grant_roles(actor: User | None, user: User, roles: Iterable[Role], department: str = "") -> None:
    for role in roles:
        grant_role(actor, user, role, department=department)


@service
def revoke_roles(actor: User | None, user: User, roles: Iterable[Role]) -> None:
    for role in roles:
        revoke_role(actor, user, role)


@service
def revoke_role(actor: User | None, user: User, role: Role) -> None:
    role = Role(role)
    if actor is not None:
        require_staff_of(actor, user.community_id)
        if role in (Role.ADMIN, Role.STAFF) and actor.id == user.id:
            raise NotAllowed(N_("You cannot remove your own staff or administrator role."))
        if role == Role.ADMIN and not actor.is_admin:
            raise NotAllowed(N_("Only an administrator can revoke that role."))
    grant = next((g for g in user.role_grants if g.role == role), None)
    if grant is None:
        return
    before = sorted(user.roles)
    user.role_grants.remove(grant)
    db.session.flush()
    audit.record(actor, "role.revoked", "RoleGrant", community_id=user.community_id, subject=user,
                 before={"roles": before}, after={"roles": sorted(user.roles)})


@service
def set_volunteer_verified(actor: User, volunteer: User, verified: bool, now: datetime | None = None) -> None:
    """Staff vouch for a volunteer's party membership and skills; only then can they take work."""
    require_staff_of(actor, volunteer.community_id)
    grant = next((g for g in volunteer.role_grants if g.role == Role.VOLUNTEER), None)
    if grant is None:
        raise InvalidInput(N_("This person is not a volunteer yet."))
    before = {"verified": grant.verified_at is not None}
    if verified:
        grant.verified_at = grant.verified_at or now or utcnow()
        grant.verified_by_id = actor.id
    else:
        grant.verified_at = None
        grant.verified_by_id = None
    audit.record(actor, "volunteer.verified" if verified else "volunteer.unverified", grant,
                 community_id=volunteer.community_id, subject=volunteer,
                 before=before, after={"verified": verified})


@service
def link_carer(actor: User, carer: User, resident: User, relation: str = "") -> CarerLink:
    require_staff_of(actor, resident.community_id)
    if carer.id == resident.id:
        raise InvalidInput(N_("A person cannot be their own carer."), field="carer")
    existing = db.session.scalar(
        sa.select(CarerLink).where(CarerLink.carer_id == carer.id, CarerLink.resident_id == resident.id)
    )
    if existing:
        return existing
    link = CarerLink(carer_id=carer.id, resident_id=resident.id, community_id=resident.community_id,
                     relation=relation[:30], created_by_id=actor.id)
    db.session.add(link)
    db.session.flush()
    audit.record(actor, "carer.linked", link, community_id=resident.community_id, subject=resident,
                 after={"carer": carer.name, "relation": relation})
    return link


@service
def unlink_carer(actor: User, link: CarerLink) -> None:
    require_staff_of(actor, link.community_id)
    audit.record(actor, "carer.unlinked", link, community_id=link.community_id, subject=link.resident,
                 before={"carer": link.carer.name, "relation": link.relation})
    db.session.delete(link)


def people_i_can_act_for(actor: User, include_id: int | str | None = None) -> list[User]:
    """Myself first, then the residents I care for (staff choose anyone through the people page).

    `include_id` (e.g. `?for_user=` from the staff person page) adds that resident when the actor may act
    for them, so a form opened for someone keeps them chosen."""
    cared = db.session.scalars(
        sa.select(User)
        .join(CarerLink, CarerLink.resident_id == User.id)
        .where(CarerLink.carer_id == actor.id, CarerLink.community_id == actor.community_id)
        .order_by(User.name)
    ).all()
    people = [actor, *cared]
    wanted = str(include_id or "").strip()
    if wanted.isdecimal() and int(wanted) not in {person.id for person in people}:
        resident = db.session.get(User, int(wanted))
        if resident is not None and resident.active and can_act_for(actor, resident):
            people.append(resident)
    return people


def can_act_for(actor: User, resident: User) -> bool:
    if actor.id == resident.id:
        return True
    if actor.is_staff_of(resident.community_id):
        return True
    if db.session.scalar(
        sa.select(CarerLink.id).where(
            CarerLink.carer_id == actor.id,
            CarerLink.resident_id == resident.id,
            CarerLink.community_id == resident.community_id,
        )
    ) is not None:
        return True
    return any(hooks.acts_for(actor, resident) for hooks in installed() if hooks.acts_for)


def resolve_for_user(actor: User, for_user_id: int | str | None) -> User:
    """Who a form acts for: the actor, or someone they may act for. Refuses anyone else."""
    if for_user_id in (None, "", 0, "0") or str(for_user_id) == str(actor.id):
        return actor
    try:
        resident = db.session.get(User, int(for_user_id))
    except (TypeError, ValueError):
        resident = None
    if resident is None:
        raise NotFound(N_("That person was not found."), field="for_user")
    if not can_act_for(actor, resident):
        raise NotAllowed(N_("You cannot act for this person."), field="for_user")
    return resident


def carers_of(resident: User) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(CarerLink, CarerLink.carer_id == User.id)
        .where(CarerLink.resident_id == resident.id, CarerLink.community_id == resident.community_id)
    ))


def staff_of(community_id: int) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.STAFF, RoleGrant.community_id == community_id, User.active.is_(True))
    ))


def find_by_phone(phone: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.phone == normalise_phone(phone)))
    if user is None:
        raise NotFound(N_("No account has that phone number."), field="phone")
    return user


@service
def set_elder_mode(user: User, on: bool) -> None:
    user.elder_mode = on


@service
def set_locale(user: User, locale: str) -> None:
    """The language the person chose, kept for their next visit on any device."""
    begin_write()
    user.locale = locale


def check_birth_date(birth_date: date | None, today: date) -> None:
    if birth_date is None:
        return
    if birth_date > today:
        raise InvalidInput(N_("A birth date cannot be in the future."), field="birth_date")
    if birth_date.year < 1900:
        raise InvalidInput(N_("Check the birth date: the year looks wrong."), field="birth_date")


@service
def update_resident(
    actor: User,
    resident: User,
    *,
    name: str,
    birth_date: date | None,
    building_id: int | None,
    unit: str,
    needs_care: bool,
    now: datetime | None = None,
) -> dict:
    """Staff correct a resident's name, birth date, address and needs-care flag; returns what changed."""
    require_staff_of(actor, resident.community_id)
    moment = now or utcnow()
    check_birth_date(birth_date, moment.date())
    if building_id is not None and db.session.scalar(
        sa.select(Building.id).where(Building.id == building_id, Building.community_id == resident.community_id)
    ) is None:
        raise InvalidInput(N_("Choose a building from the list."), field="building")
    unit = " ".join((unit or "").split())
    if len(unit) > 50:
        raise InvalidInput(N_("A unit can have at most 50 characters."), field="unit")
    wanted = {
        "name": clean_name(name),
        "birth_date": birth_date.isoformat() if birth_date else None,
        "building_id": building_id,
        "unit": unit,
        "needs_care": bool(needs_care),
    }
    current = {
        "name": resident.name,
        "birth_date": resident.birth_date.isoformat() if resident.birth_date else None,
        "building_id": resident.building_id,
        "unit": resident.unit,
        "needs_care": resident.needs_care,
    }
    changed = {key for key in wanted if wanted[key] != current[key]}
    if not changed:
        return {}
    resident.name = wanted["name"]
    resident.birth_date = birth_date
    resident.building_id = building_id
    resident.unit = unit
    resident.needs_care = wanted["needs_care"]
    db.session.flush()
    audit.record(actor, "resident.updated", resident, community_id=resident.community_id, subject=resident,
                 before={key: current[key] for key in sorted(changed)},
                 after={key: wanted[key] for key in sorted(changed)}, now=moment)
    return {key: wanted[key] for key in changed}
