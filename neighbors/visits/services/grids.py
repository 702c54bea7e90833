"""Grids and the grid workers who cover them: staff name the grids and put workers on them."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ... import accounts, audit
from ...database import begin_write, same_community
from ...errors import N_, Conflict, InvalidInput, NotFound
from ...extensions import db
from ...models import Community, Role, User
from ...phones import normalise_phone
from ...transactions import service
from ..models import Grid, GridWorker
from ..policy import policy


def clean_grid_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(N_("Enter the grid's name."), field="name")
    if len(name) > 50:
        raise InvalidInput(N_("A grid's name can have at most 50 characters."), field="name")
    return name


def grids(community_id: int) -> list[Grid]:
    return list(db.session.scalars(sa.select(Grid).where(Grid.community_id == community_id).order_by(Grid.name)))


def grid_in(community_id: int, grid_id: int) -> Grid:
    grid = db.session.scalar(sa.select(Grid).where(Grid.id == grid_id, Grid.community_id == community_id))
    if grid is None:
        raise NotFound(N_("That grid was not found."))
    return grid


def grids_of_worker(worker: User) -> list[Grid]:
    return list(db.session.scalars(
        sa.select(Grid).join(GridWorker, same_community(GridWorker.grid_id == Grid.id))
        .where(GridWorker.user_id == worker.id, Grid.community_id == worker.community_id).order_by(Grid.name)))


@service
def create_grid(actor: User, name: str, now: datetime) -> Grid:
    policy.require(actor, "manage", actor.community_id)
    begin_write()
    name = clean_grid_name(name)
    if db.session.scalar(sa.select(Grid.id).where(Grid.community_id == actor.community_id, Grid.name == name)):
        raise Conflict(N_("There is already a grid with this name."), field="name")
    grid = Grid(community_id=actor.community_id, name=name, created_at=now)
    db.session.add(grid)
    db.session.flush()
    audit.record(actor, "visits.grid_created", grid, community_id=grid.community_id, after={"name": name}, now=now)
    return grid


@service
def add_worker(actor: User, grid_id: int, phone: str, now: datetime) -> GridWorker:
    """Put a person of the community on a grid, by their phone; they get the grid worker role if they lack it."""
    policy.require(actor, "manage", actor.community_id)
    begin_write()
    grid = grid_in(actor.community_id, grid_id)
    try:
        phone = normalise_phone(phone)
    except InvalidInput as error:
        raise InvalidInput(error.msgid, field="phone") from None
    person = db.session.scalar(sa.select(User).where(User.phone == phone, User.community_id == grid.community_id))
    if person is None or not person.active:
        raise NotFound(N_("Nobody of this community has this phone number."), field="phone")
    if person.id in grid.worker_ids:
        raise Conflict(N_("%(name)s already works in this grid."), field="phone", name=person.name)
    if not person.has_role(Role.GRID_WORKER):
        accounts.grant_role(actor, person, Role.GRID_WORKER)
    worker = GridWorker(community_id=grid.community_id, grid=grid, user_id=person.id, added_by_id=actor.id,
                        added_at=now)
    db.session.add(worker)
    db.session.flush()
    audit.record(actor, "visits.worker_added", worker, community_id=grid.community_id, subject=person,
                 after={"grid": grid.name}, now=now)
    return worker


@service
def remove_worker(actor: User, grid_id: int, user_id: int, now: datetime) -> None:
    policy.require(actor, "manage", actor.community_id)
    begin_write()
    grid = grid_in(actor.community_id, grid_id)
    worker = next((w for w in grid.workers if w.user_id == user_id), None)
    if worker is None:
        raise NotFound(N_("This person does not work in this grid."))
    person = worker.user
    grid.workers.remove(worker)
    db.session.flush()
    audit.record(actor, "visits.worker_removed", "GridWorker", community_id=grid.community_id, subject=person,
                 before={"grid": grid.name}, now=now)


def community_named(name: str) -> Community | None:
    return db.session.scalar(sa.select(Community).where(Community.name == (name or "").strip()))
