"""As the issue says: an agent takes the request filed as a citizen, opens the PDF, asks for a complement, the
citizen answers, the agent accepts, a second agent validates, and the citizen's career shows the corrected period
with its history. Three browsers, one live portal."""

import re

from tests.browser.conftest import axe_violations, citizen_login
from tests.files import pdf_bytes


def agent_login(page, portal_url, name):
    page.goto(f"{portal_url}/espace-agents/connexion")
    page.get_by_role("button", name="S’identifier avec ProConnect").click()
    page.get_by_role("button", name=name).click()
    page.wait_for_url(f"{portal_url}/espace-agents/demandes")


def test_an_agent_instructs_and_a_second_validates_then_the_career_is_corrected(live_portal, browser_page, tmp_path):
    portal_url, _sandbox = live_portal
    citizen = browser_page
    citizen_login(citizen, portal_url, "Thierry MOREAU", "1 58 12 59 350 154 88")

    # From the career: the 2019 salary is wrong.
    citizen.locator("section#annee-2019").get_by_role(
        "link", name=re.compile("^Signaler une anomalie sur la période")
    ).first.click()
    citizen.locator("label[for=type-wrong_earnings]").click()
    citizen.get_by_role("button", name="Continuer").click()
    citizen.get_by_label("Montant exact du salaire brut de l'année, en euros").fill("95 000")
    citizen.get_by_role("button", name="Enregistrer le brouillon").click()
    pdf = tmp_path / "contrat.pdf"
    pdf.write_bytes(pdf_bytes())
    citizen.get_by_label("Ce document est").select_option("Attestation de salaire de l'employeur")
    citizen.get_by_label("Fichier (PDF, JPEG ou PNG, 10 Mo au plus)").set_input_files(str(pdf))
    citizen.get_by_role("button", name="Ajouter ce justificatif").click()
    citizen.get_by_text("Justificatif ajouté").wait_for()
    citizen.get_by_role("button", name="Déposer ma demande").click()
    reference = citizen.locator("h1 + p").inner_text().split("Demande n° ")[1].split(" ")[0]
    request_url = citizen.url

    context = citizen.context.browser
    camille = context.new_context(locale="fr-FR").new_page()
    agent_login(camille, portal_url, "Camille DURAND")
    camille.get_by_role("link", name=f"N° {reference}").click()
    camille.locator("iframe.portal-document").first.wait_for(state="attached")
    assert camille.locator("iframe.portal-document").count() == 1  # the PDF, in the page
    assert axe_violations(camille) == []
    camille.get_by_role("button", name="Prendre la demande").click()
    camille.get_by_label("Ce qui est demandé à l'assuré").fill("Merci de joindre votre dernier bulletin de 2016.")
    camille.get_by_role("button", name="Demander le complément").click()
    camille.get_by_text("Complément demandé").first.wait_for()

    citizen.goto(request_url)
    citizen.get_by_label("Votre réponse").fill("Le contrat suffit-il ? Je n'ai plus le bulletin.")
    citizen.get_by_role("button", name="Envoyer ma réponse").click()
    citizen.get_by_text("Votre réponse a été transmise au technicien.").wait_for()

    camille.reload()
    camille.get_by_label("Décision").select_option("accepted")
    camille.get_by_role("button", name="Enregistrer la décision").click()
    camille.get_by_text("elle attend la validation d'un second agent").wait_for()

    mehdi = context.new_context(locale="fr-FR").new_page()
    agent_login(mehdi, portal_url, "Mehdi BENHAMOU")
    mehdi.goto(f"{portal_url}/espace-agents/demandes?file=a-valider")
    mehdi.get_by_role("link", name=f"N° {reference}").click()
    mehdi.get_by_role("button", name="Enregistrer").last.click()
    mehdi.get_by_text("Validation enregistrée.").wait_for()

    citizen.goto(request_url)
    assert citizen.get_by_text("acceptée").first.is_visible()
    citizen.goto(f"{portal_url}/ma-carriere#annee-2019")
    section = citizen.locator("section#annee-2019")
    assert section.get_by_text("95\u202f000,00\u00a0€").first.is_visible()
    section.get_by_role("link", name="Corrigée : voir l'historique").first.click()
    assert citizen.get_by_text("En vigueur").is_visible()
    assert citizen.get_by_text("Remplacée le").first.is_visible()
    assert citizen.get_by_text("Camille DURAND, validé par Mehdi BENHAMOU").first.is_visible()
    assert citizen.get_by_text(f"Demande n° {reference} acceptée").first.is_visible()
    assert citizen.console_errors == []
