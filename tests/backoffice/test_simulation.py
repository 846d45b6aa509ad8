"""The retirement simulator in the back-office: an assuré's simulation from a request (audited), and the
summary-figures mode (nothing read, nothing audited)."""

from datetime import date

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.agents.services import ensure_caisse
from portal.audit.models import AuditEvent
from portal.db import db as _db
from portal.formatting import format_euros
from portal.signalements import services as signalements_services
from portal.simulator import scenarios
from tests.backoffice.helpers import filed_request
from tests.backoffice.test_backoffice import ANNE_LAURE, CAMILLE, FRANCOIS, HELENE, agent_client
from tests.builders import create_agent, create_assure, create_citizen_account, create_period
from tests.conftest import csrf_token, text_of
from tests.fc import login_and_bind

SUMMARY = "/espace-agents/simulation"


@pytest.fixture
def agents(db):
    return {
        "camille": create_agent(CAMILLE[1], "technicien"),
        "anne_laure": create_agent(ANNE_LAURE[1], "technicien", "CARSAT-BRETAGNE"),
        "helene": create_agent(HELENE[1], "auditeur", "CNAV"),
        "francois": create_agent(FRANCOIS[1], "administrateur", "CNAV"),
    }


@pytest.fixture
def assure(db):
    return create_assure(identity="demo-jean-pierre-martin", caisse_id=ensure_caisse("CARSAT-RA").id)


@pytest.fixture
def pending_request(assure, agents):
    """Jean-Pierre MARTIN's career from 1984 to 2024 but for 2011, which his request asks to add."""
    for year in range(1984, 2025):
        if year != 2011:
            create_period(assure, year=year, earnings=28000 + 100 * (year - 1984))
    return filed_request(assure, today=clock.today())


def simulation_path(signalement) -> str:
    return f"/espace-agents/demandes/{signalement.id}/simulation"


def viewed_events():
    return _db.session.execute(select(AuditEvent).where(AuditEvent.action == "simulation.viewed")).scalars().all()


def count_events() -> int:
    return _db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def test_the_request_page_links_to_the_simulation(app, pending_request):
    camille = agent_client(app, CAMILLE)
    page = camille.get(f"/espace-agents/demandes/{pending_request.id}")
    assert "Simuler la retraite de l'assuré" in text_of(page)
    assert f'href="{simulation_path(pending_request)}"' in page.text


def test_a_technician_sees_the_simulation_and_what_accepting_the_request_would_change(app, pending_request):
    camille = agent_client(app, CAMILLE)
    response = camille.get(simulation_path(pending_request))
    assert response.status_code == 200, text_of(response)
    text = text_of(response)
    assert "Simulation de la retraite de Jean-Pierre MARTIN" in text
    # The default scenario: 2024's earnings (28 000 + 4 000) go on until the departure.
    assert f"Revenus à venir : {format_euros(32000)} par an (ceux de 2024 au régime général)" in text
    assert "Si la demande est acceptée" in text
    assert "Une période du 01/01/2011 au 31/12/2011 est ajoutée (4 trimestres)." in text
    expected = scenarios.simulate_assure(pending_request.assure, today=clock.today(), signalement=pending_request)
    row = expected.comparison["rows"][0]
    assert row["delta"]["quarters"] == 4
    assert "+4 trimestres" in text
    assert f"+{format_euros(row['delta']['total_monthly_gross'])}" in text
    # Four more quarters: the taux plein by duration comes a year earlier.
    assert expected.comparison["full_rate_shift_months"] == 12
    assert "12 mois plus tôt" in text
    # Both scenarios in the results: the recorded career, and the career if the request is accepted.
    assert "Les deux scénarios côte à côte" in text
    assert f'id="s2-{expected.accepted.earliest_date.isoformat()}"' in response.text
    assert "<svg" in response.text


def test_reading_the_simulation_is_audited_with_the_agent_and_the_assure(app, agents, pending_request):
    camille = agent_client(app, CAMILLE)
    assert camille.get(simulation_path(pending_request)).status_code == 200
    (viewed,) = viewed_events()
    assert viewed.actor_agent_id == agents["camille"].id
    assert viewed.actor_account_id is None
    assert viewed.subject_assure_id == pending_request.assure_id
    assert viewed.data == {"signalement_id": pending_request.id}


def test_another_caisse_s_request_is_not_found_and_nothing_is_audited(app, pending_request):
    anne_laure = agent_client(app, ANNE_LAURE)
    assert anne_laure.get(simulation_path(pending_request)).status_code == 404
    assert agent_client(app, HELENE).get(simulation_path(pending_request)).status_code == 404
    assert viewed_events() == []


def test_an_administrator_simulates_any_caisse_s_request(app, pending_request):
    assert agent_client(app, FRANCOIS).get(simulation_path(pending_request)).status_code == 200


def test_a_request_no_longer_pending_shows_the_recorded_career_only(app, assure, pending_request):
    signalements_services.withdraw(pending_request, actor=create_citizen_account(assure), reason="Erreur")
    _db.session.commit()
    response = agent_client(app, CAMILLE).get(simulation_path(pending_request))
    assert response.status_code == 200
    text = text_of(response)
    assert "Cette demande n'est plus en attente" in text
    assert "elle ne change pas la carrière" in text
    assert "Votre départ au plus tôt" in text
    assert 'id="s2-' not in response.text


def test_an_assure_without_any_period_cannot_be_simulated(app, agents):
    empty = create_assure(identity="demo-karim-benali", caisse_id=ensure_caisse("CARSAT-RA").id)
    signalement = filed_request(empty, today=clock.today())
    response = agent_client(app, CAMILLE).get(simulation_path(signalement))
    assert response.status_code == 200
    assert "Aucune période n'est enregistrée dans la carrière de l'assuré." in text_of(response)
    assert len(viewed_events()) == 1


def test_anonymous_and_citizens_are_sent_to_the_agents_login(app, assure, pending_request):
    citizen = app.test_client()
    login_and_bind(citizen)
    for client in (app.test_client(), citizen):
        for path in (simulation_path(pending_request), SUMMARY):
            response = client.get(path)
            assert response.status_code == 303, path
            assert response.headers["Location"] == "/espace-agents/connexion"
        token = csrf_token(client.get("/espace-agents/connexion").text)
        response = client.post(SUMMARY, data={"csrf_token": token, **summary_form()})
        assert response.status_code == 303
        assert response.headers["Location"] == "/espace-agents/connexion"
    assert viewed_events() == []


def summary_form(**overrides) -> dict:
    return {
        "birth_date": "1964-07-15",
        "sex": "",
        "quarters_all_regimes": "170",
        "quarters_regime_general": "150",
        "quarters_contributed": "160",
        "sam": "30 000",
        "agirc_arrco_points": "",
        "departure": "",
        "annual_earnings": "",
    } | overrides


def post_summary(client, **overrides):
    page = client.get(SUMMARY)
    assert page.status_code == 200
    return client.post(SUMMARY, data={"csrf_token": csrf_token(page.text), **summary_form(**overrides)})


def test_the_summary_mode_computes_the_rate_and_the_base_pension(app, agents):
    camille = agent_client(app, CAMILLE)
    before = count_events()
    response = post_summary(camille)
    assert response.status_code == 200, text_of(response)
    text = text_of(response)
    # Born in 1964: 170 quarters required (CSS L161-17-3), all there: taux plein, 50 %. Base pension:
    # 30 000 € x 50 % x 150 / 170 = 13 235,29 € a year, 1 102,94 € a month (CSS R351-29, L351-1).
    assert "170 / 170" in text
    assert "50 %" in text
    assert format_euros(1102.94) in text
    assert f"Salaire annuel moyen indiqué : {format_euros(30000)}." in text
    assert "Règles appliquées" in text
    # Nothing of an assuré was read: nothing to audit.
    assert count_events() == before


def test_the_summary_mode_looks_at_the_departure_asked_for_with_future_earnings(app, agents):
    camille = agent_client(app, CAMILLE)
    departure = date(clock.today().year + 4, 1, 1)
    response = post_summary(camille, departure=departure.strftime("%Y-%m"), annual_earnings="24 000",
                            agirc_arrco_points="4 512,35", sex="F")  # fmt: skip
    assert response.status_code == 200, text_of(response)
    text = text_of(response)
    assert f"Date de départ</th><td>1er janvier {departure.year}</td>" in text
    assert "prévision" in text  # the years to come, from the future earnings


def test_invalid_summary_figures_get_french_messages_and_keep_what_was_typed(app, agents):
    camille = agent_client(app, CAMILLE)
    response = post_summary(camille, birth_date="", quarters_all_regimes="cent", quarters_contributed="",
                            sam="trente mille", agirc_arrco_points="-3", departure="juillet")  # fmt: skip
    assert response.status_code == 422
    text = text_of(response)
    assert "La simulation n'a pas pu être faite" in text
    assert "Indiquez la date de naissance." in text
    assert "Indiquez un nombre entier de trimestres." in text
    assert "Indiquez ce nombre de trimestres." in text
    assert "Saisissez un montant en euros, par exemple 18 500,00." in text
    assert "Saisissez un nombre de points positif, par exemple 4 512,35." in text
    assert "Indiquez un mois au format AAAA-MM, par exemple 2029-07." in text
    assert 'value="trente mille"' in response.text
    assert 'value="cent"' in response.text
    assert "Vos repères" not in text


def test_inconsistent_summary_figures_are_refused(app, agents):
    camille = agent_client(app, CAMILLE)
    response = post_summary(camille, birth_date="1949-12-31", quarters_regime_general="171",
                            quarters_contributed="180", departure="2020-01")  # fmt: skip
    assert response.status_code == 422
    text = text_of(response)
    assert "Le simulateur couvre les personnes nées à partir du 1er janvier 1950." in text
    assert "Le régime général ne peut pas dépasser le total tous régimes." in text
    assert "Les trimestres cotisés ne peuvent pas dépasser le total tous régimes." in text
    assert "La date de départ doit être dans le futur." in text
    assert 'value="171"' in response.text


def test_a_departure_before_the_earliest_date_is_an_error_on_the_departure(app, agents):
    camille = agent_client(app, CAMILLE)
    next_month = date(clock.today().year + (clock.today().month == 12), clock.today().month % 12 + 1, 1)
    response = post_summary(camille, birth_date="1980-01-15", departure=next_month.strftime("%Y-%m"))
    assert response.status_code == 422
    text = text_of(response)
    assert "est avant votre premier départ possible" in text
    assert 'id="departure-messages"' in response.text
    assert f'value="{next_month:%Y-%m}"' in response.text


def test_an_auditor_may_not_use_the_simulator(app, agents):
    helene = agent_client(app, HELENE)
    assert helene.get(SUMMARY).status_code == 403
    token = csrf_token(helene.get("/espace-agents/connexion").text)
    assert helene.post(SUMMARY, data={"csrf_token": token, **summary_form()}).status_code == 403
    assert "Simulateur" not in text_of(helene.get("/espace-agents/journal"))
    assert "Simulateur" in text_of(agent_client(app, CAMILLE).get("/espace-agents/demandes"))
