"""Bulk writing: rows buffered per table and written by PostgreSQL `COPY` or SQLite executemany, with ids
handed out before anything is written."""
from __future__ import annotations

import json
from collections import defaultdict

import sqlalchemy as sa

from ..extensions import db


class Writer:
    """Buffers rows per table and writes them in bulk, filling NOT NULL columns from their defaults."""

    def __init__(self, batch_rows: int = 20_000):
        self.batch_rows = batch_rows
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.postgres = db.engine.dialect.name == "postgresql"
        self.written: dict[str, int] = defaultdict(int)
        self._fillers: dict[tuple[str, frozenset], list] = {}

    def add(self, table: str, **row) -> None:
        self.rows[table].append(row)

    def flush(self) -> None:
        """Write everything buffered, parents before children (the metadata's foreign-key order)."""
        for table in db.metadata.sorted_tables:
            rows = self.rows.pop(table.name, [])
            for start in range(0, len(rows), self.batch_rows):
                self._write(table, rows[start:start + self.batch_rows])
            if rows:
                self.written[table.name] += len(rows)
        if self.rows:
            raise RuntimeError(f"bench data for unknown tables: {sorted(self.rows)}")
        db.session.commit()

    def _fill(self, table: sa.Table, given: frozenset) -> list[tuple[str, object]]:
        key = (table.name, given)
        if key not in self._fillers:
            fillers = []
            for column in table.columns:
                if column.name in given:
                    continue
                default = column.default
                if default is not None and default.is_scalar:
                    fillers.append((column.name, default.arg))
                elif default is not None and default.is_callable:
                    fillers.append((column.name, default.arg(None)))
                elif not column.nullable and not column.primary_key:
                    raise RuntimeError(f"bench data gives no value for {table.name}.{column.name}")
            self._fillers[key] = fillers
        return self._fillers[key]

    def _write(self, table: sa.Table, rows: list[dict]) -> None:
        if not rows:
            return
        fillers = self._fill(table, frozenset(rows[0]))
        if fillers:
            for row in rows:
                for name, value in fillers:
                    row.setdefault(name, value)
        if not self.postgres:
            db.session.execute(table.insert(), rows)
            return
        columns = list(rows[0])
        json_columns = {c.name for c in table.columns if isinstance(c.type, sa.JSON)}
        raw = db.session.connection().connection.dbapi_connection
        quoted = ", ".join(f'"{name}"' for name in columns)
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([json.dumps(row[c], ensure_ascii=False) if c in json_columns else row[c]
                                for c in columns])


class Ids:
    """Primary keys handed out here, so children can point at parents before anything is written."""

    def __init__(self):
        self.next: dict[str, int] = defaultdict(lambda: 1)

    def __call__(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value
