"""As a person would: price the buy-back of four quarters of studies, read what it costs and what it brings each
month, open how the gain is computed; on a computer and on a phone, with axe-core at both widths."""

import os
import re
from pathlib import Path

from tests.browser.conftest import axe_violations
from tests.browser.conftest import citizen_login as log_in

PATH = "/ma-retraite/rachat-de-trimestres"
# A monthly gain as the page writes it: « +86,51 € par mois » (narrow no-break space between thousands).
GAIN = re.compile(r"\+\d[\d\u202f]*,\d\d\u00a0€ par mois")
# The same gain in a table, a link to its explanation: « +86,51 € ».
GAIN_FIGURE = re.compile(r"^\+\d[\d\s]*,\d\d\s€$")  # accessible names may read the no-break spaces as spaces


def test_a_person_prices_four_quarters_of_studies_and_reads_the_gain(live_portal, browser_page, tmp_path):
    portal_url, _sandbox = live_portal
    page = browser_page
    shots = Path(os.environ.get("PORTAL_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    # Sophie NGUYỄN, 38: four study quarters shorten her décote at her first departure.
    log_in(page, portal_url, "Sophie Thi NGUYỄN", "2 88 11 75 115 318 59")

    # From the simulation page's breadcrumb trail back and forth: the page is reached by its address here.
    page.goto(f"{portal_url}{PATH}")
    assert page.get_by_role("heading", level=1).inner_text() == "Racheter des trimestres"
    assert page.get_by_role("link", name="lassuranceretraite.fr").first.is_visible()
    page.screenshot(path=str(shots / "rachat-formulaire-1280.png"), full_page=True)
    assert axe_violations(page) == []

    # A mistake first: 13 quarters. The message is next to the field and what was typed stays.
    page.get_by_label("Nombre de trimestres à racheter").fill("13")
    page.get_by_role("button", name="Calculer le coût et le gain").click()
    page.wait_for_load_state()
    # The refused form answers 422 on purpose, and the browser logs it; any other console error is a problem.
    assert page.console_errors == [
        "Failed to load resource: the server responded with a status of 422 (UNPROCESSABLE ENTITY)"
    ]
    page.console_errors.clear()
    summary = page.get_by_role("alert")
    assert "Le rachat n'a pas pu être calculé" in summary.inner_text()
    assert page.locator("#quarters-messages").get_by_text("On rachète de 1 à 12 trimestres").is_visible()
    assert page.get_by_label("Nombre de trimestres à racheter").input_value() == "13"
    page.screenshot(path=str(shots / "rachat-erreur-1280.png"), full_page=False)
    assert axe_violations(page) == []

    # Four quarters of studies, both options compared.
    assert page.get_by_role("radio", name="Années d'études supérieures").is_checked()
    page.get_by_label("Nombre de trimestres à racheter").fill("4")
    page.get_by_role("button", name="Calculer le coût et le gain").click()
    page.wait_for_load_state()
    heading = page.get_by_role("heading", name="Rachat de 4 trimestres : le coût et le gain")
    assert heading.is_visible()
    first_option = page.locator(".fr-callout", has=page.get_by_role("heading", name="Option 1, « taux seul »"))
    said = first_option.inner_text()
    assert "Coût :" in said
    assert GAIN.search(said), said
    assert "Le coût est récupéré en" in said
    page.screenshot(path=str(shots / "rachat-resultat-1280.png"), full_page=False)

    # The gain of the first date, in the table, opens how it is computed.
    table = page.get_by_role("region", name="Option 1, « taux seul » : retraite de base selon la date de départ")
    table.get_by_role("link", name=GAIN_FIGURE).first.click()
    opened = page.locator("details[open]")
    assert opened.count() == 1
    assert "Sans rachat" in opened.inner_text()
    page.screenshot(path=str(shots / "rachat-explication-1280.png"), full_page=False)
    page.screenshot(path=str(shots / "rachat-page-1280.png"), full_page=True)
    assert axe_violations(page) == []

    # On a 375 px phone: nothing scrolls sideways but the tables, inside their frame; still clean for axe.
    page.set_viewport_size({"width": 375, "height": 812})
    # Two frames: the layout (and the design system's scripts listening to resize) settle at the new width.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # No table to scroll sideways for the gain: a list of the dates that gain something, the gain in each line.
    assert not table.is_visible()
    phone_list = page.locator("#option-rate ~ ul.fr-hidden-md").first
    assert phone_list.is_visible()
    first_line = phone_list.locator("li").first.inner_text()
    assert "(date regardée)" in first_line
    assert GAIN_FIGURE.search(first_line.split("gain ")[1].split(" par mois")[0]), first_line
    heading.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "rachat-resultat-375.png"), full_page=False)
    page.screenshot(path=str(shots / "rachat-page-375.png"), full_page=True)
    assert axe_violations(page) == []
    page.goto(f"{portal_url}{PATH}")
    page.screenshot(path=str(shots / "rachat-formulaire-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []
    assert page.console_errors == []
