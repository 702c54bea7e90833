from flask import Blueprint, render_template

from ..security import login_required

bp = Blueprint("alleys", __name__, url_prefix="/alleys")


@bp.get("/")
@login_required
def index():
    return render_template("alleys/index.html")
