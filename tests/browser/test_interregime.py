"""Every scheme of the career through the browser, as the demo's people see it (issue 13): a fonctionnaire's two
pensions side by side with the all-scheme décote, periods in Algeria and Canada under their conventions, periods in
Portugal and Switzerland under the EU regulation with the national and pro-rata computations, salaried then artisan
as one aligned pension. Each page is clean for axe-core at 1280 px and 375 px.

Éric LE GALL is also the journeys test's person: this test only reads his simulation (his first login may happen
here or there, citizen_login takes both)."""

import pytest

from tests.browser.conftest import axe_violations, citizen_login

SIMULATION = "/ma-retraite/simulation"


def open_simulation(page, portal_url: str, name: str, nir: str) -> None:
    citizen_login(page, portal_url, name, nir)
    page.goto(f"{portal_url}{SIMULATION}")
    page.get_by_role("heading", name="Simuler ma retraite").wait_for()


def first_departure(page) -> str:
    """The text of the explanation of the earliest departure, closed <details> included."""
    return page.locator("details.portal-explanation[id^='s1-']").first.text_content()


def comparison_rows(page) -> dict[str, str]:
    rows = page.locator("table:has(caption:text('Comparaison des scénarios')) tbody tr")
    return {row.locator("th").inner_text().strip(): row.locator("td").first.inner_text().strip() for row in rows.all()}


def check_both_widths(page, shots, name: str) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], width
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def shots(tmp_path):
    return tmp_path


def test_a_fonctionnaire_sees_both_pensions_with_the_all_scheme_decote(live_portal, browser_page, shots):
    portal_url, _sandbox = live_portal
    page = browser_page
    open_simulation(page, portal_url, "Pierre-Yves D'AUBIGNÉ", "1 70 07 13 206 260 26")
    # The fieldset asks what his pension needs, prefilled from his profile.
    assert page.get_by_label("Indice majoré détenu", exact=False).first.input_value() == "673"
    rows = comparison_rows(page)
    assert "Retraite de base : régime général, brute" in rows
    assert "Pension de la fonction publique d'État (SRE), brute" in rows
    assert rows["Pension de la fonction publique d'État (SRE), brute"].endswith("par mois")
    assert "au plus 1" not in page.locator("main").inner_text()  # the old « au plus 107,56 € »
    decote = rows["Taux"].split("décote de ")[1].split(" trim")[0]
    text = first_departure(page)
    # The SRE counts every base scheme for the décote (CPCM L14 I), as the régime général does (CSS R351-27).
    assert "Durée d'assurance tous régimes" in text
    assert f"Le plus petit nombre est retenu, 20 au plus : {decote} trimestres" in text
    check_both_widths(page, shots, "fonctionnaire")
    assert page.console_errors == []


def test_in_the_categorie_active_a_fonctionnaire_leaves_earlier_with_that_pension_alone(
    live_portal, browser_page, shots
):
    portal_url, _sandbox = live_portal
    page = browser_page
    open_simulation(page, portal_url, "Pierre-Yves D'AUBIGNÉ", "1 70 07 13 206 260 26")
    page.get_by_label("Catégorie de vos emplois").select_option(label="Active")
    page.get_by_label("Années de services actifs ou super-actifs").fill("20")
    page.get_by_role("button", name="Simuler").click()
    page.get_by_role("heading", name="Comment ces chiffres sont obtenus").wait_for()
    rows = comparison_rows(page)
    # Born 7 July 1970, 20 years in the catégorie active: his SRE pension can start at 58 (CPCM L24 I 1°; LFSS 2026
    # row derived, pension-rules §16.2), from 1 August 2028; the others wait for the legal age of 64, 1 August 2034.
    assert rows["Date de départ"] == "1er août 2028"
    assert rows["Retraite de base : régime général, brute"] == "pas avant le 1er août 2034"
    assert rows["Pension de la fonction publique d'État (SRE), brute"].endswith("par mois")
    assert "ou pas encore versée à cette date" in page.locator("main").inner_text()
    check_both_widths(page, shots, "categorie-active")


def test_periods_in_algeria_and_canada_count_as_their_conventions_say(live_portal, browser_page, shots):
    portal_url, _sandbox = live_portal
    page = browser_page
    open_simulation(page, portal_url, "Karim BENALI", "1 80 02 99 352 027 68")
    text = first_departure(page)
    assert "Périodes à l'étranger" in text
    assert "France–Algérie" in text
    assert "France–Canada" in text
    assert "plusieurs accords" in text  # applied one by one, never added together
    assert "Calcul séparé" in text  # foreign quarters for the taux, French quarters for the amount
    # The foreign pensions are listed, not counted in the total.
    assert "Ce total ne comprend pas toutes vos retraites" in page.locator("main").inner_text()
    check_both_widths(page, shots, "etranger-conventions")


def test_periods_in_portugal_get_the_national_and_pro_rata_computations(live_portal, browser_page, shots):
    portal_url, _sandbox = live_portal
    page = browser_page
    open_simulation(page, portal_url, "Maria Brigida FERNANDES", "2 64 08 99 139 058 79")
    text = first_departure(page)
    assert "Calcul national, sur vos seules périodes françaises" in text
    assert "Pension théorique, comme si toute la carrière était en France" in text
    assert "Règlement européen 883/2004" in text
    assert "Portugal" in text
    assert "Suisse" in text
    check_both_widths(page, shots, "etranger-ue")


def test_salaried_then_artisan_gets_one_aligned_pension(live_portal, browser_page, shots):
    portal_url, _sandbox = live_portal
    page = browser_page
    open_simulation(page, portal_url, "Éric LE GALL", "1 66 01 29 019 201 28")
    rows = comparison_rows(page)
    assert "Retraite de base : régime général et indépendants (une seule retraite), brute" in rows
    assert not [label for label in rows if label.startswith("Retraite de base") and "indépendants" not in label]
    check_both_widths(page, shots, "lura")


def test_the_countries_of_periods_abroad_on_record_are_prefilled(live_portal, browser_page, shots):
    portal_url, _sandbox = live_portal
    page = browser_page
    open_simulation(page, portal_url, "Maria Brigida FERNANDES", "2 64 08 99 139 058 79")
    stays = page.get_by_role("group", name="Vos périodes à l'étranger")
    portugal = stays.get_by_label("Pays de la période du 1er septembre 1980 au 31 décembre 1986", exact=False)
    switzerland = stays.get_by_label("Pays de la période du 1er février 1996 au 30 novembre 2002", exact=False)
    assert portugal.input_value() == "PT"
    assert switzerland.input_value() == "CH"
    assert stays.locator("select").count() == 2
    assert "le montant en dépend" in stays.inner_text()
    check_both_widths(page, shots, "etranger-pays")
    assert page.console_errors == []
