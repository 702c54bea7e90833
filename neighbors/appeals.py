"""Appeals against hidden content: the author asks staff to look again; staff uphold or reinstate.

Modules plug in through their hooks (neighbors/registry.py): each names, for a kind of record ("mutualaid.request"),
how to read the record (community, who wrote it, whether and why it is hidden), how to describe
records for the work queue, and how to reinstate one through its own rules. This module never
imports a module's internals, and staff read appeals only through `open_appeals`/`staff_queue`.
"""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice

from . import audit
from .clock import utcnow
from .database import UTCDateTime, begin_write
from .errors import N_, DomainError, InvalidInput, NotAllowed, NotFound
from .extensions import db
from .forms import show_error
from .links import NO_LINK, Link
from .models import Role, User
from .registry import AppealKind, HiddenRecord, installed
from .notifications import notify
from .security import login_required, role_required
from .workqueue import QueueItem

MAX_TEXT = 500
MAX_REASON = 300


class AppealState(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # staff keep the record hidden
    REINSTATED = "reinstated"  # staff show the record again


class Appeal(db.Model):
    """An author's request to show a hidden record again, and staff's decision on it."""

    __tablename__ = "appeals"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    record_id: Mapped[int] = mapped_column()
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(sa.String(MAX_TEXT))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[str] = mapped_column(sa.String(12), default=AppealState.OPEN)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str] = mapped_column(sa.String(MAX_REASON), default="")

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    __table_args__ = (
        sa.CheckConstraint("state IN ('open','upheld','reinstated')", name="known_state"),
        sa.CheckConstraint("state = 'open' OR decided_at IS NOT NULL", name="decided_has_time"),
        sa.Index("ix_appeals_record", "kind", "record_id"),
        # One open appeal per record: a double submit or two tabs cannot make a second.
        sa.Index("uq_appeals_one_open", "kind", "record_id", unique=True,
                 sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'")),
    )

    @property
    def is_open(self) -> bool:
        return self.state == AppealState.OPEN


def _kind(kind: str) -> AppealKind:
    found = installed().appeal_kind(kind)
    if found is None:
        raise NotFound(N_("That record was not found."))
    return found


# --- services -------------------------------------------------------------------------------

class AppealConflict(DomainError):
    status = 409


def _clean_text(text: str, limit: int, empty: str, too_long: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(empty, field=field)
    if len(text) > limit:
        raise InvalidInput(too_long, field=field, limit=limit)
    return text


def file_appeal(actor: User, kind: str, record_id: int, text: str, now: datetime) -> Appeal:
    """The author of a hidden record asks staff to look again; one open appeal per record."""
    try:
        begin_write()
        record = _kind(kind).check(int(record_id))
        if record is None or (record.community_id != actor.community_id and not actor.is_admin):
            raise NotFound(N_("That record was not found."))
        if actor.id not in record.author_ids:
            raise NotAllowed(N_("Only the author can appeal."))
        if not record.hidden:
            raise AppealConflict(N_("This is not hidden, so there is nothing to appeal."))
        text = _clean_text(text, MAX_TEXT, N_("Say why it should be shown again."),
                           N_("The appeal can have at most %(limit)s characters."), "text")
        if _open_appeal(kind, int(record_id)) is not None:
            raise AppealConflict(N_("An appeal about this is already waiting for staff."))
        appeal = Appeal(community_id=record.community_id, kind=kind, record_id=int(record_id), author_id=actor.id,
                        text=text, created_at=now, state=AppealState.OPEN)
        db.session.add(appeal)
        db.session.flush()
        audit.record(actor, "appeal.filed", appeal, community_id=record.community_id, subject=actor,
                     after={"kind": kind, "record_id": int(record_id)}, reason=text, now=now)
        db.session.commit()
        return appeal
    except IntegrityError:  # the same appeal sent twice at once: the unique index kept one
        db.session.rollback()
        raise AppealConflict(N_("An appeal about this is already waiting for staff.")) from None
    except BaseException:
        db.session.rollback()
        raise


def decide_appeal(actor: User, appeal_id: int, reinstate: bool, reason: str, now: datetime) -> Appeal:
    """Staff of the record's community decide once: reinstate (shown again) or uphold (stays hidden)."""
    try:
        reason = _clean_text(reason, MAX_REASON, N_("Write down the reason for the decision."),
                             N_("The reason can have at most %(limit)s characters."), "reason")
        begin_write()
        appeal = db.session.scalar(sa.select(Appeal).where(Appeal.id == appeal_id).with_for_update()
                                   .execution_options(populate_existing=True))
        if appeal is None or not actor.is_staff_of(appeal.community_id):
            raise NotFound(N_("That appeal was not found."))
        if not appeal.is_open:
            raise AppealConflict(N_("This appeal has already been decided."))
        if reinstate:
            _kind(appeal.kind).reinstate(actor, appeal.record_id, now)
        appeal.state = AppealState.REINSTATED if reinstate else AppealState.UPHELD
        appeal.decided_by_id, appeal.decided_at, appeal.decision_reason = actor.id, now, reason
        audit.record(actor, "appeal.reinstated" if reinstate else "appeal.upheld", appeal,
                     community_id=appeal.community_id, subject=appeal.author,
                     before={"state": "open"}, after={"state": str(appeal.state), "kind": appeal.kind,
                                                      "record_id": appeal.record_id}, reason=reason, now=now)
        title, link = _kind(appeal.kind).describe(appeal.community_id, [appeal.record_id]).get(
            appeal.record_id, ("", NO_LINK))
        message = (N_("Your appeal was accepted: %(title)s is shown again. %(reason)s") if reinstate
                   else N_("Your appeal was not accepted: %(title)s stays hidden. Reason: %(reason)s"))
        notify(appeal.author, message, link=link, now=now, title=title, reason=reason)
        db.session.flush()
        db.session.commit()
        return appeal
    except BaseException:
        db.session.rollback()
        raise


def _open_appeal(kind: str, record_id: int) -> Appeal | None:
    return db.session.scalar(sa.select(Appeal).where(Appeal.kind == kind, Appeal.record_id == record_id,
                                                     Appeal.state == AppealState.OPEN))


def latest_appeal(community_id: int, kind: str, record_id: int) -> Appeal | None:
    """The newest appeal about a record, for its page (open, or how it was decided)."""
    return db.session.scalar(
        sa.select(Appeal).where(Appeal.community_id == community_id, Appeal.kind == kind,
                                Appeal.record_id == record_id)
        .order_by(Appeal.created_at.desc(), Appeal.id.desc()).limit(1)
    )


def open_appeals(community_id: int) -> list[Appeal]:
    """The work queue's appeals: oldest first, with their authors."""
    return list(db.session.scalars(
        sa.select(Appeal).where(Appeal.community_id == community_id, Appeal.state == AppealState.OPEN)
        .options(joinedload(Appeal.author)).order_by(Appeal.created_at, Appeal.id)
    ))


def open_count(community_id: int) -> sa.ScalarSelect:
    """The number of open appeals as a subquery, so the staff menu's count adds no statement."""
    return (sa.select(sa.func.count(Appeal.id))
            .where(Appeal.community_id == community_id, Appeal.state == AppealState.OPEN).scalar_subquery())


def describe(appeals: list[Appeal]) -> dict[int, tuple[str, str]]:
    """{appeal id: (record title, link)}, one query per kind of record."""
    by_kind: dict[str, list[Appeal]] = {}
    for appeal in appeals:
        by_kind.setdefault(appeal.kind, []).append(appeal)
    described = {}
    for kind, listed in by_kind.items():
        found = installed().appeal_kind(kind)
        titles = found.describe(listed[0].community_id, [a.record_id for a in listed]) if found else {}
        for appeal in listed:
            described[appeal.id] = titles.get(appeal.record_id, ("", NO_LINK))
    return described


def staff_queue(community_id: int, now: datetime) -> list[QueueItem]:
    """Hidden-content appeals as work-queue items: each waits for a staff decision."""
    return [
        QueueItem(kind="appeals.hidden_content", title=N_("%(name)s appeals against hidden content"),
                  since=appeal.created_at, link=Link("appeals.index", anchor=f"appeal-{appeal.id}"), action=N_("Decide"),
                  params={"name": appeal.author.name})
        for appeal in open_appeals(community_id)
    ]


# --- pages ------------------------------------------------------------------------------------

bp = Blueprint("appeals", __name__, url_prefix="/appeals")

STATE_LABELS = {"open": _l("Waiting for staff"), "upheld": _l("Stays hidden"), "reinstated": _l("Shown again")}


class AppealForm(FlaskForm):
    kind = HiddenField()
    record = HiddenField()
    text = TextAreaField(_l("Why should it be shown again?"), render_kw={"maxlength": MAX_TEXT, "rows": 3})


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), coerce=str, validate_choice=False, default="uphold",
                          choices=[SelectChoice("reinstate", _l("Show it again")),
                                   SelectChoice("uphold", _l("Keep it hidden"))])
    reason = TextAreaField(_l("Reason for the decision"), render_kw={"maxlength": MAX_REASON, "rows": 2})


@bp.app_context_processor
def appeal_helpers():
    """What a module's page needs to show the appeal form on a hidden record of its author."""
    def appeal_form(kind: str, record_id: int) -> AppealForm:
        form = AppealForm(formdata=None, kind=kind, record=str(record_id))
        form.text.id = form.text.label.field_id = f"appeal-{kind.replace('.', '-')}-{record_id}"  # a page may list several hidden records
        return form

    return {"appeal_state_label": lambda state: str(STATE_LABELS.get(str(state), state)),
            "appeal_form": appeal_form}


def _record_or_404(kind: str, record_id: str) -> tuple[HiddenRecord, str, str]:
    if installed().appeal_kind(kind) is None or not str(record_id).isdecimal():
        abort(404)
    record = _kind(kind).check(int(record_id))
    if record is None or (record.community_id != current_user.community_id and not current_user.is_admin):
        abort(404)
    title, link = _kind(kind).describe(record.community_id, [int(record_id)]).get(int(record_id), ("", NO_LINK))
    return record, title, link


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = AppealForm()
    kind, record_id = (request.values.get("kind", ""), request.values.get("record", ""))
    record, title, link = _record_or_404(kind, record_id)
    if current_user.id not in record.author_ids:
        abort(404)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                file_appeal(current_user, kind, int(record_id), form.text.data or "", utcnow())
            except DomainError as error:
                show_error(form, error)
                status = error.status
            else:
                flash(_("Your appeal has been sent. Staff will decide and tell you."), "success")
                return redirect(link.url or url_for("views.home"), 303)
        else:
            status = 422
    return render_template("appeals/new.html", form=form, record=record, title=title, link=link,
                           appeal=latest_appeal(record.community_id, kind, int(record_id))), status


def _list_page(forms: dict[int, DecisionForm] | None = None, status: int = 200):
    community_id = current_user.community_id
    listed = open_appeals(community_id)
    decided = list(db.session.scalars(
        sa.select(Appeal).where(Appeal.community_id == community_id, Appeal.state != AppealState.OPEN)
        .options(joinedload(Appeal.author), joinedload(Appeal.decided_by))
        .order_by(Appeal.decided_at.desc(), Appeal.id.desc()).limit(20)))
    forms = forms or {}
    for appeal in listed:
        forms.setdefault(appeal.id, DecisionForm(formdata=None))
        for form_field in forms[appeal.id]:
            form_field.id = form_field.label.field_id = f"appeal-{appeal.id}-{form_field.name}"
    return render_template("appeals/list.html", appeals=listed, decided=decided, forms=forms,
                           described=describe(listed + decided)), status


@bp.get("/")
@role_required(Role.STAFF)
def index():
    if not current_user.is_staff_of(current_user.community_id):
        abort(403)
    return _list_page()


@bp.post("/<int:appeal_id>/decide")
@role_required(Role.STAFF)
def decide(appeal_id: int):
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None or not current_user.is_staff_of(appeal.community_id):
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _list_page({appeal_id: form}, 422)
    if form.decision.data not in ("reinstate", "uphold"):
        form.decision.errors = [_("Choose a decision.")]
        return _list_page({appeal_id: form}, 422)
    try:
        decide_appeal(current_user, appeal_id, form.decision.data == "reinstate", form.reason.data or "", utcnow())
    except DomainError as error:
        if error.status in (403, 404):
            abort(error.status)
        if error.field:
            show_error(form, error)
        else:
            flash(error.message, "error")
        return _list_page({appeal_id: form}, error.status)
    flash(_("The decision is saved and the author has been told."), "success")
    return redirect(url_for(".index"), 303)
