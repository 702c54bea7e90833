"""The audit log is append-only in the database itself, whatever the client (migration 0001's trigger)."""
import uuid
from datetime import datetime, timezone

import flask_migrate
import pytest
import sqlalchemy as sa

from neighbors import create_app
from neighbors.extensions import db
from tests.conftest import PG_URL


@pytest.fixture
def migrated_url(tmp_path):
    """A fresh database built by the migrations (not by create_all), dropped afterwards."""
    if not PG_URL:
        yield "sqlite:///" + str(tmp_path / "audit.sqlite3")
        return
    url = sa.make_url(PG_URL)
    name = f"{url.database}_audit_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


def test_the_database_refuses_to_rewrite_an_audit_row(migrated_url, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": migrated_url, "TESTING": True,
                      "NEIGHBORS_UPLOAD_DIR": str(tmp_path / "uploads"), "SECRET_KEY": "x" * 40})
    with app.app_context():
        flask_migrate.upgrade(revision="0001_foundation")
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO audit_entries (action, target_type, reason, created_at) "
                "VALUES ('role.granted', 'RoleGrant', 'first', :now)"), {"now": datetime.now(timezone.utc)})
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with db.engine.begin() as connection:
                connection.execute(sa.text("UPDATE audit_entries SET reason = 'rewritten'"))
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT reason FROM audit_entries")).scalar_one() == "first"
        db.engine.dispose()
