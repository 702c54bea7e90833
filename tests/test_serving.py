"""Starting and stopping the server as people do: `make run` and Ctrl-C, several workers sharing the login
limits, and two servers on one machine."""
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests

from tests.factories import make_user
from tests.live import ROOT, TEST_SECRET_KEY, Gunicorn, csrf_token, free_port

pytestmark = pytest.mark.live

REDIS_URL = "redis://127.0.0.1:6379/15"


def _wait_for(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"make run ended before serving: {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError("make run did not serve in time")


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ctrl_c_stops_make_run_at_once_and_cleanly(tmp_path):
    """A terminal's Ctrl-C is SIGINT to the whole foreground group: make, the script, gunicorn, the tick loop."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAKE", "MFLAGS"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}", "PORT": str(port), "HOME": str(tmp_path),
                "NEIGHBORS_UPLOAD_DIR": str(tmp_path / "uploads"), "SECRET_KEY": TEST_SECRET_KEY})
    env.pop("NEIGHBORS_TEST_DATABASE_URL", None)
    with open(tmp_path / "run.log", "w+b") as log:
        make = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_for(f"http://127.0.0.1:{port}/healthz", make, 300)
            time.sleep(1)  # the tick loop is running by now
            os.killpg(make.pid, signal.SIGINT)
            started = time.monotonic()
            status = make.wait(timeout=20)
            while _group_alive(make.pid) and time.monotonic() - started < 15:
                time.sleep(0.1)  # a tick run already under way finishes its transaction
            stopped_in = time.monotonic() - started
            survivors = subprocess.run(["ps", "-o", "pid,stat,etime,cmd", "-g", str(make.pid)], capture_output=True,
                                       text=True).stdout
            leftovers = _group_alive(make.pid)
        finally:
            if _group_alive(make.pid):
                os.killpg(make.pid, signal.SIGKILL)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    assert status in (0, 130, -signal.SIGINT), output[-2000:]
    assert "Segmentation fault" not in output and "SIGKILL" not in output
    assert not leftovers, f"a process of make run outlived Ctrl-C:\n{survivors}\n{output[-1500:]}"
    assert stopped_in < 10
    assert not (Path(tmp_path) / ".gunicorn").exists(), "gunicorn opened a control socket in the home folder"


def test_two_servers_on_one_machine_share_no_control_socket(app, database_url, upload_dir, tmp_path):
    home = {"HOME": str(tmp_path)}
    with Gunicorn(database_url, upload_dir, workers=1, env=home), Gunicorn(database_url, upload_dir, workers=1,
                                                                          env=home):
        assert not (tmp_path / ".gunicorn").exists()


def _wrong_password(base_url: str, phone: str) -> int:
    session = requests.Session()  # a fresh connection each time: any worker may answer
    token = csrf_token(session, base_url)
    return session.post(base_url + "/auth/login", data={"phone": phone, "password": "not-the-password",
                                                        "csrf_token": token},
                        allow_redirects=False, timeout=30).status_code


def test_several_workers_count_the_same_wrong_passwords(app, database_url, upload_dir):
    prefix = f"neighbors-test-{uuid.uuid4().hex[:8]}"  # the SQLite and PostgreSQL runs may share this Redis at once
    storage = redis.Redis.from_url(REDIS_URL)
    user = make_user(name="郑长华", phone="13900001234")
    limits = {"RATELIMIT_ENABLED": "true", "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    try:
        with Gunicorn(database_url, upload_dir, workers=4, threads=1, env=limits) as server:
            answers = [_wrong_password(server.url, user.phone) for _ in range(8)]
        counted = list(storage.scan_iter(f"*{prefix}*"))
    finally:
        for key in storage.scan_iter(f"*{prefix}*"):
            storage.delete(key)
    assert counted, "the limits were not counted in Redis"
    assert answers == [422] * 5 + [429] * 3  # five wrong passwords told as such, then the limit, whoever answers


def test_production_refuses_several_workers_counting_limits_in_memory(tmp_path):
    env = {**os.environ, "NEIGHBORS_ENV": "production", "SECRET_KEY": TEST_SECRET_KEY,
           "RATELIMIT_STORAGE_URI": "memory://", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
           "NEIGHBORS_UPLOAD_DIR": str(tmp_path / "uploads"), "HOME": str(tmp_path)}
    started = subprocess.run([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{free_port()}",
                              "--workers", "2", "neighbors:create_app()"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
    assert started.returncode != 0
    assert "RATELIMIT_STORAGE_URI" in started.stderr
