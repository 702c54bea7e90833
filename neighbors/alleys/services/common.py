"""What every topic of the alley services shares: time limits, refusals, text cleaning and the links that
notifications and the staff queue carry."""
from __future__ import annotations

from datetime import datetime, timedelta

from ...dates import a_moment
from ...errors import N_, Conflict, InvalidInput
from ...links import Link
from ...models import User
from ..models import Alley, Finding, PatrolShift
from ..policy import require

HORIZON_DAYS = 28
WITHDRAW_BEFORE = timedelta(hours=2)
SHORT_NOTICE = timedelta(hours=48)
SIMILAR_WINDOW = timedelta(hours=24)
MAX_PHOTOS = 3


class ShiftFull(Conflict):
    """Every slot of the person's kind is taken."""


class DuplicateSuspected(Conflict):
    """Open findings like this one exist; the reporter chooses to add to one or report anew.

    `held` is the signed reference to the photos already checked and kept, so "report anyway" needs no files."""

    def __init__(self, similar: list[Finding], held: str = "", held_count: int = 0):
        super().__init__(N_("Someone already reported this kind of problem here today. Add to that report, "
                            "or press “This is a different problem”."), field="new_anyway")
        self.similar = similar
        self.held = held
        self.held_count = held_count


def require_staff(actor: User, community_id: int) -> None:
    require(actor, "manage_community", community_id, N_("Only staff of this community can do that."))


def require_manager(actor: User, alley: Alley) -> None:
    require(actor, "manage_alley", alley, N_("Only the branch secretary or community staff can do that."))


def when(moment: datetime) -> dict:
    """A shift's start in a notification or the staff queue, shown in its reader's words (12月7日 周一 08:00)."""
    return a_moment(moment)


def clean(text: str | None, field: str, limit: int, required: bool = True) -> str:
    value = " ".join((text or "").split()) if "\n" not in (text or "") else (text or "").strip()
    if required and not value:
        raise InvalidInput(N_("Please fill this in."), field=field)
    if len(value) > limit:
        raise InvalidInput(N_("This is too long: at most %(limit)s characters."), field=field, limit=limit)
    return value


def shift_link(shift: PatrolShift) -> Link:
    return Link("alleys.shifts", anchor=f"shift-{shift.id}")


def finding_link(finding: Finding) -> Link:
    return Link("alleys.finding", finding_id=finding.id)


def coverage_link(shift: PatrolShift) -> Link:
    return Link("alleys.coverage", anchor=f"shift-{shift.id}", alley=shift.alley_id)
