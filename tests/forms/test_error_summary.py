"""Every form reports all its errors at once: the format errors the form finds and the rule errors the services
raise, in one DSFR error summary at the top of the form (each error a link to its field), with each invalid field
marked aria-invalid, and a small script that moves the focus to the summary."""

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.signalements.models import Signalement, SignalementMessage
from tests.backoffice.helpers import filed_request
from tests.builders import create_agent, create_assure, create_period
from tests.conftest import csrf_token
from tests.fc import login, login_agent, login_and_bind

CAMILLE = ("demo-agent-camille-durand", "camille.durand@carsat-ra.example.fr")
SUMMARY_RE = re.compile(r'<div class="fr-alert fr-alert--error[^"]*"[^>]*data-portal-error-summary>(.*?)</div>', re.S)


def summary(html: str) -> list[tuple[str | None, str]]:
    """(link target, text) of each item of the page's first error summary."""
    match = SUMMARY_RE.search(html)
    assert match, "no error summary in the page"
    items = re.findall(r"<li>(.*?)</li>", match.group(1), re.S)
    result = []
    for item in items:
        link = re.match(r'<a href="#([^"]+)">(.*)</a>$', item.strip(), re.S)
        result.append((link.group(1), unescape(link.group(2))) if link else (None, unescape(item.strip())))
    return result


def invalid_ids(html: str) -> set[str]:
    return {
        re.search(r'\sid="([^"]+)"', tag).group(1)
        for tag in re.findall(r"<(?:input|select|textarea)[^>]*>", html)
        if 'aria-invalid="true"' in tag and 'id="' in tag
    }


def title(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1))


@pytest.fixture
def assure(db):
    assure = create_assure(identity="demo-jean-pierre-martin", caisse="CARSAT-RA")
    create_period(assure, year=2012, earnings=Decimal("9000"), quarters=4, employer_name="Garage Moderne")
    return assure


@pytest.fixture
def person(client, assure):
    assert login_and_bind(client).status_code == 303
    return client


def count_signalements(db) -> int:
    return db.session.execute(select(func.count()).select_from(Signalement)).scalar_one()


def test_a_draft_reports_a_date_in_the_future_with_the_errors_of_format_at_the_first_submit(person, db):
    future = clock.today() + timedelta(days=40)
    page = person.get("/mes-demandes/nouvelle/missing_period")
    response = person.post(
        "/mes-demandes/nouvelle/missing_period",
        data={
            "csrf_token": csrf_token(page.text),
            "start_date": future.isoformat(),
            "end_date": "31/02/2011",
            "earnings": "beaucoup",
            "explanation": "Saisonnier",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert summary(html) == [
        ("start_date", "Date de début : Une période ne peut pas être dans le futur."),
        ("end_date", "Date de fin : Indiquez une date complète : jour, mois et année, par exemple 15/03/2012."),
        ("employer_name", "Nom de l'employeur : Indiquez le nom de l'employeur."),
        (
            "earnings",
            "Salaire ou revenu brut de la période, en euros : Saisissez un montant en euros, par exemple 18 500,00.",
        ),
    ]
    assert invalid_ids(html) == {"start_date", "end_date", "employer_name", "earnings"}
    assert title(html).startswith("Erreur - ")
    assert "js/error-summary.js" in html
    # What was typed is kept, and nothing was saved.
    assert 'value="beaucoup"' in html
    assert count_signalements(db) == 0


def test_editing_a_draft_reports_every_rule_it_breaks_at_once(person, db, assure):
    page = person.get("/mes-demandes/nouvelle/missing_period")
    created = person.post(
        "/mes-demandes/nouvelle/missing_period",
        data={"csrf_token": csrf_token(page.text), "start_date": "2011-06-01", "end_date": "2011-09-30",
              "employer_name": "Camping des Pins"},
    )  # fmt: skip
    assert created.status_code == 303
    signalement_id = int(created.headers["Location"].rsplit("/", 1)[1])
    edit = person.get(f"/mes-demandes/{signalement_id}/modifier")
    future = clock.today() + timedelta(days=3)
    response = person.post(
        f"/mes-demandes/{signalement_id}/modifier",
        data={"csrf_token": csrf_token(edit.text), "start_date": "1970-01-01", "end_date": future.isoformat(),
              "employer_name": "", "days": "douze"},
    )  # fmt: skip
    assert response.status_code == 422
    assert [target for target, _text in summary(response.text)] == ["start_date", "end_date", "employer_name"]
    messages = " ".join(text for _target, text in summary(response.text))
    assert "antérieure à vos 14 ans" in messages
    assert "ne peut pas être dans le futur" in messages
    draft = db.session.get(Signalement, signalement_id)
    assert draft.items[0].proposed_employer_name == "Camping des Pins"


def test_a_message_without_text_gets_a_summary_linked_to_its_field(person, db, assure):
    signalement = filed_request(assure, today=clock.today())
    page = person.get(f"/mes-demandes/{signalement.id}")
    response = person.post(
        f"/mes-demandes/{signalement.id}/messages", data={"csrf_token": csrf_token(page.text), "body": ""}
    )
    assert response.status_code == 422
    assert summary(response.text) == [("body", "Écrire au technicien : Écrivez votre message.")]
    assert "body" in invalid_ids(response.text)
    assert title(response.text).startswith("Erreur - ")


def test_a_withdrawal_reason_too_long_is_said_and_the_request_stays(person, db, assure):
    signalement = filed_request(assure, today=clock.today())
    page = person.get(f"/mes-demandes/{signalement.id}")
    response = person.post(
        f"/mes-demandes/{signalement.id}/retirer", data={"csrf_token": csrf_token(page.text), "reason": "x" * 1001}
    )
    assert response.status_code == 422
    assert summary(response.text) == [
        ("reason", "Pourquoi retirez-vous votre demande ? (facultatif) : 1 000 caractères au plus.")
    ]
    assert db.session.get(Signalement, signalement.id).state.value != "retiree"


def test_the_simulator_reports_both_scenarios_and_the_children_at_once(person, db, assure):
    today = clock.today()
    page = person.get("/ma-retraite/simulation")
    response = person.post(
        "/ma-retraite/simulation",
        data={
            "csrf_token": csrf_token(page.text),
            "first-annual_earnings": "20 000",
            "first-departure": f"{today.year - 1}-01",  # in the past: before the first possible departure
            "second-annual_earnings": "20 000",
            "second-part_time_percent": "150",
            "extra_children-0-birth_date": (today + timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 422
    items = summary(response.text)
    assert [target for target, _text in items] == [
        "first-departure", "second-part_time_percent", "extra_children-0-birth_date"
    ]  # fmt: skip
    assert items[0][1].startswith("Scénario 1 – Date de départ à comparer : Le ")
    assert items[1][1] == "Scénario 2 – Temps de travail, en % : Indiquez un pourcentage entre 1 et 100."
    assert items[2][1] == "Autre enfant 1 : date de naissance : Cette date de naissance est dans le futur."
    assert invalid_ids(response.text) == {t for t, _ in items}
    assert title(response.text).startswith("Erreur - ")
    assert not title(person.get("/ma-retraite/simulation").text).startswith("Erreur")


def test_the_messages_of_wtforms_itself_are_in_french(person, db, assure):
    page = person.get("/mes-demandes/nouvelle/missing_period")
    response = person.post(
        "/mes-demandes/nouvelle/missing_period",
        data={"csrf_token": csrf_token(page.text), "start_date": "2011-06-01", "end_date": "2011-09-30",
              "employer_name": "Camping des Pins", "nature": "piraterie"},
    )  # fmt: skip
    assert response.status_code == 422
    assert summary(response.text) == [("nature", "Nature de la période : N'est pas un choix valide.")]


def test_a_value_sent_for_a_field_this_kind_of_request_does_not_show_is_ignored(person, db, assure):
    page = person.get("/mes-demandes/nouvelle/missing_period")
    response = person.post(
        "/mes-demandes/nouvelle/missing_period",
        data={"csrf_token": csrf_token(page.text), "start_date": "2011-06-01", "end_date": "2011-09-30",
              "employer_name": "Camping des Pins", "days": "douze", "period_ids": "x"},
    )  # fmt: skip
    assert response.status_code == 303
    draft = db.session.execute(select(Signalement)).scalar_one()
    assert draft.items[0].proposed_days is None


def test_a_complement_request_reports_its_missing_text_and_its_past_date_at_once(app, db, assure):
    create_agent(CAMILLE[1], "technicien")
    signalement = filed_request(assure, today=clock.today())
    agent = app.test_client()
    assert login_agent(agent, CAMILLE[0]).status_code == 303
    page = agent.get(f"/espace-agents/demandes/{signalement.id}")
    agent.post(f"/espace-agents/demandes/{signalement.id}/prendre", data={"csrf_token": csrf_token(page.text)})
    page = agent.get(f"/espace-agents/demandes/{signalement.id}")
    response = agent.post(
        f"/espace-agents/demandes/{signalement.id}/complement",
        data={"csrf_token": csrf_token(page.text), "message": "   ", "due_date": clock.today().isoformat()},
    )
    assert response.status_code == 422
    assert summary(response.text) == [
        ("message", "Ce qui est demandé à l'assuré : Précisez ce qui est demandé."),
        ("due_date", "Date limite de réponse : La date limite de réponse doit être dans le futur."),
    ]
    assert {"message", "due_date"} <= invalid_ids(response.text)
    assert db.session.get(Signalement, signalement.id).state.value == "en_instruction"


def test_the_nir_step_gets_a_summary_linked_to_its_field(client, db, assure):
    assert login(client).headers["Location"].startswith("/premiere-connexion")
    page = client.get("/premiere-connexion")
    response = client.post("/premiere-connexion", data={"csrf_token": csrf_token(page.text), "nir": "1 62 05"})
    assert summary(response.text)[0][0] == "nir"
    assert "Vous en avez saisi 5" in summary(response.text)[0][1]
    assert "nir" in invalid_ids(response.text)


def test_the_mandate_request_lists_every_field_to_correct_at_once(person, db):
    page = person.get("/mes-representations/nouvelle")
    response = person.post(
        "/mes-representations/nouvelle",
        data={"csrf_token": csrf_token(page.text), "measure": "tutelle", "birth_date": "12/13/1978",
              "decision_date": "2025-12-15"},
    )  # fmt: skip
    assert response.status_code == 422
    targets = [target for target, _text in summary(response.text)]
    assert targets[:3] == ["birth_name", "given_names", "birth_date"]
    assert {"nir", "court_name", "decision_number", "start_date", "end_date", "decision"} <= set(targets)
    birth_date = dict(summary(response.text))["birth_date"]
    assert birth_date == "Date de naissance : Indiquez une date complète : jour, mois et année, par exemple 15/03/2012."
    assert set(targets) <= invalid_ids(response.text)


def test_a_message_with_a_control_character_is_refused_in_french_and_nothing_is_written(person, db, assure):
    # PostgreSQL refuses NUL in a text column: before every form refused control characters this was a 500 there.
    signalement = filed_request(assure, today=clock.today())
    page = person.get(f"/mes-demandes/{signalement.id}")
    before = db.session.scalar(select(func.count(SignalementMessage.id)))
    response = person.post(
        f"/mes-demandes/{signalement.id}/messages", data={"csrf_token": csrf_token(page.text), "body": "Bonjour\x00"}
    )
    assert response.status_code == 422
    assert summary(response.text) == [
        ("body", "Écrire au technicien : Ce champ contient un caractère invisible qui n'est pas accepté : "
                 "retapez-le sans copier-coller.")
    ]  # fmt: skip
    assert db.session.scalar(select(func.count(SignalementMessage.id))) == before
