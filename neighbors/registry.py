"""The one explicit link between the foundation and the modules, set up in `create_app`.

Each module describes itself once in its `hooks.py` as a `ModuleHooks` value: what staff's console reads
(work queue, person summary, monthly report), which hidden records can be appealed, what it holds about a
person and how it erases that (a resident's rights under PIPL), its tick jobs and its demo step.
`create_app` installs the list; nothing registers itself by being imported, and nobody
looks a module up by its name as a string (a renamed function is an import error, not a silent None).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

if TYPE_CHECKING:
    from .audit import AuditAction
    from .links import Link
    from .models import User
    from .workqueue import QueueItem

EXTENSION = "neighbors.registry"


@dataclass(frozen=True)
class HiddenRecord:
    """What the appeal rules need to know about a hidden record, as its module sees it."""

    community_id: int
    author_ids: frozenset[int]  # who may appeal (e.g. the requester and whoever asked for them)
    hidden: bool
    reason: str


@dataclass(frozen=True)
class AppealKind:
    """How the appeals module reads, describes and reinstates one kind of a module's records."""

    check: Callable[[int], HiddenRecord | None]  # record id -> the record's facts, None if it does not exist
    describe: Callable[[int, list[int]], dict[int, tuple[str, Any]]]  # community, ids -> {id: (title, Link)}
    reinstate: Callable[["User", int, datetime], None]  # unhide through the module's rules; flush, audit-log


# What an erased person's required free text (a title, a description, a name) is replaced with.
ERASED = "（已删除）"


@dataclass(frozen=True)
class PersonalData:
    """One table of what a module holds about a person, for their "my information" page and download.

    `title` and `columns` are English msgids (translated when shown); cells are text, numbers, dates or
    UTC datetimes."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class PublicCase:
    """A case as a partner system sees it (the Open311 interface): never the reporter's name, phone or photos."""

    id: int
    service_code: str
    open: bool
    status_notes: str  # an English msgid (translated when answered)
    description: str
    agency_responsible: str  # an English msgid or a name
    address: str
    requested_at: datetime
    updated_at: datetime
    expected_at: datetime | None
    latitude: float | None = None  # WGS-84, where the reporter agreed to give it
    longitude: float | None = None


@dataclass(frozen=True)
class CaseQuery:
    """Which of a community's cases a partner asks for; None means any."""

    community_id: int
    ids: tuple[int, ...] | None = None
    service_codes: tuple[str, ...] | None = None
    open: bool | None = None
    start: datetime | None = None
    end: datetime | None = None
    offset: int = 0
    limit: int = 50


@dataclass(frozen=True)
class PublicService:
    code: str
    name: str  # an English msgid
    group: str  # an English msgid
    description: str


@dataclass(frozen=True)
class PublicCases:
    """What a module lets other systems list, read and file (neighbors/open311 reads it)."""

    services: Callable[[int], list[PublicService]]  # community -> the kinds of case a partner may file
    find: Callable[[CaseQuery], list[PublicCase]]  # newest first
    # (reporter, service code, description, address, photos, submission key, now) -> case id; flushes only.
    # The same submission key by the same reporter answers the case it already made.
    file: Callable[["User", str, str, str, list, str, datetime], int]


class Service(StrEnum):
    """What a need found elsewhere can become (千户访 counts them: a meal need became an order…)."""

    ORDER = "order"  # a meal order or a standing order
    REQUEST = "request"  # a help request
    FINDING = "finding"  # a report of a problem in an alley


@dataclass(frozen=True)
class FollowUp:
    """A record a module made from another module's record (a meal order placed from a visit at the door), as
    the module that made it tells the module it came from (`ModuleHooks.origins`)."""

    service: Service
    kind: str  # the record's kind, unique with its id: "kitchen.order"
    record_id: int
    title: str  # an English msgid naming the record: "A meal order"
    link: "Link"


@dataclass(frozen=True)
class ModuleHooks:
    name: str
    person_summary: Callable[[int, int], dict]  # community, user -> what the person page shows of this module
    staff_queue: Callable[[int, datetime], list["QueueItem"]]
    staff_queue_count: Callable[[int, datetime], int]
    monthly_summary: Callable[[int, date, date, datetime], dict]  # community, first day, day after the last, now
    # (community, first day, day after the last) -> for a `monthly_summary` key, the list page of the records
    # behind that figure in that period (the annual reports link each figure to it)
    figure_records: Callable[[int, date, date], Mapping[str, "Link"]] | None = None
    appeal_kinds: Mapping[str, AppealKind] = field(default_factory=dict)
    tick_jobs: Mapping[str, Callable[[datetime], int]] = field(default_factory=dict)
    demo_step: tuple[int, Callable[[Any], None]] | None = None  # (order, step)
    audit_actions: Mapping[str, "AuditAction"] = field(default_factory=dict)  # how the audit log says its acts
    # the person -> every table the module holds about them (see PersonalData)
    personal_data: Callable[["User"], list[PersonalData]] | None = None
    # (staff, the person, now) -> how many records of each kind were erased or replaced; flushes, never commits.
    # Names, phones, addresses, photos and free text go; amounts, counts and the ledger stay.
    erase_person: Callable[["User", "User", datetime], dict[str, int]] | None = None
    # (actor, resident) -> whether the module's own rule lets the actor act for the resident (a grid worker for
    # the households of their grids); asked by accounts.can_act_for after staff and carers
    acts_for: Callable[["User", "User"], bool] | None = None
    public_cases: PublicCases | None = None  # cases other systems may list, read and file (Open311)
    # a kind of record others' forms may start from (a form opened from a visit carries `origin=visit:12`) ->
    # (actor, record id, what was made from it, now): checks the actor may, keeps the link; flushes only
    origins: Mapping[str, Callable[["User", int, FollowUp, datetime], None]] = field(default_factory=dict)


class Registry:
    def __init__(self, modules: Iterable[ModuleHooks]):
        self.modules: dict[str, ModuleHooks] = {}
        for hooks in modules:
            if hooks.name in self.modules:
                raise ValueError(f"module {hooks.name!r} installed twice")
            self.modules[hooks.name] = hooks

    def __iter__(self):
        return iter(self.modules.values())

    def appeal_kind(self, kind: str) -> AppealKind | None:
        for hooks in self.modules.values():
            if kind in hooks.appeal_kinds:
                return hooks.appeal_kinds[kind]
        return None

    def audit_action(self, action: str) -> "AuditAction | None":
        for hooks in self.modules.values():
            if action in hooks.audit_actions:
                return hooks.audit_actions[action]
        return None

    def origin(self, kind: str) -> Callable[["User", int, FollowUp, datetime], None] | None:
        for hooks in self.modules.values():
            if kind in hooks.origins:
                return hooks.origins[kind]
        return None

    def tick_jobs(self) -> dict[str, Callable[[datetime], int]]:
        return {name: job for hooks in self.modules.values() for name, job in hooks.tick_jobs.items()}

    def public_cases(self) -> list[PublicCases]:
        return [hooks.public_cases for hooks in self.modules.values() if hooks.public_cases]

    def demo_steps(self) -> list[tuple[int, Callable[[Any], None]]]:
        return sorted((hooks.demo_step for hooks in self.modules.values() if hooks.demo_step),
                      key=lambda item: item[0])


def install(app: Flask, modules: Iterable[ModuleHooks]) -> Registry:
    registry = Registry(modules)
    app.extensions[EXTENSION] = registry
    return registry


def installed() -> Registry:
    """The registry of the app handling this request or command."""
    return current_app.extensions[EXTENSION]


def parse_origin(text: str | None) -> tuple[str, int] | None:
    """`visit:12` (what a form opened from another module's record carries) -> ("visit", 12); else None."""
    kind, _colon, number = (text or "").partition(":")
    if not (kind.isidentifier() and number.isdecimal() and len(number) < 10):
        return None
    return kind, int(number)


def note_follow_up(actor: "User", origin: str | None, follow_up: FollowUp, now: datetime) -> None:
    """Tell the module a record came from that something was made from it (inside the maker's transaction).
    No origin, or one no installed module knows, is nothing to tell."""
    parsed = parse_origin(origin)
    note = installed().origin(parsed[0]) if parsed else None
    if parsed and note:
        note(actor, parsed[1], follow_up, now)
