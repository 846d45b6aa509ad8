"""From the portal to the engine: a pending signalement is projected with the very rule a decision applies."""

from datetime import date
from decimal import Decimal

from portal.backoffice import services as backoffice_services
from portal.signalements import services
from portal.signalements.catalog import AnomalyType
from portal.simulator import inputs
from tests.backoffice_views.helpers import citizen_account
from tests.builders import create_assure, create_period


def test_corrected_earnings_give_the_quarters_a_decision_would(db):
    assure = create_assure()
    version = create_period(assure, year=2015, earnings=Decimal("2000"), quarters=1)
    draft = services.create_draft(
        assure, actor=citizen_account(assure), anomaly_type=AnomalyType.WRONG_EARNINGS,
        period_ids=[version.period_id], proposal=services.Proposal(earnings_cents=3_000_000), explanation="",
        today=date(2026, 11, 2),
    )  # fmt: skip
    versions = inputs.career_versions(assure.id)
    projected, notes = inputs.apply_signalement(versions, draft)
    decided = backoffice_services.period_changes(draft, draft.items[0], versions[version.period_id])
    (entry,) = projected
    assert entry.earnings == Decimal("30000")
    assert entry.quarters == decided["quarters"] == 4
    assert notes == ["Les revenus de 2015 deviennent 30\u202f000,00\u00a0€."]


def test_a_duplicate_is_withdrawn_from_the_projection(db):
    assure = create_assure()
    kept = create_period(assure, year=2015)
    double = create_period(assure, year=2015)
    draft = services.create_draft(
        assure, actor=citizen_account(assure), anomaly_type=AnomalyType.DUPLICATE, period_ids=[double.period_id],
        proposal=services.Proposal(), explanation="", today=date(2026, 11, 2),
    )  # fmt: skip
    projected, notes = inputs.apply_signalement(inputs.career_versions(assure.id), draft)
    assert len(projected) == 1
    assert projected[0] == inputs.entry_of(kept)
    assert notes == ["La période de 2015 en double est retirée."]
