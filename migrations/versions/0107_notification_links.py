"""notifications: the link is an endpoint and its arguments, built when shown, instead of a stored path

A renamed route silently broke every old notification that stored its path. Each stored path is matched
against the app's routes once, here; one that matches no route keeps no link (its text is still shown).

Revision ID: 0107_notification_links
Revises: 0106_shift_list_index
"""
import json

import sqlalchemy as sa
from alembic import op
from flask import current_app
from werkzeug.exceptions import HTTPException

revision = "0107_notification_links"
down_revision = "0106_shift_list_index"
branch_labels = None
depends_on = None


def _endpoint_of(path: str) -> tuple[str, dict]:
    path, _, anchor = (path or "").partition("#")
    if not path:
        return "", {}
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(path, method="GET")
    except (HTTPException, RuntimeError):
        return "", {}
    if anchor:
        args["_anchor"] = anchor
    return endpoint, args


def upgrade():
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("endpoint", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("link_args", sa.JSON(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, link FROM notifications WHERE link <> ''")).fetchall()
    for row_id, link in rows:
        endpoint, args = _endpoint_of(link)
        connection.execute(sa.text("UPDATE notifications SET endpoint = :e, link_args = :a WHERE id = :i"),
                           {"e": endpoint, "a": json.dumps(args), "i": row_id})
    connection.execute(sa.text("UPDATE notifications SET link_args = '{}' WHERE link_args IS NULL"))
    with op.batch_alter_table("notifications") as batch:
        batch.alter_column("link_args", existing_type=sa.JSON(), nullable=False)
        batch.drop_column("link")


def downgrade():
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("link", sa.String(300), nullable=False, server_default=""))
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, endpoint, link_args FROM notifications WHERE endpoint <> ''"))
    with current_app.test_request_context():
        from flask import url_for

        for row_id, endpoint, args in rows.fetchall():
            args = json.loads(args) if isinstance(args, str) else dict(args or {})
            anchor = args.pop("_anchor", None)
            try:
                link = url_for(endpoint, _anchor=anchor, **args)
            except Exception:  # a route that no longer exists: no link
                link = ""
            connection.execute(sa.text("UPDATE notifications SET link = :l WHERE id = :i"), {"l": link, "i": row_id})
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("endpoint")
        batch.drop_column("link_args")
