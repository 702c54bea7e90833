"""Partner webhooks: events queued in the transaction that made them, signed, sent by the tick, retried with
backoff, never sent twice. One test sends to a receiver on loopback; the rest need no HTTP."""
import json
import threading
from contextlib import contextmanager
import urllib.error
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa

from neighbors import tick
from neighbors.alleys import services as alleys
from neighbors.errors import InvalidInput, NotAllowed, NotFound
from neighbors.events import emit
from neighbors.extensions import db
from neighbors.models import AuditEntry
from neighbors.open311 import webhooks
from neighbors.open311.models import Webhook, WebhookDelivery
from neighbors.staff.services.audit_log import describe
from neighbors.transactions import service
from tests.alleys.conftest import photo
from tests.factories import make_community, make_user

ALL_FINDING = ["finding.dispatched", "finding.accepted", "finding.resolved"]


def _deliveries():
    return list(db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)
                                   .execution_options(populate_existing=True)))


def test_a_case_queues_only_the_events_each_webhook_wants_and_no_reporter(place, now, clock):
    resolved, _secret = webhooks.add_webhook(place.staff, "https://hotline.example/hook", ["finding.resolved"], now)
    every, secret = webhooks.add_webhook(place.staff, "http://grid.example/in", ALL_FINDING, now)
    assert secret.startswith("whsec_") and db.session.get(Webhook, every.id).secret == secret
    finding = alleys.report_finding(place.patroller, place.alley.id, "sanitation", "路面油腻", "打铁巷口", [photo()],
                                    "k1", now)
    alleys.accept(place.sanitation_officer, finding.id, clock.advance(minutes=5))
    alleys.resolve(place.sanitation_officer, finding.id, "已清洗", photo(), clock.advance(minutes=30))
    queued = [(row.webhook_id, row.event) for row in _deliveries()]
    assert queued == [(every.id, "finding.dispatched"), (every.id, "finding.accepted"),
                      (resolved.id, "finding.resolved"), (every.id, "finding.resolved")]
    body = _deliveries()[-1].payload
    assert json.loads(body)["data"]["finding_id"] == finding.id
    assert place.patroller.name not in body and "phone" not in body


def test_a_rolled_back_transaction_queues_nothing(place, now):
    webhooks.add_webhook(place.staff, "https://hotline.example/hook", ["help_request.opened"], now)

    @service
    def fails():
        emit(place.community.id, "help_request.opened", {"request_id": 1}, now)
        raise RuntimeError("the service failed after the event")

    with pytest.raises(RuntimeError):
        fails()
    assert _deliveries() == []


def test_only_staff_add_webhooks_and_only_http_addresses(place, now):
    with pytest.raises(NotAllowed):
        webhooks.add_webhook(place.resident, "https://hotline.example/hook", ALL_FINDING, now)
    for url in ("ftp://hotline.example/hook", "javascript:alert(1)", ""):
        with pytest.raises(InvalidInput):
            webhooks.add_webhook(place.staff, url, ALL_FINDING, now)
    with pytest.raises(InvalidInput):
        webhooks.add_webhook(place.staff, "https://hotline.example/hook", ["finding.deleted"], now)
    other = make_user(make_community("镇海社区"), "staff")
    hook, _secret = webhooks.add_webhook(place.staff, "https://hotline.example/hook", ALL_FINDING, now)
    with pytest.raises(NotFound):
        webhooks.delete_webhook(other, hook.id, now)
    assert db.session.scalar(sa.select(sa.func.count(Webhook.id))) == 1



def test_adding_switching_and_deleting_a_webhook_are_in_the_audit_log_without_its_secret(place, now, app):
    hook, secret = webhooks.add_webhook(place.staff, "https://hotline.example/hook", ALL_FINDING, now)
    webhooks.switch_webhook(place.staff, hook.id, now)
    webhooks.delete_webhook(place.staff, hook.id, now)
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action.like("open311.webhook_%"))
                                 .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["open311.webhook_added", "open311.webhook_switched",
                                           "open311.webhook_deleted"]
    assert all(e.actor_id == place.staff.id and e.community_id == place.community.id for e in entries)
    assert all(secret not in f"{e.before}{e.after}" for e in entries)
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        said = [describe(e) for e in entries]
    assert said[0].sentence == f"{place.staff.name} 添加了推送地址 https://hotline.example/hook。"
    assert ("推送中", "是", "否") in said[1].changes
    assert said[2].sentence == f"{place.staff.name} 删除了推送地址 https://hotline.example/hook。"

def test_the_signature_round_trip():
    body = b'{"event": "finding.resolved"}'
    header = webhooks.signature("whsec_abc", "1778464800", body)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert webhooks.verify("whsec_abc", "1778464800", body, header)
    assert not webhooks.verify("whsec_abc", "1778464801", body, header)
    assert not webhooks.verify("whsec_other", "1778464800", body, header)
    assert not webhooks.verify("whsec_abc", "1778464800", body + b" ", header)


def test_backoff_doubles_then_gives_up(now):
    waits = [webhooks.next_try(attempts, now) for attempts in range(1, webhooks.MAX_ATTEMPTS + 1)]
    assert [wait - now for wait in waits[:-1]] == [timedelta(minutes=2 ** n) for n in range(webhooks.MAX_ATTEMPTS - 1)]
    assert waits[-1] is None


@pytest.fixture
def queued(place, now):
    hook, _secret = webhooks.add_webhook(place.staff, "http://127.0.0.1:9/unused", ["help_request.opened"], now)
    service(emit)(place.community.id, "help_request.opened", {"request_id": 7}, now)
    return _deliveries()[0]


def test_two_claims_of_one_delivery_send_it_once(queued, now):
    outgoing = webhooks.claim(queued.community_id, queued.id, 0, now)
    assert outgoing is not None and outgoing.delivery_id == queued.id and outgoing.event == queued.event
    # the second tick read the same row before the first claimed it: it finds it taken
    assert webhooks.claim(queued.community_id, queued.id, 0, now) is None
    assert _deliveries()[0].attempts == 1


def _answering(monkeypatch, answers, seen):
    def post(outgoing, now):
        seen.append(outgoing.delivery_id)
        return answers.pop(0)
    monkeypatch.setattr(webhooks, "post", post)


def test_a_delivered_one_is_never_sent_again_and_a_failing_one_gives_up(queued, clock, monkeypatch):
    seen = []
    _answering(monkeypatch, [(503, "HTTP 503"), (204, "")], seen)
    assert tick.run_all(clock.now)["open311.webhooks"] == 0
    row = _deliveries()[0]
    assert (row.attempts, row.last_status, row.next_attempt_at) == (1, 503, clock.now + timedelta(minutes=1))
    assert tick.run_all(clock.advance(seconds=59))["open311.webhooks"] == 0 and seen == [queued.id]  # not yet due
    assert tick.run_all(clock.advance(seconds=1))["open311.webhooks"] == 1
    tick.run_all(clock.advance(days=1))
    row = _deliveries()[0]
    assert seen == [queued.id, queued.id] and row.delivered_at is not None and row.next_attempt_at is None


def test_nothing_is_held_open_while_a_partner_is_asked(queued, clock, monkeypatch):
    """A slow partner must never keep a lock a resident's order would wait for: no transaction is open during
    the send, and the claim is already committed (another connection sees it)."""
    seen_during_send = []

    def post(outgoing, now):
        with db.engine.connect() as elsewhere:
            attempts = elsewhere.execute(sa.select(WebhookDelivery.attempts).where(
                WebhookDelivery.id == outgoing.delivery_id)).scalar_one()
        seen_during_send.append((db.session().in_transaction(), attempts))
        return 204, ""
    monkeypatch.setattr(webhooks, "post", post)
    assert tick.run_all(clock.now)["open311.webhooks"] == 1
    assert seen_during_send == [(False, 1)]


def test_a_partner_that_never_answers_is_given_up_after_the_last_try(queued, clock, monkeypatch):
    seen = []
    _answering(monkeypatch, [(None, "timed out")] * webhooks.MAX_ATTEMPTS, seen)
    for _ in range(webhooks.MAX_ATTEMPTS + 2):
        tick.run_all(clock.advance(hours=3))
    row = _deliveries()[0]
    assert len(seen) == webhooks.MAX_ATTEMPTS and row.attempts == webhooks.MAX_ATTEMPTS
    assert row.next_attempt_at is None and row.delivered_at is None and row.last_error == "timed out"


class _Receiver(BaseHTTPRequestHandler):
    """A partner on loopback: checks the signature, fails the first delivery and takes the second."""

    secret = ""
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        valid = webhooks.verify(self.secret, self.headers["X-Neighbors-Timestamp"], body,
                                self.headers["X-Neighbors-Signature"])
        self.received.append((valid, self.headers["X-Neighbors-Event"], self.headers["X-Neighbors-Delivery"]))
        self.send_response(500 if len(self.received) == 1 else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@contextmanager
def _on_loopback(handler):
    """A partner's server on a free loopback port, for the length of the block: its address."""
    server = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/neighbors"
    finally:
        server.shutdown()
        server.server_close()


def test_a_partner_on_loopback_gets_a_signed_retry_after_a_500(place, clock):
    with _on_loopback(_Receiver) as address:
        hook, secret = webhooks.add_webhook(place.staff, address, ["finding.dispatched"], clock.now)
        _Receiver.secret, _Receiver.received = secret, []
        alleys.report_finding(place.patroller, place.alley.id, "sanitation", "路面油腻", "打铁巷口", [photo()],
                              "k1", clock.now)
        tick.run_all(clock.now)
        tick.run_all(clock.advance(minutes=1))
    delivery = _deliveries()[0]
    assert _Receiver.received == [(True, "finding.dispatched", str(delivery.id))] * 2
    assert (delivery.attempts, delivery.last_status) == (2, 200) and delivery.delivered_at == clock.now


class _Redirecting(BaseHTTPRequestHandler):
    """A partner whose address answers with a redirect to another path of its own."""

    paths: list = []

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.paths.append(self.path)
        self.send_response(307)
        self.send_header("Location", "/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_redirect_is_not_followed_and_counts_as_not_delivered(place, clock):
    with _on_loopback(_Redirecting) as address:
        webhooks.add_webhook(place.staff, address, ["finding.dispatched"], clock.now)
        _Redirecting.paths = []
        alleys.report_finding(place.patroller, place.alley.id, "sanitation", "路面油腻", "打铁巷口", [photo()],
                              "k1", clock.now)
        tick.run_all(clock.now)
    delivery = _deliveries()[0]
    assert _Redirecting.paths == ["/neighbors"]
    assert (delivery.last_status, delivery.delivered_at) == (307, None) and delivery.last_error == "HTTP 307"


def test_only_http_and_https_can_be_opened():
    with pytest.raises(urllib.error.URLError):
        webhooks._opener().open("file:///etc/hostname", timeout=1)
