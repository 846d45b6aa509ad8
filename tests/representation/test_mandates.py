"""Mandates: requested with the decision, verified by a technician, in force between their dates, revoked or
expired; a representative acts in the protected person's space and every action names both."""

import io
from datetime import date

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.models import Account
from portal.db import db, utcnow
from portal.documents import services as documents_services
from portal.documents.models import Document
from portal.notifications.models import Notification
from portal.representation import services
from portal.representation.context import ActingFor
from portal.representation.exceptions import MandateError
from portal.representation.models import Mandate, MandateState, Measure
from portal.representation.permissions import Action, check
from tests.builders import create_citizen_account, create_representative_account
from tests.conftest import csrf_token, text_of
from tests.fc import login
from tests.files import pdf_bytes
from tests.pages import assert_page
from tests.representation.helpers import active, request, state_of


@pytest.fixture
def protected(protected):
    """With his own account (so an address)."""
    create_citizen_account(protected)
    return protected


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_request_is_matched_to_the_file_and_keeps_the_decision(db, protected):
    account = create_representative_account()
    mandate = request(account, protected)
    assert mandate.state is MandateState.REQUESTED
    assert mandate.protected_assure_id == protected.id
    assert mandate.caisse_id == protected.caisse_id
    document = db.session.execute(select(Document).where(Document.mandate_id == mandate.id)).scalar_one()
    assert document.assure_id == protected.id
    assert document.uploaded_by_account_id == account.id
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "mandate.requested")).scalar_one()
    assert event.actor_account_id == account.id
    assert event.subject_assure_id == protected.id


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"nir": "1 62 05 69 383 045 85"}, "nir", "n'est pas valide"),
        ({"birth_name": "DURAND"}, "nir", "Aucun dossier ne correspond à cette personne"),
        ({"birth_date": date(1962, 5, 21)}, "nir", "Aucun dossier ne correspond à cette personne"),
        ({"given_names": "Paul"}, "nir", "Aucun dossier ne correspond à cette personne"),
        ({"nir": "183026748200115"}, "nir", "Aucun dossier ne correspond à cette personne"),  # nobody's NIR
        ({"end_date": date(2025, 1, 1)}, "end_date", "doit suivre la date de début"),
        ({"decision_date": date(2027, 1, 1)}, "decision_date", "dans le futur"),
        ({"sworn_statement": False}, "sworn", "certifier sur l'honneur"),
    ],
)
def test_a_wrong_request_is_refused_in_french_and_stores_nothing(db, protected, change, field, message):
    account = create_representative_account()
    values = {
        "measure": Measure.TUTELLE, "birth_name": protected.birth_name, "given_names": protected.given_names,
        "birth_date": protected.birth_date, "nir": protected.nir, "court_name": "TJ Lyon",
        "decision_date": date(2025, 12, 15), "decision_number": "RG 1", "start_date": date(2026, 1, 5),
        "end_date": date(2031, 1, 4), "sworn_statement": True,
    } | change  # fmt: skip
    documents, mandates = _count(Document), _count(Mandate)
    with pytest.raises(MandateError) as refused:
        services.request_mandate(
            services.MandateRequest(**values), account=account, today=date(2026, 11, 2),
            stream=io.BytesIO(pdf_bytes()), original_name="j.pdf",
        )  # fmt: skip
    assert refused.value.field == field
    assert message in refused.value.message
    assert (_count(Document), _count(Mandate)) == (documents, mandates)
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "mandate.request_refused")).scalar_one()
    assert event.actor_account_id == account.id
    assert event.data["reason"] == ("identity" if "Aucun dossier" in message else field)


def test_one_cannot_represent_oneself(db, protected):
    with pytest.raises(MandateError, match="vous représenter vous-même"):
        request(create_citizen_account(protected), protected)


def test_a_request_is_announced_to_the_representative_and_to_the_protected_person(db, protected):
    before = _count(Notification)
    request(create_representative_account(), protected)
    sent = db.session.execute(select(Notification).order_by(Notification.id)).scalars().all()[before:]
    assert {notification.recipient: notification.subject for notification in sent} == {
        "tuteur@example.fr": "Votre demande de mandat a bien été reçue",
        "assure@example.fr": "Une demande de mandat de représentation vous concerne",
    }
    to_person = next(notification for notification in sent if notification.recipient == "assure@example.fr")
    assert "Claire DUPONT a demandé à vous représenter" in to_person.body


def test_a_mandate_without_its_court_decision_cannot_be_approved(db, protected, agent):
    # A row as the old request left it when the decision's file was refused after the mandate was written.
    mandate = Mandate(representative_account_id=create_representative_account().id, representative_name="Claire DUPONT",
                      protected_assure_id=protected.id, caisse_id=protected.caisse_id, measure=Measure.TUTELLE,
                      court_name="TJ Lyon", decision_date=date(2025, 12, 15), decision_number="RG 1",
                      start_date=date(2026, 1, 5), end_date=date(2031, 1, 4), sworn_statement_at=utcnow())  # fmt: skip
    db.session.add(mandate)
    db.session.flush()
    with pytest.raises(MandateError, match="La décision de justice manque"):
        services.approve(mandate, agent=agent, today=date(2026, 11, 2))
    assert mandate.state is MandateState.REQUESTED


def test_approval_makes_it_active_and_tells_both_parties(db, protected, agent):
    mandate = request(create_representative_account(), protected)
    before = _count(Notification)
    services.approve(mandate, agent=agent, today=date(2026, 11, 2))
    assert mandate.state is MandateState.ACTIVE
    recipients = set(db.session.execute(select(Notification.recipient)).scalars().all()[before:])
    assert recipients == {"tuteur@example.fr", "assure@example.fr"}


def test_a_sauvegarde_gives_only_the_acts_the_decision_lists(db, protected, agent):
    mandate = request(create_representative_account(), protected, measure=Measure.SAUVEGARDE)
    with pytest.raises(MandateError, match="Cochez les actes"):
        services.approve(mandate, agent=agent, today=date(2026, 11, 2), allowed_acts=[])
    services.approve(mandate, agent=agent, today=date(2026, 11, 2), allowed_acts=["consulter"])
    acting = ActingFor(mandate.representative, mandate)
    today = date(2026, 11, 2)
    assert check(acting, Action.VIEW, today=today)
    assert not check(acting, Action.FILE, today=today)
    assert "ne vous permet pas" in check(acting, Action.DRAFT, today=today).message


def test_scopes_decide_what_the_representative_and_the_person_may_do(db, protected, agent):
    today = date(2026, 11, 2)
    owner = create_citizen_account(protected)
    tutelle = active(create_representative_account(), protected, agent=agent)
    acting = ActingFor(tutelle.representative, tutelle)
    assert check(acting, Action.FILE, today=today)
    assert not check(acting, Action.FILE, today=today).needs_confirmation
    # Under a tutelle the person keeps reading their space but no longer acts alone.
    assert check(owner, Action.VIEW, today=today)
    assert "agit pour vous" in check(owner, Action.FILE, today=today).message
    services.revoke(tutelle, agent=agent, motive="Nouvelle décision")
    curatelle = active(create_representative_account("curateur@example.fr"), protected, agent=agent,
                       measure=Measure.CURATELLE_RENFORCEE)  # fmt: skip
    assert check(ActingFor(curatelle.representative, curatelle), Action.FILE, today=today).needs_confirmation
    assert check(owner, Action.FILE, today=today).needs_confirmation
    assert not check(owner, Action.CONFIRM, today=today).needs_confirmation


def test_refusal_and_revocation_need_a_motive(db, protected, agent):
    mandate = request(create_representative_account(), protected)
    with pytest.raises(MandateError, match="motif"):
        services.refuse(mandate, agent=agent, motive="  ")
    services.refuse(mandate, agent=agent, motive="La décision jointe est illisible.")
    assert mandate.state is MandateState.REFUSED
    other = active(create_representative_account("b@example.fr"), protected, agent=agent)
    with pytest.raises(MandateError, match="motif"):
        services.revoke(other, agent=agent, motive="")
    services.revoke(other, agent=agent, motive="Mainlevée de la mesure")
    assert other.state is MandateState.REVOKED


def test_mandates_expire_on_their_end_date_with_the_daily_command(app, db, protected, agent):
    mandate = active(create_representative_account(), protected, agent=agent, end=date(2026, 12, 31))
    runner = app.test_cli_runner()
    with freeze_time("2026-12-31 12:00:00"):
        result = runner.invoke(args=["mandates", "expire"])
    assert result.exit_code == 0, result.output
    assert "0 mandat(s) expiré(s)" in result.output
    assert state_of(mandate.id) is MandateState.ACTIVE
    with freeze_time("2027-01-01 09:00:00"):
        result = runner.invoke(args=["mandates", "expire"])
    assert "1 mandat(s) expiré(s)" in result.output
    assert state_of(mandate.id) is MandateState.EXPIRED


def _act_for(client, mandate) -> None:
    page = client.get("/mes-representations")
    assert page.status_code == 200
    response = client.post(f"/mes-representations/{mandate.id}/agir", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 303, text_of(response)


def test_a_tuteur_acts_in_the_space_with_a_banner_and_each_action_names_both(client, db, protected, agent):
    account_login = login(client, "demo-jules-inconnu")  # a mandataire unknown to the fund: no NIR of their own
    assert account_login.status_code == 303
    representative = db.session.execute(select(Account).where(Account.assure_id.is_(None))).scalars().all()[-1]
    mandate = active(representative, protected, agent=agent)
    _act_for(client, mandate)
    page = client.get("/ma-carriere")
    assert_page(
        page,
        shows=(
            "agissez pour",
            "Jean-Pierre MARTIN",
        ),
    )
    token = csrf_token(page.text)
    response = client.post("/ma-carriere/confirmer", data={"csrf_token": token, "annee": "2015"})
    assert response.status_code == 303
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "career.confirmed")).scalar_one()
    assert event.actor_account_id == representative.id
    assert event.subject_assure_id == protected.id
    assert event.acting_for_assure_id == protected.id
    assert event.data["mandate_id"] == mandate.id
    reads = db.session.execute(select(AuditEvent).where(AuditEvent.action == "representative.read")).scalars().all()
    assert any(read.data["endpoint"] == "careers.show_career" for read in reads)


def test_a_revoked_mandate_loses_its_effect_at_the_very_next_request(client, db, protected, agent):
    login(client, "demo-jules-inconnu")
    representative = db.session.execute(select(Account).where(Account.assure_id.is_(None))).scalars().all()[-1]
    mandate = active(representative, protected, agent=agent)
    _act_for(client, mandate)
    assert client.get("/ma-carriere").status_code == 200
    services.revoke(mandate, agent=agent, motive="Décès de la personne protégée")
    db.session.flush()
    response = client.get("/ma-carriere")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/mes-representations")
    assert "n'est plus en vigueur" in text_of(client.get("/mes-representations"))
    # Back in their own space, which has no file: the protected person's pages are gone.
    assert client.get("/ma-carriere").status_code == 303


def test_an_inactive_mandate_cannot_be_used_to_act(client, db, protected, agent):
    login(client, "demo-jules-inconnu")
    representative = db.session.execute(select(Account).where(Account.assure_id.is_(None))).scalars().all()[-1]
    requested = request(representative, protected)
    page = client.get("/mes-representations")
    response = client.post(f"/mes-representations/{requested.id}/agir", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 303
    assert client.get("/ma-carriere").status_code == 303  # still their own (unbound) space


def test_someone_elses_mandate_is_not_found(client, db, protected, agent):
    mandate = active(create_representative_account(), protected, agent=agent)
    login(client, "demo-jules-inconnu")
    page = client.get("/mes-representations")
    response = client.post(f"/mes-representations/{mandate.id}/agir", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 404


def test_the_court_decision_is_not_among_the_persons_justificatifs(db, protected):
    mandate = request(create_representative_account(), protected)
    document = db.session.execute(select(Document).where(Document.mandate_id == mandate.id)).scalar_one()
    # The download route (/justificatifs/<id>) looks documents up with this function: it does not find it.
    assert documents_services.get_document_for_assure(document.id, protected.id) is None


def test_a_measure_that_ended_while_waiting_cannot_be_approved(db, protected, agent):
    mandate = request(create_representative_account(), protected, end=date(2026, 12, 31))
    with pytest.raises(MandateError, match="a pris fin le 31/12/2026"):
        services.approve(mandate, agent=agent, today=date(2027, 1, 2))
    assert mandate.state is MandateState.REQUESTED


def test_a_decision_of_29_february_is_accepted(db, protected):
    mandate = request(create_representative_account(), protected, decided=date(2024, 2, 29), start=date(2024, 3, 1))
    assert mandate.start_date == date(2024, 3, 1)
