"""Login, first-login binding and logout."""

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from portal.auth import oidc, services
from portal.auth.exceptions import BindingRefused
from portal.auth.forms import BindNirForm
from portal.errors import render_error
from portal.extensions import limiter, login_manager
from portal.forms import EmptyForm
from portal.representation import queries as representation_queries
from portal.security import safe_next_path
from portal.sessions import is_backoffice_request

LOGIN_STATE_KEY = "oidc_state"
LOGOUT_STATE_KEY = "logout_state"

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def _load_user(user_id: str):
    # The agents' cookie is read only in the back-office, the citizens' only outside it (portal.sessions): an id of
    # the wrong kind here is a forged or misplaced session, and is refused.
    if is_backoffice_request():
        user = None
        if user_id.startswith("agent:"):
            user = services.load_session_agent(user_id.removeprefix("agent:"), session.get(services.SESSION_TOKEN_KEY))
    else:
        user = services.load_session_account(user_id, session.get(services.SESSION_TOKEN_KEY))
    if user is None:
        g.session_expired = True
        session.clear()
    return user


@login_manager.unauthorized_handler
def _unauthorized():
    if is_backoffice_request():
        flash("Connectez-vous avec ProConnect pour accéder à l'espace agents.", "info")
        return redirect(url_for("backoffice.login_page"), 303)
    if g.get("session_expired"):
        flash("Votre session a expiré. Reconnectez-vous avec FranceConnect pour continuer.", "info")
    else:
        flash("Connectez-vous avec FranceConnect pour accéder à cette page.", "info")
    return redirect(url_for("main.home", next=safe_next_path(request.full_path.rstrip("?"))), 303)


@bp.post("/connexion/franceconnect")
def login_franceconnect():
    """Start the FranceConnect authorization code flow."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        url, state = oidc.begin_login(
            oidc.FRANCECONNECT,
            redirect_uri=url_for("auth.franceconnect_callback", _external=True),
            next_path=safe_next_path(request.args.get("next")),
        )
    except oidc.LoginFailed as failure:
        return render_error(503, "Connexion impossible", failure.message)
    session[LOGIN_STATE_KEY] = state
    return redirect(url, 303)


@bp.get("/connexion/franceconnect/retour")
@limiter.limit("30 per minute")
def franceconnect_callback():
    """FranceConnect's redirect back: verify everything, then open a fresh session."""
    expected_state = session.pop(LOGIN_STATE_KEY, None)
    try:
        login = oidc.complete_login(
            oidc.FRANCECONNECT,
            params=request.args.to_dict(),
            redirect_uri=url_for("auth.franceconnect_callback", _external=True),
            expected_state=expected_state,
        )
    except oidc.LoginFailed as failure:
        current_app.logger.warning("FranceConnect login refused: %s", failure.reason)
        services.audit_refused_login(oidc.FRANCECONNECT, failure.reason)
        status = 503 if failure.reason == "provider_unreachable" else 401
        return render_template("auth/login_failed.html", message=failure.message), status

    account = services.record_login(login)
    # A new session at login: nothing set before authentication survives it, and clearing it also gives it a new
    # token, the row of the old one being deleted (session fixation; portal.sessions).
    services.end_session(session.get(services.SESSION_TOKEN_KEY))
    session.clear()
    session.permanent = True
    session[services.SESSION_TOKEN_KEY] = services.open_session(
        account, provider=login.provider, id_token=login.id_token
    )
    login_user(account)
    if account.assure_id is None and not representation_queries.is_representative(account):
        return redirect(url_for("auth.bind_nir", next=login.next_path), 303)
    if account.assure_id is None:
        # A representative the fund does not know: their space is the people they protect.
        flash(f"Bonjour {account.display_name}, vous êtes connecté.", "success")
        return redirect(login.next_path or url_for("representation.list_mandates"), 303)
    flash(f"Bonjour {account.display_name}, vous êtes connecté.", "success")
    return redirect(login.next_path or url_for("careers.show_career"), 303)


@bp.route("/premiere-connexion", methods=["GET", "POST"])
@login_required
@limiter.limit(
    lambda: current_app.config["NIR_BINDING_RATE_LIMIT"], methods=["POST"], key_func=lambda: str(current_user.get_id())
)
def bind_nir():
    """First login: the person gives their NIR, checked against the identité pivot."""
    if current_user.assure_id is not None:
        return redirect(url_for("careers.show_career"), 303)
    form = BindNirForm()
    next_path = safe_next_path(request.args.get("next"))
    if form.validate_on_submit():
        try:
            services.bind_assure(current_user, form.nir.data, issuer=current_app.config["FRANCECONNECT_ISSUER"])
        except BindingRefused as refusal:
            form.nir.errors.append(refusal.message)
            return render_template("auth/bind_nir.html", form=form, pivot=current_user.pivot_identity), 422
        flash("Votre compte est rattaché à votre dossier retraite.", "success")
        return redirect(next_path or url_for("careers.show_career"), 303)
    status = 422 if form.errors else 200
    return render_template("auth/bind_nir.html", form=form, pivot=current_user.pivot_identity), status


@bp.post("/deconnexion")
def logout():
    """End the portal session, then FranceConnect's (end_session with id_token_hint)."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    ended = services.end_session(session.get(services.SESSION_TOKEN_KEY))
    logout_user()
    session.clear()
    if ended is None or ended.provider != oidc.FRANCECONNECT:
        flash("Vous êtes déconnecté.", "info")
        return redirect(url_for("main.home"), 303)
    try:
        url, state = oidc.logout_url(
            oidc.FRANCECONNECT,
            id_token=ended.id_token,
            post_logout_redirect_uri=url_for("auth.logout_callback", _external=True),
        )
    except oidc.LoginFailed:
        flash(
            "Vous êtes déconnecté du portail. FranceConnect n'a pas pu être joint : "
            "fermez votre navigateur pour terminer aussi votre session FranceConnect.",
            "warning",
        )
        return redirect(url_for("main.home"), 303)
    session[LOGOUT_STATE_KEY] = state
    return redirect(url, 303)


@bp.get("/deconnexion/retour")
def logout_callback():
    """FranceConnect's redirect after its own logout."""
    expected = session.pop(LOGOUT_STATE_KEY, None)
    if expected and request.args.get("state") == expected:
        flash("Vous êtes déconnecté du portail et de FranceConnect.", "success")
    else:
        flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("main.home"), 303)
