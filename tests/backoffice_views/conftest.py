"""Fixtures of the back-office pages: the demo agents registered, an assuré of the Carsat Rhône-Alpes and a
request he filed. A test module may define its own (test_mandates, test_simulation do)."""

import pytest

from portal import clock
from portal.backoffice.agents import ensure_caisse
from tests.backoffice_views.helpers import (
    ANNE_LAURE,
    CAMILLE,
    FRANCOIS,
    HELENE,
    JEROME,
    MEHDI,
    PAUL,
    filed_request,
    register,
)
from tests.builders import create_assure, create_period


@pytest.fixture
def agents(db):
    return {
        "camille": register(CAMILLE[1], "technicien"),
        "mehdi": register(MEHDI[1], "technicien"),
        "anne_laure": register(ANNE_LAURE[1], "technicien", "CARSAT-BRETAGNE"),
        "jerome": register(JEROME[1], "superviseur"),
        "helene": register(HELENE[1], "auditeur", "CNAV"),
        "francois": register(FRANCOIS[1], "administrateur", "CNAV"),
        "paul": register(PAUL[1], "technicien"),
    }


@pytest.fixture
def assure(db):
    return create_assure(identity="demo-jean-pierre-martin", caisse_id=ensure_caisse("CARSAT-RA").id)


@pytest.fixture
def request_filed(assure, agents):
    create_period(assure, year=2010)
    create_period(assure, year=2012)
    return filed_request(assure, today=clock.today())
