"""`make bench`: throughput, latency, statements, page weight and growth of the listed pages on PostgreSQL.

For each scale (small: one community; district: 98 communities and a year of records) it
1. builds the data once into its own schema of the `neighbors_bench` database (kept for later runs),
2. starts gunicorn (2 workers x 4 threads, the `make run` settings, for every page alike) on a free
   loopback port and logs the bench users in,
3. measures `GET /healthz` (the ceiling), every page, and `/healthz` again, with wrk on loopback,
4. weighs each page (HTML + CSS + JS, gzip-compressed here) and each htmx partial,
5. runs 200 simultaneous order attempts on the last 50 portions of a meal,
6. counts and times the SQL statements of every page in-process and keeps the EXPLAIN ANALYZE
   of the slowest ones in bench/results/explain-<scale>.txt,
then, with both scales measured, runs both servers at once and times every page one request at a time,
small and district in turn (--growth-requests each), for the district/small ratio of p50 latencies, and
writes bench/results/latest.json and prints a table.

    .venv/bin/python -m bench.run                      # small and district (district data takes minutes once)
    .venv/bin/python -m bench.run --scales small --duration 5     # a quick look
    .venv/bin/python -m bench.run --pages "shift list,my orders"  # some pages only
"""
from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import psycopg
import requests

from bench.pages import CEILING, PAGES, PARTIALS, Page, order_form

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "wrk" / "measure.lua"
PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("BENCH_PG_PORT", "5432")
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
DATABASE = os.environ.get("BENCH_DATABASE", "neighbors_bench")
SECRET = "bench-secret-key-that-is-long-enough-0123456789"
WORKERS, THREADS, CONNECTIONS = 2, 4, 8
RANDOM_PAGE_COST = 1.1
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def database_url(scale: str) -> str:
    return (f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{DATABASE}"
            f"?options=-csearch_path%3D{scale}")


def upload_dir(scale: str) -> Path:
    return ROOT / "instance" / "bench" / scale / "uploads"


def connect(dbname: str = DATABASE, **kwargs) -> psycopg.Connection:
    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname, **kwargs)


# --- data -------------------------------------------------------------------------------

def ensure_database() -> None:
    with connect("postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
            print(f"created database {DATABASE}")
        # the data sits in memory (or on SSD), as on the district's servers: a random read costs about a
        # sequential one. With the default (4) the planner scans all 300,000 role grants for one community's
        # report instead of looking up its 3,000 residents' grants (README, Performance)
        conn.execute(f'ALTER DATABASE "{DATABASE}" SET random_page_cost = {RANDOM_PAGE_COST}')


def analyze(scale: str) -> None:
    """Planner statistics for freshly bulk-loaded rows (autovacuum gets there only later)."""
    with connect(autocommit=True) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            (scale,)).fetchall()]
        for table in tables:
            conn.execute(f'ANALYZE "{scale}"."{table}"')


def has_data(scale: str) -> bool:
    with connect() as conn:
        found = conn.execute("SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = 'users'",
                             (scale,)).fetchone()
        if not found:
            return False
        from neighbors.bench_data import SCALES

        communities = conn.execute(f'SELECT COUNT(*) FROM "{scale}".communities').fetchone()[0]
        if communities != SCALES[scale].communities:
            return False  # a build that stopped half-way is built again
    return catch_up_schema(scale)  # data built before a schema change: new tables, columns, indexes; else built again


def catch_up_schema(scale: str) -> bool:
    """Bring data built before a schema change up to the models when the change only added tables (left empty)
    and columns that have a fixed default or may be NULL; the district data takes many minutes to build again."""
    import sqlalchemy as sa
    from sqlalchemy.schema import CreateColumn

    from neighbors.extensions import db

    app = app_for(scale)
    with app.app_context():
        try:
            existing = sa.inspect(db.engine)
            added = []
            with db.engine.begin() as connection:
                for table in db.metadata.sorted_tables:
                    if not existing.has_table(table.name):
                        continue
                    have = {column["name"] for column in existing.get_columns(table.name)}
                    for column in table.columns:
                        if column.name in have:
                            continue
                        default = column.default.arg if column.default is not None and column.default.is_scalar else None
                        if default is None and not column.nullable and column.server_default is None:
                            return False
                        ddl = str(CreateColumn(column).compile(dialect=db.engine.dialect))
                        if default is not None and column.server_default is None:
                            ddl += " DEFAULT " + str(sa.literal(default).compile(
                                dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
                        connection.exec_driver_sql(f'ALTER TABLE "{table.name}" ADD COLUMN {ddl}')
                        added.append(f"{table.name}.{column.name}")
                    indexed = {index["name"] for index in existing.get_indexes(table.name)}
                    for index in table.indexes:
                        if index.name not in indexed:  # an index added since the build (built here, may take a while)
                            index.create(connection)
                            added.append(index.name)
            db.metadata.create_all(db.engine)  # tables the data did not have yet (empty)
            if added:
                print(f"{scale}: added {', '.join(added)} to the existing data", flush=True)
                analyze(scale)
            return True
        finally:
            db.engine.dispose()


def app_for(scale: str):
    from neighbors import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url(scale), "NEIGHBORS_UPLOAD_DIR": str(upload_dir(scale)),
                       "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": False, "NEIGHBORS_ENV": "bench",
                       "SERVER_NAME": None})


def build_data(scale: str) -> dict:
    from neighbors import bench_data
    from neighbors.extensions import db

    with connect(autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{scale}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{scale}"')
    shutil.rmtree(upload_dir(scale), ignore_errors=True)
    app = app_for(scale)
    with app.app_context():
        db.create_all()  # the models' schema; tests/test_migrations.py keeps the migrations identical to it
        print(f"building {scale} bench data …", flush=True)
        result = bench_data.build(scale, progress=lambda done, total: print(
            f"  community {done}/{total}", flush=True) if done % 10 == 0 or done == total else None)
        db.engine.dispose()
    analyze(scale)
    print(f"{scale} data ready in {result['seconds']} s", flush=True)
    return result


def load_targets(scale: str) -> dict:
    from neighbors import bench_data
    from neighbors.extensions import db

    app = app_for(scale)
    with app.app_context():
        found = bench_data.targets()
        db.engine.dispose()
    return found


# --- the server -------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(scale: str):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url(scale), "SECRET_KEY": SECRET, "NEIGHBORS_ENV": "bench",
           "NEIGHBORS_UPLOAD_DIR": str(upload_dir(scale)), "RATELIMIT_ENABLED": "false"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
         "--threads", str(THREADS), "--worker-class", "gthread", "--keep-alive", "5", "--log-level", "warning",
         "neighbors:create_app()"], cwd=ROOT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def log_in(url: str, phone: str, password: str) -> requests.Session:
    session = requests.Session()
    token = TOKEN.search(session.get(url + "/auth/login", timeout=30).text).group(1)
    response = session.post(url + "/auth/login", data={"phone": phone, "password": password, "csrf_token": token},
                            allow_redirects=False, timeout=30)
    if response.status_code != 303:
        raise RuntimeError(f"bench login {phone} failed: {response.status_code}")
    return session


def order_token(url: str, session: requests.Session, meal_id: int) -> str:
    """The CSRF token of the meal page's order form, as the logged-in user's browser would post it."""
    return TOKEN.search(session.get(url + f"/kitchen/meals/{meal_id}", timeout=30).text).group(1)


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


# --- wrk --------------------------------------------------------------------------------

def wrk(url: str, seconds: int, cookie: str = "", env: dict | None = None) -> dict:
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True,
                            env={**os.environ, **(env or {})}).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    data = json.loads(line[len("BENCH_JSON "):])
    if not data["requests"]:  # every request outlasted the run: no latency to report
        return {"requests": 0, "errors": data["errors"], "error": f"no request finished in {seconds} s"}
    seconds_taken = data["duration_us"] / 1e6
    return {"rps": round(data["requests"] / seconds_taken, 1), "requests": data["requests"],
            "p50_ms": round(data["p50_us"] / 1000, 2), "p90_ms": round(data["p90_us"] / 1000, 2),
            "p99_ms": round(data["p99_us"] / 1000, 2), "errors": data["errors"]}


def measure_page(url: str, page: Page, sessions: dict, targets: dict, seconds: int, warmup: int) -> dict:
    session = sessions.get(page.role)
    cookie = cookie_header(session) if session else ""
    env = {}
    if page.method == "POST":
        token = order_token(url, session, targets["meal_id"])
        cookie = cookie_header(session)
        form = order_form(targets, token, "SUBMISSION_KEY")
        env = {"BENCH_METHOD": "POST", "BENCH_PATH": "/kitchen/meals/MEAL_ID/order",
               "BENCH_BODY": "&".join(f"{k}={requests.utils.quote(v)}" for k, v in form.items()),
               "BENCH_MEALS": ",".join(str(m) for m in targets["open_meal_ids"])}
    else:
        check = (session or requests).get(url + page.url(targets), timeout=30, allow_redirects=False)
        if check.status_code != 200:
            return {"status": check.status_code, "error": f"GET {page.url(targets)} answered {check.status_code}"}
    target_url = url + (page.url(targets) if page.method == "GET" else "/")
    if warmup:
        wrk(target_url, warmup, cookie, env)
    return wrk(target_url, seconds, cookie, env)


# --- page weight --------------------------------------------------------------------------

def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def weigh(url: str, sessions: dict, targets: dict) -> dict:
    """gzip bytes of the first load (HTML + its CSS and JS) per page, and of each htmx partial."""
    assets: dict[str, int] = {}
    pages = {}
    for page in PAGES:
        if page.method != "GET":
            continue
        session = sessions[page.role]
        response = session.get(url + page.url(targets), timeout=60)
        if response.status_code != 200:
            pages[page.name] = {"status": response.status_code}
            continue
        html = gz(response.content)
        linked = ASSET.findall(response.text)
        for path in linked:
            if path not in assets:
                assets[path] = gz(session.get(urljoin(url + "/", path), timeout=30).content)
        total = html + sum(assets[path] for path in linked)
        pages[page.name] = {"html_bytes": len(response.content), "html_gzip": html, "total_gzip": total,
                            "assets": {path: assets[path] for path in linked}}
    partials = {}
    for partial in PARTIALS:
        session = sessions[partial.role]
        full = session.get(url + partial.page_path.format(**targets), timeout=60)
        part = session.get(url + partial.partial_path.format(**targets), headers={"HX-Request": "true"}, timeout=60)
        if full.status_code != 200 or part.status_code != 200:
            partials[partial.name] = {"status": [full.status_code, part.status_code]}
            continue
        partials[partial.name] = {"page_gzip": gz(full.content), "partial_gzip": gz(part.content),
                                  "share": round(gz(part.content) / gz(full.content), 3)}
    return {"pages": pages, "partials": partials, "compression": "gzip level 6, done by the benchmark"}


# --- 200 attempts on the last 50 portions ---------------------------------------------------

def contention(url: str, session: requests.Session, targets: dict, attempts: int = 200, portions: int = 50) -> dict:
    """Run through plenty_of_portions, which deletes the orders afterwards and puts the meal back as it was."""
    meal_id = targets["open_meal_ids"][-1]
    with connect(autocommit=True) as conn:
        conn.execute(f"SET search_path TO {targets['scale']}")
        conn.execute("UPDATE kitchen_meals SET capacity = sold + %s WHERE id = %s", (portions, meal_id))
        capacity = conn.execute("SELECT capacity FROM kitchen_meals WHERE id = %s", (meal_id,)).fetchone()[0]
    token = order_token(url, session, meal_id)
    keys = [uuid.uuid4().hex for _ in range(attempts)]
    released: list[float] = []  # the moment the last client is ready and all 200 go at once
    barrier = threading.Barrier(attempts, action=lambda: released.append(time.monotonic()))

    address = urlsplit(url)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(session)}

    def attempt(key: str) -> int:
        """One phone with its connection open taps "order" when all do; the request is built beforehand so
        the clock (which starts at the release) times the server, not this process's HTTP library."""
        body = urlencode(order_form(targets, token, key))
        client = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
        client.connect()
        try:
            barrier.wait(timeout=120)
            client.request("POST", f"/kitchen/meals/{meal_id}/order", body=body, headers=headers)
            response = client.getresponse()
            response.read()
            return response.status
        finally:
            client.close()

    def timed(key):
        status = attempt(key)
        return status, time.monotonic()

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        results = list(pool.map(timed, keys))
    elapsed = max(at for _status, at in results) - released[0]
    statuses = [status for status, _at in results]
    with connect() as conn:
        conn.execute(f"SET search_path TO {targets['scale']}")
        sold, cap = conn.execute("SELECT sold, capacity FROM kitchen_meals WHERE id = %s", (meal_id,)).fetchone()
        placed = conn.execute("SELECT COALESCE(SUM(quantity), 0) FROM kitchen_orders WHERE meal_id = %s "
                              "AND submission_key = ANY(%s) AND status <> 'cancelled'", (meal_id, keys)).fetchone()[0]
    return {"attempts": attempts, "portions": portions, "placed": int(placed), "sold_equals_capacity": sold == cap,
            "capacity": capacity, "answers": {str(s): statuses.count(s) for s in sorted(set(statuses))},
            "seconds": round(elapsed, 2), "attempts_per_s": round(attempts / elapsed, 1)}


# --- statements and their plans (in-process) -------------------------------------------------

def statements_and_plans(scale: str, targets: dict, keep: int = 6) -> dict:
    """Statement count and time per page; EXPLAIN ANALYZE of the slowest statements into a file."""
    import sqlalchemy as sa

    from neighbors.extensions import db

    app = app_for(scale)
    app.config["WTF_CSRF_ENABLED"] = False
    counts, slow = {}, []
    with app.app_context():
        log: list = []

        def before(conn, cursor, statement, parameters, context, executemany):
            conn.info["bench_started"] = time.perf_counter()

        def after(conn, cursor, statement, parameters, context, executemany):
            log.append((time.perf_counter() - conn.info.pop("bench_started"), statement, parameters))

        sa.event.listen(db.engine, "before_cursor_execute", before)
        sa.event.listen(db.engine, "after_cursor_execute", after)
        clients = {}
        for page in PAGES:
            if page.method != "GET":
                continue
            if page.role not in clients:
                client = app.test_client()
                client.post("/auth/login", data={"phone": targets["phones"][page.role],
                                                 "password": targets["password"]})
                clients[page.role] = client
            clients[page.role].get(page.url(targets))  # warm: templates compiled, caches filled
            log.clear()
            response = clients[page.role].get(page.url(targets))
            counts[page.name] = {"status": response.status_code, "statements": len(log),
                                 "sql_ms": round(sum(d for d, _s, _p in log) * 1000, 2)}
            slow += [(d, page.name, s, p) for d, s, p in log]
        sa.event.remove(db.engine, "before_cursor_execute", before)
        sa.event.remove(db.engine, "after_cursor_execute", after)
        slow.sort(key=lambda item: item[0], reverse=True)
        lines = []
        seen = set()
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for duration, page_name, statement, parameters in slow:
                if len(seen) >= keep or not statement.lstrip().upper().startswith("SELECT") or statement in seen:
                    continue
                seen.add(statement)
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                lines += [f"-- {page_name}: {duration * 1000:.2f} ms in the page", statement.strip(),
                          f"-- parameters: {parameters}", plan, ""]
            raw.rollback()
        finally:
            raw.close()
        db.engine.dispose()
    (RESULTS / f"explain-{scale}.txt").write_text("\n".join(lines))
    return counts


# --- machine and report -------------------------------------------------------------------

def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    with connect() as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[:1]
    return {"cpus": os.cpu_count(), "cpu": model, "load_average": os.getloadavg(), "python": platform.python_version(),
            "postgresql": server, "wrk": wrk_version[0] if wrk_version else "", "kernel": platform.release()}


@contextmanager
def plenty_of_portions(targets: dict):
    """Enough portions of the open meals for a whole run of orders. Afterwards the orders the run placed are
    deleted and the meals' portions put back, so that the next run measures the same data (thousands of
    orders a run for today's meals otherwise pile up in the very range the menu and the orders pages read)."""
    scale = targets["scale"]
    with connect(autocommit=True) as conn:
        conn.execute(f"SET search_path TO {scale}")
        kept = conn.execute("SELECT id, capacity, sold FROM kitchen_meals WHERE id = ANY(%s)",
                            (targets["open_meal_ids"],)).fetchall()
        started = conn.execute("SELECT now()").fetchone()[0]
        conn.execute("UPDATE kitchen_meals SET capacity = sold + 100000 WHERE id = ANY(%s)",
                     (targets["open_meal_ids"],))
    try:
        yield
    finally:
        time.sleep(1)  # requests still in the server when wrk stopped its clock finish first
        with connect() as conn:
            conn.execute(f"SET search_path TO {scale}")
            placed = "SELECT id FROM kitchen_orders WHERE placed_by_id = %s AND created_at >= %s"
            conn.execute(f"DELETE FROM kitchen_order_events WHERE order_id IN ({placed})",
                         (targets["orderer_id"], started))
            conn.execute("DELETE FROM kitchen_orders WHERE placed_by_id = %s AND created_at >= %s",
                         (targets["orderer_id"], started))
            for meal_id, capacity, sold in kept:
                conn.execute("UPDATE kitchen_meals SET capacity = %s, sold = %s WHERE id = %s",
                             (capacity, sold, meal_id))


class OneClient:
    """One keep-alive connection of one logged-in user, timing one request at a time."""

    def __init__(self, url: str, page: Page, sessions: dict, targets: dict):
        address = urlsplit(url)
        self.connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        self.page, self.targets = page, targets
        session = sessions.get(page.role)
        self.headers = {"Cookie": cookie_header(session)} if session else {}
        self.token = None
        if page.method == "POST":
            self.token = order_token(url, session, targets["meal_id"])
            self.headers = {"Cookie": cookie_header(session), "Content-Type": "application/x-www-form-urlencoded"}
        self.sent = 0

    def timed_request(self) -> float:
        if self.page.method == "POST":
            meals = self.targets["open_meal_ids"]
            path = f"/kitchen/meals/{meals[self.sent % len(meals)]}/order"
            body = urlencode(order_form(self.targets, self.token, uuid.uuid4().hex))
        else:
            path, body = self.page.url(self.targets), None
        self.sent += 1
        started = time.perf_counter()
        self.connection.request(self.page.method, path, body=body, headers=self.headers)
        response = self.connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        if response.status not in (200, 303):
            raise RuntimeError(f"{self.page.method} {path} answered {response.status}")
        return elapsed * 1000


def growth(pages_wanted: list[Page], requests_per_scale: int) -> dict:
    """p50 latency at district scale over small scale, per page, one request at a time, small and district in
    turn, with both servers up. Data growth shows in a single request's latency; the machine's speed does
    not, because it drifts over seconds to minutes (other tenants of its host) and each district request is
    timed within milliseconds of its small twin. (The table's wrk runs, minutes apart and 8 at a time,
    differed up to 2x between byte-identical pages.)"""
    setups = {}
    with gunicorn("small") as small_url, gunicorn("district") as district_url:
        for scale, url in (("small", small_url), ("district", district_url)):
            targets = load_targets(scale)
            targets["scale"] = scale
            sessions = {role: log_in(url, phone, targets["password"]) for role, phone in targets["phones"].items()}
            setups[scale] = (url, targets, sessions)
        result = {}
        with plenty_of_portions(setups["small"][1]), plenty_of_portions(setups["district"][1]):
            for page in pages_wanted:
                print(f"  growth: {page.name}", flush=True)
                clients = {scale: OneClient(url, page, sessions, targets)
                           for scale, (url, targets, sessions) in setups.items()}
                for _warm_up in range(10):
                    for client in clients.values():
                        client.timed_request()
                times: dict[str, list[float]] = {scale: [] for scale in clients}
                for _pair in range(requests_per_scale):
                    for scale, client in clients.items():
                        times[scale].append(client.timed_request())
                small, district = statistics.median(times["small"]), statistics.median(times["district"])
                result[page.name] = {"small_p50_ms": round(small, 2), "district_p50_ms": round(district, 2),
                                     "ratio": round(district / small, 2), "requests_per_scale": requests_per_scale}
    return result


def run_scale(scale: str, seconds: int, warmup: int, rebuild: bool, pages_wanted: list[Page] = PAGES) -> dict:
    built = build_data(scale) if rebuild or not has_data(scale) else None
    targets = load_targets(scale)
    targets["scale"] = scale
    result: dict = {"built": built, "targets": {k: v for k, v in targets.items() if k not in ("password",)}}
    with gunicorn(scale) as url:
        sessions = {role: log_in(url, phone, targets["password"]) for role, phone in targets["phones"].items()}
        first = measure_page(url, CEILING, sessions, targets, seconds, warmup)
        pages = {}
        with plenty_of_portions(targets):
            for page in pages_wanted:
                print(f"  {scale}: {page.name}", flush=True)
                pages[page.name] = measure_page(url, page, sessions, targets, seconds, warmup)
        last = measure_page(url, CEILING, sessions, targets, seconds, warmup)
        ceiling = statistics.mean([first["rps"], last["rps"]])
        for page in pages_wanted:
            measured = pages[page.name]
            if "rps" in measured:
                measured["ratio"] = round(measured["rps"] / ceiling, 3)
                measured["target"] = page.target
                measured["meets_target"] = measured["ratio"] >= page.target
        result["ceiling"] = {"first": first, "last": last, "rps": round(ceiling, 1)}
        result["pages"] = pages
        result["weight"] = weigh(url, sessions, targets)
        with plenty_of_portions(targets):
            result["contention"] = contention(url, sessions["orderer"], targets)
    result["statements"] = statements_and_plans(scale, targets)
    return result


def print_table(report: dict) -> None:
    scales = report["scales"]
    print()
    header = f"{'page':<16}" + "".join(f"{s + ' req/s':>15}{'ratio':>7}{'p50 ms':>8}{'p99 ms':>8}{'SQL':>5}"
                                       for s in scales) + (f"{'growth':>8}" if "growth" in report else "")
    print(header)
    print("-" * len(header))
    names = ["healthz"] + [page.name for page in PAGES]
    for name in names:
        row = f"{name:<16}"
        for scale, data in scales.items():
            measured = data["ceiling"]["first"] if name == "healthz" else data["pages"].get(name, {})
            if "rps" not in measured:
                row += f"{measured.get('error', 'not measured')[:43]:>43}"
                continue
            ratio = 1.0 if name == "healthz" else measured["ratio"]
            flag = "" if name == "healthz" or measured["meets_target"] else "!"
            statements = data.get("statements", {}).get(name, {}).get("statements", "")
            row += (f"{measured['rps']:>15.0f}{ratio:>6.2f}{flag:1}{measured['p50_ms']:>8.1f}"
                    f"{measured['p99_ms']:>8.1f}{statements!s:>5}")
        if "growth" in report and name in report["growth"]:
            row += f"{report['growth'][name]:>8.2f}"
        print(row)
    for scale, data in scales.items():
        weight = data["weight"]
        heaviest = max((p["total_gzip"], n) for n, p in weight["pages"].items() if "total_gzip" in p)
        print(f"\n{scale}: heaviest first load {heaviest[0] / 1024:.1f} KB gzip ({heaviest[1]}); partials: "
              + ", ".join(f"{n} {p['share']:.0%}" for n, p in weight["partials"].items() if "share" in p))
        c = data["contention"]
        print(f"{scale}: {c['attempts']} attempts on {c['portions']} portions placed {c['placed']} "
              f"({c['answers']}) at {c['attempts_per_s']} attempts/s")
    print(f"\nceiling = GET /healthz, mean of the first and last run; '!' = below the page's target ratio")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="small,district", help="comma-separated: small, district")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_SECONDS", 15)),
                        help="seconds per page")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true", help="build the data again even if it exists")
    parser.add_argument("--pages", default="", help="comma-separated page names (default: every page)")
    parser.add_argument("--growth-requests", type=int, default=200,
                        help="requests per page and scale for the growth ratios, one at a time (0: no growth)")
    args = parser.parse_args(argv)
    wanted = {name.strip() for name in args.pages.split(",") if name.strip()}
    unknown = wanted - {page.name for page in PAGES}
    if unknown:
        print(f"unknown pages: {', '.join(sorted(unknown))}; pages: {', '.join(p.name for p in PAGES)}", file=sys.stderr)
        return 2
    pages_wanted = [page for page in PAGES if not wanted or page.name in wanted]
    if shutil.which("wrk") is None:
        print("wrk is not installed (make bench installs it).", file=sys.stderr)
        return 2
    RESULTS.mkdir(parents=True, exist_ok=True)
    ensure_database()
    report = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(),
              "settings": {"gunicorn": f"--workers {WORKERS} --threads {THREADS} (gthread)",
                           "load": f"wrk -t1 -c{CONNECTIONS} -d{args.duration}s on loopback",
                           "rate_limits": "off (one client address)"},
              "scales": {}}
    for scale in [s.strip() for s in args.scales.split(",") if s.strip()]:
        report["scales"][scale] = run_scale(scale, args.duration, args.warmup, args.rebuild, pages_wanted)
    if {"small", "district"} <= set(report["scales"]) and args.growth_requests:
        report["growth_measured"] = growth(pages_wanted, args.growth_requests)
        report["growth"] = {name: measured["ratio"] for name, measured in report["growth_measured"].items()}
    report["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    print_table(report)
    print(f"\nwritten: {RESULTS / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
