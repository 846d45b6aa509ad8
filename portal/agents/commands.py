"""`flask agents add|remove`: the operators' commands that grant and withdraw access to the back-office."""

import click
from flask import Flask
from sqlalchemy import select

from portal.agents.models import Agent, AgentRole
from portal.agents.services import CAISSES, add_agent, remove_agent
from portal.db import atomic, db


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
            remove_agent(agent)
        click.echo(f"Habilitation retirée : {email}.")

    app.cli.add_command(agents)
