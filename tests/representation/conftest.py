"""Fixtures of the representation tests: the protected person and the technician who verifies the mandates."""

import pytest

from tests.builders import create_agent, create_assure, create_period


@pytest.fixture
def protected(db):
    """Jean-Pierre MARTIN, of the Carsat Rhône-Alpes, with one period (2015) whose id is `protected.period_id`."""
    assure = create_assure(identity="demo-jean-pierre-martin", caisse="CARSAT-RA")
    assure.period_id = create_period(assure, year=2015).period_id
    return assure


@pytest.fixture
def agent(db):
    return create_agent("camille.durand@carsat-ra.fr", "technicien")
