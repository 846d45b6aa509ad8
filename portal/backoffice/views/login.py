"""The agents' door: login through ProConnect (second factor required, registered agents only), and logout."""

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user

from portal.agents import services as agents_services
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.auth import oidc
from portal.auth import services as auth_services
from portal.backoffice.views import bp
from portal.extensions import limiter
from portal.forms import EmptyForm

LOGIN_STATE_KEY = "agent_oidc_state"
LOGOUT_STATE_KEY = "agent_logout_state"


@bp.get("/connexion")
def login_page():
    """The agents' door: ProConnect only."""
    return render_template("backoffice/login.html", form=EmptyForm())


@bp.post("/connexion/proconnect")
def login_proconnect():
    """Start the ProConnect authorization code flow."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        url, state = oidc.begin_login(
            oidc.PROCONNECT, redirect_uri=url_for("backoffice.proconnect_callback", _external=True), next_path=None
        )
    except oidc.LoginFailed as failure:
        return render_template("backoffice/login_failed.html", message=failure.message), 503
    session[LOGIN_STATE_KEY] = state
    return redirect(url, 303)


@bp.get("/connexion/proconnect/retour")
@limiter.limit("30 per minute")
def proconnect_callback():
    """ProConnect's redirect back: tokens verified, second factor required, registered agents only."""
    expected_state = session.pop(LOGIN_STATE_KEY, None)
    try:
        login = oidc.complete_login(
            oidc.PROCONNECT,
            params=request.args.to_dict(),
            redirect_uri=url_for("backoffice.proconnect_callback", _external=True),
            expected_state=expected_state,
        )
        agent = agents_services.resolve_agent(login)
    except (oidc.LoginFailed, agents_services.AgentRefused) as failure:
        current_app.logger.warning("Agent login refused: %s", failure.reason)
        audit(AuditAction.AGENT_LOGIN_REFUSED, reason=failure.reason)
        status = 503 if failure.reason == "provider_unreachable" else 401
        return render_template("backoffice/login_failed.html", message=failure.message), status
    # Cleared, the session also gets a new token and the old one's row is deleted (session fixation).
    session.clear()
    session.permanent = True
    session[auth_services.SESSION_TOKEN_KEY] = auth_services.open_agent_session(
        agent, provider=oidc.PROCONNECT, id_token=login.id_token
    )
    login_user(agent)
    flash(f"Bonjour {agent.display_name}.", "success")
    return redirect(url_for("backoffice.queue"), 303)


@bp.post("/deconnexion")
def logout():
    """End the agent's session, then ProConnect's."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    ended = auth_services.end_session(session.get(auth_services.SESSION_TOKEN_KEY))
    logout_user()
    session.clear()
    if ended is None:
        return redirect(url_for("backoffice.login_page"), 303)
    try:
        url, state = oidc.logout_url(
            oidc.PROCONNECT,
            id_token=ended.id_token,
            post_logout_redirect_uri=url_for("backoffice.logout_callback", _external=True),
        )
    except oidc.LoginFailed:
        flash("Vous êtes déconnecté de l'espace agents.", "info")
        return redirect(url_for("backoffice.login_page"), 303)
    session[LOGOUT_STATE_KEY] = state
    return redirect(url, 303)


@bp.get("/deconnexion/retour")
def logout_callback():
    """ProConnect's redirect after its logout."""
    session.pop(LOGOUT_STATE_KEY, None)
    flash("Vous êtes déconnecté de l'espace agents.", "info")
    return redirect(url_for("backoffice.login_page"), 303)
