"""The simulation API keeps the promises of its OpenAPI document, checked by schemathesis on generated requests.

Schemathesis reads the document (portal/simulator/openapi.json, the one /api/v1/openapi.json serves), generates
valid and invalid bodies, other methods and media types, sends them over HTTP to the portal on 127.0.0.1 and checks
every answer: never a 5xx, a status and a body the document describes, a 405 with its `Allow` header, invalid input
refused, valid input accepted.
"""

import threading

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from werkzeug.serving import make_server

from portal.extensions import limiter
from portal.simulator.api import OPENAPI_PATH

# A few hundred generated requests in all, across the phases (examples, coverage, fuzzing): about a minute.
MAX_EXAMPLES = 150

# A body the schema accepts may still break a rule no JSON Schema can state (a departure after the simulation's
# date, a child born after their parent, revenues to come that start in the past): the documented 422 answers it,
# with the field and its French message. Anything else than a 200 or that 422 is a failure.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["200", "422"]}}}
)
# Loaded from the file rather than through a pytest fixture: schemathesis' lazy loading does not run on our pytest.
schema = schemathesis.openapi.from_path(OPENAPI_PATH, config=CONFIG)


@pytest.fixture(scope="module")
def api_url(migrated_app):
    """The portal served by a real threaded HTTP server on 127.0.0.1 (the API stores nothing)."""
    server = make_server("127.0.0.1", 0, migrated_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_api_answers_as_its_openapi_document_says(case, api_url):
    # The API allows 120 requests a minute per address: generated requests come faster than that.
    limiter.reset()
    case.call_and_validate(base_url=api_url)
