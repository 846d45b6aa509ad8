"""Every route, tried by every kind of visitor. A new route fails here until its rule is declared."""

import pytest

from tests.builders import create_assure, create_period
from tests.fc import login, login_and_bind

ANONYMOUS, UNBOUND, ASSURE = "anonyme", "compte non rattaché", "assuré"
ROLES = (ANONYMOUS, UNBOUND, ASSURE)

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
}
# Someone else's objects: never shown, and not even confirmed to exist.
FOREIGN_ROUTES = {
    "careers.show_period": ("GET", "/ma-carriere/periodes/{other_period}", {UNBOUND: 303, ASSURE: 404}),
}


def test_every_route_declares_its_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(ROUTES)


def test_every_url_path_is_french_kebab_case(app):
    for rule in app.url_map.iter_rules():
        static_part = rule.rule.split("<")[0]
        assert static_part == static_part.lower(), rule.rule
        assert "_" not in static_part, rule.rule


@pytest.fixture
def visitor(request, client, db):
    """A client logged in as the role, plus the ids the paths need."""
    role = request.param
    own = create_assure(identity="demo-jean-pierre-martin")
    other = create_assure(identity="demo-karim-benali")
    ids = {
        "own_period": create_period(own, year=2001).period_id,
        "other_period": create_period(other, year=2002).period_id,
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
