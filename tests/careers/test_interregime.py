"""What a career carries for the interrégime simulator: the country of a period abroad, shown with it, and a
fonctionnaire's civil-service profile."""

from datetime import date

import pytest
from sqlalchemy import select

from portal.careers import queries
from portal.careers import services as careers_services
from portal.careers.exceptions import InvalidCivilServiceProfile, InvalidPeriod
from portal.careers.models import Assure, DataSource, PeriodNature, PeriodVersion, Regime, RegimeKind
from portal.demo.seed import seed_demo
from portal.pension_rules import countries
from portal.pension_rules.civil_service import Category, CivilServiceScheme
from tests.builders import create_assure, create_civil_service_profile, create_period, get_regime
from tests.fc import login_and_bind
from tests.pages import assert_page


def abroad(assure, year: int, *, country: str | None, quarters: int | None = 4, **extra):
    return create_period(
        assure, year=year, regime="ETRANGER", nature=PeriodNature.ABROAD, quarters=quarters, earnings=None,
        employer_name="Lakeside Ltd", employer_siret=None, source=DataSource.FOREIGN_INSTITUTION, country=country,
        **extra,
    )  # fmt: skip


def test_a_period_abroad_records_its_country_and_a_correction_keeps_it(db):
    assure = create_assure()
    version = abroad(assure, 2012, country="CA", quarters=3)
    assert (version.country, version.country_name) == ("CA", "Canada")
    assert version.nature_label == "Activité à l'étranger : Canada"
    corrected = careers_services.supersede_period(version.period, recorded_by="Test", reason="Trimestres", quarters=4)
    assert (corrected.country, corrected.quarters) == ("CA", 4)
    moved = careers_services.supersede_period(corrected.period, recorded_by="Test", reason="Pays", country="DZ")
    assert moved.country_name == "Algérie"


@pytest.mark.parametrize("code", ["ZZ", "ca", "CAN"])
def test_a_country_outside_the_iso_table_is_refused_in_french(db, code):
    assure = create_assure()
    with pytest.raises(InvalidPeriod, match="Pays inconnu|deux lettres capitales"):
        careers_services.record_period(
            assure, regime=get_regime("ETRANGER"), nature=PeriodNature.ABROAD, start_date=date(2012, 1, 1),
            end_date=date(2012, 12, 31), source=DataSource.FOREIGN_INSTITUTION, recorded_by="Test", country=code,
        )  # fmt: skip


def test_a_period_abroad_without_country_says_so():
    foreign = Regime(code="ETRANGER", kind=RegimeKind.FOREIGN)
    version = PeriodVersion(nature=PeriodNature.ABROAD, regime=foreign, country=None)
    assert version.nature_label == "Activité à l'étranger : pays non indiqué"
    assert PeriodVersion(nature=PeriodNature.SALARIED, regime=Regime(kind=RegimeKind.BASE)).nature_label == (
        "Activité salariée"
    )


def test_the_profile_is_one_per_assure_and_a_new_one_replaces_it(db):
    assure = create_assure()
    create_civil_service_profile(assure)
    create_civil_service_profile(
        assure, scheme=CivilServiceScheme.CNRACL, category=Category.ACTIVE, active_years=12, index_majore=540
    )
    profile = queries.get_civil_service_profile(assure.id)
    assert (profile.scheme, profile.category, profile.active_years, profile.index_majore) == (
        CivilServiceScheme.CNRACL,
        Category.ACTIVE,
        12,
        540,
    )
    assert queries.get_civil_service_profile(create_assure(identity="demo-sophie-nguyen").id) is None


@pytest.mark.parametrize(
    "values", [{"index_majore": 0}, {"previous_index_majore": -3}, {"active_years": -1}, {"annual_bonuses_cents": -1}]
)
def test_a_profile_no_fonctionnaire_can_have_is_refused(db, values):
    with pytest.raises(InvalidCivilServiceProfile):
        create_civil_service_profile(create_assure(), **values)


@pytest.fixture
def karim(client, db):
    seed_demo()
    assert login_and_bind(client, "demo-karim-benali").status_code == 303
    return client


def test_the_career_page_shows_each_period_abroad_with_its_country_and_the_quarters_validated_there(karim):
    text = assert_page(
        karim.get("/ma-carriere"),
        shows=["Activité à l'étranger : Algérie", "Activité à l'étranger : Canada", "validés dans ce pays"],
    )
    assert "Activité à l'étranger (Canada), du 16/04/2012 au 31/08/2016" in text  # the timeline's bar


def test_a_verifier_says_what_the_agreement_with_each_country_does(karim):
    text = assert_page(
        karim.get("/ma-carriere/a-verifier"),
        shows=["Une période à l'étranger : Algérie", "Une période à l'étranger : Canada"],
    )
    for sentence in countries.advice(countries.AgreementKind.SEPARATE):
        assert sentence in text


def test_someone_elses_period_abroad_is_not_found(karim, db):
    brigitte = db.session.execute(select(Assure).where(Assure.birth_name == "FERNANDES")).scalar_one()
    portugal = next(v for v in queries.list_current_versions(brigitte.id) if v.country == "PT")
    assert karim.get(f"/ma-carriere/periodes/{portugal.period_id}").status_code == 404
