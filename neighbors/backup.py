"""Backups of a SQLite database while the app keeps running, and restoring one.

SQLite's online backup API copies a consistent snapshot even while gunicorn writes: the
copy is made in one step inside a read transaction, so it holds every transaction that had
committed when the copy began and none that had not. PostgreSQL has its own tools
(`pg_dump` / `pg_restore`, see the README); these commands refuse it rather than pretend.
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.engine import make_url

POSTGRES_ADVICE = (
    "This database is PostgreSQL: back it up with pg_dump (e.g. pg_dump -Fc -f neighbors.dump DBNAME) "
    "and restore with pg_restore, as the README describes."
)
REQUIRED_TABLES = {"communities", "users", "role_grants"}


class BackupError(click.ClickException):
    pass


@dataclass(frozen=True)
class Summary:
    path: Path
    tables: int
    users: int


def sqlite_path() -> Path:
    """The configured database file, or BackupError when the database is not a SQLite file."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql":
        raise BackupError(POSTGRES_ADVICE)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        raise BackupError(f"Backups work for a SQLite database file or PostgreSQL, not {url.get_backend_name()}.")
    return Path(url.database).resolve()


def _connect(path: Path, mode: str = "rw") -> sqlite3.Connection:
    connection = sqlite3.connect(f"{path.as_uri()}?mode={mode}", uri=True, timeout=30)
    connection.execute("PRAGMA busy_timeout = 30000")
    return connection


def _check(connection: sqlite3.Connection, what: str) -> tuple[int, int]:
    """(tables, users) of a sound Neighbors database, or BackupError."""
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{what} is damaged or not a database: {error}") from None
    if result != "ok":
        raise BackupError(f"{what} is damaged: {result}")
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not REQUIRED_TABLES <= tables:
        raise BackupError(f"{what} is not a Neighbors database (no {', '.join(sorted(REQUIRED_TABLES - tables))}).")
    return len(tables), connection.execute("SELECT count(*) FROM users").fetchone()[0]


def backup(target: Path, force: bool = False) -> Summary:
    """Copy the live database to `target` (a new file unless `force`), then check the copy."""
    source_path = sqlite_path()
    target = Path(target).resolve()
    if target == source_path:
        raise BackupError("The backup must go to another file than the database itself.")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists; choose a new name or use --force.")
    if not source_path.exists():
        raise BackupError(f"There is no database at {source_path}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    source = _connect(source_path)  # read and write, so a WAL database's shared memory can be used
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)  # pages=-1: the whole database in one step, a single consistent snapshot
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        tables, users = _check(copy, "The backup")
    except BaseException:
        copy.close()
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    copy.close()
    os.replace(partial, target)
    return Summary(path=target, tables=tables, users=users)


def _has_data(connection: sqlite3.Connection) -> bool:
    tables = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
    )]
    # names come from sqlite_master, not from a user
    return any(connection.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone() for name in tables)  # nosec B608


def restore(source: Path, force: bool = False) -> Summary:
    """Replace the configured database with a backup. Stop the app first; a database that
    holds data is only overwritten with `force`."""
    target_path = sqlite_path()
    source = Path(source).resolve()
    if not source.is_file():
        raise BackupError(f"There is no backup at {source}.")
    if source == target_path:
        raise BackupError("That file is the database itself.")
    backup_copy = _connect(source, "ro")
    try:
        _check(backup_copy, "The backup")
        target_path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(target_path, timeout=30)
        try:
            if _has_data(target) and not force:
                raise BackupError(f"{target_path} already holds data; use --force to overwrite it with the backup.")
            backup_copy.backup(target)
            tables, users = _check(target, "The restored database")
        finally:
            target.close()
    finally:
        backup_copy.close()
    return Summary(path=target_path, tables=tables, users=users)


def register(app) -> None:
    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
    def backup_command(path: Path, force: bool):
        """Copy the SQLite database to PATH while the app keeps running (PostgreSQL: use pg_dump)."""
        summary = backup(path, force=force)
        click.echo(f"Backed up {summary.tables} tables ({summary.users} users) to {summary.path}.")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Overwrite a database that already holds data.")
    def restore_command(path: Path, force: bool):
        """Replace the SQLite database with the backup at PATH. Stop the app first."""
        summary = restore(path, force=force)
        click.echo(f"Restored {summary.tables} tables ({summary.users} users) into {summary.path}.")
