"""Demo registers: fifteen months of meetings, documents and inspections for every community of 中华街道 and
鹭江街道, so the monthly statistics and the quarterly bulletin compare with a year and a quarter earlier.
Made from a fixed pattern (no randomness), once per community. Idempotent."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from ..clock import local_today
from ..extensions import db
from .models import Entry, Kind

STREETS = ("中华街道", "鹭江街道")
BODIES = ("区委办", "区民政局", "区卫健局", "区城管局", "街道党工委", "街道办事处", "区市场监管局")
RECORDERS = {"镇海社区": "13900000001", "鹭江道社区": "13900000008"}
ADMIN = "13900000009"
DAYS = 450


def _entry(community_id: int, recorder_id: int, day: date, n: int, now) -> Entry:
    kind = (Kind.MEETING, Kind.DOCUMENT, Kind.MEETING, Kind.INSPECTION, Kind.DOCUMENT)[n % 5]
    body = BODIES[(n * 3 + day.month) % len(BODIES)]
    values = {"kind": kind.value, "day": day, "body": body, "recorded_by_id": recorder_id, "recorded_at": now}
    if kind == Kind.MEETING:
        values |= {"minutes": 30 + (n % 4) * 30, "staff_count": 1 + n % 3, "online": n % 4 == 0,
                   "merged": n % 7 == 0, "proxy": n % 9 == 0}
    elif kind == Kind.DOCUMENT:
        values |= {"pages": 2 + n % 9, "needs_reply": n % 3 == 0, "has_form": n % 4 == 1,
                   "deadline": day + timedelta(days=5 + n % 10) if n % 3 == 0 else None}
    else:
        values |= {"items": 3 + n % 6, "merged": n % 5 == 0, "prep_minutes": 60 * (1 + n % 4)}
    return Entry(community_id=community_id, **values)


def registers(ctx) -> None:
    today = local_today(ctx.now)
    for community in ctx.communities.values():
        if community.sub_district.name not in STREETS:
            continue
        if db.session.scalar(sa.select(Entry.id).where(Entry.community_id == community.id).limit(1)):
            continue
        recorder = ctx.users[RECORDERS.get(community.name, ADMIN)]
        busier = 1 + community.id % 2  # two communities of one street do not look the same
        for back in range(DAYS, 0, -1):
            day = today - timedelta(days=back)
            for n in range(busier if day.weekday() < 5 and (back + community.id) % 3 == 0 else 0):
                db.session.add(_entry(community.id, recorder.id, day, back + n, ctx.now))
    db.session.flush()
