from flask import Blueprint, render_template

from ..security import login_required

bp = Blueprint("kitchen", __name__, url_prefix="/kitchen")


@bp.get("/")
@login_required
def menu():
    return render_template("kitchen/menu.html")
