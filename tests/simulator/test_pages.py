"""Simuler ma retraite: the page prefilled from the career, two scenarios, explanations, bad input, and the effect
of a pending signalement."""

import re
from datetime import date

import pytest

from portal import clock
from portal.demo.seed import seed_demo
from portal.signalements.models import Signalement
from portal.simulation.dates import add_months, next_month_start
from portal.simulation.text import day
from tests.conftest import csrf_token, text_of
from tests.fc import login_and_bind

pytestmark = pytest.mark.usefixtures("db")

# Logins go through the sandbox's real, time-stamped tokens: the clock is not frozen, the dates follow it. Jean-Pierre
# MARTIN is past his legal age, so he can leave from next month on.
NEXT = next_month_start(clock.today())
FIRST, SECOND = add_months(NEXT, 1), add_months(NEXT, 19)


@pytest.fixture
def demo(db):
    seed_demo()


@pytest.fixture
def martin(client, demo):
    response = login_and_bind(client, "demo-jean-pierre-martin")
    assert response.status_code == 303
    return client


def _form_data(page_text: str, **overrides) -> dict:
    data = {"csrf_token": csrf_token(page_text)}
    for name, value in re.findall(r'name="((?:first|second)-[a-z_]+)"[^>]*?value="([^"]*)"', page_text):
        data[name] = value
    data.update(overrides)
    return data


def test_the_page_opens_prefilled_with_the_earliest_departure(martin):
    page = martin.get("/ma-retraite/simulation")
    assert page.status_code == 200
    text = text_of(page)
    # Jean-Pierre MARTIN was born in 1962: 62 years 6 months, 169 quarters (CSS L161-17-2, L161-17-3).
    assert "62 ans et 6 mois" in text
    assert "169 trimestres" in text
    assert "Règles appliquées : version 2026-11-24" in text
    assert 'id="explication-age-legal"' in page.text
    assert 'id="annee-1998"' in page.text
    assert "Toutes les dates de départ" in text
    assert "<svg" in page.text


def test_two_scenarios_side_by_side_with_their_dates(martin):
    page = martin.get("/ma-retraite/simulation")
    data = _form_data(page.text, **{"first-departure": f"{FIRST:%Y-%m}", "second-departure": f"{SECOND:%Y-%m}",
                                    "second-part_time_percent": "50"})  # fmt: skip
    response = martin.post("/ma-retraite/simulation", data=data)
    assert response.status_code == 200, text_of(response)
    text = text_of(response)
    assert "Scénario 1" in text
    assert "Scénario 2" in text
    assert day(FIRST) in text
    assert day(SECOND) in text
    assert f'id="s2-{SECOND.isoformat()}"' in response.text


def test_a_departure_before_the_earliest_date_is_refused_in_french(martin):
    page = martin.get("/ma-retraite/simulation")
    response = martin.post(
        "/ma-retraite/simulation",
        data=_form_data(page.text, **{"first-departure": f"{FIRST:%Y-%m}", "second-departure": "2019-01"}),
    )
    assert response.status_code == 422
    assert "La simulation n'a pas pu être faite" in text_of(response)
    # Scenario 2's January 2019 is checked by the engine against the first possible departure.
    assert f"Le 1er janvier 2019 est avant votre premier départ possible, le {day(NEXT)}." in text_of(response)


def test_a_badly_typed_amount_keeps_what_was_typed(martin):
    page = martin.get("/ma-retraite/simulation")
    response = martin.post("/ma-retraite/simulation", data=_form_data(page.text, **{"first-annual_earnings": "abc"}))
    assert response.status_code == 422
    assert "Saisissez un montant en euros" in text_of(response)
    assert 'value="abc"' in response.text


def test_the_effect_of_a_pending_signalement(martin, db):
    signalement = db.session.execute(
        db.select(Signalement).join(Signalement.assure).where(Signalement.assure.has(birth_name="MARTIN"))
    ).scalar_one()
    page = martin.get(f"/mes-demandes/{signalement.id}/effet-sur-ma-retraite")
    assert page.status_code == 200
    text = text_of(page)
    assert "Si votre demande est acceptée" in text
    assert "Aujourd'hui" in text


def test_someone_elses_signalement_is_not_found(client, demo, db):
    other = db.session.execute(db.select(Signalement).where(Signalement.assure.has(birth_name="MARTIN"))).scalar_one()
    login_and_bind(client, "demo-sophie-nguyen")
    assert client.get(f"/mes-demandes/{other.id}/effet-sur-ma-retraite").status_code == 404


def test_a_generation_the_rules_do_not_cover_gets_a_french_message_not_an_error(client, db):
    from tests.builders import create_assure, create_period

    assure = create_assure(identity="demo-jean-pierre-martin")
    create_period(assure, year=1990)
    login_and_bind(client, "demo-jean-pierre-martin")
    assure.birth_date = date(1949, 3, 2)  # born before the cohorts the tables cover
    db.session.flush()
    page = client.get("/ma-retraite/simulation")
    assert page.status_code == 200
    assert "La simulation n'est pas proposée pour votre génération" in text_of(page)
