"""What each agent role may do, in one place. A request of another caisse does not exist for an agent (404)."""

from portal.agents.models import Agent, AgentRole

INSTRUCTING_ROLES = frozenset({AgentRole.TECHNICIEN, AgentRole.SUPERVISEUR})
READING_ROLES = frozenset({AgentRole.TECHNICIEN, AgentRole.SUPERVISEUR, AgentRole.ADMINISTRATEUR})


def is_agent(user) -> bool:
    # Any Flask-Login user may be asked about, the anonymous one included.
    return isinstance(user, Agent) and user.is_active


def can_view_signalement(agent, signalement) -> bool:
    """Technicians and superviseurs of the caisse that instructs the request; administrators (national) all."""
    if not is_agent(agent) or agent.role not in READING_ROLES:
        return False
    return agent.role is AgentRole.ADMINISTRATEUR or signalement.caisse_id == agent.caisse_id


def can_instruct(agent, signalement) -> bool:
    return (
        can_view_signalement(agent, signalement)
        and agent.role in INSTRUCTING_ROLES
        and signalement.caisse_id == agent.caisse_id
    )


def can_assign(agent) -> bool:
    return is_agent(agent) and agent.role is AgentRole.SUPERVISEUR


def can_see_dashboard(agent) -> bool:
    return is_agent(agent) and agent.role in {AgentRole.SUPERVISEUR, AgentRole.ADMINISTRATEUR}


def can_read_audit(agent) -> bool:
    return is_agent(agent) and agent.role in {AgentRole.AUDITEUR, AgentRole.ADMINISTRATEUR}


def can_manage_outbox(agent) -> bool:
    """« E-mails en échec »: the outbox is national and its rows name assurés, so administrateurs only."""
    return is_agent(agent) and agent.role is AgentRole.ADMINISTRATEUR


def can_use_queues(agent) -> bool:
    return is_agent(agent) and agent.role in READING_ROLES


def can_simulate(agent) -> bool:
    """The summary-figures simulator: the roles that open requests (READING_ROLES). The page reads no assuré's
    data, so the rule is about the job, not privacy: an auditeur controls the trail and opens no request, and
    computing a pension from a file's figures is instruction work."""
    return is_agent(agent) and agent.role in READING_ROLES


def can_view_mandate(agent, mandate) -> bool:
    """A mandate is verified where the protected person's file is: the same rule as a request (technicians and
    superviseurs of that caisse, administrators all; an auditeur controls the trail and opens none)."""
    if not is_agent(agent) or agent.role not in READING_ROLES:
        return False
    return agent.role is AgentRole.ADMINISTRATEUR or mandate.caisse_id == agent.caisse_id


def can_verify_mandate(agent, mandate) -> bool:
    """Approve, refuse or revoke: an instructing agent of the protected person's caisse."""
    return can_view_mandate(agent, mandate) and agent.role in INSTRUCTING_ROLES and mandate.caisse_id == agent.caisse_id


def can_resolve_conflict(agent, assure) -> bool:
    """A report that waits on a person's period (« Conflits d'alimentation »): the instructing agents of the
    person's caisse."""
    return is_agent(agent) and agent.role in INSTRUCTING_ROLES and assure.caisse_id == agent.caisse_id
