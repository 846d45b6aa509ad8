"""Through the pages: a representative asks for a mandate, files for the protected person (alone under a tutelle,
with the person's confirmation under a curatelle), and the person sees what was done on their behalf."""

import io
import re

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.models import Account
from portal.documents.models import Document
from portal.representation.context import ActingFor
from portal.representation.models import Mandate, MandateState, Measure
from portal.signalements.models import Signalement
from portal.signalements.states import SignalementState
from tests.builders import create_draft
from tests.conftest import csrf_token, text_of
from tests.fc import login, login_and_bind
from tests.files import pdf_bytes
from tests.pages import assert_page
from tests.representation.helpers import active


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
    assert_page(
        refused,
        status=422,
        shows="certifier sur l'honneur",
        markup='value="RG 25/04321"',  # what was typed is kept
    )
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


def test_under_a_tutelle_the_tuteur_files_alone_and_the_person_sees_it_with_their_name(
    app, client, db, protected, agent
):
    login(client, "demo-jules-inconnu")
    mandate = active(_unbound_account(db), protected, agent=agent)
    page = client.get("/mes-representations")
    client.post(f"/mes-representations/{mandate.id}/agir", data=_form(page.text))
    draft = create_draft(protected, actor=ActingFor(mandate.representative, mandate), period_ids=[protected.period_id])
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
    other = create_draft(
        protected,
        actor=db.session.execute(select(Account).where(Account.assure_id == protected.id)).scalar_one(),
        period_ids=[protected.period_id],
    )
    page = person.get(f"/mes-demandes/{other.id}")
    refused = person.post(f"/mes-demandes/{other.id}/deposer", data=_form(page.text))
    assert_page(refused, status=403, shows="agit pour vous")
    assert db.session.get(Signalement, other.id).state is SignalementState.DRAFT


def test_under_a_curatelle_a_request_is_filed_only_once_both_agree(app, client, db, protected, agent):
    login(client, "demo-jules-inconnu")
    mandate = active(_unbound_account(db), protected, agent=agent, measure=Measure.CURATELLE_SIMPLE)
    page = client.get("/mes-representations")
    client.post(f"/mes-representations/{mandate.id}/agir", data=_form(page.text))
    draft = create_draft(protected, actor=ActingFor(mandate.representative, mandate), period_ids=[protected.period_id])
    page = client.get(f"/mes-demandes/{draft.id}")
    response = client.post(f"/mes-demandes/{draft.id}/deposer", data=_form(page.text))
    assert response.status_code == 303
    signalement = db.session.get(Signalement, draft.id)
    assert signalement.state is SignalementState.DRAFT
    assert signalement.filing_requested_by_account_id == mandate.representative_account_id
    # Asking twice does not file it.
    page = client.get(f"/mes-demandes/{draft.id}")
    assert "Elle attend la confirmation de Jean-Pierre MARTIN" in text_of(page)
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
    draft = create_draft(protected, actor=owner, period_ids=[protected.period_id])
    page = person.get(f"/mes-demandes/{draft.id}")
    person.post(f"/mes-demandes/{draft.id}/deposer", data=_form(page.text))
    assert db.session.get(Signalement, draft.id).state is SignalementState.DRAFT
    page = client.get("/mes-representations")
    client.post(f"/mes-representations/{mandate.id}/agir", data=_form(page.text))
    page = client.get(f"/mes-demandes/{draft.id}")
    client.post(f"/mes-demandes/{draft.id}/deposer", data=_form(page.text))
    assert db.session.get(Signalement, draft.id).state is SignalementState.FILED


REQUEST_FIELDS = {
    "measure": "tutelle", "birth_name": "Martin", "given_names": "Jean-Pierre", "birth_date": "1962-05-14",
    "nir": "162056938304584", "court_name": "Tribunal judiciaire de Lyon", "decision_date": "2025-12-15",
    "decision_number": "RG 25/04321", "start_date": "2026-01-05", "end_date": "2031-01-04", "sworn": "y",
}  # fmt: skip


def _send_request(client, *, decision: bytes | None = None, **changes):
    page = client.get("/mes-representations/nouvelle")
    data = _form(
        page.text, **(REQUEST_FIELDS | changes), decision=(io.BytesIO(decision or pdf_bytes()), "jugement.pdf")
    )
    return client.post("/mes-representations/nouvelle", data=data, content_type="multipart/form-data")


def _errors(response) -> list[str]:
    return re.findall(r'class="fr-message fr-message--error">([^<]+)<', text_of(response))


def _refusals(db) -> list[AuditEvent]:
    statement = select(AuditEvent).where(AuditEvent.action == "mandate.request_refused").order_by(AuditEvent.id)
    return list(db.session.execute(statement).scalars())


def test_the_mandate_form_answers_the_same_whether_or_not_the_person_is_known(client, db, protected):
    login(client, "demo-jules-inconnu")
    answers = [
        _send_request(client, nir="183026748200115"),  # a valid NIR that nobody holds here
        _send_request(client, birth_name="Durand"),
        _send_request(client, given_names="Paul"),
        _send_request(client, birth_date="1962-05-15"),
    ]
    assert {response.status_code for response in answers} == {422}
    assert len({tuple(_errors(response)) for response in answers}) == 1
    assert "Aucun dossier ne correspond à cette personne" in _errors(answers[0])[0]
    assert db.session.execute(select(Mandate)).first() is None
    assert [event.data["reason"] for event in _refusals(db)] == ["identity"] * 4


def test_the_decision_file_is_checked_before_the_person(client, db, protected):
    login(client, "demo-jules-inconnu")
    unknown = _send_request(client, nir="183026748200115", decision=b"%PDF-1.4 not really")
    known = _send_request(client, decision=b"%PDF-1.4 not really")
    assert unknown.status_code == known.status_code == 422
    assert _errors(unknown) == _errors(known)
    assert "Aucun dossier" not in text_of(unknown)


def test_a_refused_decision_file_leaves_no_mandate_to_approve(client, db, protected):
    login(client, "demo-jules-inconnu")
    response = _send_request(client, decision=b"this is not a court decision")
    assert_page(
        response,
        status=422,
        shows="Ce type de fichier n'est pas accepté",
        markup='value="RG 25/04321"',  # what was typed is kept
    )
    assert db.session.execute(select(Mandate)).first() is None
    assert db.session.execute(select(Document)).first() is None
    assert _refusals(db)[-1].data["reason"] == "decision_type"


def test_a_refused_form_is_audited_with_its_fields_only(client, db, protected):
    login(client, "demo-jules-inconnu")
    response = _send_request(client, birth_name="", decision_date="")
    assert response.status_code == 422
    event = _refusals(db)[-1]
    assert event.data == {"reason": "form", "fields": ["birth_name", "decision_date"]}
    assert event.actor_account_id == _unbound_account(db).id


def test_mandate_requests_are_rate_limited_per_account(app, client, db, protected):
    login(client, "demo-jules-inconnu")
    page = client.get("/mes-representations/nouvelle")
    for _ in range(10):
        response = client.post("/mes-representations/nouvelle", data=_form(page.text, nir="183026748200115"))
        assert response.status_code == 422
    refused = client.post("/mes-representations/nouvelle", data=_form(page.text, nir="183026748200115"))
    assert_page(refused, status=429, shows="Trop de tentatives")
    # Another account still has its own tries.
    other = app.test_client()
    login(other, "demo-karim-benali")
    assert _send_request(other, nir="183026748200115").status_code == 422


def test_acting_for_and_simulating_are_audited_and_shown_to_the_person(app, client, db, protected, agent):
    login(client, "demo-jules-inconnu")
    representative = _unbound_account(db)
    mandate = active(representative, protected, agent=agent)
    page = client.get("/mes-representations")
    assert client.post(f"/mes-representations/{mandate.id}/agir", data=_form(page.text)).status_code == 303
    page = client.get("/ma-retraite/simulation")
    assert page.status_code == 200
    client.post("/ma-retraite/simulation", data=_form(page.text))
    page = client.get("/ma-carriere")
    client.post("/mes-representations/revenir", data=_form(page.text))

    actions = ("representative.acting_started", "representative.simulated", "representative.acting_ended")
    events = db.session.execute(select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.id))
    events = list(events.scalars())
    assert [event.action for event in events] == list(actions)
    for event in events:
        assert event.actor_account_id == representative.id
        assert event.acting_for_assure_id == protected.id
        assert event.data["mandate_id"] == mandate.id

    person = app.test_client()
    login_and_bind(person)
    history = text_of(person.get("/mon-espace/actions-de-mes-representants"))
    assert "est entré dans votre espace" in history
    assert "a simulé votre retraite" in history
