"""The production stack (deploy/stack.sh), started once for its tests on free ports, in .stack/test, over the
database neighbors_stack_test (emptied and migrated at each run), with what they need made by the factories."""
from __future__ import annotations

import os
import subprocess
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
import redis
import requests
from requests.adapters import HTTPAdapter

from neighbors import create_app
from neighbors.clock import local_today, utcnow
from neighbors.extensions import db
from tests.factories import make_user
from tests.kitchen.helpers import make_place, publish
from tests.live import ROOT, TEST_SECRET_KEY, free_port

PG = {"host": os.environ.get("STACK_PG_HOST", "127.0.0.1"), "port": os.environ.get("STACK_PG_PORT", "5432"),
      "user": os.environ.get("STACK_PG_USER", "postgres")}
DATABASE = os.environ.get("NEIGHBORS_STACK_TEST_DATABASE", "neighbors_stack_test")
REDIS_URL = "redis://127.0.0.1:6379/0"


class FromAddress(HTTPAdapter):
    """Connections from one loopback address (127.0.0.2, 127.0.0.3 …): another client, as nginx sees it."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


@dataclass
class Stack:
    url: str
    http_url: str
    directory: Path
    env: dict
    ratelimit_prefix: str

    @property
    def cacert(self) -> str:
        return str(self.directory / "tls" / "cert.pem")

    def client(self, address: str = "127.0.0.1") -> requests.Session:
        """A browser: trusts the stack's certificate, keeps its cookies, connects from `address`."""
        session = requests.Session()
        session.trust_env = False  # REQUESTS_CA_BUNDLE or a proxy in the environment would win over these settings
        session.verify = self.cacert
        session.headers["Referer"] = self.url + "/"  # as a browser sends it: CSRF checks it on https (same origin)
        session.mount("https://", FromAddress(address))
        return session

    def app_log(self, number: int) -> str:
        return (self.directory / "logs" / f"app-{number}.access.log").read_text(encoding="utf-8")

    def app_server_pid(self, number: int) -> int:
        return int((self.directory / f"app-{number}.pid").read_text())


def _database_url(driver: str = "postgresql+psycopg") -> str:
    return f"{driver}://{PG['user']}@{PG['host']}:{PG['port']}/{DATABASE}"


def _empty_database() -> None:
    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


@pytest.fixture(scope="session")
def stack():
    _empty_database()
    directory = ROOT / ".stack" / "test"
    prefix = f"neighbors-stack-test-{uuid.uuid4().hex[:8]}"
    https_port, http_port = free_port(), free_port()
    env = {**os.environ, "STACK_DIR": str(directory), "STACK_HTTPS_PORT": str(https_port),
           "STACK_HTTP_PORT": str(http_port), "STACK_APP_PORTS": f"{free_port()} {free_port()}",
           "STACK_PGBOUNCER_PORT": str(free_port()), "STACK_DATABASE": DATABASE, "STACK_DEMO_DATA": "0",
           "STACK_RATELIMIT_PREFIX": prefix, "STACK_REDIS_URL": REDIS_URL, "STACK_PG_HOST": PG["host"],
           "STACK_PG_PORT": PG["port"], "STACK_PG_USER": PG["user"]}
    started = subprocess.run([str(ROOT / "deploy" / "stack.sh"), "start"], env=env, capture_output=True, text=True,
                             timeout=300)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield Stack(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", directory, env, prefix)
    finally:
        subprocess.run([str(ROOT / "deploy" / "stack.sh"), "stop"], env=env, capture_output=True, timeout=120)
        counts = redis.Redis.from_url(REDIS_URL)
        for key in counts.scan_iter(f"{prefix}*"):
            counts.delete(key)


@dataclass
class World:
    community_id: int
    meal_id: int
    residents: list[str]  # their phones
    database_url: str

    def query(self, sql: str, *parameters):
        with psycopg.connect(self.database_url) as connection:
            return connection.execute(sql, parameters).fetchall()


@pytest.fixture(scope="session")
def world(stack, tmp_path_factory) -> World:
    """A community with a kitchen, tomorrow's lunch (500 portions) and twelve residents, written straight to the
    stack's database (the fast test hasher: the app servers check any method a stored hash names)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": _database_url(), "SECRET_KEY": TEST_SECRET_KEY,
                      "NEIGHBORS_ENV": "testing", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "NEIGHBORS_UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads"))})
    with app.app_context():
        place = make_place()  # the kitchen tests' own place: 镇海社区, its kitchen, staff and operator
        meal = publish(place, local_today() + timedelta(days=1), capacity=500, now=utcnow())
        world = World(place.community.id, meal.id, [make_user(place.community).phone for _ in range(12)],
                      _database_url("postgresql"))
        db.session.remove()
        db.engine.dispose()
    return world
