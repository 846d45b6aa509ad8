"""Every route, tried by every kind of visitor. A new route fails here until its rule is declared."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.models import Account
from portal.db import db
from portal.signalements import justificatifs, services
from portal.signalements.catalog import AnomalyType
from tests.builders import create_assure, create_period
from tests.conftest import csrf_token
from tests.fc import login, login_and_bind
from tests.files import pdf_bytes

ANONYMOUS, UNBOUND, ASSURE = "anonyme", "compte non rattaché", "assuré"
ROLES = (ANONYMOUS, UNBOUND, ASSURE)

# Pages of the person's own space: login first, then the NIR step, then the page.
PERSONAL = {ANONYMOUS: 303, UNBOUND: 303, ASSURE: 200}
# POSTs without a CSRF token are refused before anything else, whoever sends them.
NO_TOKEN = dict.fromkeys(ROLES, 400)

# endpoint: (method, path, {role: expected status}). "{own_period}" and "{other_period}" are filled in per test.
ROUTES = {
    "main.home": ("GET", "/", {ANONYMOUS: 200, UNBOUND: 200, ASSURE: 303}),
    "main.legal_notice": ("GET", "/mentions-legales", dict.fromkeys(ROLES, 200)),
    "main.accessibility": ("GET", "/accessibilite", dict.fromkeys(ROLES, 200)),
    "main.personal_data": ("GET", "/donnees-personnelles", dict.fromkeys(ROLES, 200)),
    "main.health": ("GET", "/sante", dict.fromkeys(ROLES, 200)),
    "static": ("GET", "/static/css/portal.css", dict.fromkeys(ROLES, 200)),
    "dsfr.static": ("GET", "/static/dsfr/dsfr.min.css", dict.fromkeys(ROLES, 200)),
    # POSTs without a CSRF token are refused whoever sends them.
    "auth.login_franceconnect": ("POST", "/connexion/franceconnect", dict.fromkeys(ROLES, 400)),
    "auth.franceconnect_callback": ("GET", "/connexion/franceconnect/retour", dict.fromkeys(ROLES, 401)),
    "auth.bind_nir": ("GET", "/premiere-connexion", {ANONYMOUS: 303, UNBOUND: 200, ASSURE: 303}),
    "auth.logout": ("POST", "/deconnexion", dict.fromkeys(ROLES, 400)),
    "auth.logout_callback": ("GET", "/deconnexion/retour", dict.fromkeys(ROLES, 303)),
    "careers.show_career": ("GET", "/ma-carriere", {ANONYMOUS: 303, UNBOUND: 303, ASSURE: 200}),
    "careers.show_period": ("GET", "/ma-carriere/periodes/{own_period}", {ANONYMOUS: 303, UNBOUND: 303, ASSURE: 200}),
    "careers.show_checks": ("GET", "/ma-carriere/a-verifier", PERSONAL),
    "careers.download_releve": ("GET", "/ma-carriere/releve.pdf", PERSONAL),
    "careers.confirm_year": ("POST", "/ma-carriere/confirmer", dict.fromkeys(ROLES, 400)),
    "signalements.list_signalements": ("GET", "/mes-demandes", PERSONAL),
    "signalements.choose_type": ("GET", "/mes-demandes/nouvelle", PERSONAL),
    "signalements.new_signalement": ("GET", "/mes-demandes/nouvelle/wrong_earnings", PERSONAL),
    "signalements.show_signalement": ("GET", "/mes-demandes/{own_signalement}", PERSONAL),
    "signalements.edit_signalement": ("GET", "/mes-demandes/{own_signalement}/modifier", PERSONAL),
    "signalements.delete_signalement": ("POST", "/mes-demandes/{own_signalement}/supprimer", NO_TOKEN),
    "signalements.upload_document": ("POST", "/mes-demandes/{own_signalement}/pieces", NO_TOKEN),
    "signalements.remove_document": (
        "POST", "/mes-demandes/{own_signalement}/pieces/{own_document}/supprimer", NO_TOKEN,
    ),
    "signalements.submit_signalement": ("POST", "/mes-demandes/{own_signalement}/deposer", NO_TOKEN),
    "signalements.withdraw_signalement": ("POST", "/mes-demandes/{own_signalement}/retirer", NO_TOKEN),
    "signalements.post_message": ("POST", "/mes-demandes/{own_signalement}/messages", NO_TOKEN),
    "signalements.answer_complement": ("POST", "/mes-demandes/{own_signalement}/complement", NO_TOKEN),
    "documents.download_document": ("GET", "/justificatifs/{own_document}", PERSONAL),
    "representation.list_mandates": ("GET", "/mes-representations", {ANONYMOUS: 303, UNBOUND: 200, ASSURE: 200}),
    "representation.request_mandate": (
        "GET", "/mes-representations/nouvelle", {ANONYMOUS: 303, UNBOUND: 200, ASSURE: 200},
    ),
    "representation.act_for": ("POST", "/mes-representations/1/agir", NO_TOKEN),
    "representation.stop_acting": ("POST", "/mes-representations/revenir", NO_TOKEN),
    "representation.declare_representative": ("POST", "/mes-representations/je-represente", NO_TOKEN),
    "representation.list_actions_on_my_behalf": ("GET", "/mon-espace/actions-de-mes-representants", PERSONAL),
    "simulator.simulate_retirement": ("GET", "/ma-retraite/simulation", PERSONAL),
    "simulator_buy_back.show_buy_back": ("GET", "/ma-retraite/rachat-de-trimestres", PERSONAL),
    "simulator.show_signalement_effect": ("GET", "/mes-demandes/{own_signalement}/effet-sur-ma-retraite", PERSONAL),
    # The public simulation API: no login, exempt from CSRF (stateless); a POST without a JSON body gets 415.
    "simulator_api.run_simulation": ("POST", "/api/v1/simulations", dict.fromkeys(ROLES, 415)),
    "simulator_api.show_openapi": ("GET", "/api/v1/openapi.json", dict.fromkeys(ROLES, 200)),
}  # fmt: skip
# Someone else's objects: never shown, and not even confirmed to exist.
FOREIGN_ROUTES = {
    "careers.show_period": ("GET", "/ma-carriere/periodes/{other_period}", {UNBOUND: 303, ASSURE: 404}),
    "signalements.show_signalement": ("GET", "/mes-demandes/{other_signalement}", {UNBOUND: 303, ASSURE: 404}),
    "signalements.edit_signalement": (
        "GET", "/mes-demandes/{other_signalement}/modifier", {UNBOUND: 303, ASSURE: 404},
    ),
    "documents.download_document": ("GET", "/justificatifs/{other_document}", {UNBOUND: 303, ASSURE: 404}),
    "simulator.show_signalement_effect": (
        "GET", "/mes-demandes/{other_signalement}/effet-sur-ma-retraite", {UNBOUND: 303, ASSURE: 404},
    ),
}  # fmt: skip
# The same, for the POSTs, with a valid CSRF token: refused as not found, and nothing changes.
FOREIGN_POSTS = [
    "/mes-demandes/{other_signalement}/supprimer",
    "/mes-demandes/{other_signalement}/pieces",
    "/mes-demandes/{other_signalement}/pieces/{other_document}/supprimer",
    "/mes-demandes/{own_signalement}/pieces/{other_document}/supprimer",
    "/mes-demandes/{other_signalement}/deposer",
    "/mes-demandes/{other_signalement}/retirer",
    "/mes-demandes/{other_signalement}/messages",
    "/mes-demandes/{other_signalement}/complement",
]


def test_every_route_declares_its_rule(app):
    # The back-office's routes have their own matrix, by agent role (tests/backoffice/test_backoffice.py).
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if not rule.endpoint.startswith("backoffice.")}
    assert endpoints == set(ROUTES)


def test_every_url_path_is_french_kebab_case(app):
    for rule in app.url_map.iter_rules():
        static_part = rule.rule.split("<")[0]
        assert static_part == static_part.lower(), rule.rule
        assert "_" not in static_part, rule.rule


def create_signalement_with_document(assure, period_id: int) -> tuple[int, int]:
    """A draft with one stored justificatif, created by an account of that assuré on another device."""

    author = Account(pivot_identity={})
    db.session.add(author)
    db.session.flush()
    author.assure_id = assure.id
    signalement = services.create_draft(
        assure, actor=author, anomaly_type=AnomalyType.WRONG_EARNINGS, period_ids=[period_id],
        proposal=services.Proposal(earnings_cents=1_000_000), explanation="", today=date(2026, 1, 1),
    )  # fmt: skip
    author.assure_id = None  # the account of the test's visitor is the one bound to the assuré
    document = justificatifs.add_document(
        signalement, actor=author, stream=io.BytesIO(pdf_bytes()), original_name="a.pdf", kind="x", period_ids=[]
    )
    db.session.flush()
    return signalement.id, document.id


@pytest.fixture
def visitor(request, client, db):
    """A client logged in as the role, plus the ids the paths need."""
    role = request.param
    own = create_assure(identity="demo-jean-pierre-martin")
    other = create_assure(identity="demo-karim-benali")
    own_period = create_period(own, year=2001).period_id
    other_period = create_period(other, year=2002).period_id
    own_signalement, own_document = create_signalement_with_document(own, own_period)
    other_signalement, other_document = create_signalement_with_document(other, other_period)
    ids = {
        "own_period": own_period,
        "other_period": other_period,
        "own_signalement": own_signalement,
        "own_document": own_document,
        "other_signalement": other_signalement,
        "other_document": other_document,
    }
    if role == UNBOUND:
        login(client, "demo-jules-inconnu")
    elif role == ASSURE:
        login_and_bind(client)
    return role, client, ids


@pytest.mark.parametrize("visitor", ROLES, indirect=True)
def test_each_role_gets_the_declared_answer_on_every_route(visitor):
    role, client, ids = visitor
    for endpoint, (method, path, expected) in ROUTES.items():
        response = client.open(path.format(**ids), method=method)
        response.close()  # static files are streamed from disk
        assert response.status_code == expected[role], f"{role} {method} {path} ({endpoint})"


@pytest.mark.parametrize("visitor", [UNBOUND, ASSURE], indirect=True)
def test_nobody_reads_another_persons_objects(visitor):
    role, client, ids = visitor
    for endpoint, (method, path, expected) in FOREIGN_ROUTES.items():
        response = client.open(path.format(**ids), method=method)
        response.close()  # static files are streamed from disk
        assert response.status_code == expected[role], f"{role} {method} {path} ({endpoint})"


@pytest.mark.parametrize("visitor", [ASSURE], indirect=True)
def test_posts_on_another_persons_objects_are_not_found_and_change_nothing(visitor, db):

    _role, client, ids = visitor
    token = csrf_token(client.get("/mes-demandes").text)
    before = db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    for path in FOREIGN_POSTS:
        response = client.post(path.format(**ids), data={"csrf_token": token, "body": "x", "reason": "x"})
        assert response.status_code == 404, path
    after = db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    assert after == before
