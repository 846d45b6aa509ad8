"""The place of birth in words: communes from the INSEE's code officiel géographique (npm package
@etalab/decoupage-administratif), countries from portal/data/pays_insee.csv; one function shows it everywhere."""

import json

import pytest

from portal.demo.identities import IDENTITIES
from portal.paths import ROOT_DIR
from portal.templating import birth_place_fr, commune_names, country_names
from tests.builders import create_assure
from tests.conftest import text_of
from tests.fc import login


def born_in(place: str, country: str = "99100") -> str:
    return birth_place_fr({"birthplace": place, "birthcountry": country})


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("35238", "Rennes (35)"),
        ("69383", "Lyon 3e Arrondissement (69)"),  # an arrondissement municipal, as FranceConnect sends it
        ("75115", "Paris 15e Arrondissement (75)"),
        ("2A004", "Ajaccio (2A)"),
        ("97411", "Saint-Denis (974)"),
    ],
)
def test_a_commune_is_named_with_its_departement(code, name):
    assert born_in(code) == name


def test_a_code_the_communes_lack_is_shown_as_a_code():
    # Corsica was département 20 until 1976: those communes' codes of the time are no longer in the COG.
    assert born_in("20004") == "commune (code INSEE 20004)"
    assert birth_place_fr({"birthplace": "", "birthcountry": "99100"}) == "France"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("99352", "Algérie"), ("99350", "Maroc"), ("99351", "Tunisie"), ("99139", "Portugal"),
        ("99134", "Espagne"), ("99127", "Italie"), ("99341", "Sénégal"), ("99335", "Mali"),
        ("99326", "Côte d’Ivoire"), ("99208", "Turquie"), ("99109", "Allemagne"), ("99131", "Belgique"),
        ("99132", "Royaume-Uni"), ("99404", "États-Unis"), ("99401", "Canada"), ("99243", "Vietnam"),
        ("99216", "Chine"), ("99140", "Suisse"), ("99122", "Pologne"),
    ],
)  # fmt: skip
def test_a_country_of_birth_is_named(code, name):
    assert birth_place_fr({"birthplace": "", "birthcountry": code}) == name


def test_an_unknown_country_code_is_shown_as_a_code():
    assert birth_place_fr({"birthplace": "", "birthcountry": "99998"}) == "pays (code INSEE 99998)"


def test_every_demo_identity_has_its_place_of_birth_in_words():
    for identity in IDENTITIES:
        place = birth_place_fr(identity.claims())
        assert "code INSEE" not in place, (identity.sub, place)


def test_the_data_is_read_once_into_immutable_mappings():
    assert commune_names() is commune_names()
    assert country_names() is country_names()
    with pytest.raises(TypeError):
        commune_names()["35238"] = "Ailleurs"  # type: ignore[index]
    assert "99100" not in country_names()  # France: the commune is named instead


def test_the_communes_come_from_an_exactly_pinned_npm_package():
    package = json.loads((ROOT_DIR / "package.json").read_text())
    lock = json.loads((ROOT_DIR / "package-lock.json").read_text())
    version = package["dependencies"]["@etalab/decoupage-administratif"]
    assert version[0].isdigit()  # exact: no ^ or ~, so that `npm ci` brings the same communes everywhere
    assert lock["packages"]["node_modules/@etalab/decoupage-administratif"]["version"] == version


def test_the_first_login_page_names_the_commune_of_birth(client, db):
    create_assure(identity="demo-jean-pierre-martin")
    login(client)
    text = text_of(client.get("/premiere-connexion"))
    assert "Lyon 3e Arrondissement (69)" in text
    assert "69383" not in text
