"""A write load that remembers which writes were acknowledged, a gunicorn we can kill (tests/live.py), and `flask` commands."""
from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import pytest
import requests

from tests.live import ROOT, TEST_SECRET_KEY, Gunicorn, csrf_token

SERVER_ENV = {
    "SECRET_KEY": TEST_SECRET_KEY,
    "NEIGHBORS_ENV": "testing",
    "RATELIMIT_ENABLED": "false",
}
LOAD_PASSWORD = "load-test-pass-2024"


def flask_command(database_url: str, upload_dir, *args: str) -> subprocess.CompletedProcess:
    """`flask --app neighbors ARGS` against `database_url`, as an operator would run it."""
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": database_url, "NEIGHBORS_UPLOAD_DIR": str(upload_dir)}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "neighbors", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def killable_server(app, database_url, upload_dir):
    """A gunicorn (tests/live.py) the test starts, SIGKILLs and starts again; stopped at the end."""
    server = Gunicorn(database_url, upload_dir, workers=2, threads=4, log_level="error")
    yield server
    server.close()


_phones = itertools.count(1)


@dataclass
class Write:
    kind: str  # "register" or "login"
    phone: str
    acknowledged_at: float | None = None  # monotonic time of the 303; None when no answer came


@dataclass
class WriteLoad:
    """Threads that register new residents and log in as earlier ones, until stopped.

    A write counts as acknowledged only when the server answered 303; a connection cut by a
    kill leaves it unacknowledged (it may or may not have happened, but never half)."""

    base_url: str
    community_id: int
    threads: int = 4
    prefix: str = "1370"
    writes: list[Write] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _workers: list[threading.Thread] = field(default_factory=list)

    def start(self) -> WriteLoad:
        self._stop.clear()
        self._workers = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(self.threads)]
        for worker in self._workers:
            worker.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=60)

    def acknowledged(self, kind: str = "register", before: float | None = None) -> list[str]:
        with self._lock:
            return [w.phone for w in self.writes if w.kind == kind and w.acknowledged_at is not None
                    and (before is None or w.acknowledged_at < before)]

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acknowledged()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"only {len(self.acknowledged())} writes acknowledged; errors: {self.errors[:5]}")
            time.sleep(0.05)

    def _run(self, number: int) -> None:
        for step in itertools.count():
            if self._stop.is_set():
                return
            earlier = self.acknowledged()
            if step % 3 == 2 and earlier:
                self._write(Write("login", earlier[(step + number) % len(earlier)]))
            else:
                self._write(Write("register", f"{self.prefix}{next(_phones):07d}"))

    def _write(self, write: Write) -> None:
        with self._lock:
            self.writes.append(write)
        session = requests.Session()
        path = "/auth/register" if write.kind == "register" else "/auth/login"
        data = {"phone": write.phone, "password": LOAD_PASSWORD}
        if write.kind == "register":
            data.update(name="压力测试", community=str(self.community_id))
        try:
            data["csrf_token"] = csrf_token(session, self.base_url, path)
            response = session.post(self.base_url + path, data=data, allow_redirects=False, timeout=30)
        except (requests.RequestException, AssertionError):
            time.sleep(0.05)  # the server is gone or going: this write stays unacknowledged
            return
        if response.status_code == 303:
            write.acknowledged_at = time.monotonic()
        else:
            self.errors.append(f"{write.kind} {write.phone}: {response.status_code}")
