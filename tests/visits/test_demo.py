"""The demo's 千户访: two grids of about 40 households in 镇海社区, 郑长华 alone among them, and a grid worker
login with households due and visits made."""
from datetime import date

import sqlalchemy as sa

from neighbors import demo
from neighbors.extensions import db
from neighbors.models import Role, User
from neighbors.visits import services
from neighbors.visits.models import Household, Tag, Visit


def test_the_demo_gives_the_grid_worker_a_round(app, now):
    demo.build(now)
    demo.build(now)  # idempotent
    worker = db.session.scalar(sa.select(User).where(User.phone == "13900000013"))
    assert worker.has_role(Role.GRID_WORKER) and worker.check_password(demo.DEMO_PASSWORD)
    grids = services.grids_of_worker(worker)
    counts = [db.session.scalar(sa.select(sa.func.count(Household.id)).where(Household.grid_id == g.id)) for g in grids]
    assert [g.name for g in grids] == ["第一网格", "第二网格"] and all(38 <= n <= 42 for n in counts)
    mother = db.session.scalar(sa.select(User).where(User.phone == "13900000004"))
    home = db.session.scalar(sa.select(Household).where(Household.contact_id == mother.id))
    assert [p.name for p in home.people] == ["郑长华"] and home.tags(date(2026, 5, 11)) == [Tag.ALONE, Tag.AGED]
    due = services.round_for(worker, now)
    assert home.id in {row.id for row in due} and 10 < len(due) < sum(counts)
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) > 20
