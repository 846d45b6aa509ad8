"""Ma carrière: the career read year by year, with totals, gaps, provenance and history."""

from datetime import date
from decimal import Decimal

import pytest

from portal.careers import services as careers_services
from portal.careers.exceptions import InvalidPeriod
from portal.careers.models import DataSource, PeriodNature
from tests.builders import create_assure, create_period
from tests.conftest import text_of
from tests.fc import login_and_bind
from tests.pages import assert_page


@pytest.fixture
def assure(db):
    return create_assure(identity="demo-jean-pierre-martin")


@pytest.fixture
def logged_in(client, assure):
    response = login_and_bind(client)
    assert response.status_code == 303
    return client


def test_the_career_lists_every_year_with_its_periods_and_gaps(logged_in, assure):
    create_period(assure, year=2015, employer_name="Transports Rhône-Alpes", earnings=Decimal("28450.50"))
    create_period(assure, year=2015, regime="AGIRC_ARRCO", quarters=None, points=Decimal("84.35"),
                  employer_name="Transports Rhône-Alpes")  # fmt: skip
    create_period(assure, start=date(2018, 2, 1), end=date(2018, 6, 30), nature=PeriodNature.UNEMPLOYMENT,
                  quarters=2, earnings=None, employer_name=None, employer_siret=None, days=120,
                  source=DataSource.FRANCE_TRAVAIL, source_reference="Attestation France Travail 2018")  # fmt: skip

    page = logged_in.get("/ma-carriere")
    text = assert_page(page)
    assert "6 trimestres" in text  # 4 in 2015 + 2 in 2018
    assert "2015 – 2018" in text
    assert "2 années sans période" in text  # 2016 and 2017
    for year in (2015, 2016, 2017, 2018):
        assert f'id="annee-{year}"' in text
    assert "Transports Rhône-Alpes" in text
    assert "SIRET 732 829 320 00074" in text
    assert "28\u202f450,50\u00a0€" in text
    assert "84,35 points" in text
    assert "Chômage indemnisé" in text
    assert "120 jours indemnisés" in text
    assert "Signalement de France Travail" in text
    assert "Déclaration sociale nominative (DSN)" in text
    assert "Moins de 4 trimestres" in text


def test_a_year_counts_four_quarters_at_most_across_schemes(logged_in, assure):
    create_period(assure, year=2010, quarters=3, end=date(2010, 9, 30))
    create_period(assure, regime="MSA_SALARIES", quarters=2, start=date(2010, 10, 1), end=date(2010, 12, 31))
    text = text_of(logged_in.get("/ma-carriere"))
    assert "2010 — 4 trimestres retenus" in text
    assert "5 trimestres sont déclarés dans plusieurs régimes ; 4 au plus sont retenus" in text


def test_the_timeline_has_a_text_alternative(logged_in, assure):
    create_period(assure, year=2012)
    create_period(assure, year=2014, regime="ETRANGER", nature=PeriodNature.ABROAD, quarters=None)
    text = text_of(logged_in.get("/ma-carriere"))
    assert '<svg class="portal-timeline"' in text
    assert 'role="img"' in text
    assert "Frise de votre carrière de 2012 à 2014" in text
    assert "2013 : aucune période" in text  # the gap is drawn
    assert "Trimestres retenus par année (alternative textuelle de la frise)" in text
    assert "portal-timeline__bar--abroad" in text


def test_the_timeline_figure_has_no_role_of_its_own_and_scrolls_in_a_named_region(logged_in, assure):
    # A figure with a figcaption allows no ARIA role (axe: aria-allowed-role); the drawing keeps readable labels and
    # scrolls sideways inside its own region on a phone, which a keyboard can reach.
    create_period(assure, year=2012)
    text = text_of(logged_in.get("/ma-carriere"))
    figure = text[text.index("<figure") : text.index("</figure>")]
    assert figure.startswith('<figure class="fr-content-media">')
    assert '<div class="portal-timeline__scroll" tabindex="0" role="region" aria-labelledby="frise-titre">' in figure


def test_an_empty_career_says_so(logged_in):
    text = text_of(logged_in.get("/ma-carriere"))
    assert "Aucune période enregistrée pour le moment" in text


def test_a_corrected_period_shows_only_its_current_version_and_keeps_its_history(logged_in, assure, db):
    first = create_period(assure, year=1998, earnings=9000, quarters=4, source=DataSource.DADS,
                          employer_name="Imprimerie Lyonnaise")  # fmt: skip
    careers_services.supersede_period(
        first.period, recorded_by="Technicienne A. Morel", reason="Salaire rectifié au vu des bulletins",
        earnings_cents=1_250_000,
    )  # fmt: skip
    text = text_of(logged_in.get("/ma-carriere"))
    assert "12\u202f500,00\u00a0€" in text
    assert "9\u202f000,00\u00a0€" not in text
    assert "Corrigée : voir l'historique" in text

    history = logged_in.get(f"/ma-carriere/periodes/{first.period_id}")
    page = assert_page(history)
    assert "9\u202f000,00\u00a0€" in page
    assert "12\u202f500,00\u00a0€" in page
    assert "Salaire rectifié au vu des bulletins" in page
    assert "Technicienne A. Morel" in page
    assert "En vigueur" in page
    assert "Remplacée le" in page
    db.session.refresh(first)
    assert first.superseded_at is not None  # the first version is kept, marked, never rewritten
    assert first.earnings_cents == 900_000


def test_another_assures_period_is_not_found(logged_in, db):
    someone_else = create_assure(identity="demo-karim-benali")
    theirs = create_period(someone_else, year=2005)
    response = logged_in.get(f"/ma-carriere/periodes/{theirs.period_id}")
    assert_page(response, status=404, shows="Page non trouvée")
    assert "2005" not in text_of(response)


def test_reading_the_career_takes_the_same_queries_for_5_or_40_years(logged_in, assure, count_queries):
    def queries_for_page() -> int:
        with count_queries() as queries:
            assert logged_in.get("/ma-carriere").status_code == 200
        return len(queries)

    for year in range(1980, 1985):
        create_period(assure, year=year)
    # The first page after the login also writes the session once (the welcome message read): not the career's.
    queries_for_page()
    few = queries_for_page()
    for year in range(1985, 2020):
        create_period(assure, year=year)
        create_period(assure, year=year, regime="AGIRC_ARRCO", quarters=None, points=Decimal(50))
    many = queries_for_page()
    assert few == many


def test_the_career_page_is_never_cached(logged_in):
    response = logged_in.get("/ma-carriere")
    assert response.headers["Cache-Control"] == "no-store"


def test_periods_are_recorded_per_calendar_year_with_sane_values(assure):
    with pytest.raises(InvalidPeriod, match="année civile"):
        create_period(assure, start=date(2019, 12, 1), end=date(2020, 1, 31))
    with pytest.raises(InvalidPeriod, match="antérieure"):
        create_period(assure, start=date(2019, 6, 1), end=date(2019, 5, 31))
    with pytest.raises(InvalidPeriod, match="entre 0 et 4"):
        create_period(assure, year=2019, quarters=5)
    with pytest.raises(InvalidPeriod, match="négatifs"):
        create_period(assure, year=2019, earnings=-1)
