"""Embedded controls (portal/signalements/controls.py): each fires on its minimal case and not on its near miss."""

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.auth.models import Account
from portal.careers.models import PeriodNature
from portal.pension_rules.parameters import pass_annual, quarter_threshold
from portal.signalements import controls, justificatifs, services
from portal.signalements.catalog import AnomalyType
from portal.signalements.models import ControlFinding, Severity
from tests.builders import create_assure, create_period
from tests.files import pdf_bytes

TODAY = date(2026, 3, 15)
VALID_SIRET = "73282932000074"


def cents(euros) -> int:
    return int(Decimal(euros) * 100)


def author_for(db, assure) -> Account:
    account = db.session.execute(select(Account).where(Account.assure_id == assure.id)).scalar_one_or_none()
    if account is None:
        account = Account(pivot_identity={}, assure_id=assure.id)
        db.session.add(account)
        db.session.flush()
    return account


def draft(db, assure, anomaly_type=AnomalyType.MISSING_PERIOD, period_ids=(), **proposal):
    """A draft as the person's form would create it: a salaried period by default, with a valid employer."""
    if anomaly_type is AnomalyType.MISSING_PERIOD:
        proposal = {"employer_name": "Conserverie du Port", "employer_siret": VALID_SIRET} | proposal
    return services.create_draft(
        assure,
        actor=author_for(db, assure),
        anomaly_type=anomaly_type,
        period_ids=list(period_ids),
        proposal=services.Proposal(**proposal),
        explanation="",
        today=TODAY,
    )


def new_period(db, assure, start: date, end: date, earnings, **proposal):
    return draft(db, assure, start_date=start, end_date=end, earnings_cents=cents(earnings), **proposal)


def full_year(db, assure, year: int, earnings, **proposal):
    return new_period(db, assure, date(year, 1, 1), date(year, 12, 31), earnings, **proposal)


def decide(db, signalement, **accepted):
    """What the technician accepted on the (only) item, as signalements.instruction.decide records it."""
    (item,) = signalement.items
    for name, value in accepted.items():
        setattr(item, f"accepted_{name}", value)
    db.session.flush()
    return signalement


def filing(signalement):
    return controls.run_controls(signalement, today=TODAY, stage="filing")


def decision(signalement):
    return controls.run_controls(signalement, today=TODAY, stage="decision")


def codes(results) -> list[str]:
    return [result.code for result in results]


@pytest.fixture
def assure(db):
    # Born 15 June 1990: 14 years old on 15 June 2004. No career: each test builds the one it needs.
    return create_assure(identity="demo-chloe-rousseau")


@pytest.fixture
def other_assure(db):
    return create_assure(identity="demo-karim-benali")


# A clean request ---------------------------------------------------------------------------------------------------


def test_a_clean_plausible_request_gives_nothing(db, assure):
    for year in range(2015, 2020):
        create_period(assure, year=year, earnings=Decimal(30000))
    missing = full_year(db, assure, 2020, "31000")
    assert filing(missing) == []
    assert decision(missing) == []

    existing = create_period(assure, year=2021, earnings=Decimal(20000))
    corrected = draft(db, assure, AnomalyType.WRONG_EARNINGS, [existing.period_id], earnings_cents=cents(32000))
    assert filing(corrected) == []
    assert decision(decide(db, corrected, earnings_cents=cents(31500))) == []


def test_an_unknown_stage_is_refused(db, assure):
    with pytest.raises(ValueError, match="stage"):
        controls.run_controls(full_year(db, assure, 2020, "20000"), today=TODAY, stage="instruction")


# 1. Overlap --------------------------------------------------------------------------------------------------------


def test_an_adjacent_period_does_not_overlap_but_one_shared_day_does(db, assure):
    create_period(assure, start=date(2020, 1, 1), end=date(2020, 6, 30), quarters=2, earnings=Decimal(3500))
    create_period(assure, year=2020, regime="AGIRC_ARRCO", quarters=None, points=Decimal(40))  # another scheme

    assert filing(new_period(db, assure, date(2020, 7, 1), date(2020, 12, 31), "3100")) == []

    (result,) = filing(new_period(db, assure, date(2020, 6, 30), date(2020, 12, 31), "3100"))
    assert result.code == "overlap"
    assert result.severity is Severity.WARNING
    assert result.message.startswith(
        "Chevauche la période du 01/01/2020 au 30/06/2020 (Activité salariée, Boulangerie Dupain) du même régime "
        "(Régime général), pour la période demandée du 30/06/2020 au 31/12/2020."
    )
    assert result.item_id is not None


def test_new_dates_do_not_overlap_the_period_they_correct(db, assure):
    period = create_period(assure, start=date(2020, 1, 1), end=date(2020, 6, 30), quarters=2, earnings=Decimal(3500))
    corrected = draft(db, assure, AnomalyType.WRONG_DATES, [period.period_id],
                      start_date=date(2020, 2, 1), end_date=date(2020, 8, 31))  # fmt: skip
    assert filing(corrected) == []

    neighbour = create_period(assure, start=date(2020, 9, 1), end=date(2020, 12, 31), quarters=2,
                              earnings=Decimal(3100))  # fmt: skip
    assert codes(filing(corrected)) == []
    late = draft(db, assure, AnomalyType.WRONG_DATES, [period.period_id],
                 start_date=date(2020, 2, 1), end_date=date(2020, 9, 1))  # fmt: skip
    (result,) = filing(late)
    assert result.code == "overlap"
    assert format(neighbour.start_date, "%d/%m/%Y") in result.message


def test_the_technicians_dates_are_the_ones_checked_at_decision(db, assure):
    create_period(assure, start=date(2020, 1, 1), end=date(2020, 6, 30), quarters=2, earnings=Decimal(3500))
    signalement = new_period(db, assure, date(2020, 7, 1), date(2020, 12, 31), "3100")
    assert decision(signalement) == []
    assert codes(decision(decide(db, signalement, start_date=date(2020, 6, 1)))) == ["overlap"]
    assert filing(signalement) == []  # the person's own dates did not overlap


# 2. More than four quarters ----------------------------------------------------------------------------------------


def test_four_quarters_in_a_year_pass_five_do_not(db, assure):
    create_period(assure, start=date(2020, 1, 1), end=date(2020, 6, 30), quarters=2, earnings=Decimal(3500))
    threshold = quarter_threshold(2020)

    assert filing(new_period(db, assure, date(2020, 7, 1), date(2020, 12, 31), 2 * threshold)) == []

    (result,) = filing(new_period(db, assure, date(2020, 7, 1), date(2020, 12, 31), 3 * threshold))
    assert result.code == "over_four_quarters"
    assert result.severity is Severity.WARNING
    assert result.message.startswith("2020 : 2 trimestres déjà au compte")
    assert "3 trimestres pour cette demande, soit 5" in result.message
    assert "CSS R351-9" in result.message


def test_the_quarters_accepted_by_the_technician_count_at_decision(db, assure):
    create_period(assure, start=date(2020, 1, 1), end=date(2020, 6, 30), quarters=2, earnings=Decimal(3500))
    signalement = new_period(db, assure, date(2020, 7, 1), date(2020, 12, 31), 2 * quarter_threshold(2020))
    assert decision(decide(db, signalement, quarters=2)) == []
    results = decision(decide(db, signalement, quarters=3))
    assert "over_four_quarters" in codes(results)


def test_a_corrected_period_is_not_counted_twice(db, assure):
    period = create_period(assure, year=2020, quarters=4, earnings=Decimal(30000))
    corrected = draft(db, assure, AnomalyType.WRONG_EARNINGS, [period.period_id], earnings_cents=cents(31000))
    assert filing(corrected) == []


# 3. Earnings and quarters ------------------------------------------------------------------------------------------


def test_quarters_granted_beyond_the_earnings_are_bloquant_at_decision(db, assure):
    threshold = quarter_threshold(2020)  # 150 hours of SMIC since 2014
    signalement = full_year(db, assure, 2020, "10000")
    assert decision(decide(db, signalement, quarters=2, earnings_cents=cents(2 * threshold))) == []

    (result,) = decision(decide(db, signalement, earnings_cents=cents(2 * threshold) - 1))
    assert result.code == "earnings_quarters_mismatch"
    assert result.severity is Severity.HIGH
    assert "2 trimestres retenu(s) pour 2020 avec 3\u202f044,99\u00a0€ de revenus, qui n'en valident que 1" in (
        result.message
    )
    assert "seuil de 1\u202f522,50\u00a0€ par trimestre" in result.message


def test_before_2014_a_quarter_takes_200_hours_of_smic(db, assure):
    signalement = full_year(db, assure, 2013, "10000")
    assert quarter_threshold(2013) == Decimal(1886)
    assert decision(decide(db, signalement, quarters=1, earnings_cents=cents(1886))) == []
    # 1 500 € would validate a quarter under the 150-hour rule (1 414,50 € in 2013), not under the 200-hour one.
    assert codes(decision(decide(db, signalement, earnings_cents=cents(1500)))) == ["earnings_quarters_mismatch"]


def test_at_filing_an_amount_that_would_lose_quarters_is_a_warning(db, assure):
    period = create_period(assure, year=2020, quarters=4, earnings=Decimal(30000))
    four = 4 * quarter_threshold(2020)
    exact = draft(db, assure, AnomalyType.WRONG_EARNINGS, [period.period_id], earnings_cents=cents(four))
    assert filing(exact) == []

    short = draft(db, assure, AnomalyType.WRONG_EARNINGS, [period.period_id], earnings_cents=cents(four) - 1)
    (result,) = filing(short)
    assert result.code == "earnings_quarters_mismatch"
    assert result.severity is Severity.WARNING
    assert "ne valident que 3 trimestres" in result.message
    assert "alors que la période en compte 4" in result.message


# 4. Above the ceiling ----------------------------------------------------------------------------------------------


def test_earnings_above_the_pass_are_reported_for_information(db, assure):
    ceiling = pass_annual(2024)
    assert ceiling == Decimal(46368)
    assert filing(full_year(db, assure, 2024, ceiling)) == []

    (result,) = filing(full_year(db, assure, 2024, ceiling + Decimal("0.01")))
    assert result.code == "above_ceiling"
    assert result.severity is Severity.INFO
    assert "46\u202f368,01\u00a0€ en 2024" in result.message
    assert "(46\u202f368\u00a0€)" in result.message
    assert "L241-3" in result.message


def test_the_ceiling_concerns_the_regime_general_salaried_periods_only(db, assure):
    public = full_year(db, assure, 2024, "60000", nature=PeriodNature.PUBLIC_SERVICE)
    assert "above_ceiling" not in codes(filing(public))


def test_years_before_the_tables_are_skipped(db):
    # The PASS table starts in 1962 (pension-rules.md §14.3: the 14th birthday of the first generation simulated).
    older = create_assure(identity="demo-thierry-moreau", birth_date=date(1945, 3, 1))
    with pytest.raises(KeyError):
        pass_annual(1961)
    assert filing(full_year(db, older, 1961, "1000000")) == []
    assert "above_ceiling" in codes(filing(full_year(db, older, 1971, "1000000")))


# 5. Earnings far from the person's history -------------------------------------------------------------------------


@pytest.fixture
def history(assure):
    for year in (2015, 2016, 2017):
        create_period(assure, year=year, earnings=Decimal(10000))  # median 10 000 €
    return assure


def test_three_times_the_median_passes_a_cent_more_does_not(db, history):
    assert filing(full_year(db, history, 2020, "30000")) == []

    (result,) = filing(full_year(db, history, 2020, "30000.01"))
    assert result.code == "earnings_jump"
    assert result.severity is Severity.WARNING
    assert "plus du triple de la médiane" in result.message
    assert "(10\u202f000\u00a0€ sur 3 ans)" in result.message


def test_a_third_of_the_median_passes_a_cent_less_does_not(db, history):
    assert filing(full_year(db, history, 2020, "3333.34")) == []
    (result,) = filing(full_year(db, history, 2020, "3333.33"))
    assert result.code == "earnings_jump"
    assert "moins du tiers de la médiane" in result.message


def test_a_partial_year_is_compared_on_a_full_year_basis(db, history):
    # 3 000 € for July-December 2020 is about 5 967 € over a whole year: not below a third of 10 000 €.
    assert filing(new_period(db, history, date(2020, 7, 1), date(2020, 12, 31), "3000")) == []
    (result,) = filing(new_period(db, history, date(2020, 7, 1), date(2020, 12, 31), "1500"))
    assert result.code == "earnings_jump"
    assert "sur une année entière" in result.message


def test_no_opinion_without_three_years_of_history(db, assure):
    for year in (2015, 2016):
        create_period(assure, year=year, earnings=Decimal(10000))
    assert filing(full_year(db, assure, 2020, "40000")) == []


# 6. Dates ----------------------------------------------------------------------------------------------------------


def test_the_fourteenth_birthday_itself_is_allowed_the_day_before_is_not(db, assure):
    signalement = new_period(db, assure, date(2004, 7, 1), date(2004, 8, 31), "500")
    assert decision(decide(db, signalement, start_date=date(2004, 6, 15))) == []

    (result,) = decision(decide(db, signalement, start_date=date(2004, 6, 14)))
    assert result.code == "before_fourteen"
    assert result.severity is Severity.HIGH
    assert "14/06/2004" in result.message
    assert "14 ans le 15/06/2004" in result.message


def test_born_on_29_february_one_is_fourteen_on_1_march(db):
    leap = create_assure(identity="demo-sophie-nguyen", birth_date=date(1992, 2, 29))
    signalement = new_period(db, leap, date(2006, 7, 1), date(2006, 8, 31), "500")
    assert decision(decide(db, signalement, start_date=date(2006, 3, 1))) == []
    assert codes(decision(decide(db, signalement, start_date=date(2006, 2, 28)))) == ["before_fourteen"]


def test_today_is_allowed_tomorrow_is_in_the_future(db, assure):
    signalement = new_period(db, assure, date(2026, 1, 1), TODAY, "4000")
    assert decision(signalement) == []

    (result,) = decision(decide(db, signalement, end_date=TODAY + timedelta(days=1)))
    assert result.code == "in_future"
    assert result.severity is Severity.HIGH
    assert "16/03/2026" in result.message


# 7. SIRET ----------------------------------------------------------------------------------------------------------


def test_an_invalid_siret_is_a_warning(db, assure):
    assert filing(full_year(db, assure, 2020, "20000", employer_siret=VALID_SIRET)) == []
    (result,) = filing(full_year(db, assure, 2020, "20000", employer_siret="73282932000075"))
    assert result.code == "invalid_siret"
    assert result.severity is Severity.WARNING
    assert "73282932000075 de l'employeur « Conserverie du Port » n'est pas valide" in result.message


# 8. The same justificatif for two people ---------------------------------------------------------------------------


def attach(db, signalement, content: bytes, name: str = "bulletin.pdf"):
    return justificatifs.add_document(
        signalement, actor=author_for(db, signalement.assure), stream=io.BytesIO(content), original_name=name,
        kind="Bulletin de salaire", period_ids=[],
    )  # fmt: skip


def test_the_same_file_for_the_same_person_is_fine(db, assure):
    first = full_year(db, assure, 2020, "20000")
    second = full_year(db, assure, 2021, "20000")
    attach(db, first, pdf_bytes())
    attach(db, second, pdf_bytes())
    assert filing(first) == []
    assert filing(second) == []


def test_the_same_file_for_another_person_is_bloquant(db, assure, other_assure):
    mine = full_year(db, assure, 2020, "20000")
    attach(db, mine, pdf_bytes(), "bulletin décembre.pdf")
    theirs = full_year(db, other_assure, 2020, "20000")
    attach(db, theirs, pdf_bytes(pages=2))
    assert filing(mine) == []  # another file

    attach(db, theirs, pdf_bytes(), "copie.pdf")
    (result,) = filing(mine)
    assert result.code == "shared_document"
    assert result.severity is Severity.HIGH
    assert result.item_id is None
    assert "« bulletin décembre.pdf »" in result.message
    assert f"1 autre assuré (demande(s) n° {theirs.reference})" in result.message
    assert codes(filing(theirs)) == ["shared_document"]


# 9. Many requests --------------------------------------------------------------------------------------------------


def test_five_requests_within_thirty_days_raise_a_warning(db, assure):
    earlier = [full_year(db, assure, year, "20000") for year in (2015, 2016, 2017, 2018)]
    days_ago = [31, 20, 10, 1]  # the first one is just out of the window
    for signalement, days in zip(earlier, days_ago, strict=True):
        signalement.filed_at = datetime.combine(TODAY - timedelta(days=days), time(9))
    current = full_year(db, assure, 2020, "20000")
    current.filed_at = datetime.combine(TODAY, time(8))
    db.session.flush()
    assert filing(current) == []

    earlier[0].filed_at = datetime.combine(TODAY - timedelta(days=30), time(0))
    db.session.flush()
    (result,) = filing(current)
    assert result.code == "many_requests"
    assert result.severity is Severity.WARNING
    assert result.message.startswith("5 demandes déposées par l'assuré du 13/02/2026 au 15/03/2026")


def test_drafts_and_other_peoples_requests_do_not_count(db, assure, other_assure):
    for year in (2015, 2016, 2017):
        full_year(db, assure, year, "20000")  # drafts: never filed
    for year in (2015, 2016, 2017, 2018):
        full_year(db, other_assure, year, "20000").filed_at = datetime.combine(TODAY, time(9))
    current = full_year(db, assure, 2020, "20000")
    db.session.flush()
    assert filing(current) == []


# Recording ---------------------------------------------------------------------------------------------------------


def findings(db, signalement):
    statement = select(ControlFinding).where(ControlFinding.signalement_id == signalement.id)
    return list(db.session.execute(statement.order_by(ControlFinding.id)).scalars())


def test_record_findings_keeps_each_run_and_flags_only_a_high(db, assure):
    signalement = full_year(db, assure, 2020, "20000")
    warning = controls.ControlResult("invalid_siret", Severity.WARNING, "SIRET invalide.", signalement.items[0].id)
    high = controls.ControlResult("shared_document", Severity.HIGH, "Justificatif partagé.")

    recorded = controls.record_findings(signalement, [warning], stage="filing")
    assert [finding.id is not None for finding in recorded] == [True]
    assert signalement.has_risk_flag is False

    controls.record_findings(signalement, [warning, high], stage="decision")
    assert signalement.has_risk_flag is True
    rows = findings(db, signalement)
    assert [(row.stage, row.code, row.severity) for row in rows] == [
        ("filing", "invalid_siret", Severity.WARNING),
        ("decision", "invalid_siret", Severity.WARNING),
        ("decision", "shared_document", Severity.HIGH),
    ]
    assert rows[0].item_id == signalement.items[0].id
    assert rows[1].computed_at == rows[2].computed_at  # one run, one timestamp

    controls.record_findings(signalement, [warning], stage="decision")
    assert signalement.has_risk_flag is False  # the latest run decides
    assert len(findings(db, signalement)) == 4

    with pytest.raises(ValueError, match="stage"):
        controls.record_findings(signalement, [], stage="later")


def test_filing_records_the_controls(db, assure, other_assure):
    signalement = full_year(db, assure, 2020, "20000")
    theirs = full_year(db, other_assure, 2020, "20000")
    attach(db, signalement, pdf_bytes())
    attach(db, theirs, pdf_bytes())
    services.submit(signalement, actor=author_for(db, assure), today=TODAY)
    assert [row.code for row in findings(db, signalement)] == ["shared_document"]
    assert signalement.has_risk_flag is True


# Queries -----------------------------------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_career(db, assure, other_assure, count_queries):
    signalement = full_year(db, assure, 2020, "20000")
    attach(db, signalement, pdf_bytes())
    attach(db, full_year(db, other_assure, 2020, "20000"), pdf_bytes())

    def queries_for_controls() -> int:
        db.session.expire_all()
        with count_queries() as queries:
            results = controls.run_controls(signalement, today=TODAY, stage="decision")
        assert "shared_document" in codes(results)
        return len(queries)

    for year in range(2010, 2013):
        create_period(assure, year=year, earnings=Decimal(20000))
    few = queries_for_controls()
    for year in range(1990 + 16, 2010):
        create_period(assure, year=year, earnings=Decimal(20000))
        create_period(assure, year=year, regime="AGIRC_ARRCO", quarters=None, points=Decimal(50))
    for year in range(2013, 2020):
        create_period(assure, year=year, earnings=Decimal(20000))
    many = queries_for_controls()
    assert few == many
    assert many <= 8
