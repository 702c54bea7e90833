"""A help request opened is an event partner systems may subscribe to (neighbors/events.py): never who or where."""
import json

import sqlalchemy as sa

from neighbors.extensions import db
from neighbors.open311 import webhooks
from neighbors.open311.models import WebhookDelivery
from tests.factories import make_user


def test_an_opened_request_queues_one_delivery_without_the_person(community, resident, make_request, now):
    webhooks.add_webhook(make_user(community, "staff"), "https://hotline.example/hook", ["help_request.opened"], now)
    request = make_request()
    rows = db.session.scalars(sa.select(WebhookDelivery)).all()
    assert [row.event for row in rows] == ["help_request.opened"]
    assert json.loads(rows[0].payload)["data"]["request_id"] == request.id
    assert resident.name not in rows[0].payload and request.address not in rows[0].payload
    assert request.title not in rows[0].payload
