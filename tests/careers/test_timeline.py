"""Geometry of the career timeline, on objects that never touch the database."""

from datetime import date

from portal.careers.models import PeriodNature, PeriodVersion, Regime, RegimeKind
from portal.careers.queries import CareerView, RegimeTotal, YearView
from portal.careers.timeline import CHART_WIDTH, LABEL_WIDTH, build_timeline

GENERAL = Regime(id=1, code="CNAV", name="Régime général", short_name="Régime général", kind=RegimeKind.BASE)


def period(start: date, end: date, nature=PeriodNature.SALARIED) -> PeriodVersion:
    return PeriodVersion(regime_id=1, regime=GENERAL, nature=nature, start_date=start, end_date=end)


def career(*years: YearView) -> CareerView:
    return CareerView(assure=None, years=list(years), regimes=[RegimeTotal(GENERAL, first_year=years[0].year)])


def test_consecutive_years_of_one_nature_are_one_bar_and_a_gap_is_marked():
    view = career(
        YearView(1981, [period(date(1981, 1, 1), date(1981, 12, 31))]),
        YearView(1982, [period(date(1982, 1, 1), date(1982, 12, 31))]),
        YearView(1983),
        YearView(1984, [period(date(1984, 1, 1), date(1984, 6, 30), PeriodNature.UNEMPLOYMENT)]),
    )
    timeline = build_timeline(view)
    bars = timeline.rows[0].bars
    assert [bar.category for bar in bars] == ["work", "assimilated"]
    assert bars[0].x == LABEL_WIDTH
    assert round(bars[0].width) == round(CHART_WIDTH / 2)  # 1981 and 1982: half of four years
    assert bars[0].title == "Activité salariée, du 01/01/1981 au 31/12/1982"
    assert [year for _x, _width, year in timeline.gaps] == [1983]


def test_the_first_year_label_never_collides_with_a_round_year():
    def ticks(first: int, last: int) -> list[int]:
        years = [YearView(year, [period(date(year, 1, 1), date(year, 12, 31))]) for year in range(first, last + 1)]
        return [year for _x, year in build_timeline(career(*years)).ticks]

    assert ticks(1979, 2025)[:2] == [1980, 1985]  # 1979 would overlap 1980
    assert ticks(1976, 2025)[:2] == [1976, 1980]
    assert ticks(2018, 2025) == list(range(2018, 2026))


def test_an_empty_career_has_no_timeline():
    assert build_timeline(CareerView(assure=None, years=[], regimes=[])) is None
