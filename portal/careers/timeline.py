"""Geometry of the career timeline chart, drawn as SVG by the template (no JavaScript needed)."""

from dataclasses import dataclass, field
from datetime import date

from portal.careers.queries import NATURE_CATEGORY, CareerView

LABEL_WIDTH = 190
CHART_WIDTH = 760
ROW_HEIGHT = 30
BAR_HEIGHT = 18
AXIS_HEIGHT = 28


@dataclass
class Bar:
    x: float
    width: float
    category: str
    title: str


@dataclass
class Row:
    label: str
    y: float
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Timeline:
    width: int
    height: int
    rows: list[Row]
    ticks: list[tuple[float, int]]
    gaps: list[tuple[float, float, int]]
    first_year: int
    last_year: int


def build_timeline(career: CareerView) -> Timeline | None:
    """One row per régime, one bar per period, gap years marked across all rows. None for an empty career."""
    if not career.years:
        return None
    first, last = career.first_year, career.last_year
    span_days = (date(last + 1, 1, 1) - date(first, 1, 1)).days

    def x_of(day: date) -> float:
        return round(LABEL_WIDTH + CHART_WIDTH * (day - date(first, 1, 1)).days / span_days, 2)

    rows: dict[int, Row] = {}
    for total in career.regimes:
        rows[total.regime.id] = Row(label=total.regime.short_name, y=len(rows) * ROW_HEIGHT)
    for year in career.years:
        for period in year.periods:
            start = x_of(period.start_date)
            end = x_of(date.fromordinal(period.end_date.toordinal() + 1))
            rows[period.regime_id].bars.append(
                Bar(
                    x=start,
                    width=max(end - start, 1.5),
                    category=NATURE_CATEGORY[period.nature],
                    title=f"{period.nature.label}, {period.start_date:%d/%m/%Y} – {period.end_date:%d/%m/%Y}",
                )
            )
    chart_height = len(rows) * ROW_HEIGHT
    step = 1 if last - first < 12 else 5
    ticks = [(x_of(date(year, 1, 1)), year) for year in range(first, last + 1) if year % step == 0 or year == first]
    gaps = [
        (x_of(date(year.year, 1, 1)), x_of(date(year.year + 1, 1, 1)) - x_of(date(year.year, 1, 1)), year.year)
        for year in career.years
        if year.is_gap
    ]
    return Timeline(
        width=LABEL_WIDTH + CHART_WIDTH + 10,
        height=chart_height + AXIS_HEIGHT,
        rows=list(rows.values()),
        ticks=ticks,
        gaps=gaps,
        first_year=first,
        last_year=last,
    )
