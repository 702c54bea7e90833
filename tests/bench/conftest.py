"""Bench data at test size, the pages of bench/pages.py, and a statement counter."""
from __future__ import annotations

import gzip
import re

import pytest
import sqlalchemy as sa

from bench.pages import PAGES
from neighbors import bench_data, create_app
from neighbors.clock import utcnow
from neighbors.extensions import db
from tests.conftest import _test_config, empty_all_tables

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def scale(rows: int) -> bench_data.Scale:
    """One community with `rows` orders, help requests, patrol shifts and findings in the last three weeks,
    so that the rows land in what the pages show (menu week, open requests, next 14 days of shifts)."""
    return bench_data.Scale(communities=1, residents=200, orders=rows, requests=rows, shifts=rows, findings=rows,
                            history_days=21)


class StatementCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            self.statements.append(statement)


class BenchSite:
    """An app over bench data, with a logged-in test client per bench role."""

    def __init__(self, app):
        self.app = app
        self.clients = {}
        self.targets: dict = {}

    def build(self, rows: int) -> None:
        empty_all_tables()
        self.clients = {}
        bench_data.Generator(scale(rows), utcnow(), upload_dir=None).build()
        self.targets = bench_data.targets()
        db.session.commit()  # end the read transaction: the requests below write (SQLite has one writer)

    def client(self, role: str):
        if role not in self.clients:
            client = self.app.test_client()
            response = client.post("/auth/login", data={"phone": self.targets["phones"][role],
                                                        "password": self.targets["password"]})
            assert response.status_code == 303, f"bench login {role} failed"
            self.clients[role] = client
        return self.clients[role]

    def get(self, role: str, path: str, **kwargs):
        db.session.commit()
        with self.app.app_context():
            return self.client(role).get(path, **kwargs)

    def count(self, role: str, path: str) -> tuple[int, list[str]]:
        """Status and SQL statements of one request (after a first one has warmed the caches)."""
        try:
            self.get(role, path)
        except Exception as error:  # a page that is broken fails its own test, not every page's
            db.session.rollback()
            return 500, [f"the page raised {error!r}"]
        counter = StatementCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            response = self.get(role, path)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)
        return response.status_code, counter.statements


@pytest.fixture(scope="module")
def bench_site(_schema, database_url, upload_dir):
    config = _test_config(database_url, upload_dir)
    config.update(WTF_CSRF_ENABLED=False, SERVER_NAME=None)
    app = create_app(config)
    with app.app_context():
        yield BenchSite(app)
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


def get_pages():
    return [page for page in PAGES if page.method == "GET"]


ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))
