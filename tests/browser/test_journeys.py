"""Journeys one after another in ONE long-lived server, as the portal runs in production: whatever a request leaves
behind must not change the next ones (issue 10: once anyone had opened « Simuler ma retraite », every date field of
every form of the process became a month picker until restart, and filing a signalement, a mandate request or a
back-office complement request then failed). Each form is also sent once with mistakes: all its errors come back at
once, in an error summary that has the focus, each field marked invalid."""

from datetime import timedelta

from portal import clock
from tests.browser.conftest import axe_violations, citizen_login
from tests.browser.test_backoffice import agent_login
from tests.browser.test_representation import ask_for
from tests.files import pdf_bytes

# People no other browser test uses: this test must not depend on what the others did in the same server.
PERSON, PERSON_NIR = "Éric LE GALL", "1 66 01 29 019 201 28"
AGENT = "Anne-Laure KERVELLA"  # technicienne of the Carsat Bretagne, which manages Éric LE GALL's file
PROTECTED = {"birth_name": "FERNANDES", "given_names": "Maria Brigida", "birth_date": "1964-08-19",
             "nir": "2 64 08 99 139 058 79"}  # fmt: skip


def recording_console(page):
    """A page of another browser context, recording its console errors as `browser_page` does."""
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    return page


def input_types(page, *selectors: str) -> list[str]:
    return [page.locator(selector).get_attribute("type") for selector in selectors]


def expect_error_summary(page, fields: list[str]) -> None:
    """The summary lists `fields` in order, each error a link to its field, has the focus, and the fields say they
    are invalid; a link of the summary takes the focus to its field."""
    summary = page.locator("[data-portal-error-summary]").first
    summary.wait_for()
    links = summary.get_by_role("link")
    assert [link.get_attribute("href") for link in links.all()] == [f"#{field}" for field in fields]
    page.wait_for_function("document.activeElement && document.activeElement.hasAttribute('data-portal-error-summary')")
    for field in fields:
        assert page.locator(f"#{field}").get_attribute("aria-invalid") == "true", field
    links.last.click()
    page.wait_for_function(f"document.activeElement && document.activeElement.id === '{fields[-1]}'")
    assert page.title().startswith("Erreur - ")


def test_journeys_one_after_another_in_one_server(live_portal, browser_page, tmp_path):
    portal_url, _sandbox = live_portal
    page = browser_page
    citizen_login(page, portal_url, PERSON, PERSON_NIR)

    # 1. « Simuler ma retraite »: its departure is a month, its other dates are dates.
    page.get_by_role("link", name="Simuler ma retraite").first.click()
    page.wait_for_url(f"{portal_url}/ma-retraite/simulation")
    assert input_types(page, "#first-departure", "#first-work_until") == ["month", "date"]
    page.get_by_role("button", name="Simuler").click()
    page.get_by_role("heading", name="Vos hypothèses").wait_for()
    assert page.locator("[data-portal-error-summary]").count() == 0

    # 2. A signalement, in the same server: its dates are dates. Sent with four mistakes, all four come back.
    page.goto(f"{portal_url}/mes-demandes/nouvelle")
    page.locator("label[for=type-missing_period]").click()  # the DSFR draws the radio on its label
    page.get_by_role("button", name="Continuer").click()
    assert input_types(page, "#start_date", "#end_date") == ["date", "date"]
    page.get_by_label("Date de début").fill((clock.today() + timedelta(days=60)).isoformat())
    page.get_by_label("Date de fin").fill("1995-09-30")
    page.get_by_label("Salaire ou revenu brut de la période, en euros").fill("beaucoup")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect_error_summary(page, ["start_date", "end_date", "employer_name", "earnings"])
    summary_text = page.locator("[data-portal-error-summary]").inner_text()
    assert "Une période ne peut pas être dans le futur." in summary_text
    assert "La date de fin est antérieure à la date de début." in summary_text
    assert axe_violations(page) == []
    page.get_by_label("Date de début").fill("1995-06-01")
    page.get_by_label("Nom de l'employeur").fill("Conserverie de Douarnenez")
    page.get_by_label("Salaire ou revenu brut de la période, en euros").fill("3 100,00")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("Votre brouillon est enregistré.").wait_for()
    pdf = tmp_path / "certificat.pdf"
    pdf.write_bytes(pdf_bytes())
    page.get_by_label("Ce document est").select_option("Certificat de travail ou attestation de l'employeur")
    page.get_by_label("Fichier (PDF, JPEG ou PNG, 10 Mo au plus)").set_input_files(str(pdf))
    page.get_by_role("button", name="Ajouter ce justificatif").click()
    page.get_by_text("Justificatif ajouté : certificat.pdf.").wait_for()
    page.get_by_role("button", name="Déposer ma demande").click()
    page.get_by_text("est déposée. Réponse attendue au plus tard le").wait_for()
    request_path = page.url.removeprefix(portal_url).split("#")[0]
    signalement_id = int(request_path.rstrip("/").rsplit("/", 1)[1])

    # 3. A mandate request, in the same server: its four dates are dates, and it goes through.
    page.get_by_role("link", name="Mes représentations").first.click()
    page.get_by_role("link", name="Demander à représenter une personne").click()
    assert input_types(page, "#birth_date", "#decision_date", "#start_date", "#end_date") == ["date"] * 4
    ask_for(page, portal_url, pdf, measure="Tutelle", **PROTECTED)

    # 4. A technician asks for a complement, in the same server: the due date is a date; a past date and an empty
    # request come back together; then the request goes.
    agent = recording_console(page.context.browser.new_context(locale="fr-FR").new_page())
    agent_login(agent, portal_url, AGENT)
    agent.goto(f"{portal_url}/espace-agents/demandes/{signalement_id}")
    agent.get_by_role("button", name="Prendre la demande").click()
    due_date = agent.get_by_label("Date limite de réponse")
    due_date.wait_for()
    assert due_date.get_attribute("type") == "date"
    due_date.fill(clock.today().isoformat())
    agent.get_by_label("Ce qui est demandé à l'assuré").fill("   ")
    agent.get_by_role("button", name="Demander le complément").click()
    expect_error_summary(agent, ["message", "due_date"])
    assert axe_violations(agent) == []
    agent.get_by_label("Ce qui est demandé à l'assuré").fill("Merci de joindre un bulletin de salaire de 1995.")
    agent.get_by_label("Date limite de réponse").fill((clock.today() + timedelta(days=30)).isoformat())
    agent.get_by_role("button", name="Demander le complément").click()
    agent.get_by_text("Complément demandé").first.wait_for()

    # 5. The person answers; an empty answer first is said, in French, at once.
    page.goto(f"{portal_url}{request_path}")
    page.get_by_role("button", name="Envoyer ma réponse").click()
    expect_error_summary(page, ["body"])
    page.get_by_label("Votre réponse").fill("Je n'ai plus ce bulletin ; le certificat de travail est joint.")
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.get_by_text("Votre réponse a été transmise au technicien.").wait_for()

    # 6. The simulator, asked again after all of this, is as it was.
    page.get_by_role("link", name="Simuler ma retraite").first.click()
    page.wait_for_url(f"{portal_url}/ma-retraite/simulation")
    assert input_types(page, "#first-departure", "#second-stop_start") == ["month", "date"]
    # The refused forms answered 422, which Chromium logs as a failed resource; anything else is an error.
    for console_errors in (page.console_errors, agent.console_errors):
        assert [error for error in console_errors if "status of 422" not in error] == []


def test_a_screenshot_taken_before_the_design_system_starts_leaves_no_inline_style_behind(live_portal, browser_page):
    """The flaky console error of issue 10 (« Applying inline style violates … 'style-src 'self'' »): a screenshot
    hides the caret by setting, then unsetting, a CSSOM style on every input, which leaves an empty style attribute
    behind (on the header's hidden CSRF input too). When that happened before the DSFR's JavaScript started, the
    DSFR copied the header's tools links into the mobile menu through innerHTML, re-parsing that attribute as an
    inline style, which the CSP blocks. The DSFR's start is held back here until the screenshot is taken."""
    portal_url, _sandbox = live_portal
    page = browser_page
    citizen_login(page, portal_url, PERSON, PERSON_NIR)
    held = []
    page.route("**/dsfr.module.min.js", lambda route: held.append(route))
    page.goto(f"{portal_url}/ma-carriere", wait_until="commit")
    page.get_by_role("heading", level=1).wait_for()
    page.wait_for_function("document.readyState !== 'loading'")
    page.screenshot()
    assert held, "the DSFR's script was not requested"
    assert page.locator("html[data-fr-js]").count() == 0  # the DSFR had not started
    for route in held:
        route.continue_()
    page.locator(".fr-header__tools-links[data-fr-js-header-links]").wait_for(state="attached")
    page.locator("html[data-fr-js='true']").wait_for(state="attached")
    # The mobile menu holds the account links as the server wrote them: the DSFR had nothing to copy.
    tools, menu = page.evaluate(
        "[document.querySelector('.fr-header__tools-links').innerHTML,"
        " document.querySelector('.fr-header__menu-links').innerHTML]"
    )
    assert menu == tools
    assert page.console_errors == []
