from flask import Blueprint, render_template

from ..security import login_required

bp = Blueprint("mutualaid", __name__, url_prefix="/aid")


@bp.get("/")
@login_required
def board():
    return render_template("mutualaid/board.html")
