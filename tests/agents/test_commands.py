"""`flask agents add` and `flask agents remove`: an access granted or withdrawn is written to the audit trail."""

from sqlalchemy import select

from portal.agents.models import Agent
from portal.audit.models import AuditEvent
from tests.backoffice.helpers import CAMILLE


def _run(app, *args):
    result = app.test_cli_runner().invoke(args=["agents", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_withdrawing_an_agent_s_access_is_audited_with_who_ran_the_command(app, db):
    _run(app, "add", "--email", CAMILLE[1], "--role", "technicien", "--caisse", "CARSAT-RA")
    output = _run(app, "remove", "--email", CAMILLE[1].upper())
    assert f"Habilitation retirée : {CAMILLE[1].upper()}." in output
    agent = db.session.execute(select(Agent).where(Agent.email == CAMILLE[1])).scalar_one()
    assert agent.is_active is False
    removed = db.session.execute(select(AuditEvent).where(AuditEvent.action == "agent.removed")).scalar_one()
    assert removed.data["email"] == CAMILLE[1]
    assert removed.data["role"] == "technicien"
    assert removed.data["caisse"] == "CARSAT-RA"
    assert removed.data["operator"]
    added = db.session.execute(select(AuditEvent).where(AuditEvent.action == "agent.added")).scalar_one()
    assert added.data["operator"] == removed.data["operator"]


def test_removing_an_unknown_agent_says_so_and_writes_nothing(app, db):
    result = app.test_cli_runner().invoke(args=["agents", "remove", "--email", "personne@example.fr"])
    assert result.exit_code != 0
    assert "Aucun agent personne@example.fr." in result.output
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "agent.removed")).first() is None
