"""The start page every signed-in staff member lands on."""

from flask import Blueprint, render_template

from core.access import ALL_STAFF, staff

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.route("/")
@staff(*ALL_STAFF)
def index():
    """The staff start page, with what each role can do."""
    return render_template("staff/index.html")
