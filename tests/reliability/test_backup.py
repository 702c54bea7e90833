"""`flask backup` while gunicorn takes writes, and `flask restore` into a fresh database."""
import sqlite3
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from neighbors import backup, create_app
from neighbors.extensions import db
from neighbors.models import User
from tests.conftest import _test_config
from tests.factories import make_community, make_user
from tests.reliability.conftest import WriteLoad, flask_command


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def phones_in(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[0] for row in connection.execute("SELECT phone FROM users WHERE phone IS NOT NULL")}


def half_written(path: Path) -> list:
    """Users without their resident role: a registration that was only partly stored."""
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT users.id FROM users LEFT JOIN role_grants ON role_grants.user_id = users.id "
            "AND role_grants.role = 'resident' WHERE role_grants.id IS NULL"
        ).fetchall()


def test_a_backup_taken_under_load_restores_every_acknowledged_registration(live_server, database_url, upload_dir,
                                                                            tmp_path):
    community = make_community()
    load = WriteLoad(live_server.url, community.id, threads=4, prefix="1371").start()
    try:
        load.wait_for(12)
        started = time.monotonic()
        acknowledged = load.acknowledged(before=started)
        result = flask_command(database_url, upload_dir, "backup", str(tmp_path / "neighbors-backup.sqlite3"))
        load.wait_for(len(load.acknowledged()) + 3)  # the server kept taking writes throughout
    finally:
        load.stop()
    assert load.errors == [], load.errors[:5]
    if not is_sqlite(database_url):
        assert result.returncode != 0 and "pg_dump" in result.stderr, result.stderr
        return
    assert result.returncode == 0, result.stderr
    assert "Backed up" in result.stdout
    fresh = tmp_path / "fresh" / "restored.sqlite3"
    fresh_url = "sqlite:///" + str(fresh)
    restored = flask_command(fresh_url, upload_dir, "restore", str(tmp_path / "neighbors-backup.sqlite3"))
    assert restored.returncode == 0, restored.stderr
    in_restore = phones_in(fresh)
    missing = sorted(set(acknowledged) - in_restore)
    assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged registrations are missing"
    assert half_written(fresh) == []
    with sqlite3.connect(fresh) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    print(f"backup under load: {len(acknowledged)} acknowledged before the backup, all restored; "
          f"{len(in_restore)} users in the backup, {len(load.acknowledged())} acknowledged in all")


@pytest.fixture
def sqlite_app(tmp_path, upload_dir):
    """An app on a SQLite file of its own (whatever database the suite runs on)."""
    url = "sqlite:///" + str(tmp_path / "live.sqlite3")
    app = create_app(_test_config(url, upload_dir))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_backup_refuses_to_overwrite_and_to_copy_onto_itself(sqlite_app, tmp_path):
    make_user(make_community())
    target = tmp_path / "copy.sqlite3"
    summary = backup.backup(target)
    assert summary.users == 1 and target.exists()
    assert not list(tmp_path.glob("*.part"))
    with pytest.raises(backup.BackupError, match="already exists"):
        backup.backup(target)
    assert backup.backup(target, force=True).users == 1
    with pytest.raises(backup.BackupError, match="another file"):
        backup.backup(tmp_path / "live.sqlite3")


def test_restore_refuses_what_is_not_a_sound_neighbors_database(sqlite_app, tmp_path):
    make_user(make_community())
    good = tmp_path / "good.sqlite3"
    backup.backup(good)
    stranger = tmp_path / "stranger.sqlite3"
    with sqlite3.connect(stranger) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    with pytest.raises(backup.BackupError, match="not a Neighbors database"):
        backup.restore(stranger, force=True)
    damaged = tmp_path / "damaged.sqlite3"
    content = bytearray(good.read_bytes())
    content[len(content) // 2:] = b"\xff" * (len(content) - len(content) // 2)
    damaged.write_bytes(bytes(content))
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.restore(damaged, force=True)
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.restore(text, force=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1, "a refused restore changed nothing"
    with pytest.raises(backup.BackupError, match="already holds data"):
        backup.restore(good)
    assert backup.restore(good, force=True).users == 1


def test_postgresql_is_sent_to_pg_dump(upload_dir):
    app = create_app(_test_config("postgresql+psycopg://postgres@127.0.0.1:5432/nowhere", upload_dir))
    with app.app_context():
        for command in (lambda: backup.backup(Path("x.sqlite3")), lambda: backup.restore(Path(__file__))):
            with pytest.raises(backup.BackupError, match="pg_dump"):
                command()
