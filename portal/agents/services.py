"""Agents: registering them, and recognising them at login."""

import getpass

import click
from sqlalchemy import func, select

from portal.agents.models import Agent, AgentIdentityLink, AgentRole, Caisse
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.db import db, utcnow


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

# Where to write to each caisse's commission de recours amiable (CSS R142-1): the caisses' published postal
# addresses (the commission sits at the caisse's head office). In Île-de-France the Cnav is the regional caisse.
RECOURSE_ADDRESSES = {
    "CNAV": "Commission de recours amiable\nCaisse nationale d'assurance vieillesse\n75951 Paris Cedex 19",
    "CARSAT-RA": "Commission de recours amiable\nCarsat Rhône-Alpes\n35 rue Maurice Flandin\n69436 Lyon Cedex 03",
    "CARSAT-BRETAGNE": "Commission de recours amiable\nCarsat Bretagne\n236 rue de Châteaugiron\n35030 Rennes Cedex 9",
    "CARSAT-SUD-EST": "Commission de recours amiable\nCarsat Sud-Est\n35 rue George\n13386 Marseille Cedex 20",
    "CNAV-IDF": "Commission de recours amiable\nAssurance retraite Île-de-France\n75951 Paris Cedex 19",
}


def ensure_caisse(code: str) -> Caisse:
    """The caisse of this code, created from CAISSES when missing; its recourse address filled in when known here
    and not yet recorded (caisses created before the address was kept). Raises click.BadParameter for an unknown
    code."""
    caisse = db.session.execute(select(Caisse).where(Caisse.code == code)).scalar_one_or_none()
    if caisse is None:
        if code not in CAISSES:
            raise click.BadParameter(f"caisse inconnue : {code} (connues : {', '.join(sorted(CAISSES))})")
        caisse = Caisse(code=code, name=CAISSES[code], recourse_address=RECOURSE_ADDRESSES.get(code))
        db.session.add(caisse)
        db.session.flush()
    elif caisse.recourse_address is None and code in RECOURSE_ADDRESSES:
        caisse.recourse_address = RECOURSE_ADDRESSES[code]
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
    audit(AuditAction.AGENT_ADDED, email=email, role=role.value, caisse=caisse.code, operator=_operator())
    return agent


def _operator() -> str:
    """The system account that runs the command: the trail's only clue to who granted or withdrew an access."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name for this uid (a container without passwd entry)
        return "inconnu"


def remove_agent(agent: Agent) -> Agent:
    """Withdraw an agent's access: their next request is refused. The row stays (the trail and the requests name
    them). Recorded without an actor, as `agents add` is: the command is run by an administrator of the server."""
    agent.is_active = False
    db.session.flush()
    audit(AuditAction.AGENT_REMOVED, email=agent.email, role=agent.role.value, caisse=agent.caisse.code,
          operator=_operator())  # fmt: skip
    return agent
