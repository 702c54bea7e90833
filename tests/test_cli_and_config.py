"""Operator commands and configuration."""
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from neighbors import create_app
from neighbors.config import ConfigError
from neighbors.extensions import db
from neighbors.models import Community, Role, User
from tests.factories import make_community


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.setenv("NEIGHBORS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigError):
        create_app()


def test_production_sets_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("NEIGHBORS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "p.sqlite3"))
    app = create_app({"NEIGHBORS_UPLOAD_DIR": str(tmp_path)})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_postgres_urls_use_psycopg3(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/n")
    from neighbors.config import database_url

    assert database_url(str(tmp_path)) == "postgresql+psycopg://u@db:5432/n"


def test_behind_a_transaction_pooler_psycopg_prepares_no_statement_on_the_server(monkeypatch):
    """PgBouncer in transaction mode (deploy/): a statement prepared on one server connection would later be run
    by name on another. tests/stack runs the app through PgBouncer."""
    from neighbors.config import engine_options

    assert engine_options("postgresql+psycopg://u@db:5432/n") == {}
    monkeypatch.setenv("DATABASE_TRANSACTION_POOLING", "1")
    assert engine_options("postgresql+psycopg://u@127.0.0.1:6432/n") == {"connect_args": {"prepare_threshold": None}}
    assert engine_options("sqlite:///neighbors.sqlite3") == {}


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "pragmas.sqlite3"),
                      "NEIGHBORS_UPLOAD_DIR": str(tmp_path)})
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        db.engine.dispose()


def test_user_create_grant_and_revoke(app):
    make_community("镇海社区")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "create", "--phone", "13812345678", "--name", "黄建国", "--password",
                                 "huang-jianguo-1", "--community", "镇海社区", "--role", "volunteer"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.phone == "13812345678"))
    assert user.roles == {"resident", "volunteer"}
    result = runner.invoke(args=["user", "grant", "--phone", "13812345678", "--role", "officer", "--department", "城管"])
    assert result.exit_code == 0 and "officer" in result.output
    result = runner.invoke(args=["user", "revoke", "--phone", "13812345678", "--role", "volunteer"])
    assert result.exit_code == 0
    db.session.expire_all()
    assert db.session.get(User, user.id).roles == {"resident", "officer"}


def test_user_create_explains_bad_input(app):
    make_community("镇海社区")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "create", "--phone", "123", "--name", "x", "--password", "long-enough-1",
                                 "--community", "镇海社区"])
    assert result.exit_code != 0 and "mainland mobile number" in result.output
    result = runner.invoke(args=["user", "create", "--phone", "13812345678", "--name", "x", "--password",
                                 "long-enough-1", "--community", "不存在社区"])
    assert result.exit_code != 0 and "No community" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_demo_data_is_idempotent_and_has_the_promised_logins(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    counts = db.session.scalar(sa.select(sa.func.count(User.id)))
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == counts
    names = set(db.session.scalars(sa.select(Community.name)))
    assert {"镇海社区", "鹭江道社区", "深田社区"} <= names
    phones = {u.phone: u for u in db.session.scalars(sa.select(User).where(User.phone.is_not(None)))}
    assert phones["13900000001"].roles >= {"staff"} and phones["13900000001"].community.name == "镇海社区"
    assert phones["13900000003"].is_verified_volunteer and phones["13900000003"].party_member
    assert phones["13900000004"].name == "郑长华" and phones["13900000004"].age() >= 65
    assert phones["13900000006"].has_role(Role.OFFICER)
    assert phones["13900000009"].is_admin
    assert phones["13900000010"].is_verified_volunteer
    from neighbors.accounts import carers_of

    assert carers_of(phones["13900000004"]) == [phones["13900000011"]]
    assert all(phones[p].check_password("demo1234") for p in phones)
    assert counts >= 60


def test_demo_data_is_refused_in_production(app):
    app.config["NEIGHBORS_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0 and "refused" in result.output


def test_tick_runs_and_reports_each_job(app):
    result = app.test_cli_runner().invoke(args=["tick"])
    assert result.exit_code == 0


def test_demo_logins_print_what_the_readme_table_says(app):
    """`make run` prints the demo logins; a newcomer compares them with the README: the same phones, the same
    words (the admin is the whole district's, the kitchen operator is named so, the officer's department shown)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (139\d{8}) \| (.+?) \|$", readme, flags=re.M))
    printed = app.test_cli_runner().invoke(args=["demo-logins"]).output
    lines = dict(re.findall(r"^  (139\d{8})  \S+  (.+)$", printed, flags=re.M))
    assert lines == table
    assert "admin (the whole district)" in lines.values() and "officer (城管), 鹭江道社区" in lines.values()
