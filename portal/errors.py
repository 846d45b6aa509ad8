"""French error pages."""

import json
import logging

from flask import Flask, Response, current_app, flash, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import ClientDisconnected, HTTPException, RequestEntityTooLarge

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Requête incorrecte", "La demande envoyée n'a pas pu être comprise. Revenez en arrière et réessayez."),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page."),
    404: (
        "Page non trouvée",
        "La page que vous cherchez est introuvable. Vérifiez l'adresse, ou revenez à l'accueil.",
    ),
    405: ("Action non permise", "Cette action n'est pas possible sur cette page."),
    413: ("Fichier trop volumineux", "Le contenu envoyé dépasse la taille autorisée."),
    429: (
        "Trop de tentatives",
        "Vous avez fait trop de tentatives en peu de temps. Patientez quelques minutes avant de réessayer.",
    ),
    500: (
        "Erreur inattendue",
        "Une erreur s'est produite de notre côté. Vos données n'ont pas été modifiées. Réessayez dans un instant.",
    ),
}


# Paths of the JSON API: its clients read JSON, errors of routing (404, 405) included, which no blueprint handles.
API_PREFIX = "/api/"
# How much of a refused body is still read, so that the person sees the answer (see drain_request_body).
DRAIN_LIMIT_BYTES = 100 * 1024 * 1024
_CHUNK = 64 * 1024


def render_error(status: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(status, MESSAGES[500])
    return (
        render_template(
            "errors/error.html", status=status, title=title or default_title, message=message or default_message
        ),
        status,
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        log.warning("CSRF refused on %s %s: %s", request.method, request.path, error.description)
        return render_error(
            400,
            "Formulaire expiré",
            "Pour votre sécurité, ce formulaire a expiré ou n'a pas été envoyé depuis le portail. "
            "Revenez à la page précédente, rechargez-la et réessayez.",
        )

    # Unhandled exceptions reach this handler as InternalServerError once Flask has logged them; under TESTING
    # they propagate instead, so that a test sees the real traceback.
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code == 413 and not request.path.startswith(API_PREFIX):
            return too_large()
        status = error.code or 500
        if request.path.startswith(API_PREFIX):
            message = MESSAGES.get(status, MESSAGES[500])[1]
            body = json.dumps({"errors": [{"field": "", "message": message}]}, ensure_ascii=False)
            response = Response(body, status=status, mimetype="application/json")
        else:
            response = current_app.make_response(render_error(status))
        # What the error itself says in headers: a 405's `Allow` (RFC 9110 §15.5.6), a 401's `WWW-Authenticate`.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response


def too_large_message() -> str:
    limit = current_app.config["DOCUMENT_MAX_BYTES"] // (1024 * 1024)
    return (
        f"Le fichier envoyé dépasse la taille autorisée ({limit} Mo) : rien n'a été enregistré. Choisissez un fichier "
        "plus léger, ou réduisez-le (un scan en 150 ppp suffit)."
    )


def too_large():
    """The answer to a body over the size limit, raised while it is read (by CSRF protection, before any view).

    A form that also answers GET is shown again, with the limit stated, rather than a bare error page: the person
    stays where they were (and a reload asks for the page, not the refused POST). Elsewhere, the French 413 page.
    """
    drain_request_body()
    rule = request.url_rule
    if request.method == "POST" and rule is not None and "GET" in (rule.methods or ()):
        flash(too_large_message(), "error")
        return redirect(request.full_path if request.query_string else request.path, 303)
    return render_error(413, "Fichier trop volumineux", too_large_message())


def drain_request_body() -> None:
    """Read and drop what is left of a refused body, up to DRAIN_LIMIT_BYTES.

    The answer to a body that is too large comes before the body has been read; a server that then closes the
    connection while the browser is still sending makes the browser show a network error, not the answer. Reading
    the rest first lets the person see the page. Beyond the limit the connection is left to close.
    """
    request.max_content_length = DRAIN_LIMIT_BYTES
    try:
        # The stream where the form parser stopped, or the whole body if the size was refused before any reading.
        stream = request.stream
        while stream.read(_CHUNK):
            pass
    except (RequestEntityTooLarge, ClientDisconnected, OSError, ValueError):
        return
