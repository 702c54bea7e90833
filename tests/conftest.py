"""Fixtures shared by every test: an app on SQLite or PostgreSQL, clients, and logins.

Set NEIGHBORS_TEST_DATABASE_URL to run the suite on PostgreSQL; each test starts from
empty tables (the schema is built once per session and emptied between tests).
"""
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from neighbors import create_app
from neighbors.extensions import db, limiter
from tests.live import TEST_SECRET_KEY, Gunicorn
from tests.sharding import ShardingCheck

PG_URL = os.environ.get("NEIGHBORS_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if PG_URL:
        return PG_URL
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "neighbors-test.sqlite3")


@pytest.fixture(scope="session")
def upload_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("uploads")


@pytest.fixture(scope="session")
def _schema(database_url, upload_dir):
    app = create_app(_test_config(database_url, upload_dir))
    with app.app_context():
        db.drop_all()
        _drop_leftovers()
        db.create_all()
        db.session.commit()
        db.engine.dispose()
    yield


def _drop_leftovers() -> None:
    """Tables a migration test or an older run left behind (PostgreSQL only)."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def _test_config(database_url: str, upload_dir: Path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": TEST_SECRET_KEY,
        "NEIGHBORS_ENV": "testing",
        "NEIGHBORS_UPLOAD_DIR": str(upload_dir),
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": "localhost",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # the one fast hasher of the suite (scrypt is slow on purpose)
        # a test's commits need not wait for PostgreSQL's disk: nothing of them must survive a crash
        "SQLALCHEMY_ENGINE_OPTIONS": ({"connect_args": {"options": "-c synchronous_commit=off"}}
                                      if database_url.startswith("postgresql") else {}),
    }


def empty_all_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            touched, sequences = _touched_tables(connection, tables)
            # DELETE, not TRUNCATE: TRUNCATE gives each table a new file and waits for the disk (2 s a test on a
            # busy machine); with the foreign-key triggers off for this transaction the order does not matter.
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for name in touched:
                connection.exec_driver_sql(f'DELETE FROM "{name}"')
            if sequences:
                connection.exec_driver_sql("SELECT " + ", ".join(f"setval('\"{name}\"', 1, false)" for name in sequences))
    else:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            for name in tables:
                connection.exec_driver_sql(f'DELETE FROM "{name}"')
            connection.exec_driver_sql("DELETE FROM sqlite_sequence") if _has_sequence(connection) else None
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")


def _touched_tables(connection, tables: list[str]) -> tuple[list[str], list[str]]:
    """The tables a test wrote to (holding rows) and the id sequences it moved on since they were last reset."""
    used_sequences = [row[0] for row in connection.exec_driver_sql(
        "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL")]
    holding_rows = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in tables)
    nonempty = {row[0] for row in connection.exec_driver_sql(holding_rows)}
    return [name for name in tables if name in nonempty], used_sequences


def _has_sequence(connection) -> bool:
    return connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
    ).first() is not None


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in a real server.

    The test's own context stays pushed (for factories and queries); its session is committed
    around every request so the request sees the test's data and the test sees the request's.
    """

    sharding: ShardingCheck | None = None

    def open(self, *args, **kwargs):
        db.session.commit()
        check, seen = IsolatedClient.sharding, len(IsolatedClient.sharding.found) if IsolatedClient.sharding else 0
        with self.application.app_context():
            _watching.append(_request_path(args, kwargs))
            try:
                response = super().open(*args, **kwargs)
            finally:
                _watching.pop()
        db.session.commit()
        if check and len(check.found) > seen and not SHARDING_REPORT:
            where, statement = check.found[seen]
            raise AssertionError(f"{where} ran a statement that does not fix its community (tests/sharding.py):\n"
                                 f"{statement}")
        return response


_watching: list[str] = []
SHARDING_REPORT = os.environ.get("NEIGHBORS_SHARDING_REPORT")  # a file: list every such statement instead of failing


def _request_path(args, kwargs) -> str:
    first = args[0] if args else kwargs.get("path", "?")
    return f"{kwargs.get('method', 'GET')} {getattr(first, 'path', first)}"


@pytest.fixture(scope="session", autouse=True)
def _sharding_check(_shared_app):
    """Watch the statements of every in-process request (tests/sharding.py); the app has imported every model."""
    check = ShardingCheck.for_metadata(db.metadata, db.Model.registry)

    def before_cursor_execute(_conn, _cursor, statement, _params, _context, _executemany):
        if _watching:
            check.watch(statement, _watching[-1])

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", before_cursor_execute)
    IsolatedClient.sharding = check
    yield check
    sa.event.remove(sa.engine.Engine, "before_cursor_execute", before_cursor_execute)
    IsolatedClient.sharding = None
    if SHARDING_REPORT:
        Path(SHARDING_REPORT).write_text("\n".join(sorted({f"{statement}\t{where}" for where, statement
                                                           in check.found})) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def _shared_app(_schema, database_url, upload_dir):
    """One app for the whole run: building one compiles every URL rule (0.2 s), which 1,700 tests need not repeat."""
    app = create_app(_test_config(database_url, upload_dir))
    app.test_client_class = IsolatedClient
    # The limiter's request hooks are attached now, as an app with limits on has them (`limited_app` turns them on
    # after the app has served requests, when Flask no longer lets hooks be added); off, they let every request by.
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    app.config["RATELIMIT_ENABLED"] = False
    return app


@pytest.fixture
def app(_shared_app):
    """The test app over empty tables; what a test changes in its configuration is put back after it."""
    app = _shared_app
    config = dict(app.config)
    limiter.init_app(app)  # the limiter is one object: a test that built an app of its own may have turned it on
    with app.app_context():
        empty_all_tables()
        yield app
        db.session.remove()
        db.engine.dispose()
    if app.config != config:
        app.config.clear()
        app.config.update(config)


@pytest.fixture
def fresh_app(app, database_url, upload_dir):
    """An app of the test's own, for a test that adds routes (the shared one has served requests already)."""
    fresh = create_app(_test_config(database_url, upload_dir))
    fresh.test_client_class = IsolatedClient
    return fresh


@pytest.fixture
def client(app):
    return app.test_client()


class CsrfClient:
    """A test client that reads the CSRF token from a page and sends it, like a browser."""

    def __init__(self, client, htmx: bool = False):
        self.client = client
        self.htmx = htmx

    def token(self) -> str:
        page = self.client.get("/auth/login").get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert match, "no CSRF token on the login page"
        return match.group(1)

    def _headers(self, headers=None) -> dict:
        headers = dict(headers or {})
        if self.htmx:
            headers.setdefault("HX-Request", "true")
        return headers

    def get(self, url, **kwargs):
        kwargs["headers"] = self._headers(kwargs.get("headers"))
        return self.client.get(url, **kwargs)

    def post(self, url, data=None, csrf: bool = True, **kwargs):
        data = dict(data or {})
        headers = self._headers(kwargs.pop("headers", None))
        if csrf:
            token = self.token()
            if self.htmx:
                headers["X-CSRFToken"] = token
            else:
                data.setdefault("csrf_token", token)
        return self.client.post(url, data=data, headers=headers, **kwargs)


@pytest.fixture
def web(client):
    """Browser-like client: form posts carry the CSRF field."""
    return CsrfClient(client)


@pytest.fixture
def htmx_client(client):
    """htmx-like client: HX-Request and the X-CSRFToken header."""
    return CsrfClient(client, htmx=True)


class Auth:
    def __init__(self, web: CsrfClient):
        self.web = web

    def login(self, user_or_phone, password: str = "secret-pass-2024"):
        phone = user_or_phone if isinstance(user_or_phone, str) else user_or_phone.phone
        response = self.web.post("/auth/login", {"phone": phone, "password": password})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        return self.web.post("/auth/logout")


@pytest.fixture
def auth(web):
    return Auth(web)


# --- the one clock ------------------------------------------------------------------------

class Clock:
    """The time a test's services are told it is; `advance` moves it on (services take `now` explicitly)."""

    def __init__(self, start: datetime):
        self.now = start

    def advance(self, **delta) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now


@pytest.fixture
def clock_start() -> datetime:
    """Monday 11 May 2026, 10:00 in Xiamen; a test folder whose story starts elsewhere overrides this."""
    return datetime(2026, 5, 11, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock(clock_start) -> Clock:
    return Clock(clock_start)


@pytest.fixture
def now(clock) -> datetime:
    return clock.now


# --- a running server, for concurrency and browser tests -------------------------------

@pytest.fixture
def live_server(app, database_url, upload_dir):
    """gunicorn serving the test database on a free port (4 workers x 4 threads), see tests/live.py."""
    with Gunicorn(database_url, upload_dir, workers=4, threads=4) as server:
        yield server


@pytest.fixture
def limited_app(app):
    """The test app with rate limits on (the `app` fixture turns them off), counters emptied around the test."""
    app.config["RATELIMIT_ENABLED"] = True
    from neighbors.extensions import limiter

    limiter.init_app(app)
    limiter.reset()
    yield app
    limiter.reset()


def pytest_addoption(parser):
    parser.addoption("--stack", action="store_true",
                     help="run the tests marked `stack` (nginx, PgBouncer, two app servers: make stack-test)")


def pytest_collection_modifyitems(config, items):
    """The stack's tests start the whole production stack: `make test` and `make test-postgres` leave them out
    (deselected), `make stack-test` runs them."""
    if config.getoption("--stack"):
        return
    stack = [item for item in items if item.get_closest_marker("stack")]
    if stack:
        config.hook.pytest_deselected(items=stack)
        items[:] = [item for item in items if not item.get_closest_marker("stack")]
