"""What happened in a community that partner systems may subscribe to (the Open311 interface's webhooks).

A module calls `emit` inside its own service transaction: one delivery row per subscribed webhook is written in
that same transaction, so nothing is sent while a person waits and nothing is lost if it rolls back; the tick
job in neighbors/open311/webhooks.py sends them.
"""
from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa

from .extensions import db
from .open311.models import Webhook, WebhookDelivery

EVENTS = ("finding.dispatched", "finding.accepted", "finding.resolved", "finding.verified", "finding.reopened",
          "help_request.opened")


def emit(community_id: int, event: str, payload: dict, now: datetime) -> int:
    """Queue `event` for the community's enabled webhooks that want it; the payload must not name a person
    (no reporter name or phone). Returns how many deliveries were queued."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    hooks = [hook for hook in db.session.scalars(sa.select(Webhook).where(
        Webhook.community_id == community_id, Webhook.enabled.is_(True)).order_by(Webhook.id)) if hook.wants(event)]
    body = json.dumps({"event": event, "community_id": community_id, "occurred_at": now.isoformat(),
                       "data": payload}, ensure_ascii=False, sort_keys=True)
    for hook in hooks:
        db.session.add(WebhookDelivery(community_id=community_id, webhook_id=hook.id, event=event, payload=body,
                                       created_at=now, next_attempt_at=now))
    return len(hooks)
