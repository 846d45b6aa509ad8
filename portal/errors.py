"""French error pages."""

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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
        if error.code == 413:
            # Raised while the request body is read (by CSRF protection, before any view): say what the limit is.
            limit = app.config["DOCUMENT_MAX_BYTES"] // (1024 * 1024)
            return render_error(
                413,
                "Fichier trop volumineux",
                f"Le fichier envoyé dépasse la taille autorisée ({limit} Mo) : rien n'a été enregistré. Revenez à la "
                "page précédente et choisissez un fichier plus léger, ou réduisez-le (un scan en 150 ppp suffit).",
            )
        return render_error(error.code or 500)
