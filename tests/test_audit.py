"""The audit log is append-only, in the ORM and in the database itself."""
import pytest
import sqlalchemy as sa

from neighbors import audit
from neighbors.audit import AuditLogIsAppendOnly
from neighbors.extensions import db
from neighbors.models import AuditEntry
from tests.factories import make_community, make_user


def make_entry():
    community = make_community()
    staff = make_user(community, "staff")
    entry = audit.record(staff, "role.granted", staff, community_id=community.id, after={"roles": ["staff"]})
    db.session.commit()
    return entry


def test_an_entry_cannot_be_edited_through_the_orm(app):
    entry = make_entry()
    entry.action = "something.else"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(AuditEntry.action)) == "role.granted"


def test_an_entry_cannot_be_deleted_through_the_orm(app):
    entry = make_entry()
    db.session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 1
