"""What the kitchen's services share: finding a record in the reader's community, cleaning a text field,
telling each person once, and what a list of meals or orders loads."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import joinedload, lazyload

from ...errors import N_, InvalidInput, NotAllowed, NotFound
from ...extensions import db
from ...links import Link
from ...models import User
from ...dates import a_day
from ...notifications import notify
from ..models import Kitchen, Meal, MealOrder
from ..policy import may

MENU_DAYS = 7
MAX_QUANTITY = 3
MAX_CAPACITY = 500

# A list of meals or orders shows the kitchen's name, not its operators or delivery areas (each of which is
# another query), and the resident's name, not their role grants.
KITCHEN_NAME = (lazyload(Kitchen.operators), lazyload(Kitchen.delivery_areas))
MEAL_CARD = (joinedload(Meal.kitchen).options(*KITCHEN_NAME),)
ORDER_ROW = (joinedload(MealOrder.meal).joinedload(Meal.kitchen).options(*KITCHEN_NAME),
             joinedload(MealOrder.resident).lazyload(User.role_grants))


def day_text(day: date, slot: str | None = None) -> dict:
    """A meal's day (and lunch or dinner) in a stored message, shown as its reader says it: 12月7日 周一 午餐."""
    return a_day(day, slot)


# A day as people say it: in a heading (明天 / Tomorrow) and inside a sentence (明天 / tomorrow).
NEAR_DAYS = {0: N_("Today"), 1: N_("Tomorrow"), 2: N_("The day after tomorrow")}
NEAR_DAYS_IN_SENTENCE = {0: N_("today"), 1: N_("tomorrow"), 2: N_("the day after tomorrow")}


def near_day(day: date, today: date, in_sentence: bool = False) -> str:
    """今天 / 明天 / 后天 where true, otherwise the day as pages show one (12月7日 周一)."""
    from flask_babel import gettext

    from ...templating import day_label

    msgid = (NEAR_DAYS_IN_SENTENCE if in_sentence else NEAR_DAYS).get((day - today).days)
    return gettext(msgid) if msgid else day_label(day)


def when_text(moment: datetime) -> str:
    """A moment as the reader's pages show one (12月4日 周五 10:00), for a refusal that names it; with no reader
    (a command, a test of the rules) in Xiamen's time, written out plainly."""
    from flask import has_request_context

    from ...clock import to_local
    from ...templating import local_datetime

    if not has_request_context():
        return to_local(moment).strftime("%Y-%m-%d %H:%M")
    return local_datetime(moment)


def clean(text: str | None, limit: int, field: str, message: str = N_("At most %(limit)s characters.")) -> str:
    value = " ".join((text or "").split())
    if len(value) > limit:
        raise InvalidInput(message, field=field, limit=limit)
    return value


def find(model, record_id, community_id: int | None = None):
    """The record, if it belongs to `community_id` (when given); otherwise it is not there."""
    record = db.session.get(model, record_id) if record_id is not None else None
    if record is None or (community_id is not None and record.community_id != community_id):
        raise NotFound(N_("That was not found."))
    return record


def find_for(actor: User, model, record_id):
    """A record of the actor's community (an admin reaches every community)."""
    return find(model, record_id, None if actor.is_admin else actor.community_id)


def require_operator(actor: User, kitchen: Kitchen) -> None:
    if not may(actor, "operate", kitchen):
        raise NotAllowed(N_("Only this kitchen's operators or community staff can do that."))


def require_staff(actor: User, community_id: int) -> None:
    if not may(actor, "oversee", community_id):
        raise NotAllowed(N_("Only staff of this community can do that."))


def require_act_for(actor: User, resident: User, field: str | None = None) -> None:
    if not may(actor, "act_for", resident):
        raise NotAllowed(N_("You cannot act for this person."), field=field)


def notify_people(users, message: str, link: Link, now: datetime, **params) -> None:
    """Each person once, though they are both a carer and staff."""
    seen = set()
    for user in users:
        if user.id in seen:
            continue
        seen.add(user.id)
        notify(user, message, link=link, now=now, **params)


def order_link(order_id: int, anchor: str = "") -> Link:
    return Link("kitchen.order_page", anchor=anchor, order_id=order_id)
