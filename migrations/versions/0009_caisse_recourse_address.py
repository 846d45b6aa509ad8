"""The postal address of each caisse's commission de recours amiable, stated with a decision's voies de recours
(CSS R142-1). Unknown (NULL) until filled: the pages then say where to find it.

Revision ID: 0009_caisse_recourse_address
Revises: 0008_declared_representative
Create Date: 2026-12-02 18:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009_caisse_recourse_address'
down_revision = '0008_declared_representative'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('caisse', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recourse_address', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('caisse', schema=None) as batch_op:
        batch_op.drop_column('recourse_address')
