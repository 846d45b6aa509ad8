"""The outbox on Celery workers: when the next attempt is due (exponential backoff), who is sending an e-mail right
now (a lease, so that two workers never send it twice and a killed worker's e-mail is taken up again once the lease
ends), and a permanent refusal by the mail server (a bounce, SMTP 5xx) that is not retried.

Revision ID: 0010_outbox_on_workers
Revises: 0009_caisse_recourse_address
Create Date: 2026-12-03 13:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010_outbox_on_workers'
down_revision = '0009_caisse_recourse_address'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('bounced_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notification_next_attempt_at'), ['next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_next_attempt_at'))
        batch_op.drop_column('bounced_at')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('next_attempt_at')
