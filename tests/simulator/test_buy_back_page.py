"""Racheter des trimestres: the page prices a « versement pour la retraite » with portal.pension_rules.buy_back on the
default scenario of the simulation page, puts the engine's refusals next to their field, and speaks about the
protected person to a representative."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import clock
from portal.audit.models import AuditEvent
from portal.auth.models import Account
from portal.careers.models import Assure
from portal.demo.identities import IDENTITIES, get_identity
from portal.demo.seed import seed_demo
from portal.formatting import format_date, format_euros, format_number
from portal.pension_rules import buy_back
from portal.pension_rules.engine import SimulationError
from portal.pension_rules.model import BuyBackOption
from portal.simulator import inputs, scenarios
from tests.builders import create_agent, create_assure, create_period, create_representative_account
from tests.conftest import csrf_token, text_of
from tests.fc import login, login_and_bind
from tests.pages import assert_page
from tests.representation.helpers import active
from tests.representation.test_wording import SPOKEN_TO_THE_PERSON, _page_wording

pytestmark = pytest.mark.usefixtures("db")

PATH = "/ma-retraite/rachat-de-trimestres"
# Logins go through the sandbox's real, time-stamped tokens: the clock is not frozen. Sophie NGUYỄN (born 1988) is 38:
# four study quarters shorten her décote at her first departure. Karim BENALI (born 1980) is past the young
# graduates' deadline and has no incomplete year.
SOPHIE, KARIM, LUCAS = "demo-sophie-nguyen", "demo-karim-benali", "demo-lucas-petit"


@pytest.fixture
def demo(db):
    seed_demo()


def _logged_in(client, sub: str):
    assert login_and_bind(client, sub).status_code == 303
    return client


@pytest.fixture
def sophie(client, demo):
    return _logged_in(client, SOPHIE)


@pytest.fixture
def karim(client, demo):
    return _logged_in(client, KARIM)


def assure_of(db, sub: str) -> Assure:
    return db.session.execute(select(Assure).where(Assure.nir == get_identity(sub).nir)).scalar_one()


def prefilled_earnings(page_text: str) -> str:
    """The earnings the form offers, "" on a page without the form."""
    match = re.search(r'name="average_earnings"[^>]*value="([^"]*)"', page_text)
    return match.group(1) if match else ""


def amount(typed: str) -> Decimal:
    """What the page reads from an amount typed as the page prefills it ("28 568")."""
    return Decimal(typed.replace("\u202f", "").replace(" ", "").replace(",", "."))


def form_data(page_text: str, **fields) -> dict:
    """The form as the page offers it (its prefilled earnings), four study quarters, both options, and `fields`."""
    data = {
        "csrf_token": csrf_token(page_text),
        "reason": "studies",
        "quarters": "4",
        "option": "both",
        "average_earnings": prefilled_earnings(page_text),
        "already_bought": "0",
        "departure": "",
    }
    return data | fields


def engine_result(db, sub: str, request: buy_back.BuyBackRequest) -> buy_back.BuyBackResult:
    """What the engine says for the simulation page's default scenario (scenarios.default_input): the page must
    agree with it."""
    assure = assure_of(db, sub)
    career = list(inputs.career_entries(assure.id).values())
    civil_service = inputs.civil_service_of(assure.id) if inputs.has_civil_service(career) else None
    simulation_input = scenarios.default_input(
        assure, career, inputs.children_of(assure.id), clock.today(), civil_service
    )
    return buy_back.evaluate(simulation_input, request)


def engine_refusal(db, sub: str, request: buy_back.BuyBackRequest) -> SimulationError:
    with pytest.raises(SimulationError) as caught:
        engine_result(db, sub, request)
    return caught.value


def messages_of(page_text: str, field_id: str) -> str:
    """The error messages shown next to one field."""
    match = re.search(rf'id="{field_id}-messages"[^>]*>(.*?)</div>', page_text, re.S)
    return match.group(1) if match else ""


def visible(page_text: str) -> str:
    """The page's words as a person reads them: tags left out, spaces collapsed."""
    words = re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", page_text))  # not the non-breaking spaces of figures
    return words.replace(" ,", ",").replace(" .", ".").strip()


def studies(quarters: int, earnings: str | Decimal, **fields) -> buy_back.BuyBackRequest:
    return buy_back.BuyBackRequest(
        reason=buy_back.BuyBackReason.STUDIES, quarters=quarters, average_earnings=Decimal(earnings), **fields
    )


# --- The page and its figures ---


def test_the_page_says_what_a_rachat_is_and_prefills_the_last_three_years_average(sophie, db):
    page = sophie.get(PATH)
    text = assert_page(
        page,
        shows=(
            "Racheter des trimestres",
            "Qu'est-ce qu'un rachat de trimestres ?",
            f"de {buy_back.MIN_AGE} à {buy_back.MAX_AGE} ans",
            f"{buy_back.MAX_QUARTERS} trimestres au plus sur toute la carrière",
            "Calculer le coût et le gain",
        ),
        markup='href="https://www.lassuranceretraite.fr"',
    )
    # The average of the base schemes' earnings of the three last recorded years, said in the hint.
    career = inputs.career_entries(assure_of(db, SOPHIE).id).values()
    by_year: dict[int, Decimal] = {}
    for entry in career:
        if entry.quarters is not None:
            by_year[entry.year] = by_year.get(entry.year, Decimal(0)) + (entry.earnings or 0)
    last = sorted(by_year)[-3:]
    average = round(sum(by_year[year] for year in last) / 3)
    assert prefilled_earnings(page.text) == format_number(average)
    said = format_euros(average, drop_zero_cents=True)
    assert f"moyenne des revenus enregistrés en {last[0]}, {last[1]} et {last[2]} : {said}" in text
    assert 'id="resultat"' not in page.text


def test_the_costs_and_gains_are_the_engines_for_the_simulation_pages_default_scenario(sophie, db):
    page = sophie.get(PATH)
    data = form_data(page.text)
    response = sophie.post(PATH, data=data)
    html = assert_page(response, shows=("Rachat de 4 trimestres : le coût et le gain", "Option 1, « taux seul »"))
    text = visible(html)
    expected = engine_result(db, SOPHIE, studies(4, amount(data["average_earnings"])))
    assert [option.option for option in expected.options] == list(BuyBackOption)
    for option in expected.options:
        cost = option.cost
        assert f"Prix d'un trimestre à {cost.age} ans : {format_euros(cost.quarter_cost)}" in text
        assert f"4 trimestres : {format_euros(cost.full_total)}" in text
        assert f"Total à payer : {format_euros(cost.total)}" in text
        for plan in cost.instalments:
            assert f"en {plan.years} an" in text
            assert f"{format_euros(plan.monthly)} par mois" in text
        start = html.index(f'id="option-{option.option.value}"')
        table = html[start : html.index("</table>", start)]
        for effect in option.departures:
            row = re.search(rf'<tr[^>]*>\s*<th scope="row">{format_date(effect.date, "long")}<br>.*?</tr>', table, re.S)
            assert row, effect.date
            cells = visible(row.group(0))
            assert format_euros(effect.before_monthly_gross) in cells
            assert format_euros(effect.after_monthly_gross) in cells
            if effect.years_to_recover is not None:
                assert f"+{format_euros(effect.monthly_gain)}" in cells
                assert f"{format_number(effect.years_to_recover)} ans" in cells
            else:
                assert "aucun gain" in cells
            if 0 < effect.quarters_without_effect < 4:
                assert f"{effect.quarters_without_effect} des 4 trimestres ne change" in cells
            elif effect.quarters_without_effect == 4:
                assert "Les 4 trimestres ne changent rien à cette date" in cells
        # Each gain opens the engine's explanation of it.
        assert all(step in text for step in option.departures[0].explanation.steps)
    # Some dates gain nothing from some quarters (at the automatic full rate, none count): the page says it.
    assert any(effect.quarters_without_effect for option in expected.options for effect in option.departures)
    # The first departure is the one put forward, and the simulation page shows the same pension without rachat.
    first = expected.options[0].departures[0]
    assert first.date == expected.base.earliest_date
    assert f"Au départ le {format_date(first.date, 'long')}, la retraite de base passe de" in text
    assert f"+{format_euros(first.monthly_gain)} par mois" in text
    simulation = text_of(sophie.get("/ma-retraite/simulation"))
    assert format_euros(first.before_monthly_gross) in simulation
    # The explanations and the limits are the engine's.
    assert expected.explanation.summary in text
    assert all(limit in text for limit in expected.limits)


def test_one_option_a_chosen_departure_and_the_reduced_tariff(client, demo, db):
    # Lucas PETIT (born 1995) may ask for the young graduates' tariff until the end of 2035.
    _logged_in(client, LUCAS)
    page = client.get(PATH)
    expected_base = engine_result(db, LUCAS, studies(2, "30000")).base
    later = expected_base.departures[2].date
    data = form_data(
        page.text,
        quarters="2",
        option="rate_and_duration",
        average_earnings="30 000",
        reduced_tariff="y",
        departure=f"{later:%Y-%m}",
    )
    text = visible(assert_page(client.post(PATH, data=data)))
    request = studies(2, "30000", option=BuyBackOption.RATE_AND_DURATION, reduced_tariff=True)
    assure = assure_of(db, LUCAS)
    career = list(inputs.career_entries(assure.id).values())
    # The simulation page's input with the departure month asked for, as its scenario field gives it.
    simulation_input = inputs.simulation_input(
        birth_date=assure.birth_date,
        today=clock.today(),
        sex=inputs.sex_of(assure),
        career=career,
        children=inputs.children_of(assure.id),
        departure=later,
        annual_earnings=scenarios.last_earnings(career),
    )
    expected = buy_back.evaluate(simulation_input, request)
    (option,) = expected.options
    assert "Option 1, « taux seul » en détail" not in text
    assert "Option 2, « taux et durée d'assurance » en détail" in text
    assert f"soit − {format_euros(option.cost.abatement)}" in text
    assert f"Total à payer : {format_euros(option.cost.total)}" in text
    chosen = next(effect for effect in option.departures if effect.date == later)
    assert f"au départ du {format_date(later, 'long')}" in text
    assert f"Au départ le {format_date(later, 'long')}" in text
    if chosen.years_to_recover is not None:
        assert f"+{format_euros(chosen.monthly_gain)} par mois" in text
        assert f"Le coût est récupéré en {format_number(chosen.years_to_recover)} ans" in text
    else:
        assert f"la retraite de base reste de {format_euros(chosen.before_monthly_gross)} brut par mois" in text
    assert "date regardée" in text


# --- Refusals: a French message next to the field, what was typed kept ---


def test_thirteen_quarters_are_refused_next_to_the_quarters(sophie, db):
    page = sophie.get(PATH)
    data = form_data(page.text, quarters="13")
    response = sophie.post(PATH, data=data)
    refusal = engine_refusal(db, SOPHIE, studies(13, amount(data["average_earnings"])))
    assert refusal.field == "buy_back.quarters"
    text = assert_page(response, status=422, shows="Le rachat n'a pas pu être calculé", markup='value="13"')
    assert refusal.message in messages_of(text, "quarters")
    assert 'id="resultat"' not in text


def test_ten_quarters_already_bought_leave_room_for_two(sophie, db):
    page = sophie.get(PATH)
    data = form_data(page.text, already_bought="10", quarters="4")
    response = sophie.post(PATH, data=data)
    refusal = engine_refusal(db, SOPHIE, studies(4, amount(data["average_earnings"]), already_bought=10))
    text = assert_page(response, status=422, markup=('value="10"', 'value="4"'))
    assert "Il vous en reste 2." in refusal.message
    assert refusal.message in messages_of(text, "quarters")


def test_the_reduced_tariff_after_the_year_of_40_is_refused_next_to_its_box(karim, db):
    page = karim.get(PATH)
    data = form_data(page.text, reduced_tariff="y", average_earnings="41 250,50")
    response = karim.post(PATH, data=data)
    refusal = engine_refusal(db, KARIM, studies(4, "41250.50", reduced_tariff=True))
    assert refusal.field == "buy_back.reduced_tariff"
    text = assert_page(response, status=422, markup='value="41 250,50"')
    assert refusal.message in messages_of(text, "reduced_tariff")
    assert re.search(r'<input[^>]*checked[^>]*id="reduced_tariff"', text)


def test_incomplete_years_when_none_is_incomplete_are_refused_and_the_reason_is_kept(karim, db):
    page = karim.get(PATH)
    data = form_data(page.text, reason="incomplete_years", quarters="2")
    response = karim.post(PATH, data=data)
    request = buy_back.BuyBackRequest(
        reason=buy_back.BuyBackReason.INCOMPLETE_YEARS, quarters=2, average_earnings=amount(data["average_earnings"])
    )
    refusal = engine_refusal(db, KARIM, request)
    assert "Aucune année de votre relevé ne compte de 1 à 3 trimestres" in refusal.message
    text = assert_page(response, status=422)
    assert refusal.message in messages_of(text, "quarters")
    assert re.search(r'<input[^>]*checked[^>]*value="incomplete_years"', text)


def test_badly_typed_answers_get_french_messages_and_are_kept(sophie):
    page = sophie.get(PATH)
    response = sophie.post(PATH, data=form_data(page.text, quarters="quatre", average_earnings="abc", departure="x"))
    text = assert_page(
        response,
        status=422,
        shows=("Indiquez un nombre de trimestres en chiffres", "Saisissez un montant en euros", "Indiquez un mois"),
        markup=('value="quatre"', 'value="abc"'),
    )
    assert "Corrigez les 3 erreurs suivantes" in text
    missing = sophie.post(PATH, data=form_data(page.text, quarters="", average_earnings="", reason=""))
    assert_page(
        missing,
        status=422,
        shows=("Choisissez le motif du rachat.", "Indiquez un nombre de trimestres", "Indiquez le revenu annuel"),
    )


def test_a_departure_before_the_first_possible_one_is_refused_next_to_the_date(sophie, db):
    page = sophie.get(PATH)
    response = sophie.post(PATH, data=form_data(page.text, departure="2030-01"))
    text = assert_page(response, status=422, markup='value="2030-01"')
    assert "est avant votre premier départ possible" in messages_of(text, "departure")


# --- Who may see it ---


def test_a_person_not_logged_in_is_sent_to_the_login(client):
    response = client.get(PATH)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/?next=")
    assert "rachat-de-trimestres" in response.headers["Location"]


def test_the_form_needs_its_csrf_token(sophie):
    page = sophie.get(PATH)
    data = form_data(page.text)
    del data["csrf_token"]
    assert_page(sophie.post(PATH, data=data), status=400, shows="Formulaire expiré")
    data["csrf_token"] = "forged"
    assert sophie.post(PATH, data=data).status_code == 400


def test_a_person_past_66_is_told_why_without_a_form(client, db):
    assure = create_assure(identity="demo-thierry-moreau")
    for year in range(2015, 2025):
        create_period(assure, year=year)
    _logged_in(client, "demo-thierry-moreau")
    page = client.get(PATH)
    text = assert_page(page, shows="Un rachat n'est pas possible aujourd'hui")
    assert "doit être demandé avant 67 ans" in text
    assert "Calculer le coût et le gain" not in text
    # A form sent anyway (an old tab) prices nothing and says the same.
    sent = client.post(PATH, data=form_data(page.text))
    assert_page(sent, shows="Un rachat n'est pas possible aujourd'hui")
    assert 'id="resultat"' not in sent.text


@pytest.fixture
def protected(db):
    assure = create_assure(identity="demo-anne-sophie-girard", caisse="CARSAT-RA")
    for year in range(2012, 2025):
        create_period(assure, year=year, earnings=28000 + 500 * (year - 2012))
    return assure


def _representative(client, db) -> Account:
    login(client, "demo-jules-inconnu")
    return db.session.execute(select(Account).where(Account.assure_id.is_(None)).order_by(Account.id.desc())).scalar()


def _act_for(client, mandate_id: int):
    page = client.get("/mes-representations")
    return client.post(f"/mes-representations/{mandate_id}/agir", data={"csrf_token": csrf_token(page.text)})


def test_a_representative_prices_it_for_the_protected_person_and_it_is_audited(client, db, protected):
    agent = create_agent("camille.durand@carsat-ra.fr", "technicien")
    mandate = active(_representative(client, db), protected, agent=agent)
    assert _act_for(client, mandate.id).status_code == 303
    page = client.get(PATH)
    text = assert_page(page, shows="Racheter des trimestres pour Anne-Sophie GIRARD")
    assert "Votre rachat" not in text
    response = client.post(PATH, data=form_data(page.text, quarters="2"))
    text = assert_page(response, shows=("Le revenu moyen d'Anne-Sophie GIRARD retenu", "Total à payer"))
    # The page's own words speak about her (the engine's explanations and limits are the same for every face).
    for shown in (page, response):
        main = text_of(shown)
        main = _page_wording(main[main.index("<main") : main.index("</main>")])
        assert [phrase for phrase in SPOKEN_TO_THE_PERSON if phrase in main] == []
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.acting_for_assure_id == protected.id).order_by(AuditEvent.id)
    ).scalars()
    by_action = {event.action: event for event in events}
    assert by_action["representative.read"].data["endpoint"] == "simulator_buy_back.show_buy_back"
    simulated = by_action["representative.simulated"]
    assert simulated.data["mandate_id"] == mandate.id
    assert simulated.data["scenarios"] == 2
    assert simulated.subject_assure_id == protected.id


def test_someone_elses_mandate_is_not_found_and_their_file_never_shown(client, db, protected):
    agent = create_agent("camille.durand@carsat-ra.fr", "technicien")
    others = active(create_representative_account(), protected, agent=agent)
    _representative(client, db)
    assert _act_for(client, others.id).status_code == 404
    response = client.get(PATH)
    # Still in their own space, which holds no file: the first-login step, never Anne-Sophie GIRARD's figures.
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/premiere-connexion")


@pytest.mark.parametrize(
    "sub", [identity.sub for identity in IDENTITIES if identity.nir is not None], ids=lambda sub: sub[5:]
)
def test_every_demo_person_gets_a_page_or_a_french_refusal_never_an_error(client, demo, sub):
    _logged_in(client, sub)
    page = client.get(PATH)
    assert page.status_code == 200
    response = client.post(PATH, data=form_data(page.text))
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert "Le rachat n'a pas pu être calculé" in text_of(response)
