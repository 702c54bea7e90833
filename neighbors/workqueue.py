"""The shape of one item in staff's work queue (each module lists its own through its services), and the
event that tells the staff console's queue to refresh."""
from dataclasses import dataclass, field
from datetime import datetime

from flask import request
from flask_babel import gettext
from flask_login import current_user

from .dates import spoken
from .extensions import htmx
from .i18n import with_terms
from .links import Link
from .web import with_trigger


@dataclass(frozen=True)
class QueueItem:
    """Something waiting for a person. `title` and `action` are English msgids (marked with N_)."""

    kind: str  # e.g. "kitchen.welfare_check", used to filter and to order equal ages
    title: str
    since: datetime  # aware UTC: the queue is oldest first, and shows the age
    link: Link  # the page where a staff member deals with it
    action: str = ""  # label of the one-tap action on that page, if any
    params: dict = field(default_factory=dict)
    urgent: bool = False  # shown above everything else (a welfare check, an overdue case)

    @property
    def url(self) -> str:
        return self.link.url

    @property
    def text(self) -> str:
        return gettext(self.title, **spoken(with_terms(self.params)))

    @property
    def action_text(self) -> str:
        return gettext(self.action) if self.action else ""


QUEUE_CHANGED = "staffQueueChanged"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def announce_queue_change(response):
    """After a staff member changes something through htmx, tell the queue and the nav count to refresh.

    Modules need not know the staff console exists: any successful state-changing htmx answer to a
    staff member or an admin carries the `staffQueueChanged` event, next to the module's own events.
    Only 2xx answers: a redirect is followed by the browser, which drops its headers, and a boosted
    page brings a fresh count in its navigation anyway.
    """
    if request.method not in STATE_CHANGING or not htmx or not 200 <= response.status_code < 300:
        return response
    if not current_user.is_authenticated or not current_user.is_privileged:
        return response
    return with_trigger(response, QUEUE_CHANGED)

