"""Factories with realistic defaults: 思明区 places, Chinese names, real-looking addresses."""
import itertools
from datetime import date

import sqlalchemy as sa

from neighbors.extensions import db
from neighbors.models import (
    Building, CarerLink, Community, CommunityType, District, Role, RoleGrant, SubDistrict, User,
)

PASSWORD = "secret-pass-2024"
_phones = itertools.count(1)
_names = itertools.cycle(["陈秀英", "林建国", "黄丽华", "郑金水", "王淑芬", "李志强", "吴美玲", "蔡阿水", "许玉兰", "苏明辉"])


def make_community(name: str = "镇海社区", street: str = "中华街道", kind: CommunityType = CommunityType.OLD_TOWN) -> Community:
    district = db.session.scalar(sa.select(District).where(District.name == "思明区"))
    if district is None:
        district = District(name="思明区")
        db.session.add(district)
        db.session.flush()
    sub = db.session.scalar(sa.select(SubDistrict).where(SubDistrict.name == street))
    if sub is None:
        sub = SubDistrict(name=street, district_id=district.id)
        db.session.add(sub)
        db.session.flush()
    community = db.session.scalar(sa.select(Community).where(Community.name == name))
    if community is None:
        community = Community(name=name, sub_district_id=sub.id, kind=kind)
        db.session.add(community)
        db.session.commit()
    return community


def make_building(community: Community, name: str = "镇海路12号") -> Building:
    building = db.session.scalar(
        sa.select(Building).where(Building.community_id == community.id, Building.name == name)
    )
    if building is None:
        building = Building(community_id=community.id, name=name)
        db.session.add(building)
        db.session.flush()
    return building


def make_user(
    community: Community | None = None,
    *roles: Role | str,
    name: str | None = None,
    phone: str | None = "auto",
    password: str | None = PASSWORD,
    birth_date: date | None = None,
    needs_care: bool = False,
    party_member: bool = False,
    verified: bool = False,
    department: str = "",
    building: str | None = "镇海路12号",
    unit: str = "2单元301室",
) -> User:
    community = community or make_community()
    if phone == "auto":
        phone = f"1370000{next(_phones):04d}"
    user = User(
        community_id=community.id, name=name or next(_names), phone=phone,
        birth_date=birth_date, needs_care=needs_care, party_member=party_member,
        building_id=make_building(community, building).id if building else None, unit=unit,
    )
    if password and phone:
        user.set_password(password)
    for role in (Role.RESIDENT, *map(Role, roles)):
        if any(g.role == role for g in user.role_grants):
            continue
        user.role_grants.append(RoleGrant(role=role, community_id=community.id, department=department))
    db.session.add(user)
    db.session.flush()
    if verified:
        from neighbors.clock import utcnow

        for grant in user.role_grants:
            if grant.role == Role.VOLUNTEER:
                grant.verified_at = utcnow()
    db.session.commit()
    return user


def link_carer(carer: User, resident: User, relation: str = "女儿") -> CarerLink:
    link = CarerLink(carer_id=carer.id, resident_id=resident.id, community_id=resident.community_id, relation=relation)
    db.session.add(link)
    db.session.commit()
    return link
