"""Staff's webhooks page over HTTP: the secret shown once, bad input on the form (422), turn off, delete."""
import re

import sqlalchemy as sa

from neighbors.extensions import db
from neighbors.open311.models import Webhook


def test_staff_add_a_webhook_see_its_secret_once_turn_it_off_and_delete_it(auth, web, place):
    auth.login(place.staff)
    page = web.post("/open311/webhooks", {"url": "https://hotline.example/neighbors",
                                          "events": ["finding.resolved", "help_request.opened"]})
    assert page.status_code == 200
    secret = re.search(r'data-testid="new-secret-value">(whsec_[^<]+)<', page.get_data(as_text=True)).group(1)
    again = web.get("/open311/webhooks").get_data(as_text=True)
    assert secret not in again and "https://hotline.example/neighbors" in again and "案件已处理完" in again
    hook = db.session.scalar(sa.select(Webhook))
    assert web.post(f"/open311/webhooks/{hook.id}/enabled").status_code == 303
    assert db.session.scalar(sa.select(Webhook.enabled)) is False
    assert "启用" in web.get("/open311/webhooks").get_data(as_text=True)
    assert web.post(f"/open311/webhooks/{hook.id}/delete").status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(Webhook.id))) == 0


def test_a_bad_address_or_no_event_is_shown_on_the_form(auth, web, place):
    auth.login(place.staff)
    bad = web.post("/open311/webhooks", {"url": "ftp://hotline.example/x", "events": ["finding.resolved"]})
    assert bad.status_code == 422 and "http:// 或 https://" in bad.get_data(as_text=True)
    none = web.post("/open311/webhooks", {"url": "https://hotline.example/x"})
    assert none.status_code == 422 and "请至少选择一种事件" in none.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Webhook.id))) == 0
