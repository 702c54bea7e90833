from flask import Blueprint, render_template

from ..security import login_required

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/")
@login_required
def queue():
    return render_template("staff/queue.html")
