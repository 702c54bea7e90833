"""`flask db upgrade` builds the schema on an empty database, and it matches the models."""
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from neighbors import create_app
from neighbors.extensions import db
from tests.conftest import PG_URL


@pytest.fixture
def empty_database(tmp_path):
    """A brand-new empty database of the kind under test."""
    if not PG_URL:
        yield "sqlite:///" + str(tmp_path / "fresh.sqlite3")
        return
    name = "neighbors_migrations_" + uuid.uuid4().hex[:8]
    server = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield PG_URL.rsplit("/", 1)[0] + "/" + name
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.dispose()


@pytest.fixture
def migrated_app(empty_database, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "TESTING": True,
                      "NEIGHBORS_UPLOAD_DIR": str(tmp_path / "uploads")})
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_upgrade_builds_a_schema_that_matches_the_models(migrated_app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_database_refuses_to_rewrite_the_audit_log(migrated_app):
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO audit_entries (action, target_type, reason, created_at) "
            "VALUES ('role.granted', 'User', '', CURRENT_TIMESTAMP)"
        )
    with db.engine.connect() as connection:
        with pytest.raises(sa.exc.DatabaseError):
            connection.exec_driver_sql("UPDATE audit_entries SET action = 'forged'")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT action FROM audit_entries").scalar() == "role.granted"


def test_downgrade_to_nothing_and_up_again(migrated_app):
    downgrade(revision="base")
    upgrade()
    assert "users" in sa.inspect(db.engine).get_table_names()


def test_stored_notification_paths_become_endpoints_and_still_lead_to_the_same_page(migrated_app):
    """0107: a notification stored as a path before the change keeps its link, now built from its endpoint."""
    downgrade(revision="0106_shift_list_index")
    with db.engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO districts (name) VALUES ('思明区')")
        district = connection.exec_driver_sql("SELECT id FROM districts").scalar()
        connection.exec_driver_sql(f"INSERT INTO sub_districts (name, district_id) VALUES ('中华街道', {district})")
        sub = connection.exec_driver_sql("SELECT id FROM sub_districts").scalar()
        connection.exec_driver_sql(
            f"INSERT INTO communities (name, sub_district_id, kind) VALUES ('镇海社区', {sub}, 'old_town')")
        community = connection.exec_driver_sql("SELECT id FROM communities").scalar()
        connection.execute(sa.text(
            "INSERT INTO users (community_id, name, active, needs_care, party_member, elder_mode, unit, session_epoch, "
            "must_change_password, created_at) VALUES (:c, '陈秀英', true, false, false, false, '', 0, false, :t)"),
            {"c": community, "t": "2026-05-11 02:00:00"})
        user = connection.exec_driver_sql("SELECT id FROM users").scalar()
        for link in ("/aid/requests/7", "/kitchen/orders/3#appeal", "/no/such/page", ""):
            connection.execute(sa.text(
                "INSERT INTO notifications (community_id, user_id, message, params, link, created_at) "
                "VALUES (:c, :u, 'A message', '{}', :l, :t)"), {"c": community, "u": user, "l": link,
                                                                  "t": "2026-05-11 02:00:00"})
    upgrade()
    from neighbors.models import Notification

    with migrated_app.test_request_context():
        notes = db.session.scalars(sa.select(Notification).order_by(Notification.id)).all()
        assert [note.url for note in notes] == ["/aid/requests/7", "/kitchen/orders/3#appeal", "", ""]
        assert notes[0].endpoint == "mutualaid.request_page" and notes[0].link_args == {"request_id": 7}
