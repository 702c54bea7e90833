"""The audit log: one function writes it; the ORM refuses to change or delete a row."""
from typing import Any

from sqlalchemy import event

from .clock import utcnow
from .extensions import db
from .models import AuditEntry, User


class AuditLogIsAppendOnly(RuntimeError):
    pass


def record(
    actor: User | None,
    action: str,
    target: Any,
    *,
    community_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
    subject: User | None = None,
    reason: str = "",
    now=None,
) -> AuditEntry:
    entry = AuditEntry(
        community_id=community_id,
        actor_id=actor.id if actor else None,
        action=action,
        target_type=type(target).__name__ if not isinstance(target, str) else target,
        target_id=getattr(target, "id", None),
        subject_user_id=subject.id if subject else None,
        before=before,
        after=after,
        reason=reason,
        created_at=now or utcnow(),
    )
    db.session.add(entry)
    return entry


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper, _connection, _target):
    raise AuditLogIsAppendOnly("audit entries cannot be changed")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper, _connection, _target):
    raise AuditLogIsAppendOnly("audit entries cannot be deleted")
