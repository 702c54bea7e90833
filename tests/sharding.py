"""Every statement a request runs must fix the community of each distributed table it reads or writes.

The plan for sharding by community on Citus (neighbors/sharding.py, ARCHITECTURE.md "Beyond one database server")
distributes every table that has a `community_id` by it, except a few reference tables. A statement that touches a distributed
table without naming that table's `community_id` (in its WHERE, its ON, or the columns it inserts) would have to
ask every shard. The suite's HTTP tests run with this listener (tests/conftest.py): a request that runs such a
statement fails its test, naming the statement, unless it matches one of the EXCEPTIONS, each with its reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from neighbors.sharding import plan

# (table, what the statement looks like, why it may ask every shard)
EXCEPTIONS: list[tuple[str, re.Pattern[str], str]] = [
    ("*", re.compile(r"^(UPDATE|DELETE FROM) (\w+) (SET .* )?WHERE \2\.id = %\(|^(UPDATE|DELETE FROM) (\w+) (SET .* )?WHERE "
                     r"\5\.id = \?"),
     "the unit of work writing back a row it loaded through a community-filtered query, by primary key; on Citus "
     "the primary key becomes (community_id, id) and the mapper's identity carries community_id (plan, step 3)"),
]

_REFERENCE = re.compile(r'\b(FROM|JOIN|UPDATE|INTO)\s+"?(\w+)"?(?=(?:\s+(?:AS\s+)?"?(\w+))?)', re.IGNORECASE)
_NOT_ALIASES = {"WHERE", "JOIN", "ON", "LEFT", "INNER", "OUTER", "GROUP", "ORDER", "LIMIT", "SET", "VALUES",
                "RETURNING", "FOR", "UNION", "CROSS", "FULL", "RIGHT", "HAVING", "OFFSET", "SELECT", "DEFAULT"}


@dataclass
class ShardingCheck:
    distributed: set[str]
    verdicts: dict[str, list[str]] = field(default_factory=dict)
    found: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def for_metadata(cls, metadata: sa.MetaData) -> ShardingCheck:
        return cls(set(plan(metadata).distributed))

    def unfixed_tables(self, statement: str) -> list[str]:
        """The distributed tables `statement` touches without naming their community (cached: shapes repeat)."""
        if statement not in self.verdicts:
            self.verdicts[statement] = [name for name in self._unfixed(statement) if not _excused(name, statement)]
        return self.verdicts[statement]

    def _unfixed(self, statement: str):
        for keyword, name, alias in _REFERENCE.findall(statement):
            if name not in self.distributed:
                continue
            if keyword.upper() == "INTO":
                if "community_id" not in statement.partition("VALUES")[0].partition("SELECT")[0]:
                    yield name
                continue
            reference = alias if alias and alias.upper() not in _NOT_ALIASES else name
            if not re.search(r'"?%s"?\.community_id\b' % re.escape(reference), statement):
                yield name

    def watch(self, statement: str, where: str) -> None:
        for name in self.unfixed_tables(statement):
            self.found.append((where, f"{name}: {' '.join(statement.split())[:2000]}"))


def _excused(name: str, statement: str) -> bool:
    flat = " ".join(statement.split())
    return any(table in ("*", name) and shape.search(flat) for table, shape, _why in EXCEPTIONS)
