"""An account with no file of its own that said it comes for a person it protects: it lands on « Mes
représentations » at login instead of the first-login NIR step.

Revision ID: 0008_declared_representative
Revises: 0007_trust_at_the_seams
Create Date: 2026-12-02 18:10:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008_declared_representative'
down_revision = '0007_trust_at_the_seams'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('declared_representative_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('declared_representative_at')
