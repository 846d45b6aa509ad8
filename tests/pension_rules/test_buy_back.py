"""Versement pour la retraite (« rachat de trimestres ») of the régime général: barème, cost, eligibility and effect on
the basic pension (CSS L351-14-1, D351-3 to D351-14-3; pension-rules.md §22)."""

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from portal.pension_rules import buy_back, parameters
from portal.pension_rules.buy_back import (
    Bracket,
    BuyBackReason,
    BuyBackRequest,
    Instalments,
    evaluate,
    price,
    quarter_cost,
)
from portal.pension_rules.engine import SimulationError, simulate
from portal.pension_rules.io import parse_input
from portal.pension_rules.model import BoughtQuarters, BuyBackOption, SimulationInput
from tests.pension_rules.cases import money, person, summary, work_quarters, years_of_work

RATE = BuyBackOption.RATE
RATE_AND_DURATION = BuyBackOption.RATE_AND_DURATION
STUDIES = BuyBackReason.STUDIES
INCOMPLETE = BuyBackReason.INCOMPLETE_YEARS
AS_OF = date(2026, 1, 15)


def simulation_input(data: dict) -> SimulationInput:
    return parse_input(data, today=date.fromisoformat(data["as_of"]))


def studies(quarters: int, earnings: int | str = 30000, **fields) -> BuyBackRequest:
    return BuyBackRequest(reason=STUDIES, quarters=quarters, average_earnings=Decimal(earnings), **fields)


def refusal(request: BuyBackRequest, birth: date, request_date: date = AS_OF) -> SimulationError:
    with pytest.raises(SimulationError) as caught:
        price(request, birth_date=birth, request_date=request_date)
    return caught.value


# --- The barème (pension-rules §22.2.4) ---


def test_the_bareme_has_one_row_per_age_from_20_to_66_each_with_its_source():
    table = buy_back.bareme()
    assert sorted(table) == list(range(20, 67))
    assert all("arrêté du 21 octobre 2012" in row.source.lower() for row in table.values())
    assert all("Cnav du 5 février 2026" in row.source for row in table.values())
    assert all("secondary" in table[age].source for age in range(38, 62))


def test_the_bareme_is_continuous_at_the_2013_pass_as_the_2013_arrete_was():
    # pension-rules §22.2.4, internal check: low = p × 0.75 × PASS 2013 and high = p × PASS 2013, within the
    # rounding of p to 0.01 % and of the amounts to the euro. A transcription error would break it.
    pass_2013 = parameters.pass_annual(2013)
    assert pass_2013 == Decimal(37032)
    for row in buy_back.bareme().values():
        for tariff in (row.rate, row.rate_and_duration):
            p = tariff.middle_percent / 100
            low_base = pass_2013 * Decimal("0.75")
            assert abs(tariff.low - p * low_base) <= low_base * Decimal("0.00005") + Decimal("0.5"), row.age
            assert abs(tariff.high - p * pass_2013) <= pass_2013 * Decimal("0.00005") + Decimal("0.5"), row.age
        # Option 2 costs about 1.48 × option 1 (pension-rules §22.1.6).
        assert Decimal("1.47") < row.rate_and_duration.high / row.rate.high < Decimal("1.49"), row.age


def test_beyond_62_the_bareme_falls_by_2_5_percent_a_year():
    # CFDT-retraités on the barème rule: "diminution de 2,5 % par année révolue au-delà" of 62 (pension-rules §22.2.4).
    table = buy_back.bareme()
    for age in range(63, 67):
        factor = 1 - Decimal("0.025") * (age - 62)
        for option in (RATE, RATE_AND_DURATION):
            at_62, here = table[62].tariff(option), table[age].tariff(option)
            assert abs(here.low - at_62.low * factor) <= 1
            assert abs(here.high - at_62.high * factor) <= 1
            assert abs(here.middle_percent - at_62.middle_percent * factor) <= Decimal("0.01")


# --- Price of a quarter (pension-rules §22.2.3) ---


def test_lci_2019_example_middle_bracket_is_a_percentage_of_the_income():
    # LCI, August 2019: aged 40, 35 000 € a year, option 2 → 3 857 € a quarter = 11.02 % × 35 000 €. The 2019 PASS
    # (40 524 €) puts 35 000 € in the middle bracket: 30 393 € ≤ 35 000 € ≤ 40 524 €.
    assert parameters.pass_annual(2019) == Decimal(40524)
    assert buy_back.income_bracket(Decimal(35000), 2019) is Bracket.MIDDLE
    assert quarter_cost(40, RATE_AND_DURATION, Decimal(35000), 2019) == Decimal("3857.00")


def test_2026_low_and_high_brackets_are_the_flat_amounts():
    # moneyvox 2026 table: age 20, option 1, income under 36 045 € → 1 055 €; LCI 2019 / boursorama: age 66,
    # option 2, top bracket → 6 015 €.
    assert buy_back.thresholds(2026) == (Decimal(36045), Decimal(48060))
    assert quarter_cost(20, RATE, Decimal(30000), 2026) == Decimal(1055)
    assert quarter_cost(20, RATE, Decimal("36044.99"), 2026) == Decimal(1055)
    assert quarter_cost(66, RATE_AND_DURATION, Decimal(50000), 2026) == Decimal(6015)


def test_the_2026_discontinuity_makes_the_middle_bracket_dearer_than_the_top_one():
    # pension-rules §22.2.5: age 62, option 1, R = 45 000 € → 12.18 % × 45 000 = 5 481 €, against 4 510 € above
    # 48 060 €; and just above 36 045 €, 7.43 % × 36 045 = 2 678.14 € at 40 against the flat 2 065 € below.
    assert quarter_cost(62, RATE, Decimal(45000), 2026) == Decimal("5481.00")
    assert quarter_cost(62, RATE, Decimal("48060.01"), 2026) == Decimal(4510)
    assert quarter_cost(40, RATE, Decimal(36045), 2026) == Decimal("2678.14")
    assert quarter_cost(40, RATE, Decimal(36044), 2026) == Decimal(2065)
    # Earnings equal to the PASS: the middle bracket (« 36 045 € à 48 060 € »), 12.18 % × 48 060 = 5 853.708.
    assert quarter_cost(62, RATE, Decimal(48060), 2026) == Decimal("5853.71")


def test_thresholds_after_the_pass_table_keep_its_last_year_and_none_exist_before_2013():
    last = max(parameters.social_security_ceilings())
    assert buy_back.thresholds(last + 5) == buy_back.thresholds(last)
    with pytest.raises(KeyError):
        buy_back.thresholds(2012)
    with pytest.raises(KeyError):
        quarter_cost(19, RATE, Decimal(30000), 2026)


# --- Cost of a request ---


def test_both_options_are_priced_when_none_is_chosen_with_the_instalment_plans():
    # Born 1 June 1986, request on 15 January 2026: 39 years old; 30 000 € is in the low bracket.
    # Option 1: 4 × 2 005 = 8 020 €; option 2: 4 × 2 971 = 11 884 €. 4 quarters: 1 or 3 years (F15675; ASH n° 2599).
    rate, rate_and_duration = price(studies(4), birth_date=date(1986, 6, 1), request_date=AS_OF)
    assert (rate.option, rate_and_duration.option) == (RATE, RATE_AND_DURATION)
    assert rate.age == 39
    assert rate.bracket is Bracket.LOW
    assert (rate.quarter_cost, rate.total) == (Decimal(2005), Decimal(8020))
    assert (rate_and_duration.quarter_cost, rate_and_duration.total) == (Decimal(2971), Decimal(11884))
    assert rate.instalments == (Instalments(1, Decimal("668.33")), Instalments(3, Decimal("222.78")))
    assert "inflation prévisionnelle" in " ".join(rate.explanation.steps)
    assert rate.explanation.summary.startswith("Rachat de 4 trimestres (années d'études supérieures), option 1")


def test_instalments_by_number_of_quarters():
    assert buy_back.instalment_years(1) == ()
    assert buy_back.instalment_years(2) == (1, 3)
    assert buy_back.instalment_years(8) == (1, 3)
    assert buy_back.instalment_years(9) == (1, 3, 5)
    assert buy_back.instalment_years(12) == (1, 3, 5)
    assert buy_back.instalment_years(2, reduced_tariff=True) == (1, 3, 5)
    (single,) = price(studies(1, option=RATE), birth_date=date(1986, 6, 1), request_date=AS_OF)
    assert single.instalments == ()
    assert "en une fois" in " ".join(single.explanation.steps)


def test_reduced_tariff_takes_670_or_1000_euros_off_at_most_four_study_quarters():
    # Décret 2015-14: 670 € (option 1) or 1 000 € (option 2) per quarter, 4 quarters at most (pairing inferred,
    # pension-rules §22.2.6). Born 1 June 1986: 40 in 2026, so a request in January 2026 is in time.
    # Age 39, low bracket: option 1 6 × 2 005 = 12 030 − 4 × 670 = 9 350 €; option 2 6 × 2 971 = 17 826 − 4 000.
    rate, rate_and_duration = price(studies(6, reduced_tariff=True), birth_date=date(1986, 6, 1), request_date=AS_OF)
    assert (rate.full_total, rate.reduced_quarters, rate.abatement, rate.total) == (
        Decimal(12030),
        4,
        Decimal(2680),
        Decimal(9350),
    )
    assert (rate_and_duration.abatement_per_quarter, rate_and_duration.total) == (Decimal(1000), Decimal(13826))
    steps = " ".join(rate.explanation.steps)
    assert "les 2 autres sont au barème plein" in steps
    assert "670 € vont avec l'option 1" in steps  # the uncertain pairing is said
    assert rate.instalments[-1].years == 5  # "par dérogation", 1, 3 or 5 years


def test_middle_bracket_cost_says_it_is_an_estimate():
    # Age 62 (born 1 January 1964, request 15 January 2026), R = 45 000 €: 12.18 % → 5 481 € a quarter.
    (cost,) = price(studies(2, 45000, option=RATE), birth_date=date(1964, 1, 1), request_date=AS_OF)
    assert cost.bracket is Bracket.MIDDLE
    assert cost.total == Decimal("10962.00")
    steps = " ".join(cost.explanation.steps)
    assert "45\u202f000,00\u00a0€ × 12,18 % = 5\u202f481,00\u00a0€" in steps
    assert "estimation" in steps
    assert "tranche haute" in steps


# --- Refusals (pension-rules §22.1.4, §22.1.5, §22.2.6, §22.4.1) ---


def test_under_20_at_the_request_is_refused():
    error = refusal(studies(1), date(2006, 1, 16))  # 19 on 15 January 2026, 20 the next day
    assert error.field == "buy_back.request_date"
    assert "à partir de 20 ans" in error.message
    assert price(studies(1, option=RATE), birth_date=date(2006, 1, 15), request_date=AS_OF)[0].age == 20


def test_67_at_the_request_is_refused():
    error = refusal(studies(1), date(1959, 1, 15))
    assert error.field == "buy_back.request_date"
    assert "avant 67 ans" in error.message
    assert "67 ans" in error.message
    assert price(studies(1, option=RATE), birth_date=date(1959, 1, 16), request_date=AS_OF)[0].age == 66


def test_thirteen_quarters_are_refused():
    error = refusal(studies(13), date(1980, 1, 1))
    assert error.field == "buy_back.quarters"
    assert "de 1 à 12 trimestres" in error.message
    assert refusal(studies(0), date(1980, 1, 1)).field == "buy_back.quarters"


def test_ten_already_bought_leave_two():
    error = refusal(studies(3, already_bought=10), date(1980, 1, 1))
    assert error.field == "buy_back.quarters"
    assert "déjà racheté 10 trimestres" in error.message
    assert "Il vous en reste 2" in error.message
    assert len(price(studies(2, already_bought=10), birth_date=date(1980, 1, 1), request_date=AS_OF)) == 2


def test_reduced_tariff_after_the_year_of_the_40th_birthday_is_refused():
    # Born 1 June 1985: 40 in 2025, deadline 31 December 2025.
    error = refusal(studies(4, reduced_tariff=True), date(1985, 6, 1))
    assert error.field == "buy_back.reduced_tariff"
    assert "31 décembre 2025" in error.message
    assert price(studies(4, reduced_tariff=True), birth_date=date(1985, 6, 1), request_date=date(2025, 12, 31))


def test_reduced_tariff_for_incomplete_years_is_refused():
    request = BuyBackRequest(reason=INCOMPLETE, quarters=2, average_earnings=Decimal(30000), reduced_tariff=True)
    error = refusal(request, date(1990, 1, 1))
    assert error.field == "buy_back.reduced_tariff"
    assert "années d'études" in error.message


# --- Effect on the pension (pension-rules §22.4.3, §22.4.4) ---

# Born 1 July 1963, 170 quarters required (service-public F19666, as in test_rate): technicians' mode with 159
# quarters, 150 of them in the régime général, SAM 30 000 €; the request on 15 January 2026 (aged 62), 30 000 € a
# year: the low bracket.
BORN = date(1963, 7, 1)


def decote_case(quarters: int = 159, regime_general: int = 150, **fields) -> SimulationInput:
    return simulation_input(
        person(BORN, AS_OF, summary=summary(quarters, regime_general=regime_general, sam=30000), **fields)
    )


def effect_on(result: buy_back.OptionResult, day: date) -> buy_back.DepartureEffect:
    return next(effect for effect in result.departures if effect.date == day)


def test_a_decote_is_reduced_by_both_options_and_option_2_also_raises_the_proratisation():
    # Leaving on 1 July 2026 at 63: 11 quarters short of 170, 16 to 67: décote 11, rate 43.125 %, pension
    # 30 000 × 43.125 % × 150/170. Buying 4: 7 short, rate 50 % × (1 − 1.25 % × 7) = 45.625 %; option 1 keeps
    # 150/170, option 2 gives 154/170. Cost at 62, low bracket: 4 × 3 383 = 13 532 € and 4 × 5 013 = 20 052 €.
    day = date(2026, 7, 1)
    result = evaluate(decote_case(pension_date=day), studies(4))
    assert result.age == 62
    assert result.request_date == AS_OF
    rate, rate_and_duration = result.options
    assert (rate.cost.total, rate_and_duration.cost.total) == (Decimal(13532), Decimal(20052))
    before = money(Decimal(30000) * Decimal("0.43125") * 150 / 170)
    after_rate = money(Decimal(30000) * Decimal("0.45625") * 150 / 170)
    after_both = money(Decimal(30000) * Decimal("0.45625") * 154 / 170)
    one, two = effect_on(rate, day), effect_on(rate_and_duration, day)
    assert (one.decote_quarters_before, one.decote_quarters_after) == (11, 7)
    assert (one.rate_before, one.rate_after) == (Decimal("43.125"), Decimal("45.625"))
    assert (one.before_annual_gross, one.after_annual_gross) == (before, after_rate)
    assert two.after_annual_gross == after_both
    assert two.proratisation_after == Decimal(154) / Decimal(170)
    assert one.annual_gain == after_rate - before > 0
    assert two.annual_gain == after_both - before > one.annual_gain
    assert one.monthly_gain == money((after_rate - before) / 12)
    assert one.years_to_recover == (Decimal(13532) / one.annual_gain).quantize(Decimal("0.1"))
    assert two.years_to_recover == (Decimal(20052) / two.annual_gain).quantize(Decimal("0.1"))
    assert one.quarters_without_effect == two.quarters_without_effect == 0
    assert rate.explanation.summary.startswith("Option 1, « taux seul » : 13\u202f532,00\u00a0€ pour 4 trimestres")
    assert "1er juillet 2026" in rate.explanation.summary
    # The "after" simulation has the base's dates.
    assert [row.date for row in rate.simulation.departures] == [row.date for row in result.base.departures]


def test_at_the_taux_plein_age_option_1_gains_nothing():
    # Leaving on 1 July 2030, at 67: the taux plein by age. Option 1 changes only the rate: no gain, every quarter
    # without effect; option 2 raises the proratisation from 150/170 to 154/170.
    day = date(2030, 7, 1)
    result = evaluate(decote_case(pension_date=day), studies(4))
    rate, rate_and_duration = result.options
    one, two = effect_on(rate, day), effect_on(rate_and_duration, day)
    assert one.annual_gain == 0
    assert one.monthly_gain == 0
    assert one.years_to_recover is None
    assert one.quarters_without_effect == 4
    assert "taux plein" in " ".join(one.explanation.steps)
    assert rate.explanation.summary.endswith("aucun gain.")
    assert two.after_annual_gross == money(Decimal(30000) * Decimal("0.5") * 154 / 170)
    assert two.quarters_without_effect == 0


def test_quarters_beyond_the_missing_ones_have_no_effect():
    # 168 quarters, all in the régime général: 2 short of 170 on 1 July 2026. Buying 4: the first 2 remove the
    # décote and fill the proratisation, the 2 others change nothing, with either option.
    day = date(2026, 7, 1)
    result = evaluate(decote_case(168, 168, pension_date=day), studies(4))
    for option in result.options:
        effect = effect_on(option, day)
        assert effect.decote_quarters_before == 2
        assert effect.decote_quarters_after == 0
        # Option 1 keeps 168/170; option 2 fills it to 170/170 with the 2 useful quarters.
        prorated = 168 if option.option is RATE else 170
        assert effect.after_annual_gross == money(Decimal(30000) * Decimal("0.5") * prorated / 170)
        assert effect.quarters_without_effect == 2
        assert "2 des 4 trimestres rachetés n'ont pas d'effet" in " ".join(effect.explanation.steps)


@pytest.mark.parametrize(("quarters", "regime_general"), [(159, 150), (168, 168), (166, 120), (175, 160)])
def test_the_closed_rule_for_quarters_without_effect_matches_the_simulation(quarters, regime_general):
    # For every departure date and both options, the smallest n ≤ 4 giving the pension of 4 bought quarters,
    # found by simulating n = 0 … 4, is 4 − quarters_without_effect.
    base_input = decote_case(quarters, regime_general)
    result = evaluate(base_input, studies(4))
    dates = tuple(row.date for row in result.base.departures)
    for option in result.options:
        pensions = []
        for bought in range(5):
            simulated = simulate(
                dataclasses.replace(
                    base_input, bought_quarters=BoughtQuarters(bought, option.option), compare_dates=dates
                )
            )
            pensions.append({row.date: row.base_annual_gross for row in simulated.departures})
        for effect in option.departures:
            smallest = min(n for n in range(5) if pensions[n][effect.date] == pensions[4][effect.date])
            assert 4 - effect.quarters_without_effect == smallest, (option.option, effect.date)
            assert effect.after_annual_gross == pensions[4][effect.date]


def test_limits_name_what_the_comparison_leaves_out():
    result = evaluate(decote_case(), studies(2, 40000))
    limits = " ".join(result.limits)
    for words in ("brut", "imposable", "déductible", "réforme", "Agirc-Arrco", "taux plein", "estimation"):
        assert words in limits, words
    assert "à la date de la demande" in limits
    assert "12 derniers mois" in limits
    assert "tranche du milieu" in limits  # 40 000 € is in the 2026 middle bracket


def test_one_option_asked_is_the_only_one_priced():
    result = evaluate(decote_case(), studies(2, option=RATE_AND_DURATION))
    assert [option.option for option in result.options] == [RATE_AND_DURATION]


def test_the_request_must_come_before_the_pension():
    data = decote_case(pension_date=date(2026, 7, 1))
    with pytest.raises(SimulationError) as caught:
        evaluate(data, studies(2, request_date=date(2026, 8, 1)))
    assert caught.value.field == "buy_back.request_date"
    assert "avant la retraite" in caught.value.message
    # Without a chosen date, only the departures after the request are compared.
    result = evaluate(decote_case(), studies(2, request_date=date(2027, 2, 1)))
    assert result.options[0].departures[0].date > date(2027, 2, 1)
    assert len(result.options[0].departures) < len(result.base.departures)


# --- Incomplete years ---


def incomplete_career() -> SimulationInput:
    # Born 15 March 1980, working from 2001 to 2025, with 2 quarters in 2004 and 3 in 2010: 3 quarters missing.
    career = [*years_of_work(2001, 2025, skip=(2004, 2010)), work_quarters(2004, 2), work_quarters(2010, 3)]
    return simulation_input(person(date(1980, 3, 15), AS_OF, career=career))


def test_incomplete_years_allow_what_the_recorded_years_lack():
    request = BuyBackRequest(reason=INCOMPLETE, quarters=3, average_earnings=Decimal(30000), option=RATE)
    result = evaluate(incomplete_career(), request)
    assert "2004 : 2, 2010 : 1" in " ".join(result.explanation.steps)
    # Born 15 March 1980: 45 on 15 January 2026, option 1, low bracket: 3 × 2 366 €.
    assert result.age == 45
    assert result.options[0].cost.total == 3 * Decimal(2366)


def test_more_incomplete_year_quarters_than_missing_are_refused():
    request = BuyBackRequest(reason=INCOMPLETE, quarters=4, average_earnings=Decimal(30000))
    with pytest.raises(SimulationError) as caught:
        evaluate(incomplete_career(), request)
    assert caught.value.field == "buy_back.quarters"
    assert "il en manque 3" in caught.value.message
    assert "2004 (2 trimestres manquants), 2010 (1 trimestre manquant)" in caught.value.message
    assert "Une année sans aucun trimestre n'est pas comptée" in caught.value.message


def test_incomplete_years_need_the_career_year_by_year():
    request = BuyBackRequest(reason=INCOMPLETE, quarters=1, average_earnings=Decimal(30000))
    with pytest.raises(SimulationError) as caught:
        evaluate(decote_case(), request)
    assert caught.value.field == "buy_back.reason"


def test_a_simulation_already_holding_bought_quarters_is_refused():
    data = dataclasses.replace(decote_case(), bought_quarters=BoughtQuarters(2, RATE))
    with pytest.raises(SimulationError) as caught:
        evaluate(data, studies(2))
    assert caught.value.field == "buy_back.already_bought"
