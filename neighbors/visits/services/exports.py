"""Rosters out: the empty template staff fill in, and the community's households as the same columns, so an
export edited in Excel imports back. An uploaded roster waits under a random name between preview and confirm."""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa

from ...clock import to_local
from ...database import same_community
from ...errors import N_, NotFound
from ...extensions import db
from ...models import User
from ...uploads import upload_root
from ..models import STAFF_TAGS, Household, HouseholdMember
from ..policy import policy
from .rounds import Scope, household_rows
from .roster import TAG_WORD_OF, plan_import
from .roster_files import COLUMNS, Roster, read_roster, workbook_bytes

TEMPLATE_NOTES = (
    "每行一位居民；同一户（楼栋、单元、房号相同）的居民写在相邻几行。",
    "网格：须与“网格”页上的名称一致。手机可空；有手机号的居民以手机号识别。",
    "出生日期写成 1945-03-08；高龄（80岁以上）由出生日期自动算出，不必写在标签里。",
    "联系人：每户写一个“是”。标签可写：独居、空巢、低保、特困、残疾、重点关注，多个用顿号分开。",
    "同一个文件导入两次不会重复添加。",
)
LAST_VISIT = "上次走访"


def template_bytes() -> bytes:
    return workbook_bytes("花名册", list(COLUMNS.values()), [], notes=TEMPLATE_NOTES)


def export_bytes(actor: User, scope: Scope, now: datetime) -> bytes:
    """The households in scope, one row per member, in the roster's columns (and when each was last visited)."""
    policy.require(actor, "manage", scope.community_id)
    rows = household_rows(scope, now)
    members: dict[int, list] = {}
    for household_id, name, phone, born, relation, is_contact in db.session.execute(
            sa.select(HouseholdMember.household_id, User.name, User.phone, User.birth_date, HouseholdMember.relation,
                      Household.contact_id == User.id)
            .join(User, User.id == HouseholdMember.user_id)
            .join(Household, same_community(Household.id == HouseholdMember.household_id))
            .where(*scope.households()).order_by(HouseholdMember.id)):
        members.setdefault(household_id, []).append((name, phone, born, relation, is_contact))
    places = {hid: (building, unit, room) for hid, building, unit, room in db.session.execute(
        sa.select(Household.id, Household.building, Household.unit, Household.room).where(*scope.households()))}
    lines = []
    for row in rows:
        tags = "、".join(TAG_WORD_OF[tag] for tag in row.tags if tag in STAFF_TAGS)
        last = to_local(row.last_met).date().isoformat() if row.last_met else ""
        for name, phone, born, relation, is_contact in members.get(row.id, []):
            lines.append([row.grid, *places[row.id], name, phone or "", born.isoformat() if born else "", relation,
                          "是" if is_contact else "", tags, last])
    return workbook_bytes("花名册", [*COLUMNS.values(), LAST_VISIT], lines)


def _folder(community_id: int):
    return upload_root() / "rosters" / str(int(community_id))


def keep_upload(community_id: int, filename: str, data: bytes) -> str:
    """Keep an uploaded roster until staff confirm it; the token is its only name."""
    token = secrets.token_hex(16)
    folder = _folder(community_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{token}.bin").write_bytes(data)
    (folder / f"{token}.name").write_text((filename or "")[:200], encoding="utf-8")
    return token


def kept_roster(community_id: int, token: str) -> Roster:
    token = token or ""
    path = _folder(community_id) / f"{token}.bin"
    if len(token) != 32 or any(ch not in "0123456789abcdef" for ch in token) or not path.exists():
        raise NotFound(N_("That roster is no longer here. Please upload it again."))
    name = (_folder(community_id) / f"{token}.name").read_text(encoding="utf-8")
    return read_roster(name, path.read_bytes())


def forget_upload(community_id: int, token: str) -> None:
    if len(token or "") == 32 and all(ch in "0123456789abcdef" for ch in token):
        for suffix in (".bin", ".name"):
            (_folder(community_id) / f"{token}{suffix}").unlink(missing_ok=True)


def preview_roster(actor: User, filename: str, data: bytes, now: datetime):
    """Read an uploaded roster and say what importing it would do; keep the file for the confirmation."""
    policy.require(actor, "manage", actor.community_id)
    roster = read_roster(filename, data)
    plan = plan_import(actor, actor.community_id, roster, now)
    return keep_upload(actor.community_id, filename, data), plan


KEEP_UPLOAD_FOR = 24 * 60 * 60  # seconds: a roster checked but never confirmed is removed a day later


def forget_old_uploads(now: datetime) -> int:
    """Tick job: remove rosters that were checked but never confirmed. Idempotent; safe on several servers."""
    folder = upload_root() / "rosters"
    if not folder.exists():
        return 0
    removed = 0
    for path in folder.glob("*/*.bin"):
        try:
            if path.stat().st_mtime < now.timestamp() - KEEP_UPLOAD_FOR:
                path.unlink(missing_ok=True)
                path.with_suffix(".name").unlink(missing_ok=True)
                removed += 1
        except FileNotFoundError:
            continue  # another server removed it a moment ago
    return removed
