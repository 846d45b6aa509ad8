"""The chart of the departure options: total monthly gross by departure date, one line per scenario, drawn as SVG
on the server (no script needed). The table of departures below it carries the same figures as text.

The chart is drawn twice, for wide and for narrow screens, and the style sheet shows one of them (a CSS media query:
the content security policy allows no inline style and no script is needed). A viewBox scales its text with the
drawing, so a phone needs a drawing of its own, narrower, whose labels keep a readable size: fewer value ticks,
fewer year labels, none of them overlapping. The value axis starts at zero, so that the heights compare honestly."""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Layout:
    """The geometry of one drawing, in viewBox units. `font_size` is written on the labels' group as a presentation
    attribute (not a style attribute, which the CSP forbids) and is the one the label spacing is computed with."""

    name: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    font_size: int
    most_value_ticks: int
    dot_radius: float

    def label_width(self, characters: int) -> float:
        # Digits of the system sans-serif fonts are about 0.6 em wide: enough to keep labels apart, never exact.
        return characters * 0.6 * self.font_size


# Wide: up to 760 px on screen (the style sheet's max-width), about 1 unit per pixel. Narrow: a 375 px phone gives
# the figure about 343 px, so 360 units make a 15-unit label about 14 px tall.
WIDE = Layout("large", 720, 320, 84, 24, 16, 44, 14, 7, 3.5)
NARROW = Layout("etroit", 360, 300, 66, 24, 14, 40, 15, 4, 2.5)


@dataclass(frozen=True)
class Line:
    index: int
    points: str
    dots: list[tuple[float, float, str]]


def value_ticks(high: float, most: int) -> list[int]:
    """Round amounts from 0 to the first one at or above `high`, `most` of them at the most: steps of 1, 2, 2.5 or 5
    times a power of ten, as people read a scale."""
    high = max(high, 1.0)
    # Whole euros only: a step under 1 € (or of 2.5 €) would print rounded, unevenly spaced labels.
    magnitude = 10 ** max(0, math.floor(math.log10(high / (most - 1))))
    steps = [factor * magnitude for factor in (1, 2, 2.5, 5, 10) if factor * magnitude == int(factor * magnitude)]
    step = int(next(step for step in steps if step * (most - 1) >= high))
    return [step * i for i in range(math.ceil(high / step) + 1)]


def _year_labels(dates, x, layout: Layout) -> list[tuple[float, int]]:
    """One label per year, at its 1 January when that is a departure date (at the first date for the first year),
    far enough from the previous one not to overlap it, and inside the drawing."""
    gap = layout.label_width(4) + layout.font_size * 0.8
    half = layout.label_width(4) / 2
    labels: list[tuple[float, int]] = []
    for day in dates:
        if not (day.month == 1 or day == dates[0]):
            continue
        position = x(day)
        if position + half > layout.width:
            continue
        if labels and (day.year == labels[-1][1] or position - labels[-1][0] < gap):
            # A first date late in a year gives way to the next 1 January, a rounder landmark.
            if len(labels) == 1 and day.month == 1 and labels[-1][1] != day.year:
                labels[-1] = (position, day.year)
            continue
        labels.append((position, day.year))
    return labels


def _drawing(scenarios: list[dict], dates, ticks: list[int], layout: Layout) -> dict:
    first, last = dates[0].toordinal(), dates[-1].toordinal()
    top_value = ticks[-1]
    plot_width = layout.width - layout.left - layout.right
    plot_height = layout.height - layout.top - layout.bottom

    def x(day) -> float:
        return round(layout.left + (day.toordinal() - first) / (last - first) * plot_width, 1)

    def y(amount) -> float:
        return round(layout.top + (1 - float(amount) / top_value) * plot_height, 1)

    lines = []
    for scenario in scenarios:
        coords = [(x(d.date), y(d.total_monthly_gross), d.date.isoformat()) for d in scenario["result"].departures]
        lines.append(Line(scenario["index"], " ".join(f"{cx},{cy}" for cx, cy, _ in coords), coords))
    return {
        "name": layout.name,
        "width": layout.width,
        "height": layout.height,
        "left": layout.left,
        "right": layout.width - layout.right,
        "top": layout.top,
        "bottom": layout.height - layout.bottom,
        "font_size": layout.font_size,
        "dot_radius": layout.dot_radius,
        "lines": lines,
        "y_ticks": [(y(amount), amount) for amount in ticks],
        "x_ticks": _year_labels(dates, x, layout),
    }


def departures_chart(scenarios: list[dict]) -> dict | None:
    """The two drawings of the scenarios' departures (None with fewer than two dates: no line to draw), and whether
    some totals are upper bounds (the Agirc-Arrco reduction before the full rate is not computed)."""
    dates = sorted({d.date for scenario in scenarios for d in scenario["result"].departures})
    totals = [d.total_monthly_gross for scenario in scenarios for d in scenario["result"].departures]
    if len(dates) < 2 or not totals:
        return None
    high = float(max(totals))
    return {
        "layouts": [
            _drawing(scenarios, dates, value_ticks(high, layout.most_value_ticks), layout) for layout in (WIDE, NARROW)
        ],
        "years": sorted({day.year for day in dates}),
    }
