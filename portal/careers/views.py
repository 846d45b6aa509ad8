"""Ma carrière: the career summary, year by year, its history, confirmations, checks and the PDF relevé."""

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for

from portal import clock
from portal.auth.decorators import assure_required
from portal.careers import checks, queries, services
from portal.careers.exceptions import YearNotConfirmable
from portal.careers.models import Assure
from portal.careers.timeline import build_timeline
from portal.db import utcnow
from portal.forms import EmptyForm
from portal.intake import queries as intake_queries
from portal.representation import context as acting_context
from portal.representation import permissions as representation_permissions
from portal.representation.decorators import requires
from portal.representation.permissions import Action
from portal.signalements import queries as signalements_queries

bp = Blueprint("careers", __name__)


def _career_context(assure: Assure) -> tuple[queries.CareerView, dict[str, object]]:
    career = queries.get_career(assure)
    versions_by_year: dict[int, set[int]] = {}
    for year in career.years:
        versions_by_year[year.year] = {period.id for period in year.periods}
    return career, {
        "career": career,
        "version_counts": queries.count_versions_by_period(assure.id),
        "confirmations": queries.list_valid_confirmations(assure.id, versions_by_year),
        "open_requests": signalements_queries.list_open_by_period(assure.id),
        # Periods for which a declaration received since waits for a technician (portal/intake).
        "declarations_checked": {conflict.period_id for conflict in intake_queries.open_for_assure(assure.id)},
    }


@bp.get("/ma-carriere")
@assure_required
def show_career():
    """The whole career: summary, timeline, then each year with its periods."""
    career, context = _career_context(acting_context.subject())
    findings = checks.examine(
        career,
        birth_date=acting_context.subject().birth_date,
        sex=acting_context.subject().sex,
        children_birth_years=queries.list_children_birth_years(acting_context.subject_id()),
        today=clock.today(),
    )
    # The person's own page says who may act for them, and where to see what they did.
    representatives = []
    if acting_context.acting() is None:
        representatives = representation_permissions.mandates_in_force(acting_context.subject_id(), clock.today())
    return render_template(
        "careers/career.html",
        timeline=build_timeline(career),
        findings=findings,
        form=EmptyForm(),
        representatives=representatives,
        **context,
    )


@bp.get("/ma-carriere/periodes/<int:period_id>")
@assure_required
def show_period(period_id: int):
    """Every version of one period, oldest first: what was declared, what was corrected, by whom."""
    assure_id = acting_context.subject_id()
    assert assure_id is not None  # assure_required: the space is an assuré's
    period = queries.get_period_for_assure(period_id, assure_id)
    if period is None:
        abort(404)
    return render_template("careers/period.html", period=period)


@bp.post("/ma-carriere/confirmer")
@assure_required
@requires(Action.CONFIRM)
def confirm_year():
    """The person confirms that a year is right."""
    form = EmptyForm()
    year = request.form.get("annee", "")
    if not form.validate_on_submit() or not year.isdigit():
        abort(400)
    try:
        services.confirm_year(acting_context.subject(), actor=acting_context.actor(), year=int(year))
    except YearNotConfirmable as error:
        flash(error.message, "warning")
    else:
        flash(f"Merci : vous avez confirmé l'année {year}.", "success")
    return redirect(url_for("careers.show_career") + f"#annee-{year}", 303)


@bp.get("/ma-carriere/a-verifier")
@assure_required
def show_checks():
    """What deserves a look in the career, each with its reason and a pre-filled signalement."""
    assure = acting_context.subject()
    career = queries.get_career(assure)
    findings = checks.examine(
        career,
        birth_date=assure.birth_date,
        sex=assure.sex,
        children_birth_years=queries.list_children_birth_years(assure.id),
        today=clock.today(),
    )
    return render_template("careers/checks.html", findings=findings, career=career)


@bp.get("/ma-carriere/releve.pdf")
@assure_required
def download_releve():
    """The relevé de carrière as a PDF, with the same content as the page."""
    career = queries.get_career(acting_context.subject())
    # Imported here: WeasyPrint takes about 3 s and 20 MB to load; only a process that renders a relevé pays for it.
    from portal.careers.releve import render_releve_pdf

    pdf = render_releve_pdf(
        career, generated_at=utcnow(), version_counts=queries.count_versions_by_period(acting_context.subject_id())
    )
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    filename = f"releve-de-carriere-{clock.today():%Y-%m-%d}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
