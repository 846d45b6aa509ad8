"""The demo data: assurés matching the sandbox identities, with careers that follow the pension rules."""

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select
from stdnum.fr import siret

from portal.audit.models import AuditEvent
from portal.auth.identity import PivotIdentity, nir_mismatches, registry_mismatches
from portal.careers.corrections import civil_quarters_covered
from portal.careers.models import (
    Assure,
    CareerPeriod,
    Child,
    DataSource,
    PeriodNature,
    PeriodVersion,
    Regime,
    RegimeKind,
)
from portal.careers.queries import get_career, get_civil_service_profile
from portal.demo.careers import quarter_threshold_cents
from portal.demo.identities import IDENTITIES, get_identity
from portal.demo.seed import MissingRegime, seed_demo
from portal.pension_rules.civil_service import Category, CivilServiceScheme, indexed_salary
from tests.fc import login_and_bind
from tests.pages import assert_page

IDENTITIES_WITH_NIR = [identity for identity in IDENTITIES if identity.nir]
EARNINGS_BASED = {PeriodNature.SALARIED, PeriodNature.APPRENTICESHIP, PeriodNature.SELF_EMPLOYED, PeriodNature.AVPF}
DAYS_PER_QUARTER = {PeriodNature.UNEMPLOYMENT: 50, PeriodNature.SICKNESS: 60, PeriodNature.NATIONAL_SERVICE: 90}


@pytest.fixture
def report(db):
    return seed_demo()


def assure_of(db, sub: str) -> Assure:
    return db.session.execute(select(Assure).where(Assure.nir == get_identity(sub).nir)).scalar_one()


def current_versions(db, assure: Assure | None = None) -> list[PeriodVersion]:
    statement = select(PeriodVersion).where(PeriodVersion.superseded_at.is_(None))
    if assure is not None:
        statement = statement.where(PeriodVersion.assure_id == assure.id)
    return list(db.session.execute(statement).scalars())


def count(db, model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_every_identity_with_a_nir_gets_an_assure_with_a_career(db, report):
    assert report.assures_created == len(IDENTITIES_WITH_NIR) == 13
    assert report.assures_existing == 0
    assert report.periods_created == count(db, CareerPeriod)
    for identity in IDENTITIES_WITH_NIR:
        assure = assure_of(db, identity.sub)
        assert len(current_versions(db, assure)) >= 5, identity.sub
    assert db.session.execute(select(Assure).where(Assure.birth_name == "INCONNU")).first() is None


def test_a_second_run_creates_nothing(db, report):
    counts = (count(db, Assure), count(db, CareerPeriod), count(db, PeriodVersion))

    again = seed_demo()

    assert (again.assures_created, again.assures_existing, again.periods_created) == (0, 13, 0)
    assert (count(db, Assure), count(db, CareerPeriod), count(db, PeriodVersion)) == counts


def test_each_run_writes_one_audit_line(db, report):
    seed_demo()
    events = db.session.execute(select(AuditEvent).where(AuditEvent.action == "demo.seeded")).scalars().all()
    assert [event.data for event in events] == [{"assures": 13}, {"assures": 0}]


def test_the_seed_only_flushes_and_leaves_the_commit_to_the_caller(db, report):
    assert count(db, Assure) == 13
    db.session.rollback()
    assert count(db, Assure) == 0


def test_the_assures_match_their_identity(db, report):
    for identity in IDENTITIES_WITH_NIR:
        assure = assure_of(db, identity.sub)
        pivot = PivotIdentity.from_claims(identity.claims())
        assert nir_mismatches(assure.nir, pivot) == [], identity.sub
        assert registry_mismatches(assure, pivot) == [], identity.sub
        assert assure.sex == ("1" if identity.gender == "male" else "2")
        assert assure.given_names == identity.given_name
        assert assure.birth_country_code == identity.birthcountry
        assert assure.birth_place_code == (identity.birthplace or None)
    assert assure_of(db, "demo-marie-helene-lefevre-dubois").usage_name == "GARNIER"
    assert assure_of(db, "demo-jean-pierre-martin").usage_name is None
    assert assure_of(db, "demo-karim-benali").birth_place_code is None


def test_periods_stay_within_a_reported_calendar_year_of_working_age(db, report):
    versions = db.session.execute(select(PeriodVersion)).scalars().all()
    birth_dates = {assure.id: assure.birth_date for assure in db.session.execute(select(Assure)).scalars()}
    for version in versions:
        assert version.start_date.year == version.end_date.year
        assert version.start_date <= version.end_date <= date(2025, 12, 31)
        born = birth_dates[version.assure_id]
        assert version.start_date >= date(born.year + 16, born.month, 1), version.source_reference


def test_every_siret_is_valid_and_every_french_job_has_one(db, report):
    versions = db.session.execute(select(PeriodVersion)).scalars().all()
    sirets = {version.employer_siret for version in versions if version.employer_siret}
    assert len(sirets) >= 30
    assert all(siret.is_valid(number) for number in sirets), sorted(n for n in sirets if not siret.is_valid(n))
    work = {PeriodNature.SALARIED, PeriodNature.APPRENTICESHIP, PeriodNature.SELF_EMPLOYED}
    for version in versions:
        if version.nature in work | {PeriodNature.PUBLIC_SERVICE}:
            assert version.employer_name, version.source_reference
            assert version.employer_siret, version.source_reference


@pytest.mark.parametrize(
    ("year", "euros"),
    [(2002, "1334"), (2013, "1886"), (2014, "1429.50"), (2017, "1464"), (2022, "1585.50"), (2024, "1747.50"),
     (2025, "1782")],
)  # fmt: skip
def test_the_quarter_threshold_is_the_one_of_pension_rules(year, euros):
    assert quarter_threshold_cents(year) == int(Decimal(euros) * 100)


def test_franc_thresholds_are_converted_at_the_official_rate():
    # 1998: 200 hours at 39.43 F; 1977: 200 hours at 8.94 F (SMIC of 1 January).
    assert quarter_threshold_cents(1998) == round(7886 / 6.55957 * 100)
    assert quarter_threshold_cents(1977) == round(1788 / 6.55957 * 100)


def _civil_quarters_paid(start: date, end: date) -> int:
    # An invalidity pension validates each civil quarter for which it was paid (three monthly payments).
    bounds = [(date(start.year, m, 1), date(start.year, m + 2, 30 if m in (4, 7) else 31)) for m in (1, 4, 7, 10)]
    return sum(1 for first, last in bounds if start <= first and last <= end)


def test_quarters_follow_the_validation_rules(db, report):
    pools = defaultdict(lambda: [0, 0, 0])  # earnings, quarters, periods per (assuré, year, scheme)
    declared = defaultdict(int)  # base quarters per (assuré, year), all schemes
    for version in current_versions(db):
        if version.regime.kind is RegimeKind.FOREIGN:
            # The quarters the foreign scheme validated: the civil quarters the period covers.
            assert version.quarters == civil_quarters_covered(version.start_date, version.end_date)
            continue
        if version.regime.kind is not RegimeKind.BASE:
            assert version.quarters is None
            assert (version.points is not None) is version.regime.counts_points
            continue
        assert 0 <= version.quarters <= 4
        declared[(version.assure_id, version.start_date.year)] += version.quarters
        days = (version.end_date - version.start_date).days + 1
        if version.nature in EARNINGS_BASED:
            pool = pools[(version.assure_id, version.start_date.year, version.regime.code)]
            pool[0] += version.earnings_cents
            pool[1] += version.quarters
            pool[2] += 1
        elif version.nature in DAYS_PER_QUARTER:
            assert version.days == days
            assert version.quarters == min(4, days // DAYS_PER_QUARTER[version.nature])
        elif version.nature is PeriodNature.INVALIDITY:
            assert version.quarters == _civil_quarters_paid(version.start_date, version.end_date)
        elif version.nature is PeriodNature.PUBLIC_SERVICE:
            assert version.quarters == min(4, days // 90)
        else:
            assert version.nature is PeriodNature.MATERNITY
            assert version.quarters in (0, 1)
    for (_assure, year, _regime), (earnings, quarters, _periods) in pools.items():
        assert quarters == min(4, earnings // quarter_threshold_cents(year)), (year, earnings)
    assert any(quarters < 4 for _e, quarters, _p in pools.values()), "no year under the threshold"
    assert any(periods > 1 for _e, _q, periods in pools.values()), "no year pooling two jobs"
    # The career page retains at most four quarters a year, all schemes together (R351-9).
    for identity in IDENTITIES_WITH_NIR:
        assure = assure_of(db, identity.sub)
        for year in get_career(assure).years:
            assert year.quarters_retained == min(4, declared[(assure.id, year.year)])
    assert any(total > 4 for total in declared.values()), "no year where the cap applies"


def test_each_childbirth_validates_one_maternity_quarter(db, report):
    births = {"demo-marie-helene-lefevre-dubois": 2, "demo-chloe-rousseau": 1, "demo-anne-sophie-girard": 1}
    for sub, expected in births.items():
        maternity = [v for v in current_versions(db, assure_of(db, sub)) if v.nature is PeriodNature.MATERNITY]
        assert sum(version.quarters for version in maternity) == expected
        assert {version.source for version in maternity} == {DataSource.HEALTH_INSURANCE}


def test_some_known_years(db, report):
    def year_of(sub, year):
        return [v for v in current_versions(db, assure_of(db, sub)) if v.start_date.year == year]

    thierry_1977 = {(v.nature, v.regime.code): v.quarters for v in year_of("demo-thierry-moreau", 1977)}
    assert thierry_1977 == {
        (PeriodNature.APPRENTICESHIP, "CNAV"): 2,
        (PeriodNature.APPRENTICESHIP, "AGIRC_ARRCO"): None,
        (PeriodNature.SALARIED, "CNAV"): 2,
        (PeriodNature.SALARIED, "AGIRC_ARRCO"): None,
        (PeriodNature.NATIONAL_SERVICE, "CNAV"): 1,
    }
    (santoni_2020,) = year_of("demo-dominique-santoni", 2020)
    assert (santoni_2020.earnings_cents, santoni_2020.quarters) == (473064, 3)  # 11.5 % of the 2020 PASS
    chloe = {v.start_date.year: v.quarters for v in current_versions(db, assure_of(db, "demo-chloe-rousseau"))
             if v.regime.code == "CNAV" and v.nature is PeriodNature.SALARIED}  # fmt: skip
    assert (chloe[2012], chloe[2013], chloe[2019]) == (0, 2, 3)
    karim_2025 = next(v for v in year_of("demo-karim-benali", 2025) if v.regime.code == "AGIRC_ARRCO")
    # Above the PASS (47 100 €): 6.20 % on tranche 1, 17 % on tranche 2, valeur d'achat 20.1877 €.
    expected = (47100 * Decimal("0.062") + (Decimal(karim_2025.earnings_cents) / 100 - 47100) * Decimal("0.17")) / (
        Decimal("20.1877")
    )
    assert karim_2025.points == expected.quantize(Decimal("0.01"))
    career = get_career(assure_of(db, "demo-jean-pierre-martin"))
    assert career.first_year == 1979
    assert career.quarters_total >= 180


def test_the_careers_show_every_kind_of_period(db, report):
    versions = current_versions(db)
    assert {version.nature for version in versions} == set(PeriodNature)
    abroad = [version for version in versions if version.regime.code == "ETRANGER"]
    assert abroad
    assert all(v.nature is PeriodNature.ABROAD and v.quarters is not None and v.country for v in abroad)
    assert all(v.source is DataSource.FOREIGN_INSTITUTION for v in abroad)
    assert {v.source_reference.rsplit(" — ", 1)[1] for v in abroad} == {"Algérie", "Canada", "Portugal", "Suisse"}
    assert {v.country_name for v in abroad} == {"Algérie", "Canada", "Portugal", "Suisse"}
    assert {v.assure_id for v in abroad} == {
        assure_of(db, "demo-karim-benali").id,
        assure_of(db, "demo-brigitte-fernandes").id,
    }
    sources = {version.nature: set() for version in versions}
    for version in versions:
        sources[version.nature].add(version.source)
    assert sources[PeriodNature.UNEMPLOYMENT] == {DataSource.FRANCE_TRAVAIL}
    assert sources[PeriodNature.NATIONAL_SERVICE] == {DataSource.MILITARY_RECORD}
    assert sources[PeriodNature.AVPF] == {DataSource.FAMILY_ALLOWANCE}
    assert sources[PeriodNature.PUBLIC_SERVICE] == {DataSource.PUBLIC_EMPLOYER}
    assert sources[PeriodNature.INVALIDITY] == {DataSource.HEALTH_INSURANCE}


@pytest.mark.parametrize("sub", ["demo-thierry-moreau", "demo-lucas-petit"])
def test_apprentices_started_before_18(db, report, sub):
    assure = assure_of(db, sub)
    first = min(current_versions(db, assure), key=lambda version: version.start_date)
    assert first.nature is PeriodNature.APPRENTICESHIP
    born = assure.birth_date
    assert first.start_date < date(born.year + 18, born.month, born.day)


def test_several_careers_have_years_without_any_period(db, report):
    with_gaps = {identity.sub: get_career(assure_of(db, identity.sub)).gap_years for identity in IDENTITIES_WITH_NIR}
    assert with_gaps["demo-karim-benali"] == [2005]
    assert with_gaps["demo-sophie-nguyen"] == [2009, 2010]
    assert with_gaps["demo-brigitte-fernandes"] == [1995]
    assert sum(1 for gaps in with_gaps.values() if gaps) >= 6
    assert with_gaps["demo-jean-pierre-martin"] == []


def test_the_contractual_then_civil_servant_has_several_schemes(db, report):
    versions = current_versions(db, assure_of(db, "demo-pierre-yves-daubigne"))
    assert {v.regime.code for v in versions} == {"CNAV", "AGIRC_ARRCO", "IRCANTEC", "SRE", "RAFP"}
    assert all(v.points > 0 for v in versions if v.regime.code in {"IRCANTEC", "RAFP"})
    assert max(v.end_date for v in versions if v.regime.code == "IRCANTEC") < min(
        v.start_date for v in versions if v.regime.code == "SRE"
    )
    assert min(v.start_date.year for v in versions if v.regime.code == "RAFP") == 2005  # the RAFP's creation


def test_karims_periods_abroad_carry_their_country_and_the_quarters_validated_there(db, report):
    abroad = sorted(
        (v for v in current_versions(db, assure_of(db, "demo-karim-benali")) if v.nature is PeriodNature.ABROAD),
        key=lambda version: version.start_date,
    )
    by_year = {(v.country, v.start_date.year): v.quarters for v in abroad}
    # Algeria from 1 September 2002 to 30 June 2004; Canada from 16 April 2012 to 31 August 2016.
    assert by_year == {
        ("DZ", 2002): 1, ("DZ", 2003): 4, ("DZ", 2004): 2,
        ("CA", 2012): 2, ("CA", 2013): 4, ("CA", 2014): 4, ("CA", 2015): 4, ("CA", 2016): 2,
    }  # fmt: skip
    brigitte = current_versions(db, assure_of(db, "demo-brigitte-fernandes"))
    assert {v.country for v in brigitte if v.nature is PeriodNature.ABROAD} == {"PT", "CH"}


def test_the_fonctionnaire_has_a_civil_service_profile_that_his_career_agrees_with(db, report):
    pierre_yves = assure_of(db, "demo-pierre-yves-daubigne")
    profile = get_civil_service_profile(pierre_yves.id)
    assert profile is not None
    assert (profile.scheme, profile.category, profile.active_years) == (
        CivilServiceScheme.SRE,
        Category.SEDENTARY,
        0,
    )
    assert (profile.index_majore, profile.index_start_date, profile.previous_index_majore) == (
        673,
        date(2023, 9, 1),
        640,
    )
    # No child known to the fund, so no bonification; bonuses of 9 % of the traitement, as his RAFP lines assume.
    assert profile.children_before_2004 == 0
    assert db.session.execute(select(func.count()).where(Child.assure_id == pierre_yves.id)).scalar_one() == 0
    traitement = indexed_salary(profile.index_majore, date(2025, 12, 31)).annual
    assert profile.annual_bonuses == (traitement * Decimal("0.09")).quantize(Decimal("0.01"))
    sre_2025 = next(
        v for v in current_versions(db, pierre_yves) if v.regime.code == "SRE" and v.start_date.year == 2025
    )
    assert sre_2025.earnings == traitement
    others = [identity.sub for identity in IDENTITIES_WITH_NIR if identity.sub != "demo-pierre-yves-daubigne"]
    assert all(get_civil_service_profile(assure_of(db, sub).id) is None for sub in others)


def test_the_artisan_moves_from_the_ssi_to_the_regime_general_in_2020(db, report):
    versions = current_versions(db, assure_of(db, "demo-eric-le-gall"))
    self_employed = [v for v in versions if v.nature is PeriodNature.SELF_EMPLOYED]
    assert {v.regime.code for v in self_employed if v.start_date.year < 2020} == {"SSI"}
    assert {v.regime.code for v in self_employed if v.start_date.year >= 2020} == {"CNAV"}
    assert {v.source for v in self_employed} == {DataSource.SELF_EMPLOYED_DECLARATION}
    assert any(v.nature is PeriodNature.SALARIED for v in versions)


def test_one_period_was_corrected_after_its_declaration(db, report):
    corrected = (
        db.session.execute(select(CareerPeriod).join(PeriodVersion).group_by(CareerPeriod.id).having(func.count() > 1))
        .scalars()
        .all()
    )
    assert len(corrected) == 1
    first, second = corrected[0].versions
    assert corrected[0].assure_id == assure_of(db, "demo-jean-pierre-martin").id
    assert (first.start_date.year, first.regime.code) == (1998, "CNAV")
    assert first.superseded_at is not None
    assert second.superseded_at is None
    assert (first.source, first.recorded_by) == (DataSource.DADS, "Reprise des déclarations")
    assert (second.source, second.recorded_by) == (DataSource.CORRECTION, "Caisse (reprise historique)")
    assert second.reason == "Salaire rectifié après transmission des bulletins de paie"
    assert first.earnings_cents < second.earnings_cents
    assert (first.quarters, second.quarters) == (3, 4)
    for version in (first, second):
        assert version.quarters == min(4, version.earnings_cents // quarter_threshold_cents(1998))


def corrected_period(db) -> CareerPeriod:
    return db.session.execute(
        select(CareerPeriod).join(PeriodVersion).group_by(CareerPeriod.id).having(func.count() > 1)
    ).scalar_one()


def test_each_version_is_dated_when_the_fund_received_it(db, report):
    versions = db.session.execute(select(PeriodVersion).where(PeriodVersion.number == 1)).scalars().all()
    for version in versions:
        received = version.recorded_at.date()
        assert received > version.end_date, (version.source, version.end_date, received)
        # Every source reports a period by the end of June of the next year at the latest.
        assert received <= date(version.end_date.year + 1, 6, 30), (version.source, version.end_date, received)
    by_source = {(v.source, v.end_date): v.recorded_at for v in versions}
    assert by_source[(DataSource.DADS, date(1998, 12, 31))] == datetime(1999, 1, 31, 8)
    assert by_source[(DataSource.DSN, date(2025, 12, 31))] == datetime(2026, 1, 15, 8)
    assert by_source[(DataSource.DSN, date(2017, 6, 30))] == datetime(2017, 7, 15, 8)  # Lucas PETIT's apprenticeship
    assert by_source[(DataSource.SELF_EMPLOYED_DECLARATION, date(2019, 12, 31))] == datetime(2020, 5, 31, 8)


def test_the_correction_is_dated_on_its_own_day_and_replaces_the_declaration_then(db, report):
    first, second = corrected_period(db).versions
    assert first.recorded_at == datetime(1999, 1, 31, 8)  # the DADS of 1998
    assert second.recorded_at == first.superseded_at == datetime(2003, 11, 17, 8)


def test_the_recording_dates_do_not_depend_on_the_day_the_demo_is_loaded(db):
    def dates() -> list[tuple[datetime, datetime | None]]:
        statement = select(PeriodVersion.recorded_at, PeriodVersion.superseded_at).order_by(PeriodVersion.id)
        return [tuple(row) for row in db.session.execute(statement)]

    with freeze_time("2027-03-01 10:00:00"):
        seed_demo()
    loaded_in_march = dates()
    db.session.rollback()
    with freeze_time("2028-09-15 16:30:00"):
        seed_demo()
    assert dates() == loaded_in_march
    assert not any(day.year >= 2027 for row in loaded_in_march for day in row if day is not None)


def test_a_missing_regime_stops_the_seed_with_a_clear_message(db):
    db.session.delete(db.session.execute(select(Regime).where(Regime.code == "RAFP")).scalar_one())
    db.session.flush()
    with pytest.raises(MissingRegime, match="RAFP"):
        seed_demo()
    assert count(db, Assure) == 0


@pytest.mark.parametrize(
    ("sub", "shown"),
    [
        ("demo-jean-pierre-martin", ["Lumière Industrie Services SAS", "Service national", "Chômage indemnisé"]),
        ("demo-pierre-yves-daubigne", ["Fonction publique", "Ircantec", "RAFP"]),
        ("demo-karim-benali", ["Activité à l'étranger", "Canada"]),
    ],
)
def test_a_demo_person_sees_the_seeded_career(client, db, report, sub, shown):
    assert login_and_bind(client, sub).status_code == 303
    page = client.get("/ma-carriere")
    text = assert_page(page)
    for expected in shown:
        assert expected in text


def test_the_corrected_period_shows_its_history(client, db, report):
    assert login_and_bind(client, "demo-jean-pierre-martin").status_code == 303
    period_id = db.session.execute(
        select(CareerPeriod.id).join(PeriodVersion).group_by(CareerPeriod.id).having(func.count() > 1)
    ).scalar_one()
    page = client.get(f"/ma-carriere/periodes/{period_id}")
    text = assert_page(page)
    assert "Salaire rectifié après transmission des bulletins de paie" in text
    assert "Caisse (reprise historique)" in text
