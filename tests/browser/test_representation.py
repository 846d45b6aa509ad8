"""As people would: a representative asks for a tutelle, a technician approves it, the representative files a
signalement for the protected person, whose history shows it with the representative's name; under a curatelle
the request waits for the protected person's confirmation."""

import os
import re
from pathlib import Path

from tests.browser.conftest import axe_violations, citizen_login
from tests.browser.test_backoffice import agent_login
from tests.files import pdf_bytes

REPRESENTATIVE = "Jules INCONNU"  # a mandataire unknown to the fund: no file of his own


def ask_for(page, portal_url: str, pdf: Path, *, measure: str, birth_name: str, given_names: str, birth_date: str,
            nir: str, shots: Path | None = None) -> None:  # fmt: skip
    page.get_by_role("link", name="Mes représentations").first.click()
    page.get_by_role("link", name="Demander à représenter une personne").click()
    page.get_by_label("La mesure de protection").select_option(label=measure)
    page.get_by_label("Nom de naissance de la personne protégée").fill(birth_name)
    page.get_by_label("Prénoms").fill(given_names)
    page.get_by_label("Date de naissance").fill(birth_date)
    page.get_by_label("Numéro de sécurité sociale de la personne protégée").fill(nir)
    page.get_by_label("Juridiction ou notaire").fill("Tribunal judiciaire de Lyon")
    page.get_by_label("Date de la décision").fill("2025-12-15")
    page.get_by_label("Numéro de la décision (RG ou répertoire)").fill("RG 25/04321")
    page.get_by_label("Début de la mesure").fill("2026-01-05")
    page.get_by_label("Fin de la mesure, ou date de sa révision").fill("2031-01-04")
    page.locator("input[type=file]").set_input_files(str(pdf))
    page.locator("label[for=sworn]").click()
    if shots is not None:
        page.screenshot(path=str(shots / "demande-de-mandat.png"), full_page=True)
    page.get_by_role("button", name="Transmettre ma demande").click()
    page.get_by_text("un technicien vérifie la décision").wait_for()


def approve_last(camille, portal_url: str, protected: str, shots: Path | None = None) -> None:
    camille.goto(f"{portal_url}/espace-agents/mandats")
    camille.get_by_role("row", name=re.compile(protected)).get_by_role("link").first.click()
    # The click returns once the navigation commits, before the page is parsed: wait for the viewer itself.
    camille.get_by_role("button", name="Valider le mandat").wait_for()
    assert camille.locator("iframe").count() == 1  # the decision, in the page
    if shots is not None:
        camille.screenshot(path=str(shots / "verification-du-mandat.png"), full_page=True)
    camille.get_by_role("button", name="Valider le mandat").click()
    camille.get_by_text("Actif").first.wait_for()


def file_duplicate(page) -> None:
    page.get_by_role("link", name=re.compile("^Signaler une anomalie sur la période")).first.click()
    page.locator("label[for=type-duplicate]").click()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    # « Déposer la demande » for a representative: the request is the protected person's.
    page.get_by_role("button", name="Déposer la demande").click()


def test_a_tuteur_files_for_the_protected_person_and_a_curatelle_needs_both(live_portal, browser_page, tmp_path):
    portal_url, _sandbox = live_portal
    shots = Path(os.environ.get("PORTAL_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    pdf = tmp_path / "jugement.pdf"
    pdf.write_bytes(pdf_bytes())
    jules = browser_page
    citizen_login(jules, portal_url, REPRESENTATIVE)
    ask_for(jules, portal_url, pdf, measure="Tutelle", birth_name="GIRARD", given_names="Anne-Sophie",
            birth_date="1978-03-12", nir="2 78 03 33 063 133 02", shots=shots)  # fmt: skip
    assert jules.get_by_text("En cours de vérification").first.is_visible()
    assert axe_violations(jules) == []

    browser = jules.context.browser
    camille = browser.new_context(locale="fr-FR").new_page()
    agent_login(camille, portal_url, "Camille DURAND")
    approve_last(camille, portal_url, "GIRARD", shots)
    assert axe_violations(camille) == []

    jules.reload()
    jules.get_by_role("button", name="J'agis pour Anne-Sophie GIRARD").click()
    jules.wait_for_url(f"{portal_url}/ma-carriere")
    banner = jules.locator(".portal-acting")
    assert "agissez pour Anne-Sophie GIRARD" in banner.inner_text()
    assert "tuteur" in banner.inner_text()
    jules.screenshot(path=str(shots / "representant-bandeau.png"), full_page=False)
    assert axe_violations(jules) == []
    file_duplicate(jules)
    jules.get_by_text("est déposée").first.wait_for()
    assert "Jules INCONNU, tuteur d'Anne-Sophie GIRARD" in jules.locator("main").inner_text()

    person = browser.new_context(locale="fr-FR").new_page()
    citizen_login(person, portal_url, "Anne-Sophie GIRARD", "2 78 03 33 063 133 02")
    person.get_by_role("link", name="Voir ce qui a été fait pour vous").click()
    history = person.locator("main").inner_text()
    assert "Jules INCONNU, tuteur" in history
    assert "a déposé la demande" in history
    person.screenshot(path=str(shots / "actions-de-mes-representants.png"), full_page=True)
    assert axe_violations(person) == []

    # A curatelle: the request waits for the protected person's confirmation.
    jules.get_by_role("button", name="Revenir à mon espace").click()
    ask_for(jules, portal_url, pdf, measure="Curatelle renforcée", birth_name="DIALLO", given_names="Fatou",
            birth_date="1985-04-21", nir="2 85 04 99 341 009 56")  # fmt: skip
    approve_last(camille, portal_url, "DIALLO")
    jules.reload()
    jules.get_by_role("button", name="J'agis pour Fatou DIALLO").click()
    file_duplicate(jules)
    jules.get_by_text("Votre accord est enregistré").wait_for()
    assert jules.get_by_text("Elle attend la confirmation de Fatou DIALLO").is_visible()
    request_path = jules.url.removeprefix(portal_url)

    assisted = browser.new_context(locale="fr-FR").new_page()
    citizen_login(assisted, portal_url, "Fatou DIALLO", "2 85 04 99 341 009 56")
    assisted.goto(f"{portal_url}{request_path}")
    assert assisted.get_by_text("Accord pour déposer donné par Jules INCONNU").is_visible()
    assisted.get_by_role("button", name="Confirmer et déposer la demande").click()
    assisted.get_by_text("est déposée").first.wait_for()
    assert jules.console_errors == []
