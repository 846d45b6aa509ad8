"""HTTP endpoints of the sandbox, all under the issuer's path (/api/v2, as on FranceConnect and ProConnect)."""

import hmac
import secrets

from authlib.oauth2 import OAuth2Error
from flask import Blueprint, Response, current_app, jsonify, render_template, request, session

from portal.sandbox.keys import SIGNING_ALGORITHMS
from portal.sandbox.provider import SandboxAuthorizationServer
from portal.sandbox.store import TOKEN_ENDPOINT_AUTH_METHODS

# Field names of the identity chooser's form, besides the authorization request's own parameters.
SUB_FIELD = "sub"
CANCEL_FIELD = "cancel"
CSRF_FIELD = "csrf_token"
CHOOSER_FIELDS = frozenset({SUB_FIELD, CANCEL_FIELD, CSRF_FIELD})
_CSRF_SESSION_KEY = "chooser_csrf"

bp = Blueprint("fc_sandbox", __name__)


def _server() -> SandboxAuthorizationServer:
    return current_app.extensions["fc_sandbox"]


@bp.get("/.well-known/openid-configuration")
def discovery() -> Response:
    """OpenID Provider metadata, with the values of the provider imitated."""
    context = _server().context
    issuer, profile = context.settings.issuer, context.profile
    return jsonify(
        issuer=issuer,
        authorization_endpoint=f"{issuer}/authorize",
        token_endpoint=f"{issuer}/token",
        userinfo_endpoint=f"{issuer}/userinfo",
        jwks_uri=f"{issuer}/jwks",
        end_session_endpoint=f"{issuer}/session/end",
        scopes_supported=list(profile.scopes_supported),
        claims_supported=list(profile.claims_supported),
        response_types_supported=["code"],
        response_modes_supported=["query"],
        grant_types_supported=["authorization_code"],
        subject_types_supported=["public"],
        acr_values_supported=list(profile.acr_values_supported),
        id_token_signing_alg_values_supported=list(SIGNING_ALGORITHMS),
        userinfo_signing_alg_values_supported=list(SIGNING_ALGORITHMS),
        token_endpoint_auth_methods_supported=list(TOKEN_ENDPOINT_AUTH_METHODS),
        code_challenge_methods_supported=["S256"],
        prompt_values_supported=["login", "none"],
        claims_parameter_supported=False,
        request_parameter_supported=False,
        request_uri_parameter_supported=False,
    )


@bp.get("/jwks")
def jwks() -> Response:
    """Public signing keys."""
    return jsonify(_server().context.keys.public_jwks())


@bp.route("/authorize", methods=["GET", "POST"])
def authorize() -> Response | tuple[str, int] | str:
    """Show the identity chooser; on its POST, send the chosen identity's code, or a refusal, to the client."""
    server = _server()
    is_choice = request.method == "POST" and (SUB_FIELD in request.form or CANCEL_FIELD in request.form)
    if is_choice and not _is_csrf_token_valid(request.form.get(CSRF_FIELD, "")):
        message = "Le jeton de sécurité du formulaire est absent ou périmé. Recommencez depuis le service."
        return _error_page(message), 400

    identity = None
    if is_choice and CANCEL_FIELD not in request.form:
        identity = server.context.profile.find(request.form.get(SUB_FIELD, ""))
        if identity is None:
            return _error_page("Cette identité de test n'existe pas."), 400

    try:
        grant = server.get_consent_grant(end_user=identity)
    except OAuth2Error as error:
        if error.redirect_uri:
            return server.handle_error_response(None, error)
        return _error_page("La demande d'authentification est invalide.", error), 400

    if not is_choice:
        return _chooser_page(grant.client.client_id, grant.request.scope)
    # With no identity (the refusal button), Authlib redirects with error=access_denied and the state.
    return server.create_authorization_response(grant_user=identity, grant=grant)


@bp.post("/token")
def token() -> Response:
    """Exchange a code for an access token and an id_token."""
    return _server().create_token_response()


@bp.route("/userinfo", methods=["GET", "POST"])
def userinfo() -> Response:
    """The identity, as a signed JWT."""
    return _server().create_endpoint_response("userinfo")


@bp.route("/session/end", methods=["GET", "POST"])
def end_session() -> Response | tuple[str, int]:
    """Log out and go straight back to the client: FranceConnect and ProConnect ask no confirmation."""
    server = _server()
    try:
        end_session_request = server.validate_endpoint_request("end_session")
    except OAuth2Error as error:
        return _error_page("La demande de déconnexion est invalide.", error), 400
    return server.create_endpoint_response("end_session", end_session_request)


def _chooser_page(client_id: str, scope: str) -> str:
    # The authorization request travels in hidden fields, to be validated again by Authlib when the form comes back.
    carried = [(name, value) for name, value in request.values.items(multi=True) if name not in CHOOSER_FIELDS]
    profile = _server().context.profile
    return render_template(
        "sandbox/chooser.html",
        client_id=client_id,
        requested=[profile.claim_labels[claim] for claim in profile.requested_claims(scope)],
        cards=[profile.card(identity) for identity in profile.identities],
        carried=carried,
        csrf_token=_csrf_token(),
        fields={"sub": SUB_FIELD, "cancel": CANCEL_FIELD, "csrf": CSRF_FIELD},
    )


def _error_page(message: str, error: OAuth2Error | None = None) -> str:
    return render_template(
        "sandbox/error.html",
        message=message,
        error=error.error if error else None,
        description=error.description if error else None,
    )


def _csrf_token() -> str:
    # Bound to the browser's sandbox session: a token copied from another browser's page is worthless here.
    if _CSRF_SESSION_KEY not in session:
        session[_CSRF_SESSION_KEY] = secrets.token_urlsafe(32)
    return session[_CSRF_SESSION_KEY]


def _is_csrf_token_valid(submitted: str) -> bool:
    expected = session.get(_CSRF_SESSION_KEY)
    if not expected or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())
