"""As a person would: the home page, FranceConnect, the NIR, the career; accessible and CSP-clean."""

import os
from pathlib import Path

from tests.browser.conftest import axe_violations


def test_a_person_logs_in_with_franceconnect_and_reads_their_career(live_portal, browser_page, tmp_path):
    portal_url, sandbox = live_portal
    page = browser_page
    shots = Path(os.environ.get("PORTAL_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)

    page.goto(portal_url)
    assert page.title().startswith("Accueil - Ma carrière retraite")
    assert page.locator(".fr-skiplinks").count() == 1
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / "accueil.png"), full_page=True)

    page.get_by_role("button", name="S’identifier avec FranceConnect").click()
    page.wait_for_url(f"{sandbox.issuer}/authorize*")
    page.get_by_role("button", name="Jean-Pierre MARTIN").click()

    page.wait_for_url(f"{portal_url}/premiere-connexion*")
    assert page.get_by_role("heading", name="Identité transmise par FranceConnect").is_visible()
    page.get_by_label("Numéro de sécurité sociale").fill("1 62 05 69 383 045 84")
    page.get_by_role("button", name="Retrouver mon dossier").click()

    page.wait_for_url(f"{portal_url}/ma-carriere")
    assert page.get_by_role("heading", level=1).inner_text() == "Ma carrière"
    assert page.get_by_text("Votre compte est rattaché à votre dossier retraite.").is_visible()
    assert page.locator("svg.portal-timeline rect").count() >= 3
    assert page.locator("#tableau-annees tbody tr").count() >= 40
    assert page.locator("section#annee-1998").get_by_text("Corrigée : voir l'historique").count() >= 1
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / "ma-carriere.png"), full_page=False)
    page.screenshot(path=str(shots / "ma-carriere-complete.png"), full_page=True)
    # On a phone the tables and the timeline scroll inside their own regions, never the page.
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / "ma-carriere-telephone.png"), full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator("section#annee-1998").get_by_role("link", name="Corrigée : voir l'historique").first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Historique de la période")
    assert page.get_by_text("En vigueur").is_visible()
    # Each version is dated when the fund received it: the DADS of 1998, then the correction of 2003.
    versions = page.locator("table tbody tr")
    assert "31/01/1999" in versions.nth(0).inner_text()
    assert "17/11/2003" in versions.nth(1).inner_text()
    origin = page.get_by_role("columnheader", name="Origine et motif")
    assert origin.bounding_box()["x"] + origin.bounding_box()["width"] <= 1280  # the last column is in view

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{portal_url}/")
    assert page.get_by_text("Vous êtes déconnecté du portail et de FranceConnect.").is_visible()
    assert page.console_errors == []


def test_a_wrong_nir_shows_a_french_error_and_keeps_the_input(live_portal, browser_page):
    portal_url, _sandbox = live_portal
    page = browser_page
    page.goto(portal_url)
    page.get_by_role("button", name="S’identifier avec FranceConnect").click()
    page.get_by_role("button", name="Marie-Hélène LEFÈVRE-DUBOIS").click()
    page.wait_for_url(f"{portal_url}/premiere-connexion*")
    page.get_by_label("Numéro de sécurité sociale").fill("2 75 09 35 238 112 07")
    page.get_by_role("button", name="Retrouver mon dossier").click()
    # Said under the field (the error summary at the top of the page repeats it).
    assert page.locator("#nir-messages").get_by_text("Ce numéro de sécurité sociale n'est pas valide").is_visible()
    assert page.get_by_label("Numéro de sécurité sociale").input_value() == "2 75 09 35 238 112 07"
    assert page.title().startswith("Erreur - ")
    assert axe_violations(page) == []
