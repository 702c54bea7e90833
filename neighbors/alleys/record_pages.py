"""The lists of shifts and of problem reports, on the alleys blueprint: what is coming and what is open; or, for a
year or a month (`?year=2026`, `?month=2026-05`: where a staff report's alley figure leads), the shifts held and
the problems reported in it, with what they add up to."""
from flask import request
from flask_login import current_user

from ..clock import local_today
from ..errors import DomainError
from ..security import login_required
from ..web import RecordsAsked, records_asked, refuse, render
from . import services
from .policy import officer_department
from .views import _guard, _shifts_context, bp, now


def _asked() -> RecordsAsked | None:
    """The records asked for, once the reader may see that community's patrols; None when no period was asked."""
    asked = records_asked(local_today())
    if asked is not None and asked.community_id == current_user.community_id:
        _guard("see_patrols")
    elif asked is not None:
        _guard("manage_community", asked.community_id)
    return asked


@bp.get("/shifts")
@login_required
def shifts():
    try:
        asked = _asked()
    except DomainError as error:
        return refuse(error)
    if asked is not None:
        return render("alleys/shifts.html",
                      held=services.held_shifts(asked.community_id, asked.period, now(), asked.page))
    return render("alleys/shifts.html", **_shifts_context())


@bp.get("/findings")
@login_required
def findings():
    try:
        asked = _asked()
    except DomainError as error:
        return refuse(error)
    if asked is not None:
        return render("alleys/findings.html", reported=services.reported_findings(
            asked.community_id, asked.period, request.args.get("show") == "fixed", asked.page))
    show = request.args.get("show", "open")
    if show not in ("open", "mine", "department", "all"):
        show = "open"
    moment = now()
    return render("alleys/findings.html", findings=services.findings_for(current_user, moment, show=show),
                  show=show, now=moment, department=officer_department(current_user))
