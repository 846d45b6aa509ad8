"""As a person would: flag a missing period, attach a PDF, file it, see the target date, get the e-mail."""

import os
from pathlib import Path

from tests.browser.conftest import axe_violations
from tests.browser.conftest import citizen_login as log_in
from tests.files import pdf_bytes


def test_a_person_flags_a_missing_period_attaches_a_pdf_and_files_it(live_portal, live_mail_sink, browser_page,
                                                                     tmp_path):  # fmt: skip
    portal_url, _sandbox = live_portal
    page = browser_page
    shots = Path(os.environ.get("PORTAL_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    log_in(page, portal_url, "Chloé ROUSSEAU", "2 90 06 31 555 077 41")

    page.get_by_role("link", name="Voir les points à vérifier").click()
    assert page.get_by_role("heading", level=1).inner_text() == "À vérifier dans ma carrière"
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / "a-verifier.png"), full_page=True)

    page.goto(f"{portal_url}/mes-demandes/nouvelle")
    page.locator("label[for=type-missing_period]").click()  # the DSFR draws the radio on its label
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Date de début").fill("2011-06-01")
    page.get_by_label("Date de fin").fill("2011-09-30")
    page.get_by_label("Nom de l'employeur").fill("Camping des Pins")
    page.get_by_label("Salaire ou revenu brut de la période, en euros").fill("5 200,00")
    page.get_by_label("Expliquez la situation").fill("Saisonnière à l'accueil du camping, tout l'été 2011.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    # Wait for the page after the redirect: is_visible() does not wait, and the click returns before it loads.
    page.get_by_text("Votre brouillon est enregistré.").wait_for()

    pdf = tmp_path / "Certificat de travail 2011.pdf"
    pdf.write_bytes(pdf_bytes(pages=2))
    page.get_by_label("Ce document est").select_option("Certificat de travail ou attestation de l'employeur")
    page.get_by_label("Fichier (PDF, JPEG ou PNG, 10 Mo au plus)").set_input_files(str(pdf))
    page.get_by_role("button", name="Ajouter ce justificatif").click()
    page.get_by_text("Justificatif ajouté : Certificat de travail 2011.pdf.").wait_for()
    assert page.get_by_role("link", name="Certificat de travail 2011.pdf").is_visible()
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / "brouillon.png"), full_page=True)

    page.get_by_role("button", name="Déposer ma demande").click()
    # Wait for the page after the redirect: is_visible() does not wait, and the click returns before it loads.
    page.get_by_text("est déposée. Réponse attendue au plus tard le").wait_for()
    assert page.get_by_text("est déposée. Réponse attendue au plus tard le").is_visible()
    assert page.get_by_text("Réponse attendue au plus tard le").first.is_visible()
    page.screenshot(path=str(shots / "demande-deposee.png"), full_page=True)

    page.wait_for_timeout(200)
    mail = live_mail_sink.messages[-1]
    assert mail["To"] == "chloe.rousseau@example.fr"
    assert "a bien été déposée" in mail["Subject"]
    link = next(line for line in mail.get_content().splitlines() if line.startswith("Suivre votre demande : "))
    page.goto(link.removeprefix("Suivre votre demande : "))
    assert page.get_by_text("Camping des Pins").is_visible()
    assert page.console_errors == []
