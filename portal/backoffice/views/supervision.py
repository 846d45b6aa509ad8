"""The superviseurs' dashboard (figures computed in portal.backoffice.dashboard), and its tables as CSV."""

import csv
import io
from decimal import Decimal

from flask import render_template, send_file
from flask_login import current_user

from portal import clock
from portal.agents import permissions
from portal.backoffice import dashboard
from portal.backoffice.views import bp
from portal.backoffice.views._common import role_required


@bp.get("/tableau-de-bord")
@role_required(permissions.can_see_dashboard)
def show_dashboard():
    """Stock by state and age, weekly flows, share decided in time, overdue, workload by agent."""
    figures = dashboard.compute(current_user, today=clock.today())
    return render_template("backoffice/dashboard.html", figures=figures)


# A cell starting with one of these is read as a formula by spreadsheet software (OWASP, CSV injection): an agent's
# name or a label typed somewhere could then run a formula on the superviseur's computer.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A value as a CSV cell that no spreadsheet will evaluate: text starting like a formula gets a leading single
    quote. Numbers are written as they are (a negative count is not a formula)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


@bp.get("/tableau-de-bord.csv")
@role_required(permissions.can_see_dashboard)
def export_dashboard():
    """The dashboard's tables as CSV (semicolons, UTF-8 with BOM: what spreadsheet software in French expects)."""
    figures = dashboard.compute(current_user, today=clock.today())
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for table in figures.tables():
        writer.writerow([csv_cell(table.title)])
        writer.writerow([csv_cell(cell) for cell in table.header])
        writer.writerows([csv_cell(cell) for cell in row] for row in table.rows)
        writer.writerow([])
    data = io.BytesIO(("\ufeff" + buffer.getvalue()).encode())
    return send_file(data, mimetype="text/csv", as_attachment=True, download_name="tableau-de-bord.csv")
