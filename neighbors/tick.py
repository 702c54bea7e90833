"""The one scheduled entry point. Modules name their idempotent jobs in their hooks; cron calls `flask tick`.

Every job must be safe to run twice at once on two servers: each makes its records under a
unique constraint or a conditional update, so a second run finds nothing left to do.

Every job makes its own transactions, one way: a job that does one thing is a `@service` (one transaction);
a job that works through many items calls a `@service` per item, so it holds a lock one item at a time and what
it finished stays done when a later item fails (standing orders, auto-confirmation, webhooks); a job that only
removes files needs none. The tick never wraps a job in a transaction of its own.
"""
import logging
from collections.abc import Callable
from datetime import datetime

from .open311.webhooks import send_due
from .registry import installed
from .transactions import discard

log = logging.getLogger(__name__)

Job = Callable[[datetime], int]

# the foundation's own jobs (the partner interface is not a module, so it has no hooks.py)
FOUNDATION_JOBS: dict[str, Job] = {"open311.webhooks": send_due}


def jobs() -> dict[str, Job]:
    """Every installed module's jobs, by name."""
    return {**installed().tick_jobs(), **FOUNDATION_JOBS}


def run_all(now: datetime) -> dict[str, int]:
    """Run every job (each commits its own work); one failing job does not stop the others."""
    done: dict[str, int] = {}
    for name, fn in sorted(jobs().items()):
        try:
            done[name] = fn(now) or 0
        except Exception:
            log.exception("tick job %s failed", name)
            done[name] = -1
        finally:
            discard()  # what a job read outside its transactions; what it committed stays
    return done
