"""Simulations per second, on one core: a 43-year career with every departure option.

The career is the one of a salarié born on 15 July 1964 who started at 20: 43 years of salaries recorded (1983 to
2025) with their Agirc-Arrco points, a few months of unemployment, two children, and earnings to come until the
departure; the simulation computes every departure from the earliest date to the automatic full rate (22 dates).

Three figures: the engine alone (`simulate`, explanations written only when read); the engine plus the whole JSON
answer of the API (every explanation of every departure and year written out); the engine on a mixed career (régime
général, fonction publique with its indice, RAFP, Ircantec, periods in the EU). Targets (issue of the register's
scale): 2,000 per second for the engine, 1,000 for the API's whole path.
Run: make bench, or .venv/bin/python bench/simulation.py
"""

import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.pension_rules import io
from portal.pension_rules.engine import simulate

TODAY = date(2026, 12, 1)


def career_input() -> dict:
    career = []
    for index, year in enumerate(range(1983, 2026)):
        earnings = 14000 + 650 * index
        if year == 2009:
            career.append({"year": year, "regime": "CNAV", "kind": "unemployment", "days": 120})
            earnings = earnings * 2 // 3
        career.append({"year": year, "regime": "CNAV", "kind": "salaried", "earnings": earnings})
        if year < 2019:
            career.append({"year": year, "regime": "AGIRC_ARRCO", "kind": "salaried", "points": 60 + index * 2})
    return {
        "birth_date": "1964-07-15",
        "sex": "F",
        "children": [{"birth_date": "1992-03-02"}, {"birth_date": "1995-11-20"}],
        "career": career,
        "future_earnings": [{"start_date": "2026-01-01", "annual_earnings": 42000}],
    }


def mixed_input() -> dict:
    """A poly-pensionné: salaried (régime général, Ircantec as a contractuel) from 1985, three years in Portugal,
    fonctionnaire d'État from 2000 (SRE, RAFP points) serving until the departure."""
    career = [
        {"year": year, "regime": "ETRANGER", "kind": "abroad", "quarters": 4, "country": "PT"}
        for year in range(1982, 1985)
    ]
    for index, year in enumerate(range(1985, 2000)):
        career.append({"year": year, "regime": "CNAV", "kind": "salaried", "earnings": 15000 + 700 * index})
        career.append({"year": year, "regime": "IRCANTEC", "kind": "salaried", "points": 40 + index})
    for year in range(2000, 2026):
        career.append({"year": year, "regime": "SRE", "kind": "salaried", "quarters": 4})
        if year >= 2005:
            career.append({"year": year, "regime": "RAFP", "kind": "salaried", "points": 180})
    return {
        "birth_date": "1964-07-15",
        "sex": "M",
        "career": career,
        "civil_service": {"scheme": "SRE", "index": 673, "index_since": "2023-09-01", "annual_bonuses": 3600},
        "future_earnings": [{"start_date": "2026-01-01", "annual_earnings": 39757, "regime": "SRE"}],
    }


def rate(function, seconds: float = 3.0) -> float:
    """Calls per second of function over about `seconds`, the median of five rounds."""
    rounds = []
    for _ in range(5):
        count = 0
        start = time.perf_counter()
        deadline = start + seconds / 5
        while time.perf_counter() < deadline:
            function()
            count += 1
        rounds.append(count / (time.perf_counter() - start))
    return statistics.median(rounds)


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    data = career_input()
    inp = io.parse_input(data, today=TODAY)
    result = simulate(inp)
    entries = len(inp.career)
    print(f"Simulation bench: {entries} career entries (1983-2025), {len(result.departures)} departures, one core")
    engine = rate(lambda: simulate(inp))
    answer = rate(lambda: json.dumps(io.result_to_dict(simulate(io.parse_input(data, today=TODAY)))))
    mixed = io.parse_input(mixed_input(), today=TODAY)
    mixed_rate = rate(lambda: simulate(mixed))
    print(f"  engine (simulate)                            {engine:6.0f} simulations/s  ({1000 / engine:.2f} ms each)")
    print(f"  parse + engine + full JSON with explanations {answer:6.0f} simulations/s  ({1000 / answer:.2f} ms each)")
    print(
        f"  mixed career (RG, SRE, RAFP, Ircantec, EU) {mixed_rate:6.0f} simulations/s  "
        f"({1000 / mixed_rate:.2f} ms each), {mixed_rate / engine:.2f}× the régime général career"
    )
    print("  targets: engine 2000 simulations/s, parse + engine + JSON 1000/s")


if __name__ == "__main__":
    main()
