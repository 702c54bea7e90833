"""The lists of shifts and of problem reports, on the alleys blueprint: what is coming and what is open; or, for a
year or a month (`?year=2026`, `?month=2026-05`: where a staff report's alley figure leads), the shifts held and
the problems reported in it, with what they add up to."""
from flask import request
from flask_login import current_user

from ..clock import local_today
from ..errors import DomainError
from ..periods import parse_period
from ..security import login_required
from ..web import refuse, render
from . import services
from .policy import officer_department
from .views import _guard, _shifts_context, bp, now


def _period() -> tuple:
    """The period asked for and the community (`?community=`, the reader's own by default), once the reader may
    see its patrols; None when no period was asked for."""
    period = parse_period(request.args.get("year"), request.args.get("month"), local_today())
    community_id = request.args.get("community", current_user.community_id, type=int)
    if period is not None and community_id == current_user.community_id:
        _guard("see_patrols")
    elif period is not None:
        _guard("manage_community", community_id)
    return period, community_id


@bp.get("/shifts")
@login_required
def shifts():
    try:
        period, community_id = _period()
    except DomainError as error:
        return refuse(error)
    if period is not None:
        return render("alleys/shifts.html", held=services.held_shifts(
            community_id, period, now(), request.args.get("page", 1, type=int)))
    return render("alleys/shifts.html", **_shifts_context())


@bp.get("/findings")
@login_required
def findings():
    try:
        period, community_id = _period()
    except DomainError as error:
        return refuse(error)
    if period is not None:
        return render("alleys/findings.html", reported=services.reported_findings(
            community_id, period, request.args.get("show") == "fixed", request.args.get("page", 1, type=int)))
    show = request.args.get("show", "open")
    if show not in ("open", "mine", "department", "all"):
        show = "open"
    moment = now()
    return render("alleys/findings.html", findings=services.findings_for(current_user, moment, show=show),
                  show=show, now=moment, department=officer_department(current_user))
