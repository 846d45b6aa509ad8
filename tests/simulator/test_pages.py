"""Simuler ma retraite: the page prefilled from the career, two scenarios, explanations, bad input, and the effect
of a pending signalement."""

import re
from datetime import date

import pytest

from portal import clock
from portal.demo.seed import seed_demo
from portal.pension_rules.dates import add_months, next_month_start
from portal.pension_rules.text import day
from portal.signalements.models import Signalement
from portal.simulator.chart import value_ticks
from tests.backoffice.helpers import CAMILLE
from tests.backoffice.test_backoffice import agent_client
from tests.builders import create_assure, create_period
from tests.conftest import csrf_token, text_of
from tests.fc import login_and_bind
from tests.pages import assert_page

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
    text = assert_page(page)
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
    text = assert_page(response)
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
    assert_page(response, status=422, shows="La simulation n'a pas pu être faite")
    # Scenario 2's January 2019 is checked by the engine against the first possible departure.
    assert f"Le 1er janvier 2019 est avant votre premier départ possible, le {day(NEXT)}." in text_of(response)


def test_a_badly_typed_amount_keeps_what_was_typed(martin):
    page = martin.get("/ma-retraite/simulation")
    response = martin.post("/ma-retraite/simulation", data=_form_data(page.text, **{"first-annual_earnings": "abc"}))
    assert_page(response, status=422, shows="Saisissez un montant en euros", markup='value="abc"')


def test_the_effect_of_a_pending_signalement(martin, db):
    signalement = db.session.execute(
        db.select(Signalement).join(Signalement.assure).where(Signalement.assure.has(birth_name="MARTIN"))
    ).scalar_one()
    page = martin.get(f"/mes-demandes/{signalement.id}/effet-sur-ma-retraite")
    text = assert_page(page)
    assert "Si votre demande est acceptée" in text
    assert "Aujourd'hui" in text


def test_someone_elses_signalement_is_not_found(client, demo, db):
    other = db.session.execute(db.select(Signalement).where(Signalement.assure.has(birth_name="MARTIN"))).scalar_one()
    login_and_bind(client, "demo-sophie-nguyen")
    assert client.get(f"/mes-demandes/{other.id}/effet-sur-ma-retraite").status_code == 404


def test_a_generation_the_rules_do_not_cover_gets_a_french_message_not_an_error(client, db):
    assure = create_assure(identity="demo-jean-pierre-martin")
    create_period(assure, year=1990)
    login_and_bind(client, "demo-jean-pierre-martin")
    assure.birth_date = date(1949, 3, 2)  # born before the cohorts the tables cover
    db.session.flush()
    page = client.get("/ma-retraite/simulation")
    assert_page(page, shows="La simulation n'est pas proposée pour votre génération")


@pytest.fixture
def short_career(client, db):
    """Jean-Pierre MARTIN with six recorded years only: every departure is before the full rate, so the Agirc-Arrco
    amount (points computed on the salary since 2019) is an upper bound."""
    assure = create_assure(identity="demo-jean-pierre-martin")
    for year in range(2019, 2025):
        create_period(assure, year=year, earnings=32000)
    assert login_and_bind(client).status_code == 303
    return client


def _drawings(html: str) -> dict[str, list[str]]:
    """Each drawing of the chart, by name, with the labels of its value axis from bottom to top."""
    return {
        name: re.findall(r'text-anchor="end" class="portal-chart__label">([^<]*)</text>', svg)
        for name, svg in re.findall(r'<svg [^>]*portal-chart__svg--(\w+)"[^>]*>(.*?)</svg>', html, re.S)
    }


def test_value_ticks_are_round_amounts_from_zero():
    assert value_ticks(2693.97, 7) == [0, 500, 1000, 1500, 2000, 2500, 3000]
    assert value_ticks(2693.97, 6) == [0, 1000, 2000, 3000]  # 500 would need 7
    assert value_ticks(2693.97, 4) == [0, 1000, 2000, 3000]
    assert value_ticks(3000, 4) == [0, 1000, 2000, 3000]
    assert value_ticks(640, 4) == [0, 250, 500, 750]
    assert value_ticks(0, 4) == [0, 1]


def test_the_chart_starts_at_zero_and_a_phone_gets_a_drawing_with_fewer_labels(short_career):
    page = short_career.get("/ma-retraite/simulation")
    assert page.status_code == 200
    drawings = _drawings(text_of(page))
    assert set(drawings) == {"large", "etroit"}
    for labels in drawings.values():
        assert labels[0] == "0 €"
    assert len(drawings["etroit"]) <= 4 < len(drawings["large"])
    assert "l'échelle part de 0 €" in text_of(page)
    assert 'id="chart-title-large"' in page.text
    assert 'id="chart-title-etroit"' in page.text


def test_the_net_says_au_plus_like_the_gross_when_the_complementary_amount_is_an_upper_bound(short_career):
    text = text_of(short_career.get("/ma-retraite/simulation"))
    net = re.search(r'<th scope="row">Net estimé</th><td>(.*?)</td>', text).group(1)
    gross = re.search(r'<th scope="row">Total brut</th><td>(.*?)</td>', text).group(1)
    assert "au plus" in gross
    assert net.startswith("au plus ")
    departures = re.search(r"<caption>Du premier départ possible.*?</tbody>", text, re.S).group(0)
    bounded = 0
    for row in re.findall(r"<tr.*?</tr>", departures, re.S)[1:]:
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        # At 67 the full rate is automatic: no reduction, no « au plus », for the gross as for the net.
        assert cells[-2].startswith("<strong>au plus ") == cells[-1].startswith("au plus "), row
        bounded += cells[-1].startswith("au plus ")
    assert bounded > 0
    assert "Montant net estimé : au plus " in text


def test_the_limits_tell_the_assure_what_is_not_counted_and_what_to_do(short_career):
    text = text_of(short_career.get("/ma-retraite/simulation"))
    limits = re.search(r"Ce que cette simulation ne prend pas en compte</h2>(.*?)</ul>", text, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", limits, re.S)
    assert len(items) >= 6
    # The team's doubts are not the assuré's business: what is left out, and whom to ask, is.
    for doubt in ("aucun texte", "pas pu être vérifi", "pas trouvé", "n'a pas pu"):
        assert doubt not in limits
    assert all("votre" in item.lower() or "vous" in item for item in items), items
    assert sum("votre caisse" in item for item in items) >= 3


def test_no_simulation_table_has_an_empty_header(martin, app, db):
    signalement = db.session.execute(
        db.select(Signalement).where(Signalement.assure.has(birth_name="MARTIN"))
    ).scalar_one()
    pages = [
        martin.get("/ma-retraite/simulation"),
        martin.get(f"/mes-demandes/{signalement.id}/effet-sur-ma-retraite"),
        agent_client(app, CAMILLE).get(f"/espace-agents/demandes/{signalement.id}/simulation"),
    ]
    for page in pages:
        assert_page(page, shows="Ce qui est comparé")
        assert re.findall(r"<th[^>]*>\s*</th>", page.text) == []
