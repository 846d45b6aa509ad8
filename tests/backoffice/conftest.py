"""Fixtures of the back-office pages: the demo agents registered, an assuré of the Carsat Rhône-Alpes and a
request he filed. A test module may define its own (test_mandates, test_simulation do)."""

import pytest

from portal import clock
from portal.agents.services import ensure_caisse
from tests.backoffice.helpers import ANNE_LAURE, CAMILLE, FRANCOIS, HELENE, JEROME, MEHDI, PAUL, filed_request
from tests.builders import create_agent, create_assure, create_period


@pytest.fixture
def agents(db):
    return {
        "camille": create_agent(CAMILLE[1], "technicien"),
        "mehdi": create_agent(MEHDI[1], "technicien"),
        "anne_laure": create_agent(ANNE_LAURE[1], "technicien", "CARSAT-BRETAGNE"),
        "jerome": create_agent(JEROME[1], "superviseur"),
        "helene": create_agent(HELENE[1], "auditeur", "CNAV"),
        "francois": create_agent(FRANCOIS[1], "administrateur", "CNAV"),
        "paul": create_agent(PAUL[1], "technicien"),
    }


@pytest.fixture
def assure(db):
    return create_assure(identity="demo-jean-pierre-martin", caisse_id=ensure_caisse("CARSAT-RA").id)


@pytest.fixture
def request_filed(assure, agents):
    create_period(assure, year=2010)
    create_period(assure, year=2012)
    return filed_request(assure, today=clock.today())
