"""The one scheduled entry point. Modules register idempotent jobs; cron calls `flask tick`.

Every job must be safe to run twice at once on two servers: each makes its records under a
unique constraint or a conditional update, so a second run finds nothing left to do.
"""
import logging
from collections.abc import Callable
from datetime import datetime

from .extensions import db

log = logging.getLogger(__name__)

Job = Callable[[datetime], int]
JOBS: dict[str, Job] = {}


def job(name: str):
    def register(fn: Job) -> Job:
        JOBS[name] = fn
        return fn

    return register


def run_all(now: datetime) -> dict[str, int]:
    """Run every job in its own transaction; one failing job does not stop the others."""
    done: dict[str, int] = {}
    for name, fn in sorted(JOBS.items()):
        try:
            done[name] = fn(now) or 0
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("tick job %s failed", name)
            done[name] = -1
    return done
