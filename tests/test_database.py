"""SQLite transactions: POSTs and services that write take the write lock from the start."""
import sqlalchemy as sa

from neighbors import create_app
from neighbors.database import begin_write
from neighbors.extensions import db


def test_begin_write_starts_an_immediate_transaction_on_sqlite(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "lock.sqlite3"),
                      "NEIGHBORS_UPLOAD_DIR": str(tmp_path)})
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))
        assert db.session.connection().info["sqlite_begin"] == "DEFERRED"
        begin_write()
        assert db.session.connection().info["sqlite_begin"] == "IMMEDIATE"
        other = sa.create_engine("sqlite:///" + str(tmp_path / "lock.sqlite3"), connect_args={"timeout": 0})
        with other.connect() as connection:
            connection.exec_driver_sql("PRAGMA busy_timeout = 0")
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                locked = False
            except sa.exc.OperationalError:
                locked = True
        assert locked, "a second writer got the lock while the first held it"
        db.session.rollback()
        other.dispose()
        db.engine.dispose()


def test_a_post_request_is_a_writer_from_its_first_statement(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "post.sqlite3"),
                      "NEIGHBORS_UPLOAD_DIR": str(tmp_path)})
    seen = {}

    @app.post("/probe")
    def probe():
        db.session.execute(sa.text("SELECT 1"))
        seen["mode"] = db.session.connection().info["sqlite_begin"]
        return "ok"

    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        app.test_client().post("/probe")
        db.engine.dispose()
    assert seen["mode"] == "IMMEDIATE"
