"""The superviseurs' dashboard: figures computed by the database, a few aggregate queries, whatever the volume."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, select

from portal.agents.models import Agent, AgentRole
from portal.db import db
from portal.signalements.models import Signalement
from portal.signalements.states import DECIDED_STATES, SignalementState


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)


@dataclass
class Figures:
    stock: Table
    flows: Table
    in_time: Table
    overdue: Table
    workload: Table

    def tables(self) -> list[Table]:
        return [self.stock, self.flows, self.in_time, self.overdue, self.workload]


def _scope(statement, agent):
    if agent.role is AgentRole.ADMINISTRATEUR:
        return statement
    return statement.where(Signalement.caisse_id == agent.caisse_id)


def compute(agent, *, today: date, weeks: int = 8) -> Figures:
    open_states = [state.value for state in SignalementState if state.is_open]
    decided = [state.value for state in DECIDED_STATES]

    # Stock: open signalements by state and by age of filing (the date arithmetic is done in Python on a grouped
    # result, the age buckets being few).
    rows = db.session.execute(
        _scope(select(Signalement.state, Signalement.filed_at).where(Signalement.state.in_(open_states)), agent)
        .with_only_columns(Signalement.state, func.date(Signalement.filed_at), func.count())
        .group_by(Signalement.state, func.date(Signalement.filed_at))
    ).all()
    buckets = ("moins de 30 jours", "30 à 59 jours", "60 à 89 jours", "90 jours et plus")
    stock: dict[str, list[int]] = {}
    for state, filed_on, count in rows:
        filed_on = date.fromisoformat(str(filed_on)[:10])
        age = (today - filed_on).days
        index = 0 if age < 30 else 1 if age < 60 else 2 if age < 90 else 3
        stock.setdefault(SignalementState(state).label, [0, 0, 0, 0])[index] += count
    stock_table = Table("Stock de demandes en cours, par état et ancienneté", ["État", *buckets, "Total"])
    for label, counts in sorted(stock.items()):
        stock_table.rows.append([label, *counts, sum(counts)])

    start = today - timedelta(weeks=weeks)
    filed = db.session.execute(
        _scope(select(func.date(Signalement.filed_at), func.count()), agent)
        .where(Signalement.filed_at >= start)
        .group_by(func.date(Signalement.filed_at))
    ).all()
    decided_rows = db.session.execute(
        _scope(select(func.date(Signalement.decided_at), func.count()), agent)
        .where(Signalement.decided_at >= start)
        .group_by(func.date(Signalement.decided_at))
    ).all()
    weekly: dict[date, list[int]] = {}
    for index, source in ((0, filed), (1, decided_rows)):
        for day, count in source:
            day = date.fromisoformat(str(day)[:10])
            monday = day - timedelta(days=day.weekday())
            weekly.setdefault(monday, [0, 0])[index] += count
    flows = Table("Flux hebdomadaires", ["Semaine du", "Déposées", "Décidées"])
    for monday in sorted(weekly, reverse=True):
        flows.rows.append([monday.strftime("%d/%m/%Y"), *weekly[monday]])

    in_time_row = db.session.execute(
        _scope(
            select(
                func.count(),
                func.sum(case((func.date(Signalement.decided_at) <= Signalement.due_date, 1), else_=0)),
            ),
            agent,
        ).where(Signalement.state.in_(decided), Signalement.due_date.is_not(None))
    ).one()
    total, in_time_count = in_time_row[0] or 0, in_time_row[1] or 0
    share = f"{round(100 * in_time_count / total)} %" if total else "—"
    in_time = Table(
        "Demandes décidées dans le délai", ["Décidées", "Dans le délai", "Part"], [[total, in_time_count, share]]
    )

    overdue_rows = db.session.execute(
        _scope(select(Signalement.id, Signalement.created_at, Signalement.due_date, Signalement.state), agent)
        .where(Signalement.state.in_(open_states), Signalement.due_date < today)
        .order_by(Signalement.due_date)
        .limit(100)
    ).all()
    overdue = Table("Demandes en retard (100 plus anciennes)", ["Demande", "Échéance", "Jours de retard", "État"])
    for identifier, created_at, due, state in overdue_rows:
        overdue.rows.append(
            [
                f"{created_at.year}-{identifier:06d}",
                due.strftime("%d/%m/%Y"),
                (today - due).days,
                SignalementState(state).label,
            ]
        )

    workload_rows = db.session.execute(
        _scope(select(Agent.given_name, Agent.usual_name, func.count(Signalement.id)), agent)
        .join(Agent, Agent.id == Signalement.assigned_agent_id)
        .where(Signalement.state.in_(open_states))
        .group_by(Agent.id, Agent.given_name, Agent.usual_name)
        .order_by(func.count(Signalement.id).desc())
    ).all()
    workload = Table("Charge par agent (demandes en cours)", ["Agent", "Demandes"])
    for given, usual, count in workload_rows:
        workload.rows.append([f"{given} {usual}".strip(), count])
    return Figures(stock_table, flows, in_time, overdue, workload)
