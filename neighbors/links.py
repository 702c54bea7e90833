"""Links stored in the database (notifications, work-queue items, appeal targets) are an endpoint and its
arguments, built into a URL only when shown: renaming a route then moves every old link with it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from werkzeug.routing import BuildError


@dataclass(frozen=True)
class Link:
    endpoint: str
    args: dict[str, Any] = field(default_factory=dict)
    anchor: str = ""

    def __init__(self, endpoint: str, anchor: str = "", **args: Any):
        object.__setattr__(self, "endpoint", endpoint)
        object.__setattr__(self, "args", dict(args))
        object.__setattr__(self, "anchor", anchor)

    @property
    def url(self) -> str:
        """The path today, or "" when the route no longer exists (the text is still shown, without a link)."""
        return build(self.endpoint, self.args, self.anchor)

    def __str__(self) -> str:
        return self.url

    def __bool__(self) -> bool:
        return bool(self.endpoint)


NO_LINK = Link("")


def build(endpoint: str | None, args: dict[str, Any] | None = None, anchor: str = "") -> str:
    if not endpoint:
        return ""
    try:
        return url_for(endpoint, _anchor=anchor or None, **(args or {}))
    except BuildError:
        return ""
