"""Trust at the seams: the browser session kept server-side (the cookie holds only its random id), and the
two-party filing under assistance bound to a digest of the draft the first party agreed to.

Revision ID: 0007_trust_at_the_seams
Revises: 0006_mandates
Create Date: 2026-12-02 17:55:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007_trust_at_the_seams'
down_revision = '0006_mandates'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('browser_session',
    sa.Column('id_digest', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id_digest', name=op.f('pk_browser_session'))
    )
    with op.batch_alter_table('browser_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_browser_session_updated_at'), ['updated_at'], unique=False)

    with op.batch_alter_table('signalement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filing_requested_digest', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('signalement', schema=None) as batch_op:
        batch_op.drop_column('filing_requested_digest')

    with op.batch_alter_table('browser_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_browser_session_updated_at'))

    op.drop_table('browser_session')
