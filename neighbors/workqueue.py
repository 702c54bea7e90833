"""The shape of one item in staff's work queue; each module lists its own through its services."""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext


@dataclass(frozen=True)
class QueueItem:
    """Something waiting for a person. `title` and `action` are English msgids (marked with N_)."""

    kind: str  # e.g. "kitchen.welfare_check", used to filter and to order equal ages
    title: str
    since: datetime  # aware UTC: the queue is oldest first, and shows the age
    url: str  # the page where a staff member deals with it
    action: str = ""  # label of the one-tap action on that page, if any
    params: dict = field(default_factory=dict)
    urgent: bool = False  # shown above everything else (a welfare check, an overdue case)

    @property
    def text(self) -> str:
        return gettext(self.title, **self.params)

    @property
    def action_text(self) -> str:
        return gettext(self.action) if self.action else ""
