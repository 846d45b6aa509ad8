"""Ma carrière: the career summary, year by year, and the history of a period."""

from flask import Blueprint, abort, render_template
from flask_login import current_user

from portal.auth.decorators import assure_required
from portal.careers import queries
from portal.careers.timeline import build_timeline

bp = Blueprint("careers", __name__)


@bp.get("/ma-carriere")
@assure_required
def show_career():
    """The whole career: summary, timeline, then each year with its periods."""
    assure = current_user.assure
    career = queries.get_career(assure)
    return render_template(
        "careers/career.html",
        career=career,
        timeline=build_timeline(career),
        version_counts=queries.count_versions_by_period(assure.id),
    )


@bp.get("/ma-carriere/periodes/<int:period_id>")
@assure_required
def show_period(period_id: int):
    """Every version of one period, oldest first: what was declared, what was corrected, by whom."""
    period = queries.get_period_for_assure(period_id, current_user.assure_id)
    if period is None:
        abort(404)
    return render_template("careers/period.html", period=period)
