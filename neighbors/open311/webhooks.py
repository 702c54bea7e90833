"""Partner webhooks: staff register a URL and the events it wants; `neighbors.events.emit` queues deliveries in
the transaction that made the event; the tick job `send_due` sends them, signed, and retries with backoff."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from .. import audit
from ..database import same_community
from ..errors import N_, InvalidInput, NotFound
from ..events import EVENTS
from ..extensions import db
from ..models import User
from ..transactions import service
from .models import Webhook, WebhookDelivery
from .policy import policy
from .services import URL

MAX_ATTEMPTS = 8  # tries at 0, 1, 2, 4 … 64 minutes: about two hours, then it is shown as failed
TIMEOUT_SECONDS = 5
BATCH = 10  # deliveries one tick sends at most, so a dead partner cannot hold the tick for long


def _opener() -> urllib.request.OpenerDirector:
    """HTTP and HTTPS only, and no redirects: a partner's URL can never make the server read a file (`file:`) or
    follow a 3xx to an address staff did not register. A 3xx counts as an answer that is not 2xx."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(),
                    urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor(),
                    urllib.request.UnknownHandler()):
        opener.add_handler(handler)
    return opener


@dataclass(frozen=True)
class Outgoing:
    """One claimed delivery, as plain values to send with no transaction open."""

    community_id: int
    delivery_id: int
    event: str
    payload: str
    url: str
    secret: str


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of "timestamp.body": what a partner recomputes to trust a delivery."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    return hmac.compare_digest(signature(secret, timestamp, body), header or "")


def next_try(attempts: int, now: datetime) -> datetime | None:
    """After the n-th failed attempt wait 2**(n-1) minutes (1, 2, 4 …); None once it has been tried enough."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + timedelta(minutes=2 ** (attempts - 1))


# --- staff's side ------------------------------------------------------------------------------

def webhooks_of(community_id: int) -> list[Webhook]:
    return list(db.session.scalars(sa.select(Webhook).where(Webhook.community_id == community_id)
                                   .order_by(Webhook.created_at.desc(), Webhook.id.desc())))


def recent_deliveries(community_id: int, limit: int = 20) -> list[WebhookDelivery]:
    return list(db.session.scalars(sa.select(WebhookDelivery).where(WebhookDelivery.community_id == community_id)
                                   .order_by(WebhookDelivery.id.desc()).limit(limit)))


@service
def add_webhook(actor: User, url: str, events: list[str], now: datetime) -> tuple[Webhook, str]:
    """A new webhook; its secret is returned this once (staff give it to the partner) and never shown again."""
    policy.require(actor, "manage", actor.community_id)
    url = (url or "").strip()
    if not URL.fullmatch(url):
        raise InvalidInput(N_("Give an address that starts with http:// or https://."), field="url")
    chosen = [event for event in EVENTS if event in (events or [])]
    if not chosen or len(chosen) != len(set(events)):
        raise InvalidInput(N_("Choose at least one event."), field="events")
    secret = "whsec_" + secrets.token_urlsafe(32)
    hook = Webhook(community_id=actor.community_id, url=url, secret=secret, events=" ".join(chosen),
                   created_by_id=actor.id, created_at=now)
    db.session.add(hook)
    db.session.flush()
    audit.record(actor, "open311.webhook_added", hook, community_id=hook.community_id, now=now,
                 after={"url": url, "events": hook.events.split(), "enabled": True})
    return hook, secret


def _own(actor: User, webhook_id: int) -> Webhook:
    hook = db.session.scalar(sa.select(Webhook).where(Webhook.id == webhook_id,
                                                      Webhook.community_id == actor.community_id))
    if hook is None or not policy.may(actor, "manage", hook.community_id):
        raise NotFound(N_("That webhook was not found."))
    return hook


@service
def switch_webhook(actor: User, webhook_id: int, now: datetime) -> Webhook:
    """Turn off (nothing is queued or sent; what waits stays and goes out once it is turned on again) or on."""
    hook = _own(actor, webhook_id)
    hook.enabled = not hook.enabled
    audit.record(actor, "open311.webhook_switched", hook, community_id=hook.community_id, now=now,
                 before={"url": hook.url, "enabled": not hook.enabled}, after={"url": hook.url, "enabled": hook.enabled})
    return hook


@service
def delete_webhook(actor: User, webhook_id: int, now: datetime) -> None:
    hook = _own(actor, webhook_id)
    db.session.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.community_id == hook.community_id,
                                                        WebhookDelivery.webhook_id == hook.id))
    db.session.execute(sa.delete(Webhook).where(Webhook.community_id == hook.community_id, Webhook.id == hook.id))
    audit.record(actor, "open311.webhook_deleted", hook, community_id=hook.community_id, now=now,
                 before={"url": hook.url, "events": hook.events.split(), "enabled": hook.enabled})


# --- the tick ----------------------------------------------------------------------------------

@service
def claim(community_id: int, delivery_id: int, seen_attempts: int, now: datetime) -> Outgoing | None:
    """Take a due delivery for this tick, in a transaction of its own: a conditional UPDATE on the attempts it was
    read with, so of two ticks only one sends it. The claim moves its next try past the timeout, so a tick that
    dies mid-send retries later. What to send comes back as plain values: no row is held while it is sent."""
    done = db.session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.community_id == community_id, WebhookDelivery.id == delivery_id,
               WebhookDelivery.attempts == seen_attempts,
               WebhookDelivery.delivered_at.is_(None), WebhookDelivery.next_attempt_at <= now)
        .values(attempts=seen_attempts + 1, next_attempt_at=next_try(seen_attempts + 1, now))
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        return None
    row = db.session.execute(
        sa.select(WebhookDelivery.event, WebhookDelivery.payload, Webhook.url, Webhook.secret)
        .join(Webhook, same_community(Webhook.id == WebhookDelivery.webhook_id))
        .where(WebhookDelivery.community_id == community_id, WebhookDelivery.id == delivery_id)).one()
    return Outgoing(community_id, delivery_id, row.event, row.payload, row.url, row.secret)


@service
def note_answer(outgoing: Outgoing, status: int | None, error: str, now: datetime) -> bool:
    """Record what the partner answered; a 2xx marks the delivery delivered, never to be sent again."""
    delivered = status is not None and 200 <= status < 300
    values = {"last_status": status, "last_error": "" if delivered else error}
    if delivered:
        values |= {"delivered_at": now, "next_attempt_at": None}
    db.session.execute(sa.update(WebhookDelivery).where(WebhookDelivery.community_id == outgoing.community_id,
                                                        WebhookDelivery.id == outgoing.delivery_id).values(values))
    return delivered


def post(outgoing: Outgoing, now: datetime) -> tuple[int | None, str]:
    """Send one delivery; the answer's status code (None when there was none) and a short error."""
    body = outgoing.payload.encode()
    timestamp = str(int(now.timestamp()))
    request = urllib.request.Request(outgoing.url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "Neighbors-Webhooks",
        "X-Neighbors-Event": outgoing.event, "X-Neighbors-Delivery": str(outgoing.delivery_id),
        "X-Neighbors-Timestamp": timestamp, "X-Neighbors-Signature": signature(outgoing.secret, timestamp, body)})
    try:
        with _opener().open(request, timeout=TIMEOUT_SECONDS) as answer:
            return answer.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (OSError, ValueError) as error:
        return None, str(error)[:200]


def _due(now: datetime) -> list[tuple[int, int, int]]:
    return list(db.session.execute(
        sa.select(WebhookDelivery.community_id, WebhookDelivery.id, WebhookDelivery.attempts)
        .join(Webhook, same_community(Webhook.id == WebhookDelivery.webhook_id))
        .where(WebhookDelivery.next_attempt_at <= now, WebhookDelivery.delivered_at.is_(None),
               Webhook.enabled.is_(True))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(BATCH)))


def send_due(now: datetime) -> int:
    """The tick job, which runs its own short transactions (tick.py): each due delivery is claimed in one, sent
    with none open — a partner that is slow or down never holds a lock a person's request would wait for — and
    its answer noted in another. A tick that dies mid-way leaves the claim, and the delivery is tried again after
    its backoff (the `X-Neighbors-Delivery` id lets a partner drop a repeat)."""
    sent = 0
    for community_id, delivery_id, attempts in _due(now):
        outgoing = claim(community_id, delivery_id, attempts, now)
        if outgoing is None:
            continue
        status, error = post(outgoing, now)
        sent += note_answer(outgoing, status, error, now)
    return sent
