"""The rules of the Open311 interface: keys issued and revoked by staff, who may read a community's cases,
and a case filed by a partner system. Cases themselves belong to the modules, reached through the registry."""
from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from .. import audit
from ..database import begin_write
from ..errors import N_, Conflict, InvalidInput, NotAllowed, NotFound
from ..extensions import db
from ..models import User
from ..registry import CaseQuery, PublicCase, PublicCases, PublicService, installed
from ..transactions import service
from .models import ApiKey, Jurisdiction, PartnerFiling
from .policy import policy

KEY_START = "nbk_"
CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,39}")
URL = re.compile(r"https?://[^\s]{3,490}")
DEFAULT_WINDOW = timedelta(days=90)  # the standard's default range of requests.json
MAX_PAGE_SIZE = 200


def key_hash(raw: str) -> str:
    """Keys are 32 random bytes: a plain SHA-256 is enough to keep them unusable if the table leaks."""
    return hashlib.sha256(raw.encode()).hexdigest()


# --- staff's side ------------------------------------------------------------------------------

def jurisdiction_of(community_id: int) -> Jurisdiction | None:
    return db.session.scalar(sa.select(Jurisdiction).where(Jurisdiction.community_id == community_id))


def jurisdictions() -> list[Jurisdiction]:
    return list(db.session.scalars(sa.select(Jurisdiction).order_by(Jurisdiction.code)))


def keys_of(community_id: int) -> list[ApiKey]:
    return list(db.session.scalars(sa.select(ApiKey).where(ApiKey.community_id == community_id)
                                   .order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc())))


@service
def save_settings(actor: User, code: str, publishes: bool, now: datetime) -> Jurisdiction:
    """The community's jurisdiction code and whether anyone may read its cases."""
    policy.require(actor, "manage", actor.community_id)
    code = (code or "").strip().lower()
    if not CODE.fullmatch(code):
        raise InvalidInput(N_("Use 2 to 40 small letters, digits or dashes."), field="code")
    begin_write()
    jurisdiction = jurisdiction_of(actor.community_id)
    before = {"code": jurisdiction.code, "publishes_cases": jurisdiction.publishes_cases} if jurisdiction else None
    taken = db.session.scalar(sa.select(Jurisdiction.id).where(Jurisdiction.code == code,
                                                               Jurisdiction.community_id != actor.community_id))
    if taken:
        raise Conflict(N_("Another community uses this code."), field="code")
    if jurisdiction is None:
        jurisdiction = Jurisdiction(community_id=actor.community_id)
        db.session.add(jurisdiction)
    jurisdiction.code, jurisdiction.publishes_cases, jurisdiction.updated_at = code, publishes, now
    db.session.flush()
    audit.record(actor, "open311.settings", jurisdiction, community_id=actor.community_id, before=before,
                 after={"code": code, "publishes_cases": publishes}, now=now)
    return jurisdiction


@service
def issue_key(actor: User, name: str, now: datetime) -> tuple[ApiKey, str]:
    """A new key for a partner system; the key itself is returned this once and never stored."""
    policy.require(actor, "manage", actor.community_id)
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(N_("Please fill this in."), field="name")
    if len(name) > 40:
        raise InvalidInput(N_("This is too long: at most %(limit)s characters."), field="name", limit=40)
    raw = KEY_START + secrets.token_urlsafe(32)
    account = User(community_id=actor.community_id, name=name, phone=None, password_hash=None, created_at=now)
    db.session.add(account)
    db.session.flush()
    key = ApiKey(community_id=actor.community_id, name=name, prefix=raw[:10], key_hash=key_hash(raw),
                 account_id=account.id, created_by_id=actor.id, created_at=now)
    db.session.add(key)
    db.session.flush()
    audit.record(actor, "open311.key_issued", key, community_id=actor.community_id,
                 after={"name": name, "prefix": key.prefix}, now=now)
    return key, raw


@service
def revoke_key(actor: User, key_id: int, now: datetime) -> ApiKey:
    key = db.session.scalar(sa.select(ApiKey).where(ApiKey.id == key_id, ApiKey.community_id == actor.community_id))
    if key is None or not policy.may(actor, "manage", key.community_id):
        raise NotFound(N_("That key was not found."))
    done = db.session.execute(sa.update(ApiKey).where(ApiKey.id == key.id, ApiKey.community_id == key.community_id,
                                                       ApiKey.revoked_at.is_(None))
                              .values(revoked_at=now, revoked_by_id=actor.id))
    if done.rowcount:
        audit.record(actor, "open311.key_revoked", key, community_id=key.community_id,
                     after={"name": key.name, "prefix": key.prefix}, now=now)
    db.session.refresh(key)
    return key


# --- the partner's side ------------------------------------------------------------------------

def active_key(raw: str | None) -> ApiKey | None:
    if not raw:
        return None
    return db.session.scalar(sa.select(ApiKey).where(ApiKey.key_hash == key_hash(raw), ApiKey.revoked_at.is_(None)))


def _jurisdiction(code: str | None, key: ApiKey | None) -> Jurisdiction:
    """The jurisdiction asked for (or the key's own); a key only ever reaches its own community."""
    if code:
        found = db.session.scalar(sa.select(Jurisdiction).where(Jurisdiction.code == code))
        if found is None:
            raise NotFound(N_("jurisdiction_id was not found."), field="jurisdiction_id")
    elif key is not None:
        found = jurisdiction_of(key.community_id)
        if found is None:
            raise NotFound(N_("jurisdiction_id was not found."), field="jurisdiction_id")
    else:
        raise InvalidInput(N_("jurisdiction_id is required."), field="jurisdiction_id")
    if key is not None and key.community_id != found.community_id:
        raise NotAllowed(N_("This api_key is not valid for this jurisdiction."), field="api_key")
    return found


def _key(raw: str | None, required: bool) -> ApiKey | None:
    key = active_key(raw)
    if raw and key is None:
        raise NotAllowed(N_("api_key is not valid."), field="api_key")
    if required and key is None:
        raise NotAllowed(N_("api_key is required."), field="api_key")
    return key


def _modules() -> list[PublicCases]:
    return installed().public_cases()


def services_of(code: str | None, raw_key: str | None = None) -> list[PublicService]:
    """The kinds of case a jurisdiction takes: public, as the standard's clients expect."""
    jurisdiction = _jurisdiction(code, _key(raw_key, required=False))
    return [item for module in _modules() for item in module.services(jurisdiction.community_id)]


@dataclass(frozen=True)
class Filters:
    ids: tuple[int, ...] | None = None
    service_codes: tuple[str, ...] | None = None
    open: bool | None = None
    start: datetime | None = None
    end: datetime | None = None
    page: int = 1
    page_size: int = 50


def readable_community(code: str | None, raw_key: str | None) -> int:
    """Whose cases may be read: with the community's key, or by anyone where staff publish them."""
    key = _key(raw_key, required=False)
    jurisdiction = _jurisdiction(code, key)
    if key is None and not jurisdiction.publishes_cases:
        raise NotAllowed(N_("api_key is required: this jurisdiction does not publish its cases."), field="api_key")
    return jurisdiction.community_id


def service_names(community_id: int) -> dict[str, str]:
    return {item.code: item.name for module in _modules() for item in module.services(community_id)}


def cases(code: str | None, raw_key: str | None, filters: Filters, now: datetime) -> tuple[int, list[PublicCase]]:
    """The community read and its cases asked for, newest first."""
    community_id = readable_community(code, raw_key)
    start = filters.start
    if start is None and filters.ids is None:
        start = (filters.end or now) - DEFAULT_WINDOW
    query = CaseQuery(community_id=community_id, ids=filters.ids, service_codes=filters.service_codes,
                      open=filters.open, start=start, end=filters.end,
                      offset=(filters.page - 1) * filters.page_size, limit=filters.page_size)
    return community_id, sorted((case for module in _modules() for case in module.find(query)),
                                key=lambda case: case.requested_at, reverse=True)


def case(code: str | None, raw_key: str | None, case_id: int, now: datetime) -> tuple[int, PublicCase]:
    community_id, found = cases(code, raw_key, Filters(ids=(case_id,), page_size=1), now)
    if not found:
        raise NotFound(N_("service_request_id was not found."), field="service_request_id")
    return community_id, found[0]


def filings_for(community_id: int, case_ids: list[int]) -> dict[int, PartnerFiling]:
    if not case_ids:
        return {}
    rows = db.session.scalars(sa.select(PartnerFiling).where(PartnerFiling.community_id == community_id,
                                                             PartnerFiling.case_id.in_(case_ids)))
    return {row.case_id: row for row in rows}


@dataclass(frozen=True)
class Filing:
    service_code: str
    description: str
    address: str = ""
    latitude: str = ""
    longitude: str = ""
    media_url: str = ""


def _position(filing: Filing) -> tuple[float | None, float | None]:
    if not filing.latitude and not filing.longitude:
        return None, None
    try:
        latitude, longitude = float(filing.latitude), float(filing.longitude)
    except ValueError:
        raise InvalidInput(N_("lat and long must both be numbers in degrees (WGS-84)."), field="lat") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InvalidInput(N_("lat and long must both be numbers in degrees (WGS-84)."), field="lat")
    return latitude, longitude


def _checked(filing: Filing) -> tuple[float | None, float | None, str, str]:
    latitude, longitude = _position(filing)
    address = " ".join(filing.address.split())
    if latitude is None and not address:
        raise InvalidInput(N_("Give lat and long, or address_string."), field="address_string")
    media_url = filing.media_url.strip()
    if media_url and not URL.fullmatch(media_url):
        raise InvalidInput(N_("media_url must be an http or https address."), field="media_url")
    return latitude, longitude, address or f"{latitude:.6f},{longitude:.6f}", media_url


@service
def file_case(raw_key: str | None, code: str | None, filing: Filing, photos: list, idempotency_key: str,
              now: datetime) -> int:
    """A partner system files a case with its key. The same Idempotency-Key from the same key answers the case
    that key already filed, however often the POST is retried."""
    key = _key(raw_key, required=True)
    jurisdiction = _jurisdiction(code, key)
    latitude, longitude, address, media_url = _checked(filing)
    module = next((m for m in _modules() if filing.service_code in
                   {s.code for s in m.services(jurisdiction.community_id)}), None)
    if module is None:
        raise InvalidInput(N_("service_code is not one of this jurisdiction's services."), field="service_code")
    submission = (hashlib.sha256(f"{key.id}:{idempotency_key}".encode()).hexdigest()[:32] if idempotency_key
                  else uuid.uuid4().hex)
    case_id = module.file(key.account, filing.service_code, filing.description, address, photos, submission, now)
    if case_id not in filings_for(key.community_id, [case_id]):
        filed = PartnerFiling(community_id=key.community_id, api_key_id=key.id, case_id=case_id, latitude=latitude,
                              longitude=longitude, media_url=media_url, created_at=now)
        db.session.add(filed)
        db.session.flush()
        audit.record(None, "open311.case_filed", filed, community_id=key.community_id,
                     after={"key": key.prefix, "case_id": case_id, "service_code": filing.service_code}, now=now)
    key.last_used_at = now
    return case_id
