"""Four eyes weighs exactly what a decision applies: the effect on the career, summed over the years it touches
(portal/backoffice/instruction.py: planned_writes, DecisionEffect, needs_second_validation)."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal import clock
from portal.agents.services import ensure_caisse
from portal.audit.models import AuditEvent
from portal.careers import queries as careers_queries
from portal.careers.models import PeriodVersion
from portal.signalements import instruction
from portal.signalements.catalog import AnomalyType
from portal.signalements.exceptions import SignalementError
from portal.signalements.models import ControlFinding, Severity, Signalement
from portal.signalements.services import Proposal
from portal.signalements.states import SignalementState
from tests.backoffice.helpers import CAMILLE, MEHDI, filed_request
from tests.builders import create_agent, create_assure, create_period

QUARTERS = 4  # config FOUR_EYES_QUARTERS
EARNINGS = 500_000  # config FOUR_EYES_EARNINGS_CENTS


@pytest.fixture
def agents(db):
    return {"camille": create_agent(CAMILLE[1], "technicien"), "mehdi": create_agent(MEHDI[1], "technicien")}


@pytest.fixture
def career(db):
    """Jean-Pierre MARTIN: a full 2010 (4 quarters, 30 000 €), a thin 2012 (1 quarter, 2 000 €) and a 2014 year
    (4 quarters, 28 000 €)."""
    assure = create_assure(identity="demo-jean-pierre-martin", caisse_id=ensure_caisse("CARSAT-RA").id)
    periods = [
        create_period(assure, year=2010, quarters=4, earnings=30_000),
        create_period(assure, year=2012, quarters=1, earnings=2_000),
        create_period(assure, year=2014, quarters=4, earnings=28_000),
    ]
    return assure, [version.period_id for version in periods]


def taken(signalement, agents):
    return instruction.take(signalement, agent=agents["camille"], today=clock.today())


def decide(signalement, agents, **accepted):
    """Camille accepts every item with the values given (accepted_quarters=..., accepted_earnings_cents=...)."""
    return instruction.decide(
        signalement,
        agent=agents["camille"],
        decisions=[
            instruction.ItemDecision(item_id=item.id, decision="accepted", **accepted) for item in signalement.items
        ],
        expected_version=signalement.version_id,
        today=clock.today(),
    )


def missing_period(assure, start: date, end: date, earnings_cents: int | None = 2_000_000):
    proposal = Proposal(start_date=start, end_date=end, employer_name="Camping des Pins", earnings_cents=earnings_cents)
    return filed_request(assure, proposal=proposal, today=clock.today())


def test_a_new_period_over_three_years_needs_a_second_agent_for_its_twelve_quarters(db, agents, career):
    assure, _periods = career
    signalement = taken(missing_period(assure, date(2006, 1, 1), date(2008, 12, 31), 9_000_000), agents)
    decide(signalement, agents)
    assert signalement.state is SignalementState.AWAITING_VALIDATION
    assert "Validation requise : 12 trimestres ajoutés" in signalement.events[-1].note
    prepared = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "signalement.decision_prepared")
    ).scalar_one()
    assert prepared.actor_agent_id == agents["camille"].id
    assert prepared.data["effect"]["quarters_added"] == 12
    assert prepared.data["effect"]["periods_created"] == 3


def test_quarters_typed_for_a_new_period_over_several_years_are_refused_not_ignored(db, agents, career):
    """Before: 0 typed was weighed as 0 quarters added, while the decision applied the 12 computed year by year."""
    assure, _periods = career
    signalement = taken(missing_period(assure, date(2006, 1, 1), date(2008, 12, 31), 9_000_000), agents)
    with pytest.raises(SignalementError, match="couvre 2006 à 2008"):
        decide(signalement, agents, accepted_quarters=0)


def test_earnings_accepted_as_zero_are_weighed_as_zeroing_the_period(db, agents, career):
    """Before: 0 was read as "not entered" and the proposal (close to the recorded amount) was weighed instead."""
    assure, periods = career
    signalement = filed_request(assure, anomaly_type=AnomalyType.WRONG_EARNINGS, period_ids=[periods[0]],
                                proposal=Proposal(earnings_cents=3_050_000), today=clock.today())  # fmt: skip
    decide(taken(signalement, agents), agents, accepted_earnings_cents=0)
    assert signalement.state is SignalementState.AWAITING_VALIDATION
    note = signalement.events[-1].note
    assert "4 trimestres retirés" in note
    assert "revenus modifiés de 30\u202f000,00\u00a0€ au total" in note


def test_a_duplicate_removed_weighs_the_quarters_and_earnings_it_takes_away(db, agents, career):
    assure, periods = career
    signalement = filed_request(assure, anomaly_type=AnomalyType.DUPLICATE, period_ids=[periods[2]],
                                proposal=Proposal(), today=clock.today())  # fmt: skip
    decide(taken(signalement, agents), agents)
    assert signalement.state is SignalementState.AWAITING_VALIDATION
    assert "4 trimestres retirés" in signalement.events[-1].note


def test_changes_below_both_thresholds_are_applied_by_one_agent(db, agents, career):
    assure, periods = career
    signalement = filed_request(assure, anomaly_type=AnomalyType.WRONG_EARNINGS, period_ids=[periods[0]],
                                proposal=Proposal(earnings_cents=3_100_000), today=clock.today())  # fmt: skip
    decide(taken(signalement, agents), agents)
    assert signalement.state is SignalementState.ACCEPTED
    assert instruction.effect_of(signalement).writes == 1


def test_sending_a_decision_back_requires_a_comment_and_changes_nothing_without_one(db, agents, career):
    assure, _periods = career
    signalement = taken(missing_period(assure, date(2006, 1, 1), date(2006, 12, 31)), agents)
    decide(signalement, agents)
    assert signalement.state is SignalementState.AWAITING_VALIDATION
    version = signalement.version_id
    for note in ("", "   \n"):
        with pytest.raises(SignalementError, match="commentaire est obligatoire") as refused:
            instruction.validate(signalement, agent=agents["mehdi"], approve=False, note=note, expected_version=version,
                              today=clock.today())  # fmt: skip
        assert refused.value.field == "note"
    assert signalement.state is SignalementState.AWAITING_VALIDATION
    assert signalement.items[0].decision == "accepted"
    instruction.validate(signalement, agent=agents["mehdi"], approve=False, note="Le contrat ne couvre que 2006.",
                      expected_version=version, today=clock.today())  # fmt: skip
    assert signalement.state is SignalementState.IN_REVIEW
    assert signalement.events[-1].note == "Le contrat ne couvre que 2006."


# The property: whatever the decision, "needs a second agent" is what the applied effect says. -----------------

KINDS = [AnomalyType.MISSING_PERIOD, AnomalyType.UNEMPLOYMENT_MISSING, AnomalyType.WRONG_EARNINGS,
         AnomalyType.WRONG_DATES, AnomalyType.DUPLICATE]  # fmt: skip
EXISTING = {AnomalyType.WRONG_EARNINGS, AnomalyType.WRONG_DATES, AnomalyType.DUPLICATE}


@st.composite
def requests_and_decisions(draw):
    kind = draw(st.sampled_from(KINDS))
    if kind in EXISTING:
        chosen = draw(st.lists(st.integers(0, 2), min_size=1, max_size=3, unique=True))
        year = draw(st.sampled_from([2010, 2012, 2014]))
        start = date(year, draw(st.integers(1, 6)), 1)
        proposal = {
            AnomalyType.WRONG_EARNINGS: {"earnings_cents": draw(st.integers(0, 8_000_000))},
            AnomalyType.WRONG_DATES: {"start_date": start,
                                      "end_date": start + timedelta(days=draw(st.integers(0, 150)))},
            AnomalyType.DUPLICATE: {},
        }[kind]  # fmt: skip
    else:
        chosen = []
        start = date(draw(st.integers(2003, 2009)), draw(st.integers(1, 12)), 1)
        end = start + timedelta(days=draw(st.integers(20, 1200)))
        proposal = {"start_date": start, "end_date": end, "employer_name": "Camping des Pins"}
        if kind is AnomalyType.MISSING_PERIOD:
            proposal["earnings_cents"] = draw(st.integers(0, 9_000_000))
    decisions = [
        {
            "decision": draw(st.sampled_from(["accepted", "accepted", "accepted", "refused", "closed"])),
            "accepted_quarters": draw(st.none() | st.integers(0, 4)),
            "accepted_earnings_cents": draw(st.none() | st.just(0) | st.integers(0, 8_000_000)),
        }
        for _ in range(max(1, len(chosen)))
    ]
    return kind, chosen, proposal, decisions


def _career_weight(assure_id: int) -> dict[int, tuple[int, int]]:
    """Each period in the career (withdrawn ones are out of it): its quarters and earnings in cents."""
    return {
        version.period_id: (version.quarters or 0, version.earnings_cents or 0)
        for version in careers_queries.list_current_versions(assure_id)
    }


def _measured(before: dict, after: dict) -> tuple[int, int]:
    """Quarters and earnings moved, read off the career itself: every period added, removed or changed."""
    quarters = earnings = 0
    for period_id in before.keys() | after.keys():
        q0, e0 = before.get(period_id, (0, 0))
        q1, e1 = after.get(period_id, (0, 0))
        quarters += abs(q1 - q0)
        earnings += abs(e1 - e0)
    return quarters, earnings


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])  # fmt: skip
@given(example=requests_and_decisions())
def test_needing_a_second_agent_depends_only_on_what_the_decision_applies(db, agents, career, example):
    kind, chosen, proposal, decisions = example
    assure, periods = career
    savepoint = db.session.begin_nested()
    try:
        signalement = filed_request(assure, anomaly_type=kind, period_ids=[periods[i] for i in chosen],
                                    proposal=Proposal(**proposal), today=clock.today())  # fmt: skip
        taken(signalement, agents)
        before = _career_weight(assure.id)
        versions_before = db.session.execute(select(func.count()).select_from(PeriodVersion)).scalar_one()
        item_decisions = [
            instruction.ItemDecision(item_id=item.id, motive="Autre motif" if values["decision"] == "refused" else None,
                                  **values)
            for item, values in zip(signalement.items, decisions, strict=True)
        ]  # fmt: skip
        try:
            with db.session.begin_nested():
                instruction.decide(signalement, agent=agents["camille"], decisions=item_decisions,
                                expected_version=signalement.version_id, today=clock.today())  # fmt: skip
        except SignalementError:
            # Refused values (e.g. quarters typed for a period over several years): nothing was applied.
            db.session.expire_all()
            assert _career_weight(assure.id) == before
            return
        needs_second = signalement.state is SignalementState.AWAITING_VALIDATION
        blocking = any(
            finding.severity is Severity.HIGH
            for finding in db.session.execute(
                select(ControlFinding).where(ControlFinding.signalement_id == signalement.id,
                                             ControlFinding.stage == "decision")
            ).scalars()
        )  # fmt: skip
        if needs_second:
            instruction.validate(signalement, agent=agents["mehdi"], approve=True, note="", expected_version=None,
                              today=clock.today())  # fmt: skip
        assert signalement.state.is_decided
        quarters, earnings = _measured(before, _career_weight(assure.id))
        writes = db.session.execute(select(func.count()).select_from(PeriodVersion)).scalar_one() - versions_before
        assert needs_second == (quarters >= QUARTERS or earnings >= EARNINGS or (writes > 0 and blocking)), (
            f"weighed {needs_second}, applied {quarters} quarters and {earnings} cents in {writes} writes"
        )
    finally:
        savepoint.rollback()
        db.session.expire_all()


def test_the_thresholds_are_today_s_settings(app, db, agents, career):
    assure, periods = career
    signalement = filed_request(assure, anomaly_type=AnomalyType.WRONG_EARNINGS, period_ids=[periods[0]],
                                proposal=Proposal(earnings_cents=3_100_000), today=clock.today())  # fmt: skip
    app.config["FOUR_EYES_EARNINGS_CENTS"] = 50_000
    try:
        decide(taken(signalement, agents), agents)
    finally:
        app.config["FOUR_EYES_EARNINGS_CENTS"] = EARNINGS
    assert signalement.state is SignalementState.AWAITING_VALIDATION
    assert db.session.get(Signalement, signalement.id).prepared_by_agent_id == agents["camille"].id
