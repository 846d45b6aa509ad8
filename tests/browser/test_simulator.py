"""As a person would: open the simulator, compare two departure dates, open the explanation of a year and of the
rate, then see what a pending signalement would change."""

import os
from pathlib import Path

from portal import clock
from portal.simulation.dates import add_months, next_month_start
from portal.simulation.text import day
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
    assert page.locator("svg polyline").count() == 2
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
