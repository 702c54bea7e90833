"""Demo indicators: what the district assesses each type of community by, and how much each counts. Nothing is
published: the admin (13900000009) sees the year's standings and publishes them. Idempotent."""
from __future__ import annotations

from ..extensions import db
from .models import IndicatorWeight

# measure -> (new town, old town, former village); 0: not one of that type's indicators. The old towns are
# assessed by meals and by the burden the registers count: two are ranked, two show "not ranked: missing".
WEIGHTS = {
    "kitchen.meals_per_hundred_elders": (30, 30, 30),
    "mutualaid.help_hours_per_hundred_residents": (20, 0, 20),
    "alleys.patrol_attendance": (10, 0, 10),
    "alleys.days_to_fix": (10, 0, 10),
    "visits.coverage": (30, 0, 30),
    "registers.meeting_hours": (0, 40, 0),
    "registers.forms": (0, 30, 0),
}
TYPES = ("new_town", "old_town", "village")


def indicators(ctx) -> None:
    if db.session.query(IndicatorWeight.id).first() is not None:
        return
    admin = ctx.users.get("13900000009")
    for measure, weights in WEIGHTS.items():
        for community_type, weight in zip(TYPES, weights, strict=True):
            if not weight:
                continue
            db.session.add(IndicatorWeight(measure=measure, community_type=community_type, weight=weight,
                                           updated_by_id=admin.id if admin else None, updated_at=ctx.now))
    db.session.flush()
