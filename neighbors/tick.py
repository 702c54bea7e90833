"""The one scheduled entry point. Modules name their idempotent jobs in their hooks; cron calls `flask tick`.

Every job must be safe to run twice at once on two servers: each makes its records under a
unique constraint or a conditional update, so a second run finds nothing left to do.
"""
import logging
from collections.abc import Callable
from datetime import datetime

from .extensions import db
from .registry import installed

log = logging.getLogger(__name__)

Job = Callable[[datetime], int]


def jobs() -> dict[str, Job]:
    """Every installed module's jobs, by name."""
    return installed().tick_jobs()


def run_all(now: datetime) -> dict[str, int]:
    """Run every job in its own transaction; one failing job does not stop the others."""
    done: dict[str, int] = {}
    for name, fn in sorted(jobs().items()):
        try:
            done[name] = fn(now) or 0
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("tick job %s failed", name)
            done[name] = -1
    return done
