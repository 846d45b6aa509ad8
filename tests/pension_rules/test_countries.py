"""Periods abroad: the agreement of each country with France (docs/pension-rules.md §17, data/countries.csv)."""

import csv
import json
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from portal.pension_rules import countries as module
from portal.pension_rules.countries import AgreementKind, advice, countries, country, same_agreement
from portal.pension_rules.text import day

EU_MEMBERS = (
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)  # fmt: skip
EEA_AND_SWITZERLAND = ("IS", "LI", "NO", "CH")
BILATERAL = (AgreementKind.SEPARATE, AgreementKind.CHOICE, AgreementKind.PRORATA)
# Debian's iso-codes package, when the machine has it: the ISO list itself rather than a copy kept in this file.
ISO_CODES_JSON = Path("/usr/share/iso-codes/json/iso_3166-1.json")


def _csv_rows():
    text = resources.files(module.__package__).joinpath("data", "countries.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_every_code_appears_once_with_a_french_name_and_a_source():
    rows = _csv_rows()
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes)) == 250  # the 249 codes of ISO 3166-1 and XK (Kosovo)
    assert all(len(code) == 2 and code.isalpha() and code.isupper() for code in codes)
    assert all(row["name_fr"].strip() and row["label"].strip() and row["source"].strip() for row in rows)
    assert set(countries()) == set(codes)


@pytest.mark.skipif(not ISO_CODES_JSON.exists(), reason="Debian's iso-codes is not installed")
def test_the_table_holds_exactly_the_iso_3166_1_codes_and_kosovo():
    iso = {entry["alpha_2"] for entry in json.loads(ISO_CODES_JSON.read_text(encoding="utf-8"))["3166-1"]}
    assert set(countries()) == iso | {"XK"}


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("DZ", "Algérie"),
        ("CA", "Canada"),
        ("US", "États-Unis"),
        ("PT", "Portugal"),
        ("GB", "Royaume-Uni"),
        ("KR", "Corée du Sud"),
        ("MK", "Macédoine du Nord"),
        ("FR", "France"),
    ],
)
def test_names_are_the_french_short_names(code, name):
    assert country(code).name == name


def test_the_european_union_the_eea_and_switzerland_are_under_the_regulation():
    for code in EU_MEMBERS + list(EEA_AND_SWITZERLAND):
        if code == "FR":
            continue
        agreement = country(code).agreement
        assert agreement.kind is AgreementKind.EU, code
        assert agreement.label == "règlement européen 883/2004"
        assert agreement.counts_for_rate
        assert agreement.prorated_amount
        assert agreement.national_comparison
    assert country("FR").agreement.kind is AgreementKind.FRANCE
    # Croatia and Romania had bilateral conventions (CFDT types B and C) before they joined the Union.
    assert country("HR").agreement.in_force_from == date(2013, 7, 1)
    assert country("RO").agreement.kind is AgreementKind.EU


def test_the_united_kingdom_is_under_the_protocol_computed_like_the_regulation():
    agreement = country("GB").agreement
    assert agreement.kind is AgreementKind.UK
    assert agreement.in_force_from == date(2021, 1, 1)
    assert "règlement européen" in agreement.label
    assert agreement.prorated_amount
    assert agreement.national_comparison
    # The Channel Islands keep their own exchange of letters (CFDT type B).
    assert country("JE").agreement.kind is country("GG").agreement.kind is AgreementKind.CHOICE


@pytest.mark.parametrize("code", ["DZ", "CA", "US", "BJ", "CM", "CV", "CG", "CI", "MA", "MC", "PH", "SN", "TR"])
def test_cfdt_type_c_countries_have_a_separate_computation(code):
    agreement = country(code).agreement
    assert agreement.kind is AgreementKind.SEPARATE
    assert agreement.counts_for_rate
    assert not agreement.prorated_amount


def test_algeria_label_names_the_convention_and_its_date():
    assert country("DZ").agreement.label == "convention bilatérale France–Algérie (1er février 1982)"
    assert country("DZ").agreement.in_force_from == date(1982, 2, 1)


@pytest.mark.parametrize("code", ["AD", "BA", "GA", "GG", "JE", "IL", "MK", "ML", "MR", "NE", "SM", "TG", "TN"])
def test_cfdt_type_b_countries_leave_the_choice(code):
    agreement = country(code).agreement
    assert agreement.kind is AgreementKind.CHOICE
    assert agreement.counts_for_rate
    assert agreement.prorated_amount


def test_tunisia_leaves_the_choice_and_counts_third_states():
    agreement = country("TN").agreement
    assert agreement.kind is AgreementKind.CHOICE
    assert agreement.third_states
    assert agreement.in_force_from == date(2007, 4, 1)


def test_third_states_are_the_cfdt_2025_list():
    with_third_states = {code for code, entry in countries().items() if entry.agreement.third_states}
    assert with_third_states == {"BR", "CA", "IN", "MA", "RS", "TN", "UY"}


def test_morocco_is_flagged_uncertain_because_the_sources_disagree():
    agreement = country("MA").agreement
    assert agreement.kind is AgreementKind.SEPARATE
    assert agreement.uncertain
    assert "désaccord" in agreement.note


@pytest.mark.parametrize("code", ["JP", "KR", "CL", "UY"])
def test_double_computation_conventions_compare_with_the_national_pension(code):
    agreement = country(code).agreement
    assert agreement.kind is AgreementKind.PRORATA
    assert agreement.prorated_amount
    assert agreement.national_comparison


def test_other_prorata_conventions_include_argentina_india_brazil_and_serbia():
    for code in ("AR", "IN", "BR", "RS"):
        assert country(code).agreement.kind is AgreementKind.PRORATA, code
    assert country("RS").agreement.in_force_from == date(2023, 12, 1)


def test_quebec_has_no_code_and_is_noted_on_canada():
    assert "Québec" in country("CA").agreement.note


@pytest.mark.parametrize("code", ["CN", "CD", "VN", "AU", "RU"])
def test_countries_without_a_convention_count_for_nothing(code):
    agreement = country(code).agreement
    assert agreement.kind is AgreementKind.NONE
    assert not agreement.counts_for_rate
    assert not agreement.prorated_amount
    assert not agreement.third_states


def test_china_accord_of_2016_is_explained_but_does_not_count():
    assert "détach" in country("CN").agreement.note


def test_overseas_departments_are_france():
    for code in ("GP", "GF", "MQ", "RE", "BL", "MF"):
        assert country(code).agreement.kind is AgreementKind.FRANCE, code


def test_every_uncertain_row_says_why_and_every_row_names_its_source():
    for code, entry in countries().items():
        assert entry.agreement.source, code
        if entry.agreement.uncertain:
            assert entry.agreement.note, code


def test_bilateral_labels_carry_the_date_they_entered_into_force():
    for code, entry in countries().items():
        agreement = entry.agreement
        if agreement.kind in BILATERAL and agreement.in_force_from is not None:
            assert agreement.label.endswith(f"({day(agreement.in_force_from)})"), code
        if agreement.kind is AgreementKind.NONE:
            assert agreement.in_force_from is None, code


def test_countries_are_ordered_by_french_name_accents_aside():
    names = [entry.name for entry in countries().values()]
    assert names.index("Égypte") < names.index("Espagne") < names.index("États-Unis") < names.index("Éthiopie")
    assert names[0] == "Afghanistan"
    assert names.index("Île Bouvet") < names.index("Inde")


def test_codes_are_read_whatever_their_case():
    assert country(" pt ").code == "PT"


@pytest.mark.parametrize("code", ["ZZ", "", "FRA", "Q1"])
def test_an_unknown_code_is_refused_with_a_french_message(code):
    with pytest.raises(ValueError, match="Pays inconnu") as refused:
        country(code)
    assert "ISO 3166-1" in str(refused.value)
    assert not isinstance(refused.value, KeyError)


def test_two_states_under_the_regulation_add_their_periods():
    assert same_agreement("PT", "ES")
    assert same_agreement("DE", "CH")
    assert same_agreement("NO", "IT")


def test_two_different_conventions_never_add():
    assert not same_agreement("DZ", "CA")
    assert not same_agreement("TN", "MA")  # both allow third states, but that needs a convention between them too
    assert not same_agreement("PT", "TN")
    assert not same_agreement("GB", "PT")


def test_one_convention_adds_with_itself_and_with_the_territories_it_covers():
    assert same_agreement("DZ", "DZ")
    assert same_agreement("US", "PR")
    assert same_agreement("FR", "RE")


def test_without_an_agreement_nothing_adds():
    assert not same_agreement("CN", "CN")
    assert not same_agreement("CN", "VN")


def test_same_agreement_refuses_an_unknown_code():
    with pytest.raises(ValueError, match="Pays inconnu"):
        same_agreement("PT", "ZZ")


def test_every_kind_has_advice_in_french():
    for kind in AgreementKind:
        sentences = advice(kind)
        assert sentences, kind
        assert all(sentence.strip().endswith(".") for sentence in sentences), kind


@pytest.mark.parametrize("kind", [AgreementKind.EU, AgreementKind.UK, *BILATERAL])
def test_foreign_agreements_say_the_foreign_pension_is_not_simulated_and_depends_on_validation(kind):
    text = " ".join(advice(kind))
    assert "n'est pas comprise dans cette simulation" in text
    assert "vérification" in text
    assert "Agirc-Arrco ne s'acquièrent que sur les salaires versés en France" in text


def test_bilateral_advice_says_conventions_are_applied_one_by_one():
    for kind in BILATERAL:
        assert any("ne s'additionnent pas" in sentence for sentence in advice(kind)), kind


def test_without_a_convention_the_page_names_the_ways_out():
    text = " ".join(advice(AgreementKind.NONE))
    assert "1er avril 1983" in text
    assert "racheter" in text
    assert "Caisse des Français de l'étranger" in text
    assert "Agirc-Arrco" in text
