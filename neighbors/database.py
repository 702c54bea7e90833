"""Database plumbing shared by every module: UTC timestamps, SQLite pragmas, write locks."""
from datetime import timezone

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from .extensions import db


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite keeps no zone of its own)."""

    impl = sa.DateTime
    cache_ok = True

    def __init__(self, timezone: bool = True):
        super().__init__(timezone=True)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        if value.tzinfo is timezone.utc:
            return value
        return value.astimezone(timezone.utc)


def install_postgresql_behaviour(engine: Engine) -> None:
    """Sessions in UTC, whatever the server's default: timestamps then arrive tagged with `timezone.utc`,
    which UTCDateTime passes through as they are, instead of a zoneinfo zone each value must be converted
    from (a two-week shift list reads thousands of them). Local days are computed in Python, never by SQL."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        dbapi_connection.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.autocommit = autocommit


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def install_sqlite_behaviour(engine: Engine) -> None:
    """WAL, foreign keys, a busy timeout, and transactions that SQLite's driver leaves to us.

    pysqlite's own transaction handling defers BEGIN until the first write, which breaks
    check-then-write code; we emit BEGIN ourselves: IMMEDIATE for POST requests and when a
    service asks to write (`begin_write`), DEFERRED for reads.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin")
        if mode is None:
            mode = "IMMEDIATE" if _in_changing_request() else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")
        connection.info["sqlite_begin"] = mode


def _in_changing_request() -> bool:
    """A POST is a writer from its first statement: SQLite cannot upgrade a reader that
    others are waiting on (it fails at once with "database is locked" instead of waiting)."""
    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")


def begin_write() -> None:
    """Start the current unit of work as a writer.

    On SQLite this takes the database write lock up front (BEGIN IMMEDIATE), so a
    transaction that reads, checks and then writes cannot be overtaken. On PostgreSQL
    services lock rows (`with_for_update`) or use conditional updates instead.
    """
    session = db.session()  # the Session itself: scoped_session has no in_transaction()
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.connection().info.get("sqlite_begin") == "IMMEDIATE":
            return
        if session.new or session.dirty or session.deleted:
            session.flush()
            return
        session.commit()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def committed_id(record) -> int:
    """The primary key of a record whose transaction has committed, without a round trip: reading `record.id`
    after the commit (which expires every attribute) would reload the row and its joined relations."""
    return sa.inspect(record).identity[0]


class CommunityScoped:
    """The id and the community id every domain table starts with: each row belongs to one community, and every
    query filters by it, so the tables can be sharded by community on a distributed PostgreSQL."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-2)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True, sort_order=-1)


def same_community(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    """A join's ON clause that also joins on the community: `.join(Meal, same_community(Meal.id ==
    Order.meal_id))`. Rows of one community live on one node of a sharded database (neighbors/sharding.py), and
    a join that names the community stays there."""
    left, right = condition.left.table, condition.right.table
    return sa.and_(condition, left.c.community_id == right.c.community_id)


MAX_PAGE = 10_000


def one_page(statement: sa.Select, page: int, per_page: int) -> tuple[list, int, bool]:
    """A page of an ordered statement's rows: the rows, the page shown (a number out of range is the nearest
    one) and whether there are more after it (one row more is read, never a count)."""
    page = min(max(1, page), MAX_PAGE)
    rows = list(db.session.scalars(statement.offset((page - 1) * per_page).limit(per_page + 1)))
    return rows[:per_page], page, len(rows) > per_page
