"""The plan for sharding by community on a distributed PostgreSQL (Citus), derived from the models.

Every table with a `community_id` is distributed by it, co-located with the others, except the few named here;
those and the district-wide tables (without a community) are reference tables, replicated to every node. Citus asks that a distributed table's primary key, unique constraints and
foreign keys to other distributed tables include the distribution column; `plan()` lists, for the schema as it
is, what has to change and the statements that would distribute it. `flask --app neighbors sharding-plan`
prints it; tests/test_sharding.py checks it stays complete, and tests/sharding.py checks that what the requests
ask of the database names its community.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

REFERENCE_TABLES = {
    "users": "a person signs in by phone before anyone knows their community, and may move to another one",
    "role_grants": "read with the signed-in user on every page, in the same statement",
    "buildings": "users point at their building, and a reference table may only point at reference tables",
}


@dataclass
class ShardingPlan:
    distributed: list[str]
    reference: list[str]
    not_null: list[str] = field(default_factory=list)
    primary_keys: list[str] = field(default_factory=list)
    unique_constraints: list[str] = field(default_factory=list)
    foreign_keys: list[str] = field(default_factory=list)

    def statements(self) -> list[str]:
        lines = [f"SELECT create_reference_table('{name}');" for name in self.reference]
        first, *rest = self.distributed
        lines.append(f"SELECT create_distributed_table('{first}', 'community_id');")
        lines += [f"SELECT create_distributed_table('{name}', 'community_id', colocate_with => '{first}');"
                  for name in rest]
        return lines


def plan(metadata: sa.MetaData) -> ShardingPlan:
    tables = metadata.sorted_tables
    distributed = [t for t in tables if "community_id" in t.c and t.name not in REFERENCE_TABLES]
    result = ShardingPlan(distributed=[t.name for t in distributed],
                          reference=[t.name for t in tables if t not in distributed])
    names = set(result.distributed)
    for table in distributed:
        if table.c.community_id.nullable:
            result.not_null.append(f"{table.name}: rows without a community (the district's own) move to a "
                                   f"reference table of their own; community_id becomes NOT NULL")
        if "community_id" not in table.primary_key.columns:
            result.primary_keys.append(f"{table.name}: ({', '.join(table.primary_key.columns.keys())}) "
                                       f"becomes (community_id, {', '.join(table.primary_key.columns.keys())})")
        for columns in _unique_column_sets(table):
            if "community_id" not in columns:
                result.unique_constraints.append(f"{table.name}: unique ({', '.join(columns)}) "
                                                 f"becomes (community_id, {', '.join(columns)})")
        for key in table.foreign_key_constraints:
            if key.referred_table.name in names and "community_id" not in key.columns.keys():
                result.foreign_keys.append(
                    f"{table.name} ({', '.join(key.columns.keys())}) -> {key.referred_table.name}: "
                    f"(community_id, {', '.join(key.columns.keys())}) -> {key.referred_table.name} (community_id, id)")
    return result


def _unique_column_sets(table: sa.Table) -> list[list[str]]:
    sets = [c.columns.keys() for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
    sets += [i.columns.keys() for i in table.indexes if i.unique]
    sets += [[column.name] for column in table.columns if column.unique]
    return sets
