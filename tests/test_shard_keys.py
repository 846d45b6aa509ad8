"""Ready to be distributed by assuré (docs/scale.md): every query a citizen page sends to a table of a person's file
names that person's id, so that on a cluster distributed by assuré it would go to one shard.

The citizen pages are visited as Jean-Pierre MARTIN with a career, a request and its documents; the SQL each page
sends is read back, each table it names is looked up below, and a table the list does not know fails the test until
it is classified. The rows a request owns (its items, events, messages, findings and the periods they point to) are
still read by the request's id, the request itself having been read by (id, assuré): docs/scale.md says they must
carry the assuré's id before the tables are distributed, and the test holds them to their parent meanwhile."""

import re

from sqlalchemy import select

from portal.auth.models import Account
from portal.db import Base
from tests.builders import create_assure, create_draft, create_period
from tests.fc import login_and_bind

# Distributed by assuré: the column that must appear, compared with a value, in every query that reads the table.
BY_ASSURE = {
    "assure": "assure.id",
    "career_period": "career_period.assure_id",
    "period_version": "period_version.assure_id",
    "confirmation": "confirmation.assure_id",
    "child": "child.assure_id",
    "civil_service_profile": "civil_service_profile.assure_id",
    "signalement": "signalement.assure_id",
    "document": "document.assure_id",
    "identity_record": "identity_record.assure_id",
    "intake_conflict": "intake_conflict.assure_id",
    "mandate": "mandate.protected_assure_id",
    "audit_event": "audit_event.acting_for_assure_id",
}
# A person's rows still reached through their parent's id (docs/scale.md, « What must change first »).
THROUGH_PARENT = {
    "signalement_item": "signalement_item.signalement_id",
    "signalement_event": "signalement_event.signalement_id",
    "signalement_message": "signalement_message.signalement_id",
    "control_finding": "control_finding.signalement_id",
    "annotation": "annotation.signalement_id",
    "document_period": "document_period.period_id",
    "period_report": "period_report.period_id",
}
# Not a person's file: the login side (keyed by the account or the session) and the reference tables, replicated.
OTHERS = {
    "account", "user_session", "browser_session", "identity_link", "authorization_request", "agent",
    "agent_identity_link", "regime", "caisse", "notification", "intake_file", "intake_chunk", "intake_reject",
}  # fmt: skip
TABLES = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)")


def test_every_table_is_classified(app):
    assert set(Base.metadata.tables) == set(BY_ASSURE) | set(THROUGH_PARENT) | OTHERS


def test_every_query_of_a_citizen_page_names_the_person(client, db, count_queries):
    assure = create_assure(identity="demo-jean-pierre-martin")
    period = create_period(assure, year=2010)
    create_period(assure, year=2011)
    assert login_and_bind(client).status_code == 303
    account = db.session.execute(select(Account).where(Account.assure_id == assure.id)).scalar_one()
    draft = create_draft(assure, actor=account, period_ids=[period.period_id])
    db.session.commit()
    pages = [
        "/ma-carriere", f"/ma-carriere/periodes/{period.period_id}", "/ma-carriere/a-verifier",
        "/ma-carriere/releve.pdf", "/mes-demandes", f"/mes-demandes/{draft.id}", "/mes-demandes/nouvelle",
        f"/mes-demandes/{draft.id}/modifier", f"/mes-demandes/{draft.id}/effet-sur-ma-retraite",
        "/ma-retraite/simulation", "/ma-retraite/rachat-de-trimestres", "/mon-espace/actions-de-mes-representants",
    ]  # fmt: skip
    unfiltered = []
    for page in pages:
        with count_queries(without="browser_session") as queries:
            assert client.get(page).status_code == 200, page
        for statement in queries.statements:
            if not statement.startswith("SELECT"):
                continue
            # A statement names the person when it compares one of the assuré columns with a value; the tables it
            # joins on their keys are then the person's rows too.
            names_person = any(re.search(rf"{re.escape(column)} (=|IN) ", statement) for column in BY_ASSURE.values())
            for table in set(TABLES.findall(statement)):
                parent = THROUGH_PARENT.get(table)
                if table not in BY_ASSURE and parent is None:
                    assert table in OTHERS, f"{table} is not classified"
                    continue
                if names_person or (parent is not None and re.search(rf"{re.escape(parent)} (=|IN) ", statement)):
                    continue
                unfiltered.append(f"{page}: {table}: {statement[statement.find(' FROM ') :][:260]}")
    assert unfiltered == []
