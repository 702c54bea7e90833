"""Demo data for the Open311 interface: 鹭江道社区 (code lujiangdao) publishes its cases and has one key, for the
12345 hotline, whose value is published like the demo passwords (`flask demo-logins` prints it). Idempotent."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import User
from .models import ApiKey, Jurisdiction
from .services import key_hash

DEMO_API_KEY = "nbk_demo-lujiangdao-12345-hotline"
CODES = {"鹭江道社区": ("lujiangdao", True), "镇海社区": ("zhenhai", False)}
STAFF_PHONE = "13900000008"  # 蔡慧敏, staff of 鹭江道社区


def build_open311(ctx: Any) -> None:
    for name, (code, publishes) in CODES.items():
        community = ctx.communities.get(name)
        if community is None or db.session.scalar(sa.select(Jurisdiction).where(Jurisdiction.code == code)):
            continue
        db.session.add(Jurisdiction(community_id=community.id, code=code, publishes_cases=publishes,
                                    updated_at=ctx.now))
    community = ctx.communities.get("鹭江道社区")
    if community is None or db.session.scalar(sa.select(ApiKey).where(ApiKey.key_hash == key_hash(DEMO_API_KEY))):
        return
    account = User(community_id=community.id, name="12345热线", phone=None, password_hash=None, created_at=ctx.now)
    db.session.add(account)
    db.session.flush()
    staff = db.session.scalar(sa.select(User).where(User.phone == STAFF_PHONE))
    db.session.add(ApiKey(community_id=community.id, name="12345热线", prefix=DEMO_API_KEY[:10],
                          key_hash=key_hash(DEMO_API_KEY), account_id=account.id,
                          created_by_id=staff.id if staff else None, created_at=ctx.now))
    db.session.flush()
