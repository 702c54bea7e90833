"""Synthetic but realistic data for benchmarks: one community (small) or the whole of 思明区 (district).

Rows are generated in Python with the modules' own invariants (meal `sold` equals its live orders,
one subsidised order per resident a day, every ledger transaction sums to zero and every cached
balance equals its entries, slots never over-filled) and written in bulk: PostgreSQL `COPY`,
SQLite executemany. Ids are assigned here, and PostgreSQL sequences are moved past them at the end.
The writer commits each community's rows itself: this bulk load is not a service.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from ..clock import local_today, utcnow
from ..extensions import db
from .generator import Generator
from .people import CommunityPeople, Person
from .scale import BENCH_PASSWORD, BENCH_PHONES, SCALES, BenchDataRefused, Scale
from .writing import Ids, Writer

__all__ = ["BENCH_PASSWORD", "BENCH_PHONES", "SCALES", "BenchDataRefused", "CommunityPeople", "Generator", "Ids",
           "Person", "Scale", "Writer", "build", "is_empty", "targets"]


def is_empty() -> bool:
    from ..models import User

    return db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def build(scale: Scale | str, now: datetime | None = None, seed: int = 2024, photos: bool = True,
          progress=None) -> dict:
    """Fill an empty database; returns the seconds taken and the rows written per table."""
    if isinstance(scale, str):
        scale = SCALES[scale]
    if current_app.config.get("NEIGHBORS_ENV") == "production":
        raise BenchDataRefused("bench-data is refused when NEIGHBORS_ENV=production.")
    if not is_empty():
        raise BenchDataRefused("The database already has users; bench data goes into an empty database.")
    upload_dir = Path(current_app.config["NEIGHBORS_UPLOAD_DIR"]) if photos else None
    generator = Generator(scale, now or utcnow(), seed=seed, upload_dir=upload_dir)
    return generator.build(progress=progress)


def targets(community_id: int | None = None) -> dict:
    """Ids and logins the benchmarks and the query-count tests measure: pages with data behind them."""
    from ..alleys.models import Finding
    from ..kitchen.models import Meal, MealOrder
    from ..models import User
    from ..mutualaid.models import HelpRequest

    users = {role: db.session.scalar(sa.select(User).where(User.phone == phone))
             for role, phone in BENCH_PHONES.items()}
    community_id = community_id or users["staff"].community_id
    now = utcnow()
    open_meal = db.session.scalar(
        sa.select(Meal.id).where(Meal.community_id == community_id, Meal.order_deadline > now,
                                 Meal.cancelled_at.is_(None), Meal.closed_at.is_(None))
        .order_by(Meal.served_on.desc(), Meal.id.desc()).limit(1))
    open_meals = list(db.session.scalars(
        sa.select(Meal.id).where(Meal.community_id == community_id, Meal.order_deadline > now)
        .order_by(Meal.served_on, Meal.id)))
    served_meal = db.session.scalar(
        sa.select(MealOrder.meal_id).where(MealOrder.community_id == community_id, MealOrder.status == "delivered")
        .order_by(MealOrder.id.desc()).limit(1))
    request_id = db.session.scalar(
        sa.select(HelpRequest.id).where(HelpRequest.community_id == community_id,
                                        HelpRequest.requester_id == users["resident"].id,
                                        HelpRequest.status == "confirmed")
        .order_by(HelpRequest.id.desc()).limit(1)) or db.session.scalar(
        sa.select(HelpRequest.id).where(HelpRequest.community_id == community_id)
        .order_by(HelpRequest.id.desc()).limit(1))
    finding_id = db.session.scalar(
        sa.select(Finding.id).where(Finding.community_id == community_id, Finding.state == "closed")
        .order_by(Finding.id.desc()).limit(1)) or db.session.scalar(
        sa.select(Finding.id).where(Finding.community_id == community_id).order_by(Finding.id.desc()).limit(1))
    order_id = db.session.scalar(
        sa.select(MealOrder.id).where(MealOrder.community_id == community_id,
                                      MealOrder.resident_id == users["resident"].id)
        .order_by(MealOrder.served_on.desc(), MealOrder.id.desc()).limit(1))
    local = local_today(now)
    previous_month = (local.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    return {"community_id": community_id, "phones": dict(BENCH_PHONES), "password": BENCH_PASSWORD,
            "meal_id": open_meal or served_meal, "open_meal_ids": open_meals, "request_id": request_id,
            "finding_id": finding_id, "order_id": order_id, "month": previous_month,
            "orderer_id": users["orderer"].id}
