"""The chart of the departure options: total monthly gross by departure date, one line per scenario, drawn as SVG
on the server (no script needed). The table of departures below it carries the same figures as text."""

from dataclasses import dataclass

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 20, 40


@dataclass(frozen=True)
class Line:
    index: int
    points: str
    dots: list[tuple[float, float, str]]


def departures_chart(scenarios: list[dict]) -> dict | None:
    dates = sorted({d.date for scenario in scenarios for d in scenario["result"].departures})
    totals = [d.total_monthly_gross for scenario in scenarios for d in scenario["result"].departures]
    if len(dates) < 2 or not totals:
        return None
    low, high = float(min(totals)), float(max(totals))
    low = max(0.0, low - (high - low) * 0.1 - 1)
    high = high + (high - low) * 0.1 + 1
    first, last = dates[0].toordinal(), dates[-1].toordinal()

    def x(day) -> float:
        return round(LEFT + (day.toordinal() - first) / (last - first) * (WIDTH - LEFT - RIGHT), 1)

    def y(amount) -> float:
        return round(TOP + (1 - (float(amount) - low) / (high - low)) * (HEIGHT - TOP - BOTTOM), 1)

    lines = []
    for scenario in scenarios:
        departures = scenario["result"].departures
        coords = [(x(d.date), y(d.total_monthly_gross), d.date.isoformat()) for d in departures]
        lines.append(Line(scenario["index"], " ".join(f"{cx},{cy}" for cx, cy, _ in coords), coords))
    step = (high - low) / 4
    y_ticks = [(y(low + step * i), round(low + step * i)) for i in range(5)]
    years = sorted({day.year for day in dates})
    # One label per year, at its 1 January when it is a departure date, none closer than 40 px to the previous.
    unique: list[tuple[float, int]] = []
    for day in dates:
        if day.month == 1 or day == dates[0]:
            position = x(day)
            if unique and (day.year == unique[-1][1] or position - unique[-1][0] < 40):
                if day.month == 1 and unique[-1][1] != day.year:
                    unique[-1] = (position, day.year)
                continue
            unique.append((position, day.year))
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "bottom": HEIGHT - BOTTOM,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "lines": lines,
        "y_ticks": y_ticks,
        "x_ticks": unique,
        "years": years,
    }
