"""« Conflits d'alimentation »: a report that corrects a period under a pending signalement waits for a technician
of the person's caisse, shows on the request's screen and on the person's career page, and is applied or set
aside; other caisses do not see it."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.careers.models import PeriodVersion
from portal.formatting import format_euros
from portal.intake.models import ConflictState, IntakeConflict
from portal.signalements import services as signalements_services
from tests.backoffice.helpers import ANNE_LAURE, CAMILLE
from tests.backoffice.test_backoffice import agent_client
from tests.builders import create_citizen_account, create_draft
from tests.conftest import csrf_token, text_of
from tests.fc import login_and_bind
from tests.intake.test_import import run, salaried, versions, write


def waiting_declaration(app, db, assure, tmp_path) -> tuple[int, IntakeConflict]:
    run(app, write(tmp_path, "a.csv", salaried("DSN-1")))
    (version,) = versions(db, "DSN-1")
    account = create_citizen_account(assure)
    draft = create_draft(assure, actor=account, period_ids=[version.period_id])
    signalements_services.submit(draft, actor=account, today=date(2026, 11, 2))
    run(app, write(tmp_path, "b.csv", salaried("DSN-1", earnings="17000.00")))
    (conflict,) = db.session.execute(select(IntakeConflict)).scalars()
    return draft.id, conflict


def decide(client, conflict_id: int, decision: str):
    page = client.get(f"/espace-agents/conflits-d-alimentation/{conflict_id}")
    return client.post(
        f"/espace-agents/conflits-d-alimentation/{conflict_id}/{decision}", data={"csrf_token": csrf_token(page.text)}
    )


def test_a_technician_sees_the_declaration_beside_the_period_and_applies_it(app, db, assure, agents, tmp_path):
    _, conflict = waiting_declaration(app, db, assure, tmp_path)
    camille = agent_client(app, CAMILLE)
    listing = text_of(camille.get("/espace-agents/conflits-d-alimentation"))
    assert "1 déclaration en attente." in listing
    assert "DSN-1" in listing
    assert "Une demande en cours porte sur cette période." in listing
    detail = text_of(camille.get(f"/espace-agents/conflits-d-alimentation/{conflict.id}"))
    assert format_euros(Decimal("16250")) in detail
    assert format_euros(Decimal("17000")) in detail
    response = decide(camille, conflict.id, "appliquer")
    assert response.status_code == 303
    assert "est appliquée" in text_of(camille.get(response.headers["Location"]))
    first, second = versions(db, "DSN-1")
    assert (first.earnings_cents, second.earnings_cents) == (1_625_000, 1_700_000)
    assert second.superseded_at is None
    assert first.superseded_at is not None
    assert "conflit d'alimentation n°" in second.reason
    db.session.refresh(conflict)
    assert conflict.state is ConflictState.APPLIED
    assert conflict.resolved_by_agent_id == agents["camille"].id
    (resolved,) = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "intake.conflict_resolved")
    ).scalars()
    assert (resolved.actor_agent_id, resolved.subject_assure_id) == (agents["camille"].id, assure.id)
    assert resolved.data == {"conflict_id": conflict.id, "outcome": "applied"}
    # Decided once: a second post changes nothing and says so.
    again = decide(camille, conflict.id, "ecarter")
    assert "déjà été traité" in text_of(camille.get(again.headers["Location"]))
    assert len(versions(db, "DSN-1")) == 2


def test_a_declaration_set_aside_leaves_the_period_as_it_is(app, db, assure, agents, tmp_path):
    _, conflict = waiting_declaration(app, db, assure, tmp_path)
    camille = agent_client(app, CAMILLE)
    decide(camille, conflict.id, "ecarter")
    assert [v.earnings_cents for v in versions(db, "DSN-1")] == [1_625_000]
    db.session.refresh(conflict)
    assert conflict.state is ConflictState.DISMISSED
    assert "0 déclaration" not in text_of(camille.get("/espace-agents/conflits-d-alimentation"))
    assert "Aucune déclaration en attente." in text_of(camille.get("/espace-agents/conflits-d-alimentation"))


def test_another_caisse_neither_sees_nor_decides_it(app, db, assure, agents, tmp_path):
    _, conflict = waiting_declaration(app, db, assure, tmp_path)
    anne_laure = agent_client(app, ANNE_LAURE)  # CARSAT Bretagne; the person's caisse is CARSAT Rhône-Alpes
    assert "Aucune déclaration en attente." in text_of(anne_laure.get("/espace-agents/conflits-d-alimentation"))
    assert anne_laure.get(f"/espace-agents/conflits-d-alimentation/{conflict.id}").status_code == 404
    page = anne_laure.get("/espace-agents/conflits-d-alimentation")
    refused = anne_laure.post(
        f"/espace-agents/conflits-d-alimentation/{conflict.id}/appliquer", data={"csrf_token": csrf_token(page.text)}
    )
    assert refused.status_code == 404
    assert anne_laure.get("/espace-agents/conflits-d-alimentation/999999").status_code == 404
    assert [v.earnings_cents for v in versions(db, "DSN-1")] == [1_625_000]
    assert db.session.execute(select(PeriodVersion)).scalars().all()


def test_the_request_screen_shows_it_among_its_controls(app, db, assure, agents, tmp_path):
    signalement_id, conflict = waiting_declaration(app, db, assure, tmp_path)
    screen = text_of(agent_client(app, CAMILLE).get(f"/espace-agents/demandes/{signalement_id}"))
    assert "[ALIMENTATION]" in screen
    assert "DSN-1" in screen


def test_the_persons_career_page_says_a_new_declaration_is_being_checked(app, client, db, assure, agents, tmp_path):
    assert login_and_bind(client).status_code == 303  # first: the request below is then filed from this account
    waiting_declaration(app, db, assure, tmp_path)
    page = text_of(client.get("/ma-carriere"))
    assert "Une nouvelle déclaration est en cours de vérification" in page
    assert "Nouvelle déclaration en cours de vérification" in page


def test_a_new_report_over_a_period_under_a_request_waits_and_applied_adds_a_period(app, db, assure, agents, tmp_path):
    # The person asked for a missing period of 2026 (pending); the employer's DSN for the same months arrives: it may
    # be that very period, declared at last, and a technician decides whether it is added.
    first = run(app, write(tmp_path, "a.csv", salaried("DSN-1")))
    assert "1 période(s) créée(s)" in first.output
    (version,) = versions(db, "DSN-1")
    account = create_citizen_account(assure)
    draft = create_draft(assure, actor=account, period_ids=[version.period_id])
    signalements_services.submit(draft, actor=account, today=date(2026, 11, 2))
    result = run(app, write(tmp_path, "b.csv", salaried("DSN-7", start="2026-03-01")))
    assert "0 période(s) créée(s), 0 rectifiée(s), 0 inchangée(s), 1 en conflit à vérifier" in result.output
    assert versions(db, "DSN-7") == []
    (conflict,) = db.session.execute(select(IntakeConflict)).scalars()
    assert conflict.adds_period
    assert conflict.reason == "La déclaration recouvre une période visée par une demande en cours."
    camille = agent_client(app, CAMILLE)
    assert "Nouvelle période déclarée" in text_of(camille.get(f"/espace-agents/conflits-d-alimentation/{conflict.id}"))
    decide(camille, conflict.id, "appliquer")
    (added,) = versions(db, "DSN-7")
    assert added.period_id != version.period_id
    assert "conflit d'alimentation n°" in added.reason
    # Sent again, the report is known: nothing more.
    again = run(
        app,
        write(
            tmp_path,
            "c.csv",
            salaried("DSN-7", start="2026-03-01"),
            salaried("DSN-8", start="2025-01-01", end="2025-12-31"),
        ),
    )
    assert "1 période(s) créée(s), 0 rectifiée(s), 1 inchangée(s), 0 en conflit" in again.output
