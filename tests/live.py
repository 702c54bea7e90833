"""Helpers for tests that talk HTTP to a running server (see the `live_server` fixture)."""
import re
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import requests

from tests.factories import PASSWORD

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


def all_at_once(calls):
    """Run zero-argument callables in threads released together by a barrier; return their results."""
    calls = list(calls)
    barrier = Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))
