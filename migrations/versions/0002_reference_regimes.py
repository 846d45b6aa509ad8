"""Reference data: the pension schemes a career can hold periods in.

Revision ID: 0002_reference_regimes
Revises: 0001_initial
Create Date: 2026-11-24

Data only, kept apart from the schema. The values are frozen here, as they stood when written: a later
change of a name is a new migration, never an edit of this one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_reference_regimes"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

REGIMES = [
    # code, name, short name, kind, counts points
    ("CNAV", "Régime général de la Sécurité sociale (Assurance retraite)", "Régime général", "base", False),
    ("SSI", "Sécurité sociale des indépendants (artisans et commerçants, avant 2020)", "Indépendants (ex-RSI)",
     "base", False),
    ("MSA_SALARIES", "Mutualité sociale agricole, salariés agricoles", "MSA salariés", "base", False),
    ("MSA_EXPLOITANTS", "Mutualité sociale agricole, non-salariés agricoles", "MSA exploitants", "base", False),
    ("SRE", "Service des retraites de l'État (fonctionnaires de l'État et militaires)", "Fonction publique d'État",
     "base", False),
    ("CNRACL", "Caisse nationale de retraites des agents des collectivités locales", "CNRACL", "base", False),
    ("AGIRC_ARRCO", "Agirc-Arrco, retraite complémentaire des salariés du privé", "Agirc-Arrco", "complementaire",
     True),
    ("IRCANTEC", "Ircantec, retraite complémentaire des agents non titulaires de l'État et des collectivités",
     "Ircantec", "complementaire", True),
    ("RAFP", "Retraite additionnelle de la fonction publique", "RAFP", "complementaire", True),
    ("ETRANGER", "Organisme de retraite étranger", "Étranger", "etranger", False),
]  # fmt: skip

regime = sa.table(
    "regime",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("short_name", sa.String),
    sa.column("kind", sa.String),
    sa.column("counts_points", sa.Boolean),
)


def upgrade():
    op.bulk_insert(
        regime,
        [
            {"code": code, "name": name, "short_name": short, "kind": kind, "counts_points": points}
            for code, name, short, kind, points in REGIMES
        ],
    )


def downgrade():
    op.execute(regime.delete().where(regime.c.code.in_([row[0] for row in REGIMES])))
