"""Simuler ma retraite: the page prefilled from the career, two scenarios, explanations, bad input, and the effect
of a pending signalement."""

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from portal import clock
from portal.careers import services as careers_services
from portal.careers.models import Category, CivilServiceScheme, DataSource, PeriodNature
from portal.demo.seed import seed_demo
from portal.formatting import format_euros
from portal.pension_rules import countries
from portal.pension_rules.dates import add_months, next_month_start
from portal.pension_rules.engine import simulate
from portal.pension_rules.model import Kind
from portal.pension_rules.text import day
from portal.signalements.models import Signalement
from portal.simulator import inputs, scenarios
from portal.simulator.chart import value_ticks
from tests.backoffice.helpers import CAMILLE
from tests.backoffice.test_backoffice import agent_client
from tests.builders import create_assure, create_period
from tests.conftest import csrf_token, text_of
from tests.fc import login_and_bind
from tests.pages import assert_page

pytestmark = pytest.mark.usefixtures("db")

# Logins go through the sandbox's real, time-stamped tokens: the clock is not frozen, the dates follow it. Jean-Pierre
# MARTIN is past his legal age, so he can leave from next month on.
NEXT = next_month_start(clock.today())
FIRST, SECOND = add_months(NEXT, 1), add_months(NEXT, 19)


@pytest.fixture
def demo(db):
    seed_demo()


@pytest.fixture
def martin(client, demo):
    response = login_and_bind(client, "demo-jean-pierre-martin")
    assert response.status_code == 303
    return client


def _form_data(page_text: str, **overrides) -> dict:
    data = {"csrf_token": csrf_token(page_text)}
    for name, value in re.findall(r'name="((?:first|second)-[a-z_]+)"[^>]*?value="([^"]*)"', page_text):
        data[name] = value
    data.update(overrides)
    return data


def test_the_page_opens_prefilled_with_the_earliest_departure(martin):
    page = martin.get("/ma-retraite/simulation")
    text = assert_page(page)
    # Jean-Pierre MARTIN was born in 1962: 62 years 6 months, 169 quarters (CSS L161-17-2, L161-17-3).
    assert "62 ans et 6 mois" in text
    assert "169 trimestres" in text
    assert "Règles appliquées : version 2026-11-24" in text
    assert 'id="explication-age-legal"' in page.text
    assert 'id="annee-1998"' in page.text
    assert "Toutes les dates de départ" in text
    assert "<svg" in page.text


def test_two_scenarios_side_by_side_with_their_dates(martin):
    page = martin.get("/ma-retraite/simulation")
    data = _form_data(page.text, **{"first-departure": f"{FIRST:%Y-%m}", "second-departure": f"{SECOND:%Y-%m}",
                                    "second-part_time_percent": "50"})  # fmt: skip
    response = martin.post("/ma-retraite/simulation", data=data)
    text = assert_page(response)
    assert "Scénario 1" in text
    assert "Scénario 2" in text
    assert day(FIRST) in text
    assert day(SECOND) in text
    assert f'id="s2-{SECOND.isoformat()}"' in response.text


def test_a_departure_before_the_earliest_date_is_refused_in_french(martin):
    page = martin.get("/ma-retraite/simulation")
    response = martin.post(
        "/ma-retraite/simulation",
        data=_form_data(page.text, **{"first-departure": f"{FIRST:%Y-%m}", "second-departure": "2019-01"}),
    )
    assert_page(response, status=422, shows="La simulation n'a pas pu être faite")
    # Scenario 2's January 2019 is checked by the engine against the first possible departure.
    assert f"Le 1er janvier 2019 est avant votre premier départ possible, le {day(NEXT)}." in text_of(response)


def test_a_badly_typed_amount_keeps_what_was_typed(martin):
    page = martin.get("/ma-retraite/simulation")
    response = martin.post("/ma-retraite/simulation", data=_form_data(page.text, **{"first-annual_earnings": "abc"}))
    assert_page(response, status=422, shows="Saisissez un montant en euros", markup='value="abc"')


def test_the_effect_of_a_pending_signalement(martin, db):
    signalement = db.session.execute(
        db.select(Signalement).join(Signalement.assure).where(Signalement.assure.has(birth_name="MARTIN"))
    ).scalar_one()
    page = martin.get(f"/mes-demandes/{signalement.id}/effet-sur-ma-retraite")
    text = assert_page(page)
    assert "Si votre demande est acceptée" in text
    assert "Aujourd'hui" in text


def test_someone_elses_signalement_is_not_found(client, demo, db):
    other = db.session.execute(db.select(Signalement).where(Signalement.assure.has(birth_name="MARTIN"))).scalar_one()
    login_and_bind(client, "demo-sophie-nguyen")
    assert client.get(f"/mes-demandes/{other.id}/effet-sur-ma-retraite").status_code == 404


def test_a_generation_the_rules_do_not_cover_gets_a_french_message_not_an_error(client, db):
    assure = create_assure(identity="demo-jean-pierre-martin")
    create_period(assure, year=1990)
    login_and_bind(client, "demo-jean-pierre-martin")
    assure.birth_date = date(1949, 3, 2)  # born before the cohorts the tables cover
    db.session.flush()
    page = client.get("/ma-retraite/simulation")
    assert_page(page, shows="La simulation n'est pas proposée pour votre génération")


@pytest.fixture
def short_career(client, db):
    """Jean-Pierre MARTIN with six recorded years only: every departure is before the full rate, so the Agirc-Arrco
    amount (points computed on the salary since 2019) is an upper bound."""
    assure = create_assure(identity="demo-jean-pierre-martin")
    for year in range(2019, 2025):
        create_period(assure, year=year, earnings=32000)
    assert login_and_bind(client).status_code == 303
    return client


def _drawings(html: str) -> dict[str, list[str]]:
    """Each drawing of the chart, by name, with the labels of its value axis from bottom to top."""
    return {
        name: re.findall(r'text-anchor="end" class="portal-chart__label">([^<]*)</text>', svg)
        for name, svg in re.findall(r'<svg [^>]*portal-chart__svg--(\w+)"[^>]*>(.*?)</svg>', html, re.S)
    }


def test_value_ticks_are_round_amounts_from_zero():
    assert value_ticks(2693.97, 7) == [0, 500, 1000, 1500, 2000, 2500, 3000]
    assert value_ticks(2693.97, 6) == [0, 1000, 2000, 3000]  # 500 would need 7
    assert value_ticks(2693.97, 4) == [0, 1000, 2000, 3000]
    assert value_ticks(3000, 4) == [0, 1000, 2000, 3000]
    assert value_ticks(640, 4) == [0, 250, 500, 750]
    assert value_ticks(0, 4) == [0, 1]


def test_the_chart_starts_at_zero_and_a_phone_gets_a_drawing_with_fewer_labels(short_career):
    page = short_career.get("/ma-retraite/simulation")
    assert page.status_code == 200
    drawings = _drawings(text_of(page))
    assert set(drawings) == {"large", "etroit"}
    for labels in drawings.values():
        assert labels[0] == "0 €"
    assert len(drawings["etroit"]) <= 4 < len(drawings["large"])
    assert "l'échelle part de 0 €" in text_of(page)
    assert 'id="chart-title-large"' in page.text
    assert 'id="chart-title-etroit"' in page.text


def test_before_the_taux_plein_the_complementary_amount_carries_its_coefficient_d_anticipation(short_career):
    # pension-rules.md §18: the Agirc-Arrco amount is reduced for good before the taux plein; it is computed, so no
    # figure is a maximum any more (« au plus » is gone from the page).
    text = text_of(short_career.get("/ma-retraite/simulation"))
    assert not re.search(r"au plus \d", text)
    assert "coefficient d'anticipation" in text


def test_the_limits_tell_the_assure_what_is_not_counted_and_what_to_do(short_career):
    text = text_of(short_career.get("/ma-retraite/simulation"))
    limits = re.search(r"Ce que cette simulation ne prend pas en compte</h2>(.*?)</ul>", text, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", limits, re.S)
    assert len(items) >= 6
    # The team's doubts are not the assuré's business: what is left out, and whom to ask, is.
    for doubt in ("aucun texte", "pas pu être vérifi", "pas trouvé", "n'a pas pu"):
        assert doubt not in limits
    assert all("votre" in item.lower() or "vous" in item for item in items), items
    assert sum("votre caisse" in item for item in items) >= 3


def test_no_simulation_table_has_an_empty_header(martin, app, db):
    signalement = db.session.execute(
        db.select(Signalement).where(Signalement.assure.has(birth_name="MARTIN"))
    ).scalar_one()
    pages = [
        martin.get("/ma-retraite/simulation"),
        martin.get(f"/mes-demandes/{signalement.id}/effet-sur-ma-retraite"),
        agent_client(app, CAMILLE).get(f"/espace-agents/demandes/{signalement.id}/simulation"),
    ]
    for page in pages:
        assert_page(page, shows="Ce qui est comparé")
        assert re.findall(r"<th[^>]*>\s*</th>", page.text) == []


# --- A fonctionnaire's situation -------------------------------------------------------------------------------


@pytest.fixture
def pierre_yves(client, demo):
    """Pierre-Yves D'AUBIGNÉ, fonctionnaire d'État since 2001, with the civil-service profile of the demo."""
    assert login_and_bind(client, "demo-pierre-yves-daubigne").status_code == 303
    return client


def _civil_service_data(page_text: str, **overrides) -> dict:
    """Everything the page's form sends, the fonctionnaire's part included (its lists by their selected option)."""
    data = _form_data(page_text)
    for name, value in re.findall(r'name="(civil_service-[a-z_0-9]+)"[^>]*?value="([^"]*)"', page_text):
        data[name] = value
    for name, options in re.findall(r'<select[^>]*name="(civil_service-[a-z_]+)"[^>]*>(.*?)</select>', page_text, re.S):
        data[name] = re.search(r'<option selected value="([^"]*)"', options).group(1)
    data.update(overrides)
    return data


def test_a_fonctionnaire_finds_the_situation_the_fund_knows_prefilled_with_what_each_figure_decides(pierre_yves):
    page = pierre_yves.get("/ma-retraite/simulation")
    text = assert_page(
        page,
        shows=[
            "Votre situation de fonctionnaire",
            "Le montant de votre pension de fonctionnaire dépend de cet indice.",
            "votre retraite additionnelle (RAFP) en dépend",
            "l'âge de départ en dépend",
            "Prérempli avec ce que votre caisse connaît",
        ],
        markup=['aria-labelledby="fonctionnaire-legend"', '<label class="fr-label" for="civil_service-index">'],
    )
    data = _civil_service_data(page.text)
    assert data["civil_service-scheme"] == "SRE"
    assert data["civil_service-category"] == "sedentary"
    assert data["civil_service-index"] == "673"
    assert data["civil_service-index_since"] == "2023-09-01"
    assert data["civil_service-previous_index"] == "640"
    assert data["civil_service-children_before_2004"] == "0"
    assert data["civil_service-annual_bonuses"] == "3578,08"
    # His services go on in his scheme: the amount to come is his traitement (IM 673 × 59,0734 €).
    assert Decimal(data["first-annual_earnings"].replace(",", ".")) == Decimal("39756.40")
    assert "Votre traitement indiciaire brut annuel" in text


def test_a_fonctionnaires_simulation_runs_on_what_was_typed(pierre_yves):
    page = pierre_yves.get("/ma-retraite/simulation")
    response = pierre_yves.post(
        "/ma-retraite/simulation", data=_civil_service_data(page.text, **{"civil_service-category": "active"})
    )
    assert_page(response, shows="Ce qui est comparé", markup='<option selected value="active">')


def test_in_the_categorie_active_the_page_starts_before_the_legal_age_with_the_civil_service_pension_alone(
    pierre_yves,
):
    """Pierre-Yves (born July 1970) says he served 20 years in the catégorie active: his pension of the SRE can start
    at 58 (CPCM L24 I 1°, pension-rules §16.2), the others only at the legal age of 64, and the page says so."""
    page = pierre_yves.get("/ma-retraite/simulation")
    data = _civil_service_data(
        page.text, **{"civil_service-category": "active", "civil_service-active_years": "20", "first-pension_date": ""}
    )
    text = assert_page(pierre_yves.post("/ma-retraite/simulation", data=data), shows="Ce qui est comparé")
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+), brute</th><td>([^<]+)</td>', text))
    assert rows["Retraite de base : régime général"] == f"pas avant le {day(date(2034, 8, 1))}"
    assert "pas avant l'âge légal" in text
    assert "ou pas encore versée à cette date" in text


def test_a_refused_indice_keeps_everything_typed_with_a_french_message(pierre_yves):
    page = pierre_yves.get("/ma-retraite/simulation")
    data = _civil_service_data(
        page.text,
        **{"civil_service-index": "six cent", "civil_service-annual_bonuses": "4 100",
           "civil_service-category": "active", "first-part_time_percent": "80"},
    )  # fmt: skip
    response = pierre_yves.post("/ma-retraite/simulation", data=data)
    text = assert_page(
        response,
        status=422,
        shows=[
            "La simulation n'a pas pu être faite",
            "Votre situation de fonctionnaire – Indice majoré détenu : Indiquez l'indice majoré en chiffres",
        ],
        markup=['value="six cent"', 'value="4 100"', '<option selected value="active">', 'value="80"',
                'aria-describedby="civil_service-index-messages"'],
    )  # fmt: skip
    assert "Ce qui est comparé" not in text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"civil_service-index": ""}, "Indiquez votre indice majoré : sans lui, votre pension de fonctionnaire"),
        ({"civil_service-index_since": ""}, "Indiquez depuis quand vous détenez cet indice"),
        ({"civil_service-index_since": "2999-01-01"}, "Cette date est dans le futur."),
        ({"civil_service-index": "12"}, "Indiquez un indice majoré entre 100 et 1999."),
        ({"civil_service-children_before_2004": "-1"}, "Indiquez un nombre d'enfants entre 0 et 20."),
        ({"civil_service-scheme": "RATP"}, "Votre régime de fonctionnaire : "),
    ],
)
def test_an_incomplete_or_impossible_situation_is_refused_in_french_never_a_500(pierre_yves, overrides, message):
    page = pierre_yves.get("/ma-retraite/simulation")
    response = pierre_yves.post("/ma-retraite/simulation", data=_civil_service_data(page.text, **overrides))
    assert_page(response, status=422, shows=message)


def test_a_fonctionnaire_with_no_regime_general_period_reads_no_line_of_it(client, db):
    """A career in the SRE alone: the page listed « Retraite de base : régime général 0,00 € » and its SAM and
    proratisation; the régime général pays nothing here, so neither its line nor its column nor its explanations."""
    assure = create_assure(identity="demo-jean-pierre-martin")
    for year in range(1990, 2026):
        create_period(
            assure, year=year, regime="SRE", nature=PeriodNature.SALARIED, quarters=4, earnings=None,
            employer_name="Ministère de l'Éducation nationale", employer_siret=None,
        )  # fmt: skip
    careers_services.set_civil_service_profile(
        assure, scheme=CivilServiceScheme.SRE, category=Category.SEDENTARY, index_majore=600,
        index_start_date=date(2020, 1, 1),
    )  # fmt: skip
    assert login_and_bind(client).status_code == 303
    page = client.get("/ma-retraite/simulation")
    text = assert_page(page, shows=["Pension de la fonction publique d'État (SRE)", "Ce qui est comparé"])
    assert "régime général" not in text.split("Comment ces chiffres sont obtenus")[0]
    assert "Base brute / mois" not in text
    assert "Salaire annuel moyen" not in text


def test_left_empty_the_simulation_runs_and_says_the_civil_service_pension_is_not_computed(pierre_yves):
    page = pierre_yves.get("/ma-retraite/simulation")
    names = ("active_years", "index", "index_since", "previous_index", "children_before_2004", "annual_bonuses")
    empty = {f"civil_service-{name}": "" for name in names}
    response = pierre_yves.post("/ma-retraite/simulation", data=_civil_service_data(page.text, **empty))
    text = assert_page(response, shows="Ce qui est comparé", markup='id="retraites-non-calculees"')
    missing = re.search(r'id="retraites-non-calculees".*?</ul>', text, re.S).group(0)
    assert "fonction publique" in missing.lower()


def test_someone_without_civil_service_is_not_asked_about_it(martin):
    page = martin.get("/ma-retraite/simulation")
    text = assert_page(page)
    assert "situation de fonctionnaire" not in text
    assert "civil_service-" not in page.text
    assert "Votre traitement indiciaire" not in text


def test_the_page_links_to_the_buy_back_page_outside_the_results(martin):
    text = assert_page(
        martin.get("/ma-retraite/simulation"), shows="Racheter des trimestres : combien ça coûte, combien ça rapporte"
    )
    assert text.index("Racheter des trimestres") > text.index("Vos hypothèses")


# --- Periods abroad --------------------------------------------------------------------------------------------

ABROAD_DEPENDS = (
    "Selon le pays, vos trimestres à l'étranger comptent pour le taux de votre retraite française (Union européenne, "
    "convention bilatérale) ou ne comptent pas : le montant en dépend."
)


def _career_with_abroad(client, *countries_by_year: tuple[int, int, str | None]):
    """Jean-Pierre MARTIN (born 1962) salaried in France from 1990, after periods abroad recorded one a year as the
    foreign institutions report them: (first year, last year, country or None) each."""
    assure = create_assure(identity="demo-jean-pierre-martin")
    for first, last, country in countries_by_year:
        for year in range(first, last + 1):
            create_period(
                assure, year=year, regime="ETRANGER", nature=PeriodNature.ABROAD, quarters=4, earnings=None,
                employer_name="Fábrica Têxtil do Ave", employer_siret=None, source=DataSource.FOREIGN_INSTITUTION,
                country=country,
            )  # fmt: skip
    for year in range(1990, 2025):
        create_period(assure, year=year, earnings=32000)
    assert login_and_bind(client).status_code == 303
    return assure


def _abroad_data(page_text: str, **overrides) -> dict:
    """Everything the page's form sends, each country by its selected option (the first when none is)."""
    data = _form_data(page_text)
    for name, options in re.findall(r'<select[^>]*name="(abroad-\d+-country)"[^>]*>(.*?)</select>', page_text, re.S):
        selected = re.search(r'<option selected value="([^"]*)"', options)
        data[name] = selected.group(1) if selected else re.search(r'<option value="([^"]*)"', options).group(1)
    data.update(overrides)
    return data


def _country_selects(page_text: str) -> dict[str, str | None]:
    """The country selected in each select of the page, by name (None when no option is)."""
    selects = re.findall(r'<select[^>]*name="(abroad-\d+-country)"[^>]*>(.*?)</select>', page_text, re.S)
    return {
        name: (match.group(1) if (match := re.search(r'<option selected value="([^"]*)"', options)) else None)
        for name, options in selects
    }


def test_a_stay_abroad_without_a_country_is_asked_with_what_depends_on_it(client):
    _career_with_abroad(client, (1984, 1989, None))
    page = client.get("/ma-retraite/simulation")
    text = assert_page(
        page,
        shows=[
            "Vos périodes à l'étranger",
            ABROAD_DEPENDS,
            "Votre caisse ne connaît pas le pays d'au moins une de vos périodes à l'étranger",
            "Pays de la période du 1er janvier 1984 au 31 décembre 1989 (Fábrica Têxtil do Ave)",
        ],
        markup=['aria-labelledby="etranger-legend"', '<label class="fr-label" for="abroad-0-country">',
                'class="fr-select"'],
    )  # fmt: skip
    # Six yearly periods, one stay: one question, left on « pays non indiqué », every country by its French name.
    assert set(_country_selects(page.text)) == {"abroad-0-country"}
    assert _abroad_data(page.text)["abroad-0-country"] == ""
    options = re.findall(
        r"<option[^>]*>([^<]*)</option>", re.search(r"<select[^>]*abroad-0.*?</select>", text, re.S)[0]
    )
    assert options[0] == "Pays non indiqué"
    assert {"Portugal", "Suisse", "Algérie", "Royaume-Uni"} <= set(options)
    assert len(options) == len(countries.foreign_countries()) + 1  # France and its overseas territories are not abroad


def test_the_country_chosen_counts_as_the_engine_counts_it_for_this_simulation_only(client, db):
    assure = _career_with_abroad(client, (1984, 1989, None))
    page = client.get("/ma-retraite/simulation")
    response = client.post("/ma-retraite/simulation", data=_abroad_data(page.text, **{"abroad-0-country": "PT"}))
    text = assert_page(response, shows=["Périodes à l'étranger", "Règlement européen 883/2004 (Portugal)"])
    assert _country_selects(response.text) == {"abroad-0-country": "PT"}

    recorded = list(inputs.career_entries(assure.id).values())
    in_portugal = [replace(entry, country="PT") if entry.kind is Kind.ABROAD else entry for entry in recorded]

    def first_departure(career):
        return simulate(
            inputs.simulation_input(
                birth_date=assure.birth_date,
                today=clock.today(),
                sex=inputs.sex_of(assure),
                career=career,
                children=inputs.children_of(assure.id),
                annual_earnings=scenarios.last_earnings(career),
                part_time_percent=100,
            )  # fmt: skip
        ).departures[0]

    expected, without_country = first_departure(in_portugal), first_departure(recorded)
    shown = re.search(rf'href="#s1-{expected.date.isoformat()}-base">([^<]*)</a>', text).group(1)
    assert shown == format_euros(expected.base_monthly_gross)
    assert expected.base_monthly_gross != without_country.base_monthly_gross
    # Chosen for this simulation, not written to the career.
    assert {entry.country for entry in inputs.career_entries(assure.id).values()} == {None}


def test_stays_whose_country_is_recorded_are_prefilled(client):
    _career_with_abroad(client, (1984, 1986, "PT"), (1987, 1989, "CH"))
    page = client.get("/ma-retraite/simulation")
    assert_page(page, shows=["Vos périodes à l'étranger", "Prérempli avec les pays que votre caisse connaît."])
    assert _country_selects(page.text) == {"abroad-0-country": "PT", "abroad-1-country": "CH"}


def test_someone_without_periods_abroad_is_not_asked_about_them(martin):
    page = martin.get("/ma-retraite/simulation")
    text = assert_page(page)
    assert "périodes à l'étranger" not in text
    assert "abroad-" not in page.text


def test_an_unknown_country_is_refused_in_french_keeping_what_was_typed(client):
    _career_with_abroad(client, (1984, 1989, None))
    page = client.get("/ma-retraite/simulation")
    data = _abroad_data(page.text, **{"abroad-0-country": "ZZ", "first-part_time_percent": "80"})
    response = client.post("/ma-retraite/simulation", data=data)
    text = assert_page(
        response,
        status=422,
        shows=[
            "La simulation n'a pas pu être faite",
            "Pays de la période du 1er janvier 1984 au 31 décembre 1989 (Fábrica Têxtil do Ave) : Choisissez le pays "
            "dans la liste.",
        ],
        markup=['value="80"', 'aria-describedby="abroad-0-country-messages"', "fr-select-group--error"],
    )
    assert "Ce qui est comparé" not in text


@pytest.mark.parametrize(
    ("overrides", "status", "shows"),
    [
        ({"abroad-0-country": "pt"}, 422, "Choisissez le pays dans la liste."),
        ({"abroad-0-country": "PT", "abroad-7-country": "CH"}, 200, "Règlement européen 883/2004 (Portugal)"),
        ({"abroad-0-country": "PT", "abroad-x-country": "ZZ", "abroad--country": "ZZ"}, 200, "Portugal"),
    ],
)
def test_a_hand_made_form_gets_a_french_page_never_a_500(client, overrides, status, shows):
    _career_with_abroad(client, (1984, 1989, None))
    page = client.get("/ma-retraite/simulation")
    response = client.post("/ma-retraite/simulation", data=_abroad_data(page.text, **overrides))
    assert_page(response, status=status, shows=shows)
    # One stay, one question: what the page did not ask for is dropped.
    assert list(_country_selects(response.text)) == ["abroad-0-country"]


def test_a_form_without_the_countries_simulates_with_the_recorded_ones(client):
    _career_with_abroad(client, (1984, 1989, "PT"))
    page = client.get("/ma-retraite/simulation")
    data = {name: value for name, value in _abroad_data(page.text).items() if not name.startswith("abroad-")}
    response = client.post("/ma-retraite/simulation", data=data)
    assert_page(response, shows="Ce qui est comparé")
