"""A technician simulates an assuré's retirement from a demo request, then a file's summary figures: both pages
accessible, no console error (the explanations' script runs under the CSP)."""

import re

from tests.browser.conftest import axe_violations
from tests.browser.test_backoffice import agent_login


def test_a_technician_simulates_from_a_request_and_from_summary_figures(live_portal, browser_page):
    portal_url, _sandbox = live_portal
    page = browser_page
    agent_login(page, portal_url, "Camille DURAND")
    page.goto(f"{portal_url}/espace-agents/demandes?file=toutes")
    page.get_by_role("link", name=re.compile("^N° ")).first.click()
    # The request's page frames the justificatif: the frame's own policy lets it be shown there.
    page.wait_for_load_state("load")
    assert page.console_errors == []
    page.get_by_role("link", name="Simuler la retraite de l'assuré").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Simulation de la retraite de ")
    assert page.get_by_role("heading", name="Si la demande est acceptée").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Simulateur").click()
    page.get_by_label("Date de naissance").fill("1964-07-15")
    page.get_by_label("Trimestres tous régimes").fill("170")
    page.get_by_label("dont trimestres au régime général").fill("150")
    page.get_by_label("dont trimestres cotisés").fill("160")
    page.get_by_role("textbox", name="Salaire annuel moyen (€)").fill("30 000")
    page.get_by_role("button", name="Simuler").click()
    comparison = page.locator("#comparaison + .fr-table")
    assert comparison.get_by_text("170 / 170").is_visible()
    base = comparison.get_by_role("row", name=re.compile("^Retraite de base : régime général, brute"))
    assert base.get_by_text("1\u202f102,94\u00a0€").is_visible()
    assert axe_violations(page) == []
    assert page.console_errors == []
