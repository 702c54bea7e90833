"""The whole production stack (deploy/stack.sh) as a district's servers run it: nginx with TLS in front of two
gunicorn app servers, PgBouncer in transaction mode, rate limits in Redis. `make stack-test` runs these."""
import os
import re
import signal
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.factories import PASSWORD
from tests.live import TOKEN

pytestmark = pytest.mark.stack

ORDER = re.compile(r"/kitchen/orders/(\d+)$")


def log_in(stack, phone: str, address: str = "127.0.0.1") -> requests.Session:
    browser = stack.client(address)
    token = TOKEN.search(browser.get(stack.url + "/auth/login", timeout=30).text).group(1)
    answer = browser.post(stack.url + "/auth/login", data={"phone": phone, "password": PASSWORD, "csrf_token": token},
                          allow_redirects=False, timeout=30)
    assert answer.status_code == 303, answer.text[:300]
    return browser


def order_form(browser, stack, meal_id: int, submission_key: str) -> dict:
    token = TOKEN.search(browser.get(f"{stack.url}/kitchen/meals/{meal_id}", timeout=30).text).group(1)
    return {"csrf_token": token, "submission_key": submission_key, "quantity": "1", "fulfilment": "dine_in",
            "address": "", "note": "", "also": "1"}


def test_a_resident_logs_in_orders_and_cancels_over_https(stack, world):
    assert requests.get(stack.http_url + "/kitchen/", allow_redirects=False, timeout=30).headers["Location"] \
        == stack.url + "/kitchen/"
    browser = stack.client()
    login = browser.get(stack.url + "/auth/login", timeout=30)
    assert login.headers["Content-Encoding"] == "gzip"
    assert login.headers["Strict-Transport-Security"].startswith("max-age="), "the app saw https (X-Forwarded-Proto)"
    assert "Secure" in login.headers["Set-Cookie"]
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', login.text).group(1)
    sheet = browser.get(stack.url + stylesheet, timeout=30)
    assert sheet.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert sheet.headers["Content-Encoding"] == "gzip"
    assert "/static/" not in stack.app_log(1) + stack.app_log(2), "nginx serves static files itself"

    browser = log_in(stack, world.residents[0])
    key = uuid.uuid4().hex
    placed = browser.post(f"{stack.url}/kitchen/meals/{world.meal_id}/order",
                          data=order_form(browser, stack, world.meal_id, key), allow_redirects=False, timeout=30)
    assert placed.status_code == 303, placed.text[:300]
    order_id = int(ORDER.search(placed.headers["Location"]).group(1))
    assert f"/kitchen/orders/{order_id}" in browser.get(stack.url + "/kitchen/orders/", timeout=30).text
    token = TOKEN.search(browser.get(f"{stack.url}/kitchen/orders/{order_id}", timeout=30).text).group(1)
    cancelled = browser.post(f"{stack.url}/kitchen/orders/{order_id}/cancel", data={"csrf_token": token},
                             allow_redirects=False, timeout=30)
    assert cancelled.status_code == 303
    assert world.query("SELECT status, submission_key FROM kitchen_orders WHERE id = %s", order_id) \
        == [("cancelled", key)]


def test_rate_limits_count_each_real_client_behind_the_proxy(stack, world):
    """30 failed logins from one address lock that address out (429), whatever X-Forwarded-For it sends; another
    address behind the same proxy still logs in. The counts live in Redis under the stack's own prefix."""
    guesser = stack.client("127.0.0.2")
    token = TOKEN.search(guesser.get(stack.url + "/auth/login", timeout=30).text).group(1)

    def guess(number: int, headers: dict | None = None) -> int:
        return guesser.post(stack.url + "/auth/login", data={"phone": f"1391234{number:04d}", "password": "wrong",
                                                             "csrf_token": token},
                            headers=headers or {}, allow_redirects=False, timeout=30).status_code

    assert Counter(guess(number) for number in range(30)) == {422: 30}
    assert guess(30) == 429
    assert guess(31, {"X-Forwarded-For": "203.0.113.9"}) == 429, "a forged address is not a fresh one"
    log_in(stack, world.residents[1], address="127.0.0.3")
    import redis

    keys = [key.decode() for key in redis.Redis.from_url(stack.env["STACK_REDIS_URL"]).scan_iter("*127.0.0.2*")]
    assert any(stack.ratelimit_prefix in key for key in keys), keys


def test_killing_an_app_server_mid_burst_loses_no_page_and_no_order(stack, world):
    """Six residents load pages and order while one app server is killed (SIGKILL, the master and its worker).
    nginx retries the page loads that server dropped on the other; an order it dropped is answered 502, and the
    resident's browser sends the same form again (same submission key): one order each, none doubled or lost."""
    browsers = [log_in(stack, phone) for phone in world.residents[2:8]]
    pages = ["/kitchen/", f"/kitchen/meals/{world.meal_id}", "/kitchen/orders/", "/healthz"]
    loads, kill_after, per_browser = Counter(), 40, 24
    done, lock, killed = [0], threading.Lock(), threading.Event()
    forms = {id(browser): order_form(browser, stack, world.meal_id, "") for browser in browsers}

    def kill_the_first_server():
        pid = stack.app_server_pid(1)
        group = os.getpgid(pid)
        assert group != os.getpgrp()
        os.killpg(group, signal.SIGKILL)
        killed.set()

    def order(browser) -> tuple[str, list[int]]:
        key, answers = uuid.uuid4().hex, []
        while not answers or answers[-1] in (502, 504) and len(answers) < 4:
            answers.append(browser.post(f"{stack.url}/kitchen/meals/{world.meal_id}/order",
                                        data={**forms[id(browser)], "submission_key": key},
                                        allow_redirects=False, timeout=60).status_code)
        return key, answers

    def resident(browser) -> list[tuple[str, list[int]]]:
        placed = []
        for step in range(per_browser):
            if step % 6 == 5:
                placed.append(order(browser))
            else:
                status = browser.get(stack.url + pages[step % len(pages)], timeout=60).status_code
                with lock:
                    loads[status] += 1
            with lock:
                done[0] += 1
                if done[0] == kill_after:
                    kill_the_first_server()
        return placed

    before = len(stack.app_log(1).splitlines())
    with ThreadPoolExecutor(len(browsers)) as pool:
        orders = [placed for per_resident in pool.map(resident, browsers) for placed in per_resident]

    assert killed.is_set() and len(stack.app_log(1).splitlines()) > before, "the first server served, then died"
    assert set(loads) == {200}, loads
    assert all(answers[-1] == 303 for _key, answers in orders), orders
    keys = [key for key, _answers in orders]
    stored = world.query("SELECT submission_key, COUNT(*) FROM kitchen_orders WHERE submission_key = ANY(%s) "
                         "GROUP BY submission_key", keys)
    assert dict(stored) == {key: 1 for key in keys}
    sold, live = world.query("SELECT sold, (SELECT COALESCE(SUM(quantity), 0) FROM kitchen_orders "
                             "WHERE meal_id = %s AND status <> 'cancelled') FROM kitchen_meals WHERE id = %s",
                             world.meal_id, world.meal_id)[0]
    assert sold == live
