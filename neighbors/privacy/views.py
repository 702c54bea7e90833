"""A person's information: the page and the download (for them, their carer or staff), and staff's erasure."""
from flask import Blueprint, Response, request
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import to_local, utcnow
from ..errors import DomainError
from ..security import login_required
from ..web import refuse, render, submit, then
from . import services
from .forms import EraseForm
from .policy import policy

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


@bp.context_processor
def privacy_policy():
    return {"may": policy.for_templates(current_user)}


@bp.get("/<int:user_id>")
@login_required
def person(user_id: int):
    try:
        report = services.personal_report(current_user, user_id, utcnow())
    except DomainError as error:
        return refuse(error)
    return render("privacy/person.html", report=report, sections=services.translated(report))


@bp.get("/<int:user_id>/download")
@login_required
def download(user_id: int):
    wanted = request.args.get("format", "xlsx")
    try:
        report = services.personal_report(current_user, user_id, utcnow(), export=wanted)
    except DomainError as error:
        return refuse(error)
    stamp = to_local(report.generated_at).strftime("%Y%m%d")
    if wanted == "json":
        body, mimetype = services.as_json(report), "application/json"
    else:
        body, mimetype = services.as_xlsx(report), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="personal-data-{report.person.id}-{stamp}.{wanted}"'})


@bp.route("/<int:user_id>/erase", methods=["GET", "POST"])
@login_required
def erase(user_id: int):
    try:
        person = services.person_for(current_user, user_id, "erase")
    except DomainError as error:
        return refuse(error)
    form = EraseForm()
    if request.method == "GET":
        return render("privacy/erase.html", form=form, person=person)
    return submit(form, lambda: services.erase_person(current_user, user_id, utcnow()),
                  done=then(_("The person's information has been erased."), "privacy.person", user_id=user_id),
                  template="privacy/erase.html", context={"person": person})
