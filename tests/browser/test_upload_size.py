"""A file over the size limit is refused in the browser, before anything is sent, in the upload component."""

from tests.browser.conftest import axe_violations, citizen_login
from tests.files import pdf_bytes

LIMIT = 10 * 1024 * 1024


def test_a_file_over_the_limit_is_refused_before_it_is_sent_then_a_lighter_one_goes(live_portal, browser_page):
    portal_url, _sandbox = live_portal
    page = browser_page
    citizen_login(page, portal_url, "Chloé ROUSSEAU", "2 90 06 31 555 077 41")
    page.goto(f"{portal_url}/mes-demandes/nouvelle")
    page.locator("label[for=type-missing_period]").click()  # the DSFR draws the radio on its label
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Date de début").fill("2012-06-01")
    page.get_by_label("Date de fin").fill("2012-08-31")
    page.get_by_label("Nom de l'employeur").fill("Hôtel de la Plage")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("Votre brouillon est enregistré.").wait_for()
    draft_url = page.url

    # A refusal by the server (no type chosen) is shown where the person is: a reload shows the draft again.
    upload = page.get_by_label("Fichier (PDF, JPEG ou PNG, 10 Mo au plus)")
    upload.set_input_files(files=[{"name": "bulletin.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    page.get_by_role("button", name="Ajouter ce justificatif").click()
    page.get_by_text("Indiquez ce qu'est ce document.").first.wait_for()
    assert page.url == f"{draft_url}#justificatifs"
    page.reload()
    assert page.get_by_role("heading", name="Ajouter un justificatif").is_visible()

    sent = []
    page.on("request", lambda request: request.method == "POST" and sent.append(request.url))
    upload = page.get_by_label("Fichier (PDF, JPEG ou PNG, 10 Mo au plus)")
    heavy = b"%PDF-1.7\n" + b"0" * (LIMIT + 2_000_000)
    upload.set_input_files(files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": heavy}])
    page.get_by_role("button", name="Ajouter ce justificatif").click()

    error = page.locator("#file-taille")
    error.wait_for()
    assert error.inner_text() == (
        "Ce fichier pèse 11,9 Mo : la limite est de 10 Mo par fichier. Choisissez un fichier plus léger, ou "
        "réduisez-le (un scan en 150 ppp suffit). Rien n'a été envoyé."
    )
    # In the DSFR upload component's error area, tied to the field for screen readers.
    assert page.locator(".fr-upload-group.fr-upload-group--error #file-taille").count() == 1
    assert upload.get_attribute("aria-invalid") == "true"
    assert "file-taille" in upload.get_attribute("aria-describedby")
    assert sent == []
    assert page.url.split("#")[0] == draft_url
    assert axe_violations(page) == []

    upload.set_input_files(files=[{"name": "bulletin.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    assert error.count() == 0
    assert page.locator(".fr-upload-group--error").count() == 0
    assert upload.get_attribute("aria-invalid") is None
    page.get_by_label("Ce document est").select_option("Autre document")
    page.get_by_role("button", name="Ajouter ce justificatif").click()
    page.get_by_text("Justificatif ajouté : bulletin.pdf.").wait_for()
    assert page.url == f"{draft_url}#justificatifs"
    # The browser reports the refused form's 422 as a failed load; nothing else (a CSP violation would show).
    assert [error for error in page.console_errors if "status of 422" not in error] == []
