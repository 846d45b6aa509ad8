"""Through the pages: a representative asks for a mandate, files for the protected person (alone under a tutelle,
with the person's confirmation under a curatelle), and the person sees what was done on their behalf."""

import io
from datetime import date

import pytest
from sqlalchemy import select

from portal.auth.models import Account
from portal.backoffice.agents import ensure_caisse
from portal.representation.models import Mandate, MandateState, Measure
from portal.signalements.models import Signalement
from portal.signalements.states import SignalementState
from tests.backoffice_views.helpers import register
from tests.builders import create_assure, create_period
from tests.conftest import csrf_token, text_of
from tests.fc import login, login_and_bind
from tests.files import pdf_bytes
from tests.representation.helpers import active


@pytest.fixture
def protected(db):
    assure = create_assure(identity="demo-jean-pierre-martin", caisse_id=ensure_caisse("CARSAT-RA").id)
    assure.period_id = create_period(assure, year=2015).period_id
    return assure


@pytest.fixture
def agent(db):
    return register("camille.durand@carsat-ra.fr", "technicien")


def _unbound_account(db) -> Account:
    return (
        db.session.execute(select(Account).where(Account.assure_id.is_(None)).order_by(Account.id.desc()))
        .scalars()
        .first()
    )


def _form(page_text: str, **fields) -> dict:
    return {"csrf_token": csrf_token(page_text), **fields}


def test_a_representative_asks_for_a_tutelle_with_the_decision(client, db, protected):
    login(client, "demo-jules-inconnu")
    page = client.get("/mes-representations/nouvelle")
    assert page.status_code == 200
    fields = {
        "measure": "tutelle", "birth_name": "Martin", "given_names": "Jean-Pierre",
        "birth_date": protected.birth_date.isoformat(), "nir": protected.nir,
        "court_name": "Tribunal judiciaire de Lyon", "decision_date": "2025-12-15", "decision_number": "RG 25/04321",
        "start_date": "2026-01-05", "end_date": "2031-01-04", "sworn": "y",
    }  # fmt: skip

    def send(values):
        data = _form(page.text, **values, decision=(io.BytesIO(pdf_bytes()), "jugement.pdf"))
        return client.post("/mes-representations/nouvelle", data=data, content_type="multipart/form-data")

    refused = send(fields | {"sworn": ""})
    assert refused.status_code == 422
    assert "certifier sur l'honneur" in text_of(refused)
    assert 'value="RG 25/04321"' in refused.text  # what was typed is kept
    assert db.session.execute(select(Mandate)).first() is None
    response = send(fields)
    assert response.status_code == 303, text_of(response)
    mandate = db.session.execute(select(Mandate)).scalar_one()
    assert mandate.state is MandateState.REQUESTED
    listing = text_of(client.get("/mes-representations"))
    assert "En cours de vérification" in listing
    assert "Jean-Pierre MARTIN" in listing


def _file_draft(client, page_text: str) -> int:
    response = client.post(
        "/mes-demandes/nouvelle/duplicate",
        data=_form(page_text, explanation="Cette période apparaît deux fois.", period_ids=[]),
    )
    assert response.status_code in (200, 303), text_of(response)
    return response


def _draft_for(protected, account, db) -> Signalement:
    from portal.signalements import services
    from portal.signalements.catalog import AnomalyType

    return services.create_draft(
        protected, actor=account, anomaly_type=AnomalyType.DUPLICATE, period_ids=[protected.period_id],
        proposal=services.Proposal(), explanation="En double", today=date(2026, 11, 2),
    )  # fmt: skip


def test_under_a_tutelle_the_tuteur_files_alone_and_the_person_sees_it_with_their_name(
    app, client, db, protected, agent
):
    login(client, "demo-jules-inconnu")
    mandate = active(_unbound_account(db), protected, agent=agent)
    page = client.get("/mes-representations")
    client.post(f"/mes-representations/{mandate.id}/agir", data=_form(page.text))
    from portal.representation.context import ActingFor

    draft = _draft_for(protected, ActingFor(mandate.representative, mandate), db)
    page = client.get(f"/mes-demandes/{draft.id}")
    assert page.status_code == 200
    response = client.post(f"/mes-demandes/{draft.id}/deposer", data=_form(page.text))
    assert response.status_code == 303, text_of(response)
    assert db.session.get(Signalement, draft.id).state is SignalementState.FILED
    shown = text_of(client.get(f"/mes-demandes/{draft.id}"))
    assert "tuteur de Jean-Pierre MARTIN" in shown

    person = app.test_client()
    login_and_bind(person)
    history = text_of(person.get("/mon-espace/actions-de-mes-representants"))
    assert "a déposé la demande" in history
    assert "tuteur" in history
    # Under a tutelle the person reads but does not file alone.
    other = _draft_for(
        protected, db.session.execute(select(Account).where(Account.assure_id == protected.id)).scalar_one(), db
    )
    page = person.get(f"/mes-demandes/{other.id}")
    refused = person.post(f"/mes-demandes/{other.id}/deposer", data=_form(page.text))
    assert refused.status_code == 403
    assert "agit pour vous" in text_of(refused)
    assert db.session.get(Signalement, other.id).state is SignalementState.DRAFT


def test_under_a_curatelle_a_request_is_filed_only_once_both_agree(app, client, db, protected, agent):
    login(client, "demo-jules-inconnu")
    mandate = active(_unbound_account(db), protected, agent=agent, measure=Measure.CURATELLE_SIMPLE)
    page = client.get("/mes-representations")
    client.post(f"/mes-representations/{mandate.id}/agir", data=_form(page.text))
    from portal.representation.context import ActingFor

    draft = _draft_for(protected, ActingFor(mandate.representative, mandate), db)
    page = client.get(f"/mes-demandes/{draft.id}")
    response = client.post(f"/mes-demandes/{draft.id}/deposer", data=_form(page.text))
    assert response.status_code == 303
    signalement = db.session.get(Signalement, draft.id)
    assert signalement.state is SignalementState.DRAFT
    assert signalement.filing_requested_by_account_id == mandate.representative_account_id
    # Asking twice does not file it.
    page = client.get(f"/mes-demandes/{draft.id}")
    assert "Elle attend l'autre confirmation" in text_of(page)
    client.post(f"/mes-demandes/{draft.id}/deposer", data=_form(page.text))
    assert db.session.get(Signalement, draft.id).state is SignalementState.DRAFT

    person = app.test_client()
    login_and_bind(person)
    page = person.get(f"/mes-demandes/{draft.id}")
    assert "Accord pour déposer donné par" in text_of(page)
    assert "Confirmer et déposer la demande" in text_of(page)
    response = person.post(f"/mes-demandes/{draft.id}/deposer", data=_form(page.text))
    assert response.status_code == 303
    assert db.session.get(Signalement, draft.id).state is SignalementState.FILED


def test_the_person_under_curatelle_asks_first_and_the_curateur_confirms(app, client, db, protected, agent):
    person = app.test_client()
    login_and_bind(person)
    owner = db.session.execute(select(Account).where(Account.assure_id == protected.id)).scalar_one()
    login(client, "demo-jules-inconnu")
    mandate = active(_unbound_account(db), protected, agent=agent, measure=Measure.HABILITATION_ASSISTANCE)
    draft = _draft_for(protected, owner, db)
    page = person.get(f"/mes-demandes/{draft.id}")
    person.post(f"/mes-demandes/{draft.id}/deposer", data=_form(page.text))
    assert db.session.get(Signalement, draft.id).state is SignalementState.DRAFT
    page = client.get("/mes-representations")
    client.post(f"/mes-representations/{mandate.id}/agir", data=_form(page.text))
    page = client.get(f"/mes-demandes/{draft.id}")
    client.post(f"/mes-demandes/{draft.id}/deposer", data=_form(page.text))
    assert db.session.get(Signalement, draft.id).state is SignalementState.FILED
