"""Every statement a request runs must fix the community of each distributed table it reads or writes.

The plan for sharding by community on Citus (neighbors/sharding.py, ARCHITECTURE.md "Beyond one database server")
distributes every table that has a `community_id` by it, except a few reference tables. A statement that touches
a distributed table without naming that table's `community_id` (in its WHERE, its ON, or the columns it inserts)
would have to ask every shard. The suite's HTTP tests run with this check (tests/conftest.py): a request that runs
such a statement fails its test, naming the statement, unless the ORM wrote it along a key (EXCEPTIONS, with the
reason) or it is one of the KNOWN_GAPS, each with what is still to do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from neighbors.sharding import plan

BY_KEY = ("the ORM loading or writing back one row, or a relationship's rows, along a key (session.get, a lazy or "
          "joined load, the unit of work): the plan makes the keys (community_id, id), and SQLAlchemy then puts "
          "community_id in these statements by itself")

# (table, a piece of the statement, what is still to do); matched against the statement with its parameters as ?
KNOWN_GAPS: list[tuple[str, str, str]] = [
    ("mutualaid_accounts", "FROM mutualaid_accounts WHERE mutualaid_accounts.id IN (?",
     "the ledger locks and reads balances by account ids: give lock_balances and _within_limits the community"),
    ("mutualaid_entries", "FROM mutualaid_entries GROUP BY mutualaid_entries.account_id",
     "the balances' subquery sums every community's entries: filter it by the account's community"),
    ("mutualaid_volunteer_skills", "DELETE FROM mutualaid_volunteer_skills WHERE mutualaid_volunteer_skills.profile_id",
     "removing a skill from a profile: name the profile's community"),
    ("audit_entries", "SELECT DISTINCT audit_entries.action FROM audit_entries",
     "the audit log's list of actions for its filter: per community, or from the catalogue of actions"),
    ("audit_entries", "WHERE audit_entries.subject_user_id = ?",
     "a person's download of their information reads their audit entries by person: add their community"),
    ("carer_links", "DELETE FROM carer_links WHERE carer_links.carer_id = ? OR carer_links.resident_id = ?",
     "erasing a person removes their carer links by person: add their community"),
    ("notifications", "DELETE FROM notifications WHERE notifications.user_id = ?",
     "erasing a person removes their notifications by person: add their community"),
    ("recovery_codes", "FROM recovery_codes WHERE recovery_codes.user_id = ?",
     "a staff member's recovery codes are read and replaced by person: add their community"),
    ("appeals", "UPDATE appeals SET text=? WHERE appeals.author_id = ?",
     "erasing a person blanks their appeals by author: add their community"),
]

_REFERENCE = re.compile(r'\b(FROM|JOIN|UPDATE|INTO)\s+"?(\w+)"?(?=(?:\s+(?:AS\s+)?"?(\w+))?)', re.IGNORECASE)
_NOT_ALIASES = {"WHERE", "JOIN", "ON", "LEFT", "INNER", "OUTER", "GROUP", "ORDER", "LIMIT", "SET", "VALUES",
                "RETURNING", "FOR", "UNION", "CROSS", "FULL", "RIGHT", "HAVING", "OFFSET", "SELECT", "DEFAULT"}
_PARAMETER = re.compile(r"(%\(\w+\)s|\(__\[POSTCOMPILE_\w+\]\)|__\[POSTCOMPILE_\w+\]|\?)"
                        r"(::[A-Za-z_]+( WITH(OUT)? TIME ZONE)?(\([\d, ]+\))?(\[\])?)?")  # PostgreSQL casts too


@dataclass
class ShardingCheck:
    distributed: set[str]
    keys: set[tuple[str, str, str, str]]  # (table, column, table, column) of every relationship between two of them
    verdicts: dict[str, list[str]] = field(default_factory=dict)
    found: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def for_metadata(cls, metadata: sa.MetaData, registry=None) -> ShardingCheck:
        distributed = set(plan(metadata).distributed)
        keys = set()
        for mapper in (registry.mappers if registry is not None else ()):
            for relationship in mapper.relationships:
                for local, remote in relationship.local_remote_pairs:
                    if local.table.name in distributed and remote.table.name in distributed:
                        keys.add((local.table.name, local.name, remote.table.name, remote.name))
                        keys.add((remote.table.name, remote.name, local.table.name, local.name))
        return cls(distributed, keys)

    def unfixed_tables(self, statement: str) -> list[str]:
        """The distributed tables `statement` touches without naming their community (cached: shapes repeat)."""
        if statement not in self.verdicts:
            flat = _PARAMETER.sub("?", " ".join(statement.split()))
            self.verdicts[statement] = [name for name, reference in self._unfixed(flat)
                                        if not self._along_a_key(name, reference, flat) and not _known_gap(name, flat)]
        return self.verdicts[statement]

    def _unfixed(self, statement: str):
        for keyword, name, alias in _REFERENCE.findall(statement):
            if name not in self.distributed:
                continue
            if keyword.upper() == "INTO":
                if "community_id" not in statement.partition("VALUES")[0].partition("SELECT")[0]:
                    yield name, name
                continue
            reference = alias if alias and alias.upper() not in _NOT_ALIASES else name
            if not re.search(r'"?%s"?\.community_id\b' % re.escape(reference), statement):
                yield name, reference

    def _along_a_key(self, name: str, reference: str, statement: str) -> bool:
        """A statement the ORM made along a key (BY_KEY)."""
        ref = re.escape(reference)
        by_id = r"(= \?|IN \((\?(, )?)+\))"
        if re.search(rf"^(UPDATE|DELETE FROM) {ref} (SET .* )?WHERE {ref}\.id = \?( AND {ref}\.\w+ = \?)*$", statement):
            return True  # the unit of work, by primary key (with a version or state check)
        if re.search(rf"FROM {re.escape(name)}( AS {ref})? WHERE {ref}\.id {by_id}( ORDER BY .*)?$", statement):
            return True  # session.get, a lazy load of one row
        for table, column, other, other_column in self.keys:
            if table != name:
                continue
            if re.search(rf"WHERE {ref}\.{column} {by_id}( ORDER BY .*)?$", statement) and column != "id":
                return True  # a lazy or select-in load of a collection by its parents' ids
            pair = (rf"({ref}\.{column} = \w+\.{other_column}|\w+\.{other_column} = {ref}\.{column})")
            if (re.fullmatch(rf"{re.escape(name)}_\d+", reference)
                    and re.search(rf"JOIN {re.escape(name)} AS {ref} ON {pair}( (WHERE|LEFT|JOIN|ORDER|GROUP)|\)|$)",
                                  statement)):
                return True  # a joined load along a relationship (the ORM's own numbered alias)
        return False

    def watch(self, statement: str, where: str) -> None:
        for name in self.unfixed_tables(statement):
            self.found.append((where, f"{name}: {' '.join(statement.split())[:2000]}"))


def _known_gap(name: str, flat: str) -> bool:
    return any(table == name and piece in flat for table, piece, _todo in KNOWN_GAPS)
