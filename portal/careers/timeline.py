"""Geometry of the career timeline chart, drawn as SVG by the template (no JavaScript needed)."""

from dataclasses import dataclass, field
from datetime import date

from portal.careers.queries import NATURE_CATEGORY, CareerView
from portal.formatting import format_date

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
    # Not the Optional properties: the years are known to be non-empty here.
    first, last = career.years[0].year, career.years[-1].year
    span_days = (date(last + 1, 1, 1) - date(first, 1, 1)).days

    def x_of(day: date) -> float:
        return round(LABEL_WIDTH + CHART_WIDTH * (day - date(first, 1, 1)).days / span_days, 2)

    # Periods are recorded year by year; consecutive periods of the same nature in one régime are drawn as one bar,
    # so that a twenty-year job reads as one stretch of the chart.
    spans: dict[int, list[list]] = {total.regime.id: [] for total in career.regimes}
    for year in career.years:
        for period in sorted(year.periods, key=lambda version: version.start_date):
            regime_spans = spans[period.regime_id]
            previous = regime_spans[-1] if regime_spans else None
            if (
                previous
                and previous[0] is period.nature
                and previous[3] == period.country_name
                and (period.start_date - previous[2]).days <= 1
            ):
                previous[2] = max(previous[2], period.end_date)
            else:
                regime_spans.append([period.nature, period.start_date, period.end_date, period.country_name])
    rows: list[Row] = []
    for total in career.regimes:
        row = Row(label=total.regime.short_name, y=len(rows) * ROW_HEIGHT)
        for nature, start_date, end_date, country_name in spans[total.regime.id]:
            start = x_of(start_date)
            end = x_of(date.fromordinal(end_date.toordinal() + 1))
            row.bars.append(
                Bar(
                    x=start,
                    width=max(end - start, 1.5),
                    category=NATURE_CATEGORY[nature],
                    title=(
                        f"{nature.label}{f' ({country_name})' if country_name else ''}, du {format_date(start_date)} "
                        f"au {format_date(end_date)}"
                    ),
                )
            )
        rows.append(row)
    chart_height = len(rows) * ROW_HEIGHT
    step = 1 if last - first < 12 else 5
    # The first year is labelled too, unless a round year follows too closely for both labels to be read.
    ticks = [
        (x_of(date(year, 1, 1)), year)
        for year in range(first, last + 1)
        if year % step == 0 or (year == first and (step - first % step) % step > 2)
    ]
    gaps = [
        (x_of(date(year.year, 1, 1)), x_of(date(year.year + 1, 1, 1)) - x_of(date(year.year, 1, 1)), year.year)
        for year in career.years
        if year.is_gap
    ]
    return Timeline(
        width=LABEL_WIDTH + CHART_WIDTH + 10,
        height=chart_height + AXIS_HEIGHT,
        rows=rows,
        ticks=ticks,
        gaps=gaps,
        first_year=first,
        last_year=last,
    )
