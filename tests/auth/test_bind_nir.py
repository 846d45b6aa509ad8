"""First login: binding the FranceConnect account to an assuré through the NIR, cross-checked with the pivot."""

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.models import Account
from tests.builders import create_assure
from tests.conftest import csrf_token, text_of
from tests.fc import login
from tests.pages import assert_page
from tests.representation.helpers import request

MISMATCH = "ne correspond pas à l'identité transmise par FranceConnect"
# Born the same day as Jean-Pierre MARTIN in Lyon 3e (69383): the same first ten digits, the next order number.
TWIN_NIR = "162056938304683"


def submit_nir(client, nir: str):
    page = client.get("/premiere-connexion")
    assert page.status_code == 200
    return client.post("/premiere-connexion", data={"csrf_token": csrf_token(page.text), "nir": nir})


def account(db) -> Account:
    return db.session.execute(select(Account)).scalar_one()


def refusal(db) -> AuditEvent:
    return db.session.execute(select(AuditEvent).where(AuditEvent.action == "identity.binding_refused")).scalar_one()


@pytest.mark.parametrize(
    ("sub", "typed"),
    [
        ("demo-jean-pierre-martin", "162056938304584"),
        ("demo-karim-benali", "1 80 02 99 352 027 68"),  # born in Algeria: department 99, country 352
        ("demo-dominique-santoni", "1 68 04 20 004 083 13"),  # Corsica before 1976: 20 in the NIR, 2A004 at FC
        ("demo-sophie-nguyen", "2.88.11.75.115.318.59"),  # "NGUYỄN" matches the registry's name without accents
        ("demo-pierre-yves-daubigne", "170071320626026"),  # "D'AUBIGNÉ"
        ("demo-marie-helene-lefevre-dubois", "275093523811206"),  # compound name and a nom d'usage
    ],
)
def test_a_matching_nir_binds_the_account(client, db, sub, typed):
    assure = create_assure(identity=sub)
    login(client, sub)
    response = submit_nir(client, typed)
    assert response.status_code == 303
    assert response.headers["Location"] == "/ma-carriere"
    assert account(db).assure_id == assure.id
    assert client.get("/ma-carriere").status_code == 200


def test_an_unbound_account_is_sent_to_the_nir_step(client, db):
    create_assure(identity="demo-jean-pierre-martin")
    login(client)
    response = client.get("/ma-carriere")
    assert response.status_code == 303
    assert response.headers["Location"] == "/premiere-connexion"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Saisissez votre numéro de sécurité sociale."),
        ("16205693830458", "Le numéro de sécurité sociale compte 15 caractères"),
        ("162056938304599", "Ce numéro de sécurité sociale n'est pas valide"),
        ("16205693830458A", "Ce numéro de sécurité sociale n'est pas valide"),
    ],
)
def test_a_malformed_nir_is_refused_and_kept_in_the_form(client, db, typed, message):
    create_assure(identity="demo-jean-pierre-martin")
    login(client)
    response = submit_nir(client, typed)
    assert_page(response, status=422, shows=message)
    assert f'value="{typed}"' in response.text or not typed
    assert 'aria-describedby="nir-messages"' in response.text
    assert account(db).assure_id is None


def test_an_unknown_nir_is_refused(client, db):
    login(client, "demo-jules-inconnu")
    response = submit_nir(client, "183026748200115")  # valid key, consistent with Jules, but no dossier
    assert_page(response, status=422, shows=MISMATCH)
    assert account(db).assure_id is None
    assert refusal(db).data["reason"] == "unknown_nir"


def test_someone_elses_nir_is_refused_and_recorded(client, db):
    create_assure(identity="demo-jean-pierre-martin")
    karim = create_assure(identity="demo-karim-benali")
    login(client, "demo-jean-pierre-martin")
    response = submit_nir(client, "180029935202768")
    assert_page(response, status=422, shows=MISMATCH)
    assert account(db).assure_id is None
    event = refusal(db)
    assert event.data["reason"] == "identity_mismatch"
    assert event.subject_assure_id == karim.id
    assert set(event.data["fields"]) >= {"birth_year", "birth_month", "birth_place", "birth_date", "birth_name"}


def test_a_registry_record_that_contradicts_the_pivot_is_refused(client, db):
    # Same NIR, but the fund's record says another birth name: the NIR alone is not enough.
    create_assure(identity="demo-jean-pierre-martin", birth_name="MARTINEZ")
    login(client)
    response = submit_nir(client, "162056938304584")
    assert response.status_code == 422
    assert account(db).assure_id is None
    assert refusal(db).data["fields"] == ["birth_name"]


def test_a_nir_already_bound_to_another_account_is_refused(client, db):
    assure = create_assure(identity="demo-jean-pierre-martin", caisse="CARSAT-RA")
    db.session.add(Account(assure=assure, pivot_identity={}))
    db.session.flush()
    login(client)
    response = submit_nir(client, "162056938304584")
    assert_page(response, status=422, shows="déjà rattaché à un autre compte FranceConnect")
    # The owner (their identity matches the record) is told whom to contact.
    assert "contactez votre caisse de retraite (Carsat Rhône-Alpes) au 39 60" in text_of(response)
    assert refusal(db).data["reason"] == "already_bound"


def _twin_of_jean_pierre():
    """Paul, born the same day in the same commune as Jean-Pierre MARTIN: only the NIR's order number differs."""
    return create_assure(identity="demo-jean-pierre-martin", nir=TWIN_NIR, given_names="Paul Henri")


def test_a_twin_cannot_bind_the_others_nir(client, db):
    create_assure(identity="demo-jean-pierre-martin")
    twin = _twin_of_jean_pierre()
    login(client)  # Jean-Pierre, who types his brother's NIR
    response = submit_nir(client, TWIN_NIR)
    assert_page(response, status=422, shows=MISMATCH)
    assert account(db).assure_id is None
    assert refusal(db).data == {"reason": "identity_mismatch", "fields": ["given_name"]}
    assert refusal(db).subject_assure_id == twin.id


def test_a_twin_is_not_told_that_the_others_nir_is_already_linked(client, db):
    twin = _twin_of_jean_pierre()
    db.session.add(Account(assure=twin, pivot_identity={}))
    db.session.flush()
    login(client)
    response = submit_nir(client, TWIN_NIR)
    assert response.status_code == 422
    # The same answer as for a NIR nobody holds: nothing about the twin's account.
    assert MISMATCH in text_of(response)
    assert "déjà rattaché" not in text_of(response)
    assert refusal(db).data["reason"] == "identity_mismatch"


def test_nir_attempts_are_rate_limited(client, db):
    login(client, "demo-jules-inconnu")
    for _ in range(10):
        assert submit_nir(client, "183026748200115").status_code == 422
    response = submit_nir(client, "183026748200115")
    assert_page(response, status=429, shows="Trop de tentatives")


def test_the_nir_step_needs_a_login(client):
    response = client.get("/premiere-connexion")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/?next=")


def test_a_representative_unknown_to_the_fund_who_says_so_lands_on_their_representations(client, db):
    first = login(client, "demo-jules-inconnu")
    assert first.headers["Location"].startswith("/premiere-connexion")
    page = client.get("/premiere-connexion")
    assert "Je représente une personne protégée" in text_of(page)
    response = client.post("/mes-representations/je-represente", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/mes-representations"
    assert account(db).declared_representative_at is not None
    again = login(client, "demo-jules-inconnu")
    assert again.status_code == 303
    assert again.headers["Location"] == "/mes-representations"
    assert "Retrouvez votre dossier retraite" in text_of(client.get("/mes-representations"))


def test_a_representative_with_a_mandate_lands_on_their_representations(client, db):
    protected = create_assure(identity="demo-anne-sophie-girard", caisse="CARSAT-RA")
    login(client, "demo-jules-inconnu")
    request(account(db), protected)
    again = login(client, "demo-jules-inconnu")
    assert again.headers["Location"] == "/mes-representations"
    # Someone with neither a file nor a mandate still starts with the NIR step.
    other = login(client, "demo-karim-benali")
    assert other.headers["Location"].startswith("/premiere-connexion")
