"""A decided request states its voies et délais de recours (CSS R142-1): a written recourse to the commission de
recours amiable of the person's caisse, within two months of the notification, at the postal address the caisse's
data holds. The page and the e-mail announcing the decision say the same; without a known address they say where to
find it."""

from datetime import datetime

import pytest

from portal import clock
from portal.agents.models import Caisse
from portal.agents.services import RECOURSE_ADDRESSES, ensure_caisse
from portal.formatting import format_date
from portal.pension_rules.dates import add_months
from portal.signalements import instruction
from tests.backoffice.helpers import CAMILLE, filed_request
from tests.builders import create_agent, create_assure, create_period
from tests.conftest import text_of
from tests.fc import login_and_bind


@pytest.fixture
def person(client, db):
    assure = create_assure(identity="demo-jean-pierre-martin", caisse="CARSAT-RA")
    create_period(assure, year=2012)
    assert login_and_bind(client).status_code == 303
    return client, assure


def refuse(signalement):
    """The technician of the assuré's caisse takes the request and refuses it, through the back-office's service."""
    agent = create_agent(CAMILLE[1], "technicien", "CARSAT-RA")
    instruction.take(signalement, agent=agent, today=clock.today())
    instruction.decide(
        signalement,
        agent=agent,
        decisions=[
            instruction.ItemDecision(item_id=item.id, decision="refused", motive="Justificatif insuffisant")
            for item in signalement.items
        ],
        expected_version=signalement.version_id,
        today=clock.today(),
    )
    assert signalement.state.is_decided
    return signalement


def test_the_decision_page_states_the_two_month_recourse_to_the_caisse_commission_at_its_address(person, db):
    client, assure = person
    signalement = refuse(filed_request(assure, today=clock.today()))
    # A decision notified on 15 May 2026 can be contested until 15 July 2026.
    signalement.decided_at = datetime(2026, 5, 15, 9, 30)
    db.session.flush()

    page = text_of(client.get(f"/mes-demandes/{signalement.id}"))
    assert "Voies et délais de recours" in page
    assert "commission de recours amiable de Carsat Rhône-Alpes" in page
    assert "dans un délai de deux mois à compter de sa notification" in page
    assert "article R142-1 du code de la sécurité sociale" in page
    assert "jusqu'au <strong>15 juillet 2026</strong>" in page
    assert "35 rue Maurice Flandin\n69436 Lyon Cedex 03" in page
    assert f"n° {signalement.reference}" in page
    assert "depuis votre espace" not in page  # no recourse from the portal until the relation-client issue


def test_the_decision_e_mail_states_the_same_recourse(person, db, mail_sink):
    client, assure = person
    signalement = refuse(filed_request(assure, today=clock.today()))
    db.session.commit()  # the back-office's request commits, and the e-mail leaves after it

    mail = mail_sink.messages[-1]
    assert "Une décision a été prise" in mail["Subject"]
    body = mail.get_content().replace("\r\n", "\n")  # SMTP's line ends
    assert "commission de recours amiable de Carsat Rhône-Alpes" in body
    assert "deux mois à compter de sa notification (article R142-1 du code de la sécurité sociale)" in body
    assert f"jusqu'au {format_date(add_months(signalement.decided_at.date(), 2), 'long')}" in body
    assert RECOURSE_ADDRESSES["CARSAT-RA"] in body
    assert "Justificatif insuffisant" not in body  # still no detail of the request in an e-mail


def test_without_a_known_address_the_page_says_where_to_find_it(person, db):
    client, assure = person
    signalement = refuse(filed_request(assure, today=clock.today()))
    db.session.get(Caisse, signalement.caisse_id).recourse_address = None
    db.session.flush()

    page = text_of(client.get(f"/mes-demandes/{signalement.id}"))
    assert "commission de recours amiable de Carsat Rhône-Alpes" in page
    assert "R142-1" in page
    assert "lassuranceretraite.fr" in page
    assert "3960" in page
    assert "<address" not in page


def test_a_caisse_recorded_before_the_addresses_gets_its_address(db):
    db.session.add(Caisse(code="CARSAT-BRETAGNE", name="Carsat Bretagne"))
    db.session.flush()
    caisse = ensure_caisse("CARSAT-BRETAGNE")
    assert caisse.recourse_address == (
        "Commission de recours amiable\nCarsat Bretagne\n236 rue de Châteaugiron\n35030 Rennes Cedex 9"
    )
