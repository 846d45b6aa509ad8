"""From the portal to the engine: a pending signalement is projected with the very rule a decision applies."""

from datetime import date
from decimal import Decimal

from portal import clock
from portal.careers.models import PeriodNature
from portal.pension_rules.model import (
    CareerEntry,
    ChildInput,
    CivilService,
    FutureWork,
    Kind,
    Sex,
    SimulationInput,
    Summary,
)
from portal.signalements import instruction, services
from portal.signalements.catalog import AnomalyType
from portal.signalements.states import PENDING_STATES, SignalementState
from portal.simulator import inputs, scenarios
from tests.builders import create_assure, create_citizen_account, create_civil_service_profile, create_period


def test_corrected_earnings_give_the_quarters_a_decision_would(db):
    assure = create_assure()
    version = create_period(assure, year=2015, earnings=Decimal("2000"), quarters=1)
    draft = services.create_draft(
        assure, actor=create_citizen_account(assure), anomaly_type=AnomalyType.WRONG_EARNINGS,
        period_ids=[version.period_id], proposal=services.Proposal(earnings_cents=3_000_000), explanation="",
        today=date(2026, 11, 2),
    )  # fmt: skip
    versions = inputs.career_versions(assure.id)
    projected, notes = inputs.apply_signalement(versions, draft)
    decided = instruction.period_changes(draft, draft.items[0], versions[version.period_id])
    (entry,) = projected
    assert entry.earnings == Decimal("30000")
    assert entry.quarters == decided["quarters"] == 4
    assert notes == ["Les revenus de 2015 deviennent 30\u202f000,00\u00a0€."]


def test_a_duplicate_is_withdrawn_from_the_projection(db):
    assure = create_assure()
    kept = create_period(assure, year=2015)
    double = create_period(assure, year=2015)
    draft = services.create_draft(
        assure, actor=create_citizen_account(assure), anomaly_type=AnomalyType.DUPLICATE, period_ids=[double.period_id],
        proposal=services.Proposal(), explanation="", today=date(2026, 11, 2),
    )  # fmt: skip
    projected, notes = inputs.apply_signalement(inputs.career_versions(assure.id), draft)
    assert len(projected) == 1
    assert projected[0] == inputs.entry_of(kept)
    assert notes == ["La période de 2015 en double est retirée."]


def test_the_one_builder_cuts_the_work_to_come_around_a_planned_stop():
    entry = CareerEntry(year=2024, regime="CNAV", kind=Kind.SALARIED, earnings=Decimal("30000"), quarters=4)
    built = inputs.simulation_input(
        birth_date=date(1980, 5, 12), today=date(2026, 11, 2), sex=Sex.FEMALE, career=[entry],
        children=[ChildInput(birth_date=date(2010, 3, 1))], departure=date(2045, 7, 15),
        annual_earnings=Decimal("32000"), part_time_percent=80, work_until=date(2044, 12, 31),
        stop_start=date(2030, 1, 1), stop_end=date(2030, 12, 31),
    )  # fmt: skip
    assert built == SimulationInput(
        birth_date=date(1980, 5, 12), as_of=date(2026, 11, 2), career=(entry,), sex=Sex.FEMALE,
        pension_date=date(2045, 7, 1), children=(ChildInput(birth_date=date(2010, 3, 1)),),
        future=(
            FutureWork(date(2026, 1, 1), Decimal("32000"), date(2029, 12, 31), 80),
            FutureWork(date(2030, 12, 31), Decimal("32000"), date(2044, 12, 31), 80),
        ),
    )  # fmt: skip


def test_the_one_builder_takes_a_summary_with_earnings_from_the_first_of_january():
    summary = Summary(160, 150, 140, Decimal("25000"), Decimal("0"))
    built = inputs.simulation_input(
        birth_date=date(1970, 1, 15), today=date(2026, 11, 2), summary=summary, annual_earnings=Decimal("24000")
    )
    assert built == SimulationInput(
        birth_date=date(1970, 1, 15), as_of=date(2026, 11, 2), summary=summary,
        future=(FutureWork(start_date=date(2026, 1, 1), annual_earnings=Decimal("24000")),),
    )  # fmt: skip
    no_earnings = inputs.simulation_input(birth_date=date(1970, 1, 15), today=date(2026, 11, 2), summary=summary)
    assert no_earnings.future == ()


def test_pending_means_filed_and_not_decided():
    assert (
        {state for state in SignalementState if state.is_pending}
        == set(PENDING_STATES)
        == {
            SignalementState.FILED,
            SignalementState.IN_REVIEW,
            SignalementState.COMPLEMENT_REQUESTED,
            SignalementState.AWAITING_VALIDATION,
        }
    )


# --- Interrégime: periods abroad and fonctionnaires ----------------------------------------------------------------


def abroad(assure, start: date, end: date, *, country: str | None, quarters: int | None):
    return create_period(
        assure, start=start, end=end, regime="ETRANGER", nature=PeriodNature.ABROAD, quarters=quarters,
        earnings=None, employer_siret=None, country=country,
    )  # fmt: skip


def test_a_period_abroad_gives_the_engine_its_country_and_the_quarters_validated_there(db):
    assure = create_assure()
    entry = inputs.entry_of(abroad(assure, date(2012, 4, 16), date(2012, 12, 31), country="CA", quarters=3))
    assert (entry.kind, entry.regime, entry.country, entry.quarters) == (Kind.ABROAD, "ETRANGER", "CA", 3)


def test_without_the_foreign_figure_a_period_abroad_counts_the_civil_quarters_it_covers(db):
    assure = create_assure()
    # From 16 April: the second quarter is not covered whole; the third and the fourth are.
    canada = inputs.entry_of(abroad(assure, date(2012, 4, 16), date(2012, 12, 31), country="CA", quarters=None))
    assert (canada.country, canada.quarters) == ("CA", 2)
    unknown = inputs.entry_of(abroad(assure, date(2003, 1, 1), date(2003, 12, 31), country=None, quarters=None))
    assert (unknown.country, unknown.quarters) == (None, 4)
    # A figure on record, even zero, is the foreign institution's: it stays.
    nothing = inputs.entry_of(abroad(assure, date(2004, 1, 1), date(2004, 6, 30), country="DZ", quarters=0))
    assert nothing.quarters == 0


def test_the_civil_service_profile_becomes_the_engines_civil_service(db):
    assure = create_assure()
    assert inputs.civil_service_of(assure.id) is None
    create_civil_service_profile(assure, children_before_2004=2, active_years=3)
    assert inputs.civil_service_of(assure.id) == CivilService(
        scheme="SRE", category="sedentary", index=673, index_since=date(2023, 9, 1), previous_index=640,
        active_years=3, children_before_2004=2, annual_bonuses=Decimal("3578.08"),
    )  # fmt: skip


SRE_2025 = CareerEntry(year=2025, regime="SRE", kind=Kind.SALARIED, earnings=Decimal("39756.40"), quarters=4)
RAFP_2025 = CareerEntry(year=2025, regime="RAFP", kind=Kind.SALARIED, earnings=Decimal("3578.08"), points=Decimal(250))
CNAV_2024 = CareerEntry(year=2024, regime="CNAV", kind=Kind.SALARIED, earnings=Decimal("30000"), quarters=4)


def test_a_serving_fonctionnaire_goes_on_in_the_civil_service_with_the_last_traitement():
    career = [CNAV_2024, SRE_2025, RAFP_2025]
    civil = CivilService(scheme="SRE", category="sedentary", index=673, index_since=date(2023, 9, 1))
    assert inputs.current_scheme(career) == "SRE"
    assert scenarios.last_earnings(career) == Decimal("39756.40")
    built = inputs.simulation_input(
        birth_date=date(1970, 7, 7), today=date(2026, 11, 2), career=career,
        annual_earnings=scenarios.last_earnings(career), civil_service=civil,
    )  # fmt: skip
    assert built.civil_service == civil
    assert built.future == (FutureWork(date(2026, 1, 1), Decimal("39756.40"), regime="SRE"),)


def test_someone_who_left_the_civil_service_goes_on_in_the_regime_general():
    cnav_2025 = CareerEntry(year=2025, regime="CNAV", kind=Kind.SALARIED, earnings=Decimal("32000"), quarters=4)
    sre_2025 = CareerEntry(year=2025, regime="SRE", kind=Kind.SALARIED, earnings=Decimal("9000"), quarters=1)
    career = [sre_2025, cnav_2025]  # in date order: the civil service first, then a job
    assert inputs.current_scheme(career) == "CNAV"
    assert scenarios.last_earnings(career) == Decimal("32000")
    built = inputs.simulation_input(
        birth_date=date(1970, 7, 7), today=date(2026, 11, 2), career=career, annual_earnings=Decimal("32000")
    )
    assert built.future == (FutureWork(date(2026, 1, 1), Decimal("32000")),)
    assert built.civil_service is None
    assert not inputs.has_civil_service([CNAV_2024])
    assert inputs.has_civil_service(career)


def test_the_default_scenario_of_a_fonctionnaire_uses_the_profile_on_record(db):
    assure = create_assure(identity="demo-pierre-yves-daubigne")
    for year in range(2002, 2026):
        create_period(assure, year=year, regime="SRE", nature=PeriodNature.PUBLIC_SERVICE, earnings=39756)
    create_civil_service_profile(assure)
    career = list(inputs.career_entries(assure.id).values())
    built = scenarios.default_input(assure, career, [], clock.today(), inputs.civil_service_of(assure.id))
    assert built.civil_service == inputs.civil_service_of(assure.id)
    assert {work.regime for work in built.future} == {"SRE"}
    assert scenarios.simulate_assure(assure, today=clock.today()).result is not None


def test_periods_abroad_are_asked_about_by_stay_as_a_verifier_groups_them(db):
    assure = create_assure()
    portugal = [abroad(assure, date(year, 1, 1), date(year, 12, 31), country="PT", quarters=4) for year in (1984, 1985)]
    unknown = [
        abroad(assure, date(1986, 1, 1), date(1986, 12, 31), country=None, quarters=4),
        abroad(assure, date(1987, 1, 1), date(1987, 6, 30), country=None, quarters=2),
        # Months later: another stay, even without a country either.
        abroad(assure, date(1990, 1, 1), date(1990, 12, 31), country=None, quarters=None),
    ]
    create_period(assure, year=1988)
    stays = inputs.abroad_stays(inputs.career_versions(assure.id))
    assert [(stay.start_date, stay.end_date, stay.country, len(stay.period_ids)) for stay in stays] == [
        (date(1984, 1, 1), date(1985, 12, 31), "PT", 2),
        (date(1986, 1, 1), date(1987, 6, 30), None, 2),
        (date(1990, 1, 1), date(1990, 12, 31), None, 1),
    ]
    assert stays[0].period_ids == tuple(version.period_id for version in portugal)
    assert stays[1].period_ids == tuple(version.period_id for version in unknown[:2])
    assert stays[0].employers == ("Boulangerie Dupain",)
    assert inputs.abroad_stays(inputs.career_versions(create_assure(identity="demo-sophie-nguyen").id)) == []


def test_the_countries_chosen_replace_those_of_the_periods_abroad_only():
    job = CareerEntry(year=1988, regime="CNAV", kind=Kind.SALARIED, earnings=Decimal("30000"), quarters=4)
    stay = CareerEntry(year=1986, regime="ETRANGER", kind=Kind.ABROAD, quarters=4)
    swiss = CareerEntry(year=1987, regime="ETRANGER", kind=Kind.ABROAD, quarters=4, country="CH")
    entries = {1: stay, 2: swiss, 3: job}
    assert inputs.with_countries(entries, {1: "PT", 2: None, 3: "PT"}) == [
        CareerEntry(year=1986, regime="ETRANGER", kind=Kind.ABROAD, quarters=4, country="PT"),
        CareerEntry(year=1987, regime="ETRANGER", kind=Kind.ABROAD, quarters=4),
        job,
    ]
    assert inputs.with_countries(entries, {}) == [stay, swiss, job]
    assert inputs.is_abroad(stay)
    assert not inputs.is_abroad(job)
