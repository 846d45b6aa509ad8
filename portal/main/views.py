"""Public pages."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from portal.forms import EmptyForm
from portal.paths import ROOT_DIR
from portal.security import safe_next_path

bp = Blueprint("main", __name__)

# The DSFR comes from its npm package (node_modules), served with its folder structure intact because its CSS
# reaches fonts and icons by relative paths.
dsfr = Blueprint(
    "dsfr",
    __name__,
    static_folder=str(ROOT_DIR / "node_modules" / "@gouvfr" / "dsfr" / "dist"),
    static_url_path="/static/dsfr",
)


@bp.get("/")
def home():
    """Home page with the FranceConnect button."""
    if current_user.is_authenticated and current_user.assure_id is not None and not request.args.get("next"):
        return redirect(url_for("careers.show_career"), 303)
    return render_template("main/home.html", form=EmptyForm(), next_path=safe_next_path(request.args.get("next")))


@bp.get("/mentions-legales")
def legal_notice():
    """Mentions légales."""
    return render_template("main/legal_notice.html")


@bp.get("/accessibilite")
def accessibility():
    """Accessibility statement (RGAA)."""
    return render_template("main/accessibility.html")


@bp.get("/donnees-personnelles")
def personal_data():
    """How personal data is processed (RGPD)."""
    return render_template("main/personal_data.html")


@bp.get("/sante")
def health():
    """Liveness probe for the load balancer: no database access, no personal data."""
    return {"status": "ok"}
