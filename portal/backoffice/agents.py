"""Agents: registering them (`flask agents add`), and recognising them at login."""

import click
from flask import Flask
from sqlalchemy import func, select

from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.backoffice.models import Agent, AgentIdentityLink, AgentRole, Caisse
from portal.db import atomic, utcnow
from portal.extensions import db


class AgentRefused(Exception):
    def __init__(self, reason: str, message: str):
        super().__init__(reason)
        self.reason = reason
        self.message = message


def resolve_agent(login) -> Agent:
    """The registered, active agent behind a verified ProConnect login. The (issuer, sub) pair is linked at the
    first login of an agent registered by e-mail (ProConnect's e-mail is the professional one, verified by the
    administration's identity provider). Raises AgentRefused otherwise."""
    link = db.session.execute(
        select(AgentIdentityLink).where(
            AgentIdentityLink.issuer == login.issuer, AgentIdentityLink.subject == login.subject
        )
    ).scalar_one_or_none()
    if link is not None:
        agent = db.session.get(Agent, link.agent_id)
    else:
        email = (login.claims.get("email") or "").strip().lower()
        agent = db.session.execute(select(Agent).where(func.lower(Agent.email) == email)).scalar_one_or_none()
        if agent is not None:
            db.session.add(AgentIdentityLink(agent_id=agent.id, issuer=login.issuer, subject=login.subject))
    if agent is None:
        raise AgentRefused(
            "not_registered",
            "Votre compte ProConnect est valide, mais vous n'êtes pas habilité à l'espace agents du portail. "
            "Demandez votre habilitation à l'administrateur de votre caisse.",
        )
    if not agent.is_active:
        raise AgentRefused("inactive", "Votre habilitation à l'espace agents a été retirée.")
    agent.given_name = login.claims.get("given_name", agent.given_name)
    agent.usual_name = login.claims.get("usual_name", agent.usual_name)
    agent.last_login_at = utcnow()
    audit(AuditAction.LOGIN, actor=agent, provider="proconnect", acr=login.acr)
    return agent


CAISSES = {
    "CNAV": "Caisse nationale d'assurance vieillesse",
    "CARSAT-RA": "Carsat Rhône-Alpes",
    "CARSAT-BRETAGNE": "Carsat Bretagne",
    "CARSAT-SUD-EST": "Carsat Sud-Est",
    "CNAV-IDF": "Assurance retraite Île-de-France",
}


def ensure_caisse(code: str) -> Caisse:
    caisse = db.session.execute(select(Caisse).where(Caisse.code == code)).scalar_one_or_none()
    if caisse is None:
        if code not in CAISSES:
            raise click.BadParameter(f"caisse inconnue : {code} (connues : {', '.join(sorted(CAISSES))})")
        caisse = Caisse(code=code, name=CAISSES[code])
        db.session.add(caisse)
        db.session.flush()
    return caisse


def add_agent(*, email: str, role: AgentRole, caisse_code: str, given_name: str = "", usual_name: str = "") -> Agent:
    email = email.strip().lower()
    agent = db.session.execute(select(Agent).where(Agent.email == email)).scalar_one_or_none()
    caisse = ensure_caisse(caisse_code)
    if agent is None:
        agent = Agent(email=email, role=role, caisse_id=caisse.id, given_name=given_name, usual_name=usual_name)
        db.session.add(agent)
    else:
        agent.role, agent.caisse_id, agent.is_active = role, caisse.id, True
    db.session.flush()
    audit(AuditAction.AGENT_ADDED, email=email, role=role.value, caisse=caisse.code)
    return agent


def register_commands(app: Flask) -> None:
    agents = click.Group("agents", help="Habilitations des agents à l'espace agents.")

    @agents.command("add")
    @click.option("--email", required=True, help="Adresse professionnelle, celle de ProConnect.")
    @click.option("--role", type=click.Choice([role.value for role in AgentRole]), required=True)
    @click.option("--caisse", "caisse_code", required=True, help=f"Code de la caisse ({', '.join(CAISSES)}).")
    def add_command(email: str, role: str, caisse_code: str):
        """Register (or update) an agent: only registered agents get into the back-office."""
        with atomic():
            agent = add_agent(email=email, role=AgentRole(role), caisse_code=caisse_code)
        click.echo(f"Agent habilité : {agent.email}, {agent.role.label.lower()}, {caisse_code}.")

    @agents.command("remove")
    @click.option("--email", required=True)
    def remove_command(email: str):
        """Withdraw an agent's access (their next request is refused)."""
        with atomic():
            agent = db.session.execute(select(Agent).where(Agent.email == email.strip().lower())).scalar_one_or_none()
            if agent is None:
                raise click.ClickException(f"Aucun agent {email}.")
            agent.is_active = False
        click.echo(f"Habilitation retirée : {email}.")

    app.cli.add_command(agents)

    backoffice = click.Group("backoffice", help="Tâches périodiques de l'espace agents.")

    @backoffice.command("reprioritize")
    def reprioritize_command():
        """Recompute the priority of every open request (the deadline part moves daily; scheduled daily)."""
        from portal import clock
        from portal.backoffice.priority import compute_priority, place_in_queue
        from portal.signalements.models import Signalement
        from portal.signalements.states import SignalementState

        today = clock.today()
        open_states = [state.value for state in SignalementState if state.is_open]
        count = 0
        with atomic():
            statement = select(Signalement).where(Signalement.state.in_(open_states)).execution_options(yield_per=500)
            for signalement in db.session.execute(statement).scalars():
                place_in_queue(signalement, compute_priority(signalement, today=today))
                count += 1
        click.echo(f"{count} demande(s) repriorisée(s).")

    app.cli.add_command(backoffice)
