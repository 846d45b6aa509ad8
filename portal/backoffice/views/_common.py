"""What several back-office screens share: the role rule, the checks of what a link or a form carries, the French
refusals, the signalement an agent may open, a document shown in the page."""

from functools import wraps

from flask import abort, make_response, request, send_file
from flask_login import current_user

from portal.agents import permissions
from portal.backoffice import queries
from portal.documents import services as documents_services
from portal.errors import render_error

FILTER_REFUSED = "Filtre inconnu"


def role_required(check):
    """A view for the agents whose role passes `check` (a function of portal.agents.permissions); 403 otherwise."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def refuse(title: str, message: str, status: int = 400):
    """Stop here with a French error page: a parameter the portal never writes (a forged link, an edited form)."""
    abort(make_response(render_error(status, title, message)))


def refuse_cursor():
    refuse(
        "Lien de pagination incorrect",
        "Ce lien vers la page suivante n'a pas été produit par le portail ou a été modifié. Revenez à la première "
        "page de la liste.",
    )


def known_id(value: int) -> int:
    # Identifiers are 32-bit integers: a larger number in a path names nothing (and SQLite cannot bind it).
    if value > queries.MAX_ID:
        abort(404)
    return value


def query_number(name: str, message: str) -> int | None:
    """An optional whole number of the query string; anything else is refused with `message`."""
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > queries.MAX_ID:
        refuse("Paramètre incorrect", message)
    return int(value)


def load_signalement(signalement_id: int, *, instruct: bool = False):
    """The signalement, if the agent may see it (404 otherwise, as if it did not exist) and, with `instruct`, work
    on it (403)."""
    signalement = queries.get_signalement(known_id(signalement_id))
    if signalement is None or not permissions.can_view_signalement(current_user, signalement):
        abort(404)
    if instruct and not permissions.can_instruct(current_user, signalement):
        abort(403)
    return signalement


def send_inline(document):
    """A stored document (a justificatif, a court decision), displayed in the page that frames it."""
    try:
        handle = documents_services.storage().open(document.storage_key)
    except KeyError:
        abort(404)
    response = send_file(handle, mimetype=document.content_type, download_name=document.original_name)
    response.headers["Content-Disposition"] = "inline"
    # Shown inside the page that frames it (same origin), nowhere else; no script runs in it.
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; frame-ancestors 'self'"
    return response
