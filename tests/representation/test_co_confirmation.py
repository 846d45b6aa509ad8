"""Filing under assistance (curatelle, habilitation familiale by assistance): the two « Déposer » bind to the draft as
it was agreed to, and the protected person is always one of the two."""

import io
from datetime import date

import pytest
from sqlalchemy import select

from portal.auth.models import Account
from portal.representation.context import ActingFor
from portal.representation.models import Measure
from portal.signalements import justificatifs, services
from portal.signalements.exceptions import SignalementError
from portal.signalements.models import Signalement
from portal.signalements.states import SignalementState
from tests.builders import create_citizen_account, create_draft, create_representative_account
from tests.conftest import csrf_token, text_of
from tests.fc import login, login_and_bind
from tests.files import pdf_bytes
from tests.pages import assert_page
from tests.representation.helpers import active

TODAY = date(2026, 11, 2)
TWICE = "Cette période apparaît deux fois."


def _curateur(protected, agent, email="curatrice@example.fr", name="Claire DUPONT", account=None) -> ActingFor:
    mandate = active(account or create_representative_account(email, name), protected, agent=agent,
                     measure=Measure.CURATELLE_RENFORCEE)  # fmt: skip
    return ActingFor(mandate.representative, mandate)


def _press_file(client, signalement_id: int):
    page = client.get(f"/mes-demandes/{signalement_id}")
    assert page.status_code == 200, text_of(page)
    return client.post(f"/mes-demandes/{signalement_id}/deposer", data={"csrf_token": csrf_token(page.text)})


def _account_named(db, given_name: str) -> Account:
    accounts = db.session.execute(select(Account).order_by(Account.id)).scalars()
    return [account for account in accounts if account.pivot_identity.get("given_name") == given_name][-1]


def test_an_edit_of_the_draft_after_the_curateurs_agreement_voids_it(db, protected, agent):
    curateur = _curateur(protected, agent)
    person = create_citizen_account(protected)
    draft = create_draft(protected, actor=curateur, period_ids=[protected.period_id], explanation=TWICE)
    services.request_filing(draft, actor=curateur)
    assert services.confirms_filing(draft, actor=person)

    services.update_draft(draft, actor=curateur, period_ids=[protected.period_id], proposal=services.Proposal(),
                          explanation="Une autre explication.", today=TODAY)  # fmt: skip
    assert not services.confirms_filing(draft, actor=person)
    assert services.standing_filing_request(draft, actor=person) is None
    assert draft.filing_requested_digest is None
    assert draft.events[-1].note == "Accord pour déposer annulé : le brouillon a été modifié"


def test_a_justificatif_added_after_the_persons_agreement_voids_it(db, protected, agent):
    curateur = _curateur(protected, agent)
    person = create_citizen_account(protected)
    draft = create_draft(protected, actor=person, period_ids=[protected.period_id], explanation=TWICE)
    services.request_filing(draft, actor=person)
    agreed = draft.filing_requested_digest
    assert services.confirms_filing(draft, actor=curateur)

    justificatifs.add_document(draft, actor=curateur, stream=io.BytesIO(pdf_bytes(pages=2)),
                                    original_name="releve.pdf", kind="Autre document", period_ids=[])  # fmt: skip
    assert services.filing_digest(draft) != agreed
    assert not services.confirms_filing(draft, actor=curateur)
    # The curateur's « Déposer » now records their own agreement to the draft as it is, and the person must confirm.
    services.request_filing(draft, actor=curateur)
    assert draft.state is SignalementState.DRAFT
    assert draft.filing_requested_by_account_id == curateur.id
    assert services.confirms_filing(draft, actor=person)


def test_two_co_curateurs_cannot_file_without_the_person(db, protected, agent):
    first = _curateur(protected, agent)
    second = _curateur(protected, agent, email="cocurateur@example.fr", name="Paul DUPONT")
    person = create_citizen_account(protected)
    draft = create_draft(protected, actor=first, period_ids=[protected.period_id], explanation=TWICE)
    services.request_filing(draft, actor=first)
    assert not services.confirms_filing(draft, actor=second)
    with pytest.raises(SignalementError, match="attend maintenant la confirmation de Jean-Pierre MARTIN"):
        services.request_filing(draft, actor=second)
    assert draft.filing_requested_by_account_id == first.id
    assert services.confirms_filing(draft, actor=person)


def test_through_the_pages_a_changed_draft_is_not_filed_by_the_persons_confirmation(app, client, db, protected,
                                                                                   agent):  # fmt: skip
    login(client, "demo-jules-inconnu")
    curateur = _curateur(protected, agent, account=_account_named(db, "Jules"))
    page = client.get("/mes-representations")
    client.post(f"/mes-representations/{curateur.mandate.id}/agir", data={"csrf_token": csrf_token(page.text)})
    draft = create_draft(protected, actor=curateur, period_ids=[protected.period_id], explanation=TWICE)
    assert _press_file(client, draft.id).status_code == 303
    assert db.session.get(Signalement, draft.id).filing_requested_by_account_id == curateur.id

    # The curateur adds a justificatif once the request is agreed: the person has not seen it.
    justificatifs.add_document(db.session.get(Signalement, draft.id), actor=curateur,
                                    stream=io.BytesIO(pdf_bytes(pages=3)), original_name="ajout.pdf",
                                    kind="Autre document", period_ids=[])  # fmt: skip
    db.session.flush()
    person = app.test_client()
    login_and_bind(person)
    page = text_of(person.get(f"/mes-demandes/{draft.id}"))
    assert "Accord pour déposer donné par" not in page
    assert "Confirmer et déposer la demande" not in page
    assert _press_file(person, draft.id).status_code == 303
    signalement = db.session.get(Signalement, draft.id)
    assert signalement.state is SignalementState.DRAFT
    assert (
        signalement.filing_requested_by_account_id
        == db.session.execute(select(Account.id).where(Account.assure_id == protected.id)).scalar_one()
    )
    # The curateur sees the person's agreement to the draft as it now is, and files it.
    assert "Confirmer et déposer la demande" in text_of(client.get(f"/mes-demandes/{draft.id}"))
    assert _press_file(client, draft.id).status_code == 303
    assert db.session.get(Signalement, draft.id).state is SignalementState.FILED


def test_through_the_pages_a_second_curateur_is_told_the_person_must_confirm(app, client, db, protected, agent):
    login(client, "demo-jules-inconnu")
    first = _curateur(protected, agent, account=_account_named(db, "Jules"))
    other = app.test_client()
    login(other, "demo-karim-benali")
    second = _curateur(protected, agent, account=_account_named(db, "Karim"))
    for browser, curateur in ((client, first), (other, second)):
        page = browser.get("/mes-representations")
        browser.post(f"/mes-representations/{curateur.mandate.id}/agir", data={"csrf_token": csrf_token(page.text)})
    draft = create_draft(protected, actor=first, period_ids=[protected.period_id], explanation=TWICE)
    assert _press_file(client, draft.id).status_code == 303

    page = text_of(other.get(f"/mes-demandes/{draft.id}"))
    assert "Elle attend la confirmation de Jean-Pierre MARTIN" in page
    assert "Confirmer et déposer la demande" not in page
    refused = _press_file(other, draft.id)
    assert_page(refused, status=422, shows="attend maintenant la confirmation de Jean-Pierre MARTIN")
    assert db.session.get(Signalement, draft.id).state is SignalementState.DRAFT

    person = app.test_client()
    login_and_bind(person)
    assert _press_file(person, draft.id).status_code == 303
    assert db.session.get(Signalement, draft.id).state is SignalementState.FILED
