"""From the portal to the engine: a pending signalement is projected with the very rule a decision applies."""

from datetime import date
from decimal import Decimal

from portal.pension_rules.model import CareerEntry, ChildInput, FutureWork, Kind, Sex, SimulationInput, Summary
from portal.signalements import instruction, services
from portal.signalements.catalog import AnomalyType
from portal.signalements.states import PENDING_STATES, SignalementState
from portal.simulator import inputs
from tests.builders import create_assure, create_citizen_account, create_period


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
