"""Records the authorization matrix opens by id, one builder per kind.

A builder takes the `World` and "here" or "other" and returns a committed record of that
community (owned by `world.user("resident", where)` when it has an owner). Module routes
with an id in their rule name the kind they need in `CALLS` of `test_authorization.py`:

    @builder("meal")
    def meal(world, where):
        return kitchen_services.publish_meal(..., community_id=world.community(where).id, ...)
"""
from collections.abc import Callable
from typing import Any

BUILDERS: dict[str, Callable[[Any, str], Any]] = {}


def builder(kind: str):
    def register(fn):
        if kind in BUILDERS:
            raise ValueError(f"two builders for {kind!r}")
        BUILDERS[kind] = fn
        return fn

    return register
