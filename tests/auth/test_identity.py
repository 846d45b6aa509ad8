"""Cross-checking a NIR with the identité pivot: pure functions, no app."""

from datetime import date

import pytest
from stdnum.fr import nir as nir_checker

from portal.auth.identity import (
    PivotIdentity,
    first_given_name,
    is_valid_nir,
    nir_mismatches,
    normalize_name,
    normalize_nir,
    registry_mismatches,
)
from portal.careers.models import Assure


def pivot(**overrides) -> PivotIdentity:
    values = {
        "given_name": "Jean-Pierre",
        "family_name": "MARTIN",
        "birthdate": date(1962, 5, 14),
        "gender": "male",
        "birthplace": "69383",
        "birthcountry": "99100",
    } | overrides
    return PivotIdentity(**values)


def test_a_consistent_nir_has_no_mismatch():
    assert nir_mismatches("162056938304584", pivot()) == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"gender": "female"}, "gender"),
        ({"birthdate": date(1963, 5, 14)}, "birth_year"),
        ({"birthdate": date(1962, 6, 14)}, "birth_month"),
        ({"birthplace": "69384"}, "birth_place"),
        ({"birthplace": "", "birthcountry": "99139"}, "birth_place"),
    ],
)
def test_each_contradiction_is_named(overrides, field):
    assert nir_mismatches("162056938304584", pivot(**overrides)) == [field]


def test_born_abroad_compares_the_country_code():
    born_in_algeria = pivot(birthdate=date(1980, 2, 27), birthplace="", birthcountry="99352")
    assert nir_mismatches("180029935202768", born_in_algeria) == []
    born_in_morocco = pivot(birthdate=date(1980, 2, 27), birthplace="", birthcountry="99350")
    assert nir_mismatches("180029935202768", born_in_morocco) == ["birth_place"]


def test_paris_as_a_whole_matches_an_arrondissement_in_the_nir():
    sophie = pivot(gender="female", birthdate=date(1988, 11, 30), birthplace="75056")
    assert nir_mismatches("288117511531859", sophie) == []


def test_corsica_before_1976_is_department_20_in_the_nir():
    # Born in Ajaccio in 1968: COG 2A004 today, department 20 on a NIR issued before the split.
    base = "1680420004083"
    old_nir = base + nir_checker.calc_check_digits(base)
    assert nir_mismatches(old_nir, pivot(birthdate=date(1968, 4, 1), birthplace="2A004")) == []


def test_an_unknown_birth_month_in_the_nir_is_not_held_against_the_person():
    base = "1622069383045"  # month 20: unknown to the civil registry
    assert nir_mismatches(base + nir_checker.calc_check_digits(base), pivot()) == []


def test_nir_normalisation_and_key():
    assert normalize_nir(" 1 68 04 2a-004.083 40 ") == "168042A00408340"
    assert is_valid_nir("1 68 04 2A 004 083 40")
    assert not is_valid_nir("168042A00408341")


@pytest.mark.parametrize(
    ("left", "right"),
    [("D'AUBIGNÉ", "d aubigne"), ("NGUYỄN", "Nguyen"), ("LEFÈVRE-DUBOIS", "Lefevre Dubois"), ("Le  Gall", "LE GALL")],
)
def test_names_are_compared_without_accents_case_or_punctuation(left, right):
    assert normalize_name(left) == normalize_name(right)


def test_an_incomplete_pivot_cannot_be_matched():
    assert PivotIdentity.from_claims({"given_name": "Jean", "family_name": "MARTIN", "gender": "male"}) is None
    assert PivotIdentity.from_claims({"family_name": "X", "birthdate": "1962-02-30", "gender": "male",
                                      "birthcountry": "99100"}) is None  # fmt: skip


@pytest.mark.parametrize(
    ("fund", "franceconnect"),
    [("Jean-Pierre Marc", "JEAN-PIERRE"), ("Éric", "eric"), ("Sophie Thi", "Sophie"), ("Marie-Hélène", "MARIEHELENE")],
)
def test_the_first_given_names_agree_without_accents_case_or_hyphens(fund, franceconnect):
    assert first_given_name(fund) == first_given_name(franceconnect)


@pytest.mark.parametrize(
    ("fund", "franceconnect"), [("Paul", "Jean-Pierre"), ("Jean Pierre", "Jean-Pierre"), ("", "Jean")]
)
def test_other_first_given_names_differ(fund, franceconnect):
    assert first_given_name(fund) != first_given_name(franceconnect)


def test_a_twin_born_the_same_day_in_the_same_commune_is_told_apart_by_the_given_name():
    twin = Assure(nir="162056938304683", sex="1", birth_name="MARTIN", given_names="Paul Henri",
                  birth_date=date(1962, 5, 14), birth_place_code="69383", birth_country_code="99100")  # fmt: skip
    assert nir_mismatches(twin.nir, pivot()) == []
    assert registry_mismatches(twin, pivot()) == ["given_name"]
    assert registry_mismatches(twin, pivot(given_name="Paul Henri")) == []
