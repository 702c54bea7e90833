"""A running gunicorn for tests (the one way to start it), and helpers to talk HTTP to it."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

import requests

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(session: requests.Session, base_url: str, path: str = "/auth/login") -> str:
    page = session.get(base_url + path, timeout=30).text
    match = TOKEN.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def logged_in(base_url: str, phone: str, password: str = PASSWORD) -> requests.Session:
    session = requests.Session()
    token = csrf_token(session, base_url)
    response = session.post(base_url + "/auth/login", data={"phone": phone, "password": password,
                                                            "csrf_token": token}, allow_redirects=False, timeout=30)
    assert response.status_code == 303, response.text[:300]
    return session


def post_form(session: requests.Session, base_url: str, path: str, data: dict, token: str | None = None):
    data = {**data, "csrf_token": token or csrf_token(session, base_url)}
    return session.post(base_url + path, data=data, allow_redirects=False, timeout=60)


def post_form_resending(session: requests.Session, base_url: str, path: str, data: dict, token: str):
    """Post a form carrying a submission key; on a dropped connection send the same form once more, as a phone
    does. A loaded machine may reset a connection in a burst of 200; the key makes the second send harmless."""
    try:
        return post_form(session, base_url, path, data, token)
    except requests.ConnectionError:
        return post_form(session, base_url, path, data, token)


def all_at_once(calls):
    """Run zero-argument callables in threads released together by a barrier; return their results."""
    calls = list(calls)
    barrier = Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn neighbors:create_app()` on a free port of 127.0.0.1, serving `database_url`.

    It runs in a process group of its own, so `kill()` (SIGKILL) takes the master and every
    worker at once, as a power cut would; `stop()` asks politely (SIGTERM) first. It counts as
    started when `/healthz` answers 200 (workers boot after the port opens); its output goes to
    a log file that `log()` reads and a failed start quotes. Workers get 120 s before gunicorn
    kills them (its default is 30): on a busy two-core machine a starved worker killed mid-request
    shows up as a dropped connection, which a concurrency test would misread as a failure."""

    def __init__(self, database_url: str, upload_dir, workers: int = 2, threads: int = 4,
                 worker_timeout: int = 120, start_timeout: float = 60, log_level: str = "warning",
                 env: dict[str, str] | None = None):
        self.database_url = database_url
        self.upload_dir = upload_dir
        self.workers = workers
        self.threads = threads
        self.worker_timeout = worker_timeout
        self.start_timeout = start_timeout
        self.log_level = log_level
        self.env = dict(env or {})
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.starts = 0
        log_file, self.log_path = tempfile.mkstemp(prefix="gunicorn-", suffix=".log")
        os.close(log_file)

    def environment(self) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": TEST_SECRET_KEY,
                "NEIGHBORS_ENV": "testing", "NEIGHBORS_UPLOAD_DIR": str(self.upload_dir),
                "RATELIMIT_ENABLED": "false", **self.env}

    def start(self) -> Gunicorn:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(f"--- start {self.starts + 1} on port {port}\n")
            log.flush()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(self.workers),
                 "--threads", str(self.threads), "--timeout", str(self.worker_timeout),
                 "--log-level", self.log_level, "neighbors:create_app()"],
                cwd=ROOT, env=self.environment(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.starts += 1
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                if requests.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited during start-up:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"gunicorn did not answer /healthz in {self.start_timeout:.0f} s:\n{self.log_tail()}")
            time.sleep(0.1)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole group: no worker finishes its request, nothing is flushed politely."""
        if not self.running():
            return
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._wait_until_port_free()

    def stop(self) -> None:
        """SIGTERM (gunicorn lets workers finish their requests), SIGKILL after 15 s."""
        if not self.running():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        return Path(self.log_path).read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def close(self) -> None:
        """Stop the server; print its log when something went wrong in it (a traceback, a worker
        killed for a timeout): pytest shows printed output for failed tests only."""
        self.stop()
        text = self.log()
        if any(sign in text for sign in ("Traceback", "[CRITICAL]", "[ERROR]")):
            print(f"gunicorn log:\n{text[-20000:]}")
        Path(self.log_path).unlink(missing_ok=True)

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _wait_until_port_free(self) -> None:
        port = int(self.url.rsplit(":", 1)[1])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    time.sleep(0.05)
            except OSError:
                return
