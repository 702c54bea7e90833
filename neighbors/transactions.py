"""The one way a change reaches the database: every public service function is wrapped in `@service`.

The outermost service call is the transaction: it commits when the function returns and rolls back
when anything is raised. A service called from another service joins the caller's transaction (it
only flushes), so a view, a CLI command or a tick job that calls one service gets exactly one commit.
A constraint the database refuses (a unique key taken by a simultaneous request, a check) becomes a
`Conflict` the web layer answers with 409; a service that expects a particular refusal catches it
itself and raises a more precise domain error.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError

from .errors import N_, Conflict
from .extensions import db

P = ParamSpec("P")
T = TypeVar("T")

_DEPTH = "neighbors.service_depth"


def service(fn: Callable[P, T]) -> Callable[P, T]:
    """One transaction per outermost call: commit on success, roll back on any error."""

    @functools.wraps(fn)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> T:
        info = db.session().info
        depth = info.get(_DEPTH, 0)
        info[_DEPTH] = depth + 1
        try:
            result = fn(*args, **kwargs)
            if depth == 0:
                db.session.commit()
            else:
                db.session.flush()
            return result
        except IntegrityError as error:
            if depth == 0:
                db.session.rollback()
                raise Conflict(N_("Someone else changed this at the same moment. Please reload and try again.")) \
                    from error
            raise
        except BaseException:
            if depth == 0:
                db.session.rollback()
            raise
        finally:
            info[_DEPTH] = depth

    return wrapped



def discard() -> None:
    """End whatever is open outside a service: what an unexpected failure left, or a read's transaction (so no
    connection sits idle in a transaction). Never undoes what a service committed."""
    db.session.rollback()
