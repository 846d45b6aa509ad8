"""The simulator's JSON API: one stateless endpoint and its OpenAPI document (schema: docs/simulation.md).

Public on purpose: no login, nothing stored, nothing read from the database. The body alone is simulated, so
there is no session to protect and CSRF does not apply; a rate limit per IP keeps it from being used as free
compute.
"""

import json
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, request
from werkzeug.exceptions import HTTPException

from portal import clock
from portal import errors as error_pages
from portal.extensions import csrf, limiter
from portal.pension_rules import io

simulator_api = Blueprint("simulator_api", __name__, url_prefix="/api/v1")
csrf.exempt(simulator_api)

OPENAPI_PATH = Path(__file__).with_name("openapi.json")
RATE_LIMIT = "120 per minute"
# A career of a thousand lines is about 100 kB of JSON: a larger body is not a simulation.
MAX_BODY_BYTES = 1024 * 1024

NOT_JSON_TYPE = "Envoyez la simulation en JSON, avec l'en-tête « Content-Type: application/json »."
NOT_JSON = "Le corps de la requête n'est pas un JSON valide (UTF-8)."
TOO_LARGE = "La requête dépasse la taille autorisée (1 Mo)."


def error_response(status: int, errors: list[dict[str, str]]) -> Response:
    return json_response({"errors": errors}, status)


def json_response(data: object, status: int = 200) -> Response:
    # UTF-8 rather than \u escapes: the explanations are French text meant to be read.
    response = Response(json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json")
    # The body holds a person's career and pension: no copy in any cache (security.py sets it too, for every page).
    response.headers["Cache-Control"] = "no-store"
    return response


@simulator_api.post("/simulations")
@limiter.limit(RATE_LIMIT)
def run_simulation():
    """Simulate the career in the body and return every departure option."""
    if request.mimetype != "application/json":
        return error_response(415, [{"field": "", "message": NOT_JSON_TYPE}])
    request.max_content_length = MAX_BODY_BYTES
    try:
        body = json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return error_response(400, [{"field": "", "message": NOT_JSON}])
    try:
        result = io.run(body, today=clock.today())
    except io.InvalidInput as invalid:
        return error_response(422, [{"field": error.field, "message": error.message} for error in invalid.errors])
    return json_response(result)


@simulator_api.get("/openapi.json")
def show_openapi():
    """The OpenAPI 3.1 document of this API."""
    return Response(_openapi_document(), mimetype="application/json")


@cache
def _openapi_document() -> bytes:
    return OPENAPI_PATH.read_bytes()


@simulator_api.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    # An API client reads JSON, not the portal's HTML error pages; the message is the same French one. Errors of
    # routing (404, 405) happen before a blueprint is known and keep the HTML page.
    if error.code == 413:
        message = TOO_LARGE
    else:
        message = error_pages.MESSAGES.get(error.code or 500, error_pages.MESSAGES[500])[1]
    return error_response(error.code or 500, [{"field": "", "message": message}])
