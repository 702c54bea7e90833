"""The neighbour kitchen's tables and the words the rules are written in."""
from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import age_on, local_to_utc, utcnow
from ..database import CommunityScoped, UTCDateTime
from ..extensions import db
from ..models import Building, User
from ..states import StateMachine, Transition

STANDARD_PRICE_FEN = 1200
XIAMEN_SUBSIDY_FEN = 300
XIAMEN_MIN_AGE = 65
XIAMEN_MIN_MEAL_FEN = 1000
ELDER_AGE = 65


class Slot(enum.StrEnum):
    LUNCH = "lunch"
    DINNER = "dinner"


class Fulfilment(enum.StrEnum):
    DINE_IN = "dine_in"
    PICKUP = "pickup"
    DELIVERY = "delivery"


class OrderStatus(enum.StrEnum):
    PLACED = "placed"
    COOKING = "cooking"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    PICKED_UP = "picked_up"
    NO_SHOW = "no_show"
    NO_ANSWER = "no_answer"
    CANCELLED = "cancelled"


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    WECHAT = "wechat"
    ALIPAY = "alipay"
    OTHER = "other"


class SubsidyPolicy(enum.StrEnum):
    XIAMEN = "xiamen"
    TIERS = "tiers"


SERVED = (OrderStatus.DELIVERED, OrderStatus.PICKED_UP)
ACTIVE = (OrderStatus.PLACED, OrderStatus.COOKING, OrderStatus.OUT_FOR_DELIVERY)

COUNTER = frozenset({Fulfilment.DINE_IN, Fulfilment.PICKUP})
HANDOVER = frozenset({OrderStatus.DELIVERED, OrderStatus.PICKED_UP})
# Handing a meal over, or saying it was missed, only happens once the meal is being served: not for tomorrow's.
ONCE_SERVING = frozenset({"deliver", "pick_up", "no_show", "no_answer"})
# When a meal starts being served, in Xiamen's time (the default order deadline of its slot).
SERVING_FROM = {Slot.LUNCH: time(10, 0), Slot.DINNER: time(16, 0)}


def elderly_or_cared(resident: User, day: date) -> bool:
    """65 or over on `day`, or marked as needing care: a missed delivery to them raises a welfare check."""
    age = age_on(resident.birth_date, day)
    return resident.needs_care or (age is not None and age >= ELDER_AGE)


def _now() -> datetime:
    return utcnow()


class KitchenSettings(db.Model):
    """A community's standard price and subsidy policy; orders copy what applied."""

    __tablename__ = "kitchen_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True, unique=True)
    standard_price_fen: Mapped[int] = mapped_column(default=STANDARD_PRICE_FEN)
    policy: Mapped[str] = mapped_column(sa.String(20), default=SubsidyPolicy.XIAMEN)
    min_meal_fen: Mapped[int] = mapped_column(default=XIAMEN_MIN_MEAL_FEN)
    once_a_day: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=_now)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    __table_args__ = (
        sa.CheckConstraint("standard_price_fen > 0", name="price_positive"),
        sa.CheckConstraint("policy IN ('xiamen','tiers')", name="known_policy"),
    )


class SubsidyTier(CommunityScoped, db.Model):
    """A staff-set tier: residents matching status and age get `subsidy_fen` off one portion."""

    __tablename__ = "kitchen_subsidy_tiers"
    label: Mapped[str] = mapped_column(sa.String(50))
    status: Mapped[str] = mapped_column(sa.String(20), default="")
    min_age: Mapped[int | None] = mapped_column()
    max_age: Mapped[int | None] = mapped_column()
    subsidy_fen: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=_now)
    __table_args__ = (sa.CheckConstraint("subsidy_fen > 0", name="subsidy_positive"),)

    def matches(self, age: int | None, status: str) -> bool:
        if self.status and self.status != status:
            return False
        if self.min_age is not None and (age is None or age < self.min_age):
            return False
        if self.max_age is not None and (age is None or age > self.max_age):
            return False
        return True


class ResidentProfile(CommunityScoped, db.Model):
    """What the kitchen must know about a resident: diet, an emergency contact, a welfare status."""

    __tablename__ = "kitchen_profiles"
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    dietary_needs: Mapped[str] = mapped_column(sa.String(200), default="")
    emergency_name: Mapped[str] = mapped_column(sa.String(50), default="")
    emergency_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    welfare_status: Mapped[str] = mapped_column(sa.String(20), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=_now)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def emergency_contact(self) -> str:
        return " ".join(part for part in (self.emergency_name, self.emergency_phone) if part)


class Kitchen(CommunityScoped, db.Model):
    __tablename__ = "kitchen_kitchens"
    name: Mapped[str] = mapped_column(sa.String(50))
    address: Mapped[str] = mapped_column(sa.String(200))
    opening_hours: Mapped[str] = mapped_column(sa.String(100), default="")
    delivers: Mapped[bool] = mapped_column(default=False)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspended_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=_now)

    operators: Mapped[list[KitchenOperator]] = relationship(
        back_populates="kitchen", cascade="all, delete-orphan", lazy="selectin")
    delivery_areas: Mapped[list[DeliveryArea]] = relationship(
        back_populates="kitchen", cascade="all, delete-orphan", lazy="selectin")
    __table_args__ = (sa.UniqueConstraint("community_id", "name"),)

    @property
    def suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def operator_ids(self) -> set[int]:
        return {link.user_id for link in self.operators}

    @property
    def building_ids(self) -> set[int]:
        return {area.building_id for area in self.delivery_areas}

    def delivers_to(self, building_id: int | None) -> bool:
        return self.delivers and (not self.delivery_areas or building_id in self.building_ids)


class KitchenOperator(CommunityScoped, db.Model):
    __tablename__ = "kitchen_operators"
    kitchen_id: Mapped[int] = mapped_column(sa.ForeignKey("kitchen_kitchens.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kitchen: Mapped[Kitchen] = relationship(back_populates="operators")
    user: Mapped[User] = relationship()  # loaded when asked for: checking who operates a kitchen needs only user_id
    __table_args__ = (sa.UniqueConstraint("kitchen_id", "user_id"),)


class DeliveryArea(CommunityScoped, db.Model):
    __tablename__ = "kitchen_delivery_areas"
    kitchen_id: Mapped[int] = mapped_column(sa.ForeignKey("kitchen_kitchens.id"), index=True)
    building_id: Mapped[int] = mapped_column(sa.ForeignKey("buildings.id"))
    kitchen: Mapped[Kitchen] = relationship(back_populates="delivery_areas")
    building: Mapped[Building] = relationship(lazy="joined")
    __table_args__ = (sa.UniqueConstraint("kitchen_id", "building_id"),)


class Meal(CommunityScoped, db.Model):
    """One set meal on one day and slot; `sold` only moves by conditional updates."""

    __tablename__ = "kitchen_meals"
    kitchen_id: Mapped[int] = mapped_column(sa.ForeignKey("kitchen_kitchens.id"), index=True)
    served_on: Mapped[date] = mapped_column(sa.Date, index=True)
    slot: Mapped[str] = mapped_column(sa.String(10))
    meat: Mapped[str] = mapped_column(sa.String(50))
    vegetable: Mapped[str] = mapped_column(sa.String(50))
    soup: Mapped[str] = mapped_column(sa.String(50))
    capacity: Mapped[int] = mapped_column()
    sold: Mapped[int] = mapped_column(default=0)
    price_fen: Mapped[int] = mapped_column()
    order_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=_now)

    kitchen: Mapped[Kitchen] = relationship(lazy="joined")
    __table_args__ = (
        sa.UniqueConstraint("kitchen_id", "served_on", "slot"),
        sa.CheckConstraint("sold <= capacity", name="not_oversold"),
        sa.CheckConstraint("sold >= 0", name="sold_not_negative"),
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("price_fen > 0", name="price_positive"),
        sa.CheckConstraint("slot IN ('lunch','dinner')", name="known_slot"),
    )

    @property
    def portions_left(self) -> int:
        return max(self.capacity - self.sold, 0)

    @property
    def dishes(self) -> str:
        return " · ".join((self.meat, self.vegetable, self.soup))

    @property
    def serving_from(self) -> datetime:
        return local_to_utc(self.served_on, SERVING_FROM[Slot(self.slot)])

    def has_started(self, now: datetime) -> bool:
        """Being served (or over): its orders may be handed over or marked missed."""
        return now >= self.serving_from

    def is_open(self, now: datetime) -> bool:
        return (self.cancelled_at is None and self.closed_at is None and now < self.order_deadline
                and not self.kitchen.suspended)

    def state(self, now: datetime) -> str:
        """One word for the menu: open, sold_out, closed or cancelled."""
        if self.cancelled_at is not None:
            return "cancelled"
        if not self.is_open(now):
            return "closed"
        if self.portions_left <= 0:
            return "sold_out"
        return "open"


class MealOrder(CommunityScoped, db.Model):
    __tablename__ = "kitchen_orders"
    meal_id: Mapped[int] = mapped_column(sa.ForeignKey("kitchen_meals.id"), index=True)
    kitchen_id: Mapped[int] = mapped_column(sa.ForeignKey("kitchen_kitchens.id"), index=True)
    served_on: Mapped[date] = mapped_column(sa.Date, index=True)
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    placed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    standing_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kitchen_standing_orders.id"))
    quantity: Mapped[int] = mapped_column()
    fulfilment: Mapped[str] = mapped_column(sa.String(20))
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    note: Mapped[str] = mapped_column(sa.String(100), default="")
    status: Mapped[str] = mapped_column(sa.String(20), default=OrderStatus.PLACED)
    price_fen: Mapped[int] = mapped_column()
    subsidy_fen: Mapped[int] = mapped_column(default=0)
    due_fen: Mapped[int] = mapped_column()
    subsidy_rule: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    payment_method: Mapped[str | None] = mapped_column(sa.String(20))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submission_key: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=_now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    meal: Mapped[Meal] = relationship(lazy="joined")
    resident: Mapped[User] = relationship(foreign_keys=[resident_id], lazy="joined")
    placed_by: Mapped[User] = relationship(foreign_keys=[placed_by_id])
    events: Mapped[list[OrderEvent]] = relationship(back_populates="order", order_by="OrderEvent.id")
    __table_args__ = (
        sa.UniqueConstraint("community_id", "submission_key"),
        sa.CheckConstraint("quantity BETWEEN 1 AND 3", name="quantity_range"),
        sa.CheckConstraint("subsidy_fen >= 0 AND subsidy_fen <= price_fen", name="subsidy_range"),
        sa.CheckConstraint("due_fen = price_fen * quantity - subsidy_fen", name="due_adds_up"),
        sa.CheckConstraint("fulfilment IN ('dine_in','pickup','delivery')", name="known_fulfilment"),
        sa.Index("uq_kitchen_orders_one_subsidy_a_day", "resident_id", "served_on", unique=True,
                 sqlite_where=sa.text("subsidy_fen > 0 AND cancelled_at IS NULL"),
                 postgresql_where=sa.text("subsidy_fen > 0 AND cancelled_at IS NULL")),
        # "my orders" (newest first, in the reader's community): without it the district's planner walks the
        # served_on index of every community's orders (bench/results/explain-district.txt)
        sa.Index("ix_kitchen_orders_community_served_on", "community_id", "served_on", "id"),
        # "order again" on my orders asks of each coming meal whether the person has an order of it: without it
        # PostgreSQL walks all the person's orders (a year of lunches) once per coming meal (README, Performance)
        sa.Index("ix_kitchen_orders_meal_resident", "meal_id", "resident_id"),
    )

    @property
    def gross_fen(self) -> int:
        return self.price_fen * self.quantity

    def can(self, action: str) -> bool:
        """Whether the order's state table allows `action` now (the buttons ask this, the services enforce it)."""
        return ORDER_STATES.allows(self, action)

    @property
    def next_steps(self) -> list[str]:
        """The statuses the operator's buttons may move the order to (cancelling has its own button)."""
        return [ORDER_STATES[action].target for action in ORDER_STATES.actions(self) if action != "cancel"]

    def steps_at(self, now: datetime) -> list[str]:
        """`next_steps` that may be taken now: no hand-over or missed meal before the meal has started."""
        started = self.meal.has_started(now)
        return [ORDER_STATES[action].target for action in ORDER_STATES.actions(self)
                if action != "cancel" and (started or action not in ONCE_SERVING)]

    @property
    def waits_for_serving(self) -> bool:
        """Some of its next steps wait until the meal has started (the operator's row says from when)."""
        return any(action in ONCE_SERVING for action in ORDER_STATES.actions(self))

    @property
    def delivers(self) -> bool:
        return self.fulfilment == Fulfilment.DELIVERY

    @property
    def at_the_counter(self) -> bool:
        return self.fulfilment in COUNTER

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def placed_for_someone(self) -> bool:
        return self.placed_by_id != self.resident_id


class OrderEvent(CommunityScoped, db.Model):
    """History of an order: every status move, who made it and when."""

    __tablename__ = "kitchen_order_events"
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("kitchen_orders.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str] = mapped_column(sa.String(20))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=_now)
    order: Mapped[MealOrder] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


def _order_event(order: MealOrder, step: Transition, actor: User | None, now: datetime, before: str,
                 **_extra) -> OrderEvent:
    return OrderEvent(community_id=order.community_id, order_id=order.id, from_status=before, to_status=step.target,
                      actor_id=actor.id if actor else None, at=now)


# How an order moves, and the history row each move writes. The operator's buttons post the status they lead to
# (`next_steps`); `ACTION_TO` names the one action that reaches it.
ORDER_STATES = StateMachine(
    Transition("cook", {OrderStatus.PLACED}, OrderStatus.COOKING),
    Transition("send_out", {OrderStatus.COOKING}, OrderStatus.OUT_FOR_DELIVERY, when=lambda o: o.delivers),
    Transition("deliver", {OrderStatus.OUT_FOR_DELIVERY, OrderStatus.NO_ANSWER}, OrderStatus.DELIVERED,
               when=lambda o: o.delivers),
    Transition("no_answer", {OrderStatus.OUT_FOR_DELIVERY}, OrderStatus.NO_ANSWER, when=lambda o: o.delivers),
    Transition("pick_up", {OrderStatus.PLACED, OrderStatus.COOKING}, OrderStatus.PICKED_UP,
               when=lambda o: o.at_the_counter),
    Transition("no_show", {OrderStatus.PLACED, OrderStatus.COOKING}, OrderStatus.NO_SHOW,
               when=lambda o: o.at_the_counter),
    Transition("cancel", {OrderStatus.PLACED, OrderStatus.COOKING}, OrderStatus.CANCELLED),
    history=_order_event,
)
ACTION_TO = {step.target: action for action, step in ORDER_STATES.transitions.items()}


class WelfareCheck(CommunityScoped, db.Model):
    """Nobody answered the door for an elder: open until someone records that she is safe."""

    __tablename__ = "kitchen_welfare_checks"
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("kitchen_orders.id"), unique=True)
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    raised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=_now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    how: Mapped[str] = mapped_column(sa.String(20), default="")
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    order: Mapped[MealOrder] = relationship(lazy="joined")
    resident: Mapped[User] = relationship(foreign_keys=[resident_id], lazy="joined")
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class StandingOrder(CommunityScoped, db.Model):
    """A weekly pattern: matching meals are ordered automatically while portions remain."""

    __tablename__ = "kitchen_standing_orders"
    kitchen_id: Mapped[int] = mapped_column(sa.ForeignKey("kitchen_kitchens.id"), index=True)
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    weekdays: Mapped[str] = mapped_column(sa.String(7))  # "01234" = Mon..Fri
    slot: Mapped[str] = mapped_column(sa.String(10))
    fulfilment: Mapped[str] = mapped_column(sa.String(20))
    quantity: Mapped[int] = mapped_column(default=1)
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    note: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=_now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    kitchen: Mapped[Kitchen] = relationship(lazy="joined")
    resident: Mapped[User] = relationship(foreign_keys=[resident_id], lazy="joined")
    pauses: Mapped[list[StandingPause]] = relationship(
        back_populates="standing_order", cascade="all, delete-orphan", order_by="StandingPause.from_day",
        lazy="selectin")
    __table_args__ = (sa.CheckConstraint("quantity BETWEEN 1 AND 3", name="quantity_range"),)

    @property
    def active(self) -> bool:
        return self.ended_at is None

    def wants(self, day: date, slot: str) -> bool:
        return (self.active and slot == self.slot and str(day.weekday()) in self.weekdays
                and not self.paused_on(day))

    def paused_on(self, day: date) -> bool:
        return any(p.from_day <= day <= p.to_day for p in self.pauses)


class StandingPause(CommunityScoped, db.Model):
    __tablename__ = "kitchen_standing_pauses"
    standing_order_id: Mapped[int] = mapped_column(sa.ForeignKey("kitchen_standing_orders.id"), index=True)
    from_day: Mapped[date] = mapped_column(sa.Date)
    to_day: Mapped[date] = mapped_column(sa.Date)
    standing_order: Mapped[StandingOrder] = relationship(back_populates="pauses")
    __table_args__ = (sa.CheckConstraint("from_day <= to_day", name="in_order"),)


class StandingAttempt(CommunityScoped, db.Model):
    """One row per standing order and meal: the unique key that makes the job idempotent."""

    __tablename__ = "kitchen_standing_attempts"
    standing_order_id: Mapped[int] = mapped_column(sa.ForeignKey("kitchen_standing_orders.id"), index=True)
    meal_id: Mapped[int] = mapped_column(sa.ForeignKey("kitchen_meals.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kitchen_orders.id"))
    outcome: Mapped[str] = mapped_column(sa.String(20))  # placed, sold_out, closed, refused
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=_now)
    standing_order: Mapped[StandingOrder] = relationship()
    meal: Mapped[Meal] = relationship()
    __table_args__ = (sa.UniqueConstraint("standing_order_id", "meal_id"),)


class Feedback(CommunityScoped, db.Model):
    __tablename__ = "kitchen_feedback"
    kitchen_id: Mapped[int] = mapped_column(sa.ForeignKey("kitchen_kitchens.id"), index=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("kitchen_orders.id"), unique=True)
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    rating: Mapped[int] = mapped_column()
    comment: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=_now)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    hidden_reason: Mapped[str] = mapped_column(sa.String(200), default="")  # shown to its author, who may appeal
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resident: Mapped[User] = relationship(foreign_keys=[resident_id], lazy="joined")
    order: Mapped[MealOrder] = relationship()
    __table_args__ = (sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)

    @property
    def low(self) -> bool:
        return self.rating <= 2
