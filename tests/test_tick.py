"""`flask tick` runs each job as the job makes its own transactions: a job that works item by item keeps what it
finished when a later item fails, and one failing job does not stop the others."""
import sqlalchemy as sa

from neighbors import tick
from neighbors.extensions import db
from neighbors.kitchen import services
from neighbors.kitchen.models import MealOrder, StandingOrder
from neighbors.kitchen.services import standing
from tests.factories import make_user
from tests.kitchen.helpers import NOW, TODAY, born, make_place, publish


def _two_elders_standing(place):
    for name in ("郑长华", "林秀英"):
        elder = make_user(place.community, name=name, birth_date=born(82))
        db.session.add(StandingOrder(community_id=place.community.id, kitchen_id=place.kitchen.id,
                                     resident_id=elder.id, created_by_id=elder.id, weekdays="0123456",
                                     slot="lunch", fulfilment="dine_in", quantity=1))
    db.session.commit()


def test_a_job_that_fails_on_its_second_item_keeps_the_first_and_the_other_jobs_run(app, monkeypatch):
    place = make_place()
    publish(place, day=TODAY)
    _two_elders_standing(place)
    attempt, calls = standing._attempt, []

    def second_fails(*args):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return attempt(*args)

    monkeypatch.setattr(standing, "_attempt", second_fails)
    ran = tick.run_all(NOW)
    assert ran["kitchen.standing_orders"] == -1 and len(calls) == 2
    assert all(count >= 0 for name, count in ran.items() if name != "kitchen.standing_orders")
    assert db.session.scalar(sa.select(sa.func.count(MealOrder.id))) == 1  # the first elder's lunch is kept
    monkeypatch.setattr(standing, "_attempt", attempt)
    assert tick.run_all(NOW)["kitchen.standing_orders"] == 1  # the next tick places the second, once
    assert db.session.scalar(sa.select(sa.func.count(MealOrder.id))) == 2
    assert services.standing_orders_job(NOW) == 0


def test_the_tick_leaves_no_transaction_open(app):
    make_place()
    tick.run_all(NOW)
    assert not db.session().in_transaction()
