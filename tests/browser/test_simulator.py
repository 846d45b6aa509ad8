"""As a person would: open the simulator, compare two departure dates, open the explanation of a year and of the
rate, then see what a pending signalement would change; and the same page on a phone."""

import os
from pathlib import Path

from portal import clock
from portal.pension_rules.dates import add_months, next_month_start
from portal.pension_rules.text import day
from tests.browser.conftest import axe_violations
from tests.browser.conftest import citizen_login as log_in


def test_a_person_compares_two_departures_and_reads_why(live_portal, browser_page, tmp_path):
    portal_url, _sandbox = live_portal
    page = browser_page
    shots = Path(os.environ.get("PORTAL_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    log_in(page, portal_url, "Jean-Pierre MARTIN", "1 62 05 69 383 045 84")

    page.get_by_role("link", name="Simuler ma retraite").first.click()
    page.wait_for_url(f"{portal_url}/ma-retraite/simulation")
    assert page.get_by_role("heading", level=1).inner_text() == "Simuler ma retraite"
    assert page.get_by_text("62 ans et 6 mois").first.is_visible()
    assert axe_violations(page) == []

    # The clock is not frozen (real tokens): Jean-Pierre MARTIN, past his legal age, may leave from next month on.
    first = add_months(next_month_start(clock.today()), 1)
    second = add_months(first, 18)
    page.locator("#first-departure").fill(f"{first:%Y-%m}")
    page.locator("#second-departure").fill(f"{second:%Y-%m}")
    page.locator("#second-part_time_percent").fill("80")
    page.get_by_role("button", name="Simuler").click()
    page.wait_for_load_state()
    comparison = page.locator("table", has_text="Comparaison des scénarios")
    assert comparison.get_by_text(day(first)).is_visible()
    assert comparison.get_by_text(day(second)).is_visible()
    assert page.locator("svg.portal-chart__svg--large polyline").count() == 2
    page.screenshot(path=str(shots / "simulation.png"), full_page=False)

    # The explanation of a year: why 1998 counts 4 quarters.
    year_link = page.locator("#annees").locator("xpath=following::table[1]").get_by_role("link", name="4").first
    year_link.click()
    opened = page.locator("details[open]")
    assert opened.count() == 1
    assert "trimestre" in opened.inner_text()

    # The explanation of the rate of the first scenario.
    comparison.get_by_role("link", name="50 %").first.click()
    rate = page.locator(f"section#s1-{first.isoformat()}-rate")
    assert rate.is_visible()
    assert "Taux plein" in rate.inner_text()
    page.screenshot(path=str(shots / "simulation-explication.png"), full_page=False)
    assert axe_violations(page) == []

    # A pending signalement: what would change if it were accepted.
    page.get_by_role("link", name="Mes demandes").first.click()
    page.get_by_role("link", name="N° ").first.click()
    page.get_by_role("link", name="Si votre demande est acceptée").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Si votre demande est acceptée"
    assert page.get_by_role("rowheader", name="Premier départ possible", exact=True).is_visible()
    page.screenshot(path=str(shots / "simulation-demande.png"), full_page=True)
    assert axe_violations(page) == []
    assert page.console_errors == []


# What the chart's labels look like on screen: their text, box, and font size in CSS pixels once the viewBox is scaled.
CHART_LABELS = """(selector) => [...document.querySelectorAll(selector + ' .portal-chart__label')].map(label => {
    const box = label.getBoundingClientRect();
    const size = parseFloat(getComputedStyle(label).fontSize) * label.getScreenCTM().a;
    return {text: label.textContent, left: box.left, top: box.top, right: box.right, bottom: box.bottom, size};
})"""


def _overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    return [
        (a["text"], b["text"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]
    ]


def _check_chart(page, drawing: str) -> list[dict]:
    """The drawing shown is `drawing`, its value axis starts at 0 €, and its labels are readable and apart."""
    shown = page.locator(f"svg.portal-chart__svg--{drawing}")
    assert shown.is_visible()
    assert page.locator("svg.portal-chart__svg").count() == 2
    assert [svg.is_visible() for svg in page.locator("svg.portal-chart__svg").all()].count(True) == 1
    labels = page.evaluate(CHART_LABELS, f"svg.portal-chart__svg--{drawing}")
    texts = [label["text"] for label in labels]
    assert "0\u202f€" in texts or "0 €" in texts, texts
    too_small = [(label["text"], round(label["size"], 1)) for label in labels if label["size"] < 12]
    assert too_small == []
    assert _overlapping(labels) == []
    return labels


def test_on_a_phone_the_simulation_fits_the_screen_and_its_chart_reads(live_portal, browser_page, tmp_path):
    portal_url, _sandbox = live_portal
    page = browser_page
    shots = Path(os.environ.get("PORTAL_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    log_in(page, portal_url, "Jean-Pierre MARTIN", "1 62 05 69 383 045 84")
    page.goto(f"{portal_url}/ma-retraite/simulation")

    # On a computer, the wide drawing.
    _check_chart(page, "large")
    page.locator("figure.portal-chart").screenshot(path=str(shots / "simulation-graphique-1280.png"))

    # On a 375 px phone, the narrow one; the page never scrolls sideways (wide tables scroll inside their frame).
    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    labels = _check_chart(page, "etroit")
    assert len([label for label in labels if label["text"].isdigit()]) >= 2  # years on the time axis
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator("figure.portal-chart").screenshot(path=str(shots / "simulation-graphique-375.png"))
    page.screenshot(path=str(shots / "simulation-375.png"), full_page=True)

    assert axe_violations(page) == []
    # axe rates an empty table header "minor"; the comparison table had one.
    every = ("minor", "moderate", "serious", "critical")
    assert [v for v in axe_violations(page, impacts=every) if v["id"] == "empty-table-header"] == []
    assert page.console_errors == []
