"""Signalements, justificatifs, outbox, confirmations, children

Revision ID: 0003_signalements_documents
Revises: 0002_reference_regimes
Create Date: 2026-11-24 20:03:17.721480

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003_signalements_documents'
down_revision = '0002_reference_regimes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_sent_at'), ['sent_at'], unique=False)

    op.create_table('child',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assure_id', sa.Integer(), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('is_adopted', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['assure_id'], ['assure.id'], name=op.f('fk_child_assure_id_assure')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_child'))
    )
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_child_assure_id'), ['assure_id'], unique=False)

    op.create_table('confirmation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assure_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('period_version_ids', sa.String(length=2000), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_confirmation_account_id_account')),
    sa.ForeignKeyConstraint(['assure_id'], ['assure.id'], name=op.f('fk_confirmation_assure_id_assure')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_confirmation'))
    )
    with op.batch_alter_table('confirmation', schema=None) as batch_op:
        batch_op.create_index('ix_confirmation_assure_year', ['assure_id', 'year'], unique=False)

    op.create_table('signalement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assure_id', sa.Integer(), nullable=False),
    sa.Column('created_by_account_id', sa.Integer(), nullable=False),
    sa.Column('anomaly_type', sa.Enum('missing_period', 'wrong_dates', 'wrong_earnings', 'wrong_employer', 'wrong_nature', 'duplicate', 'unemployment_missing', 'sickness_missing', 'maternity_missing', 'national_service_missing', 'children', 'other', name='anomalytype', native_enum=False, length=32), nullable=False),
    sa.Column('state', sa.Enum('brouillon', 'deposee', 'en_instruction', 'complement_demande', 'acceptee', 'partiellement_acceptee', 'refusee', 'classee_sans_suite', 'retiree', name='signalementstate', native_enum=False, length=32), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('filed_at', sa.DateTime(), nullable=True),
    sa.Column('complete_date', sa.Date(), nullable=True),
    sa.Column('target_days', sa.Integer(), nullable=True),
    sa.Column('paused_since', sa.Date(), nullable=True),
    sa.Column('paused_days', sa.Integer(), nullable=False),
    sa.Column('complement_due_date', sa.Date(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assure_id'], ['assure.id'], name=op.f('fk_signalement_assure_id_assure')),
    sa.ForeignKeyConstraint(['created_by_account_id'], ['account.id'], name=op.f('fk_signalement_created_by_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signalement'))
    )
    with op.batch_alter_table('signalement', schema=None) as batch_op:
        batch_op.create_index('ix_signalement_assure_state', ['assure_id', 'state'], unique=False)

    op.create_table('signalement_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signalement_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('from_state', sa.Enum('brouillon', 'deposee', 'en_instruction', 'complement_demande', 'acceptee', 'partiellement_acceptee', 'refusee', 'classee_sans_suite', 'retiree', name='signalementstate', native_enum=False, length=32), nullable=True),
    sa.Column('to_state', sa.Enum('brouillon', 'deposee', 'en_instruction', 'complement_demande', 'acceptee', 'partiellement_acceptee', 'refusee', 'classee_sans_suite', 'retiree', name='signalementstate', native_enum=False, length=32), nullable=False),
    sa.Column('actor_account_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_account_id'], ['account.id'], name=op.f('fk_signalement_event_actor_account_id_account')),
    sa.ForeignKeyConstraint(['signalement_id'], ['signalement.id'], name=op.f('fk_signalement_event_signalement_id_signalement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signalement_event'))
    )
    with op.batch_alter_table('signalement_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signalement_event_signalement_id'), ['signalement_id'], unique=False)

    op.create_table('signalement_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signalement_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('proposed_nature', sa.Enum('salaried', 'apprenticeship', 'self_employed', 'public_service', 'unemployment', 'sickness', 'maternity', 'invalidity', 'national_service', 'avpf', 'abroad', name='periodnature', native_enum=False, length=32), nullable=True),
    sa.Column('proposed_regime_id', sa.Integer(), nullable=True),
    sa.Column('proposed_start_date', sa.Date(), nullable=True),
    sa.Column('proposed_end_date', sa.Date(), nullable=True),
    sa.Column('proposed_employer_name', sa.String(length=200), nullable=True),
    sa.Column('proposed_employer_siret', sa.String(length=14), nullable=True),
    sa.Column('proposed_earnings_cents', sa.Integer(), nullable=True),
    sa.Column('proposed_days', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=32), nullable=True),
    sa.Column('decision_motive', sa.String(length=200), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['period_id'], ['career_period.id'], name=op.f('fk_signalement_item_period_id_career_period')),
    sa.ForeignKeyConstraint(['proposed_regime_id'], ['regime.id'], name=op.f('fk_signalement_item_proposed_regime_id_regime')),
    sa.ForeignKeyConstraint(['signalement_id'], ['signalement.id'], name=op.f('fk_signalement_item_signalement_id_signalement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signalement_item'))
    )
    with op.batch_alter_table('signalement_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signalement_item_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signalement_item_signalement_id'), ['signalement_id'], unique=False)

    op.create_table('signalement_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signalement_id', sa.Integer(), nullable=False),
    sa.Column('author_kind', sa.String(length=16), nullable=False),
    sa.Column('author_account_id', sa.Integer(), nullable=True),
    sa.Column('author_label', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_account_id'], ['account.id'], name=op.f('fk_signalement_message_author_account_id_account')),
    sa.ForeignKeyConstraint(['signalement_id'], ['signalement.id'], name=op.f('fk_signalement_message_signalement_id_signalement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signalement_message'))
    )
    with op.batch_alter_table('signalement_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signalement_message_signalement_id'), ['signalement_id'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assure_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_account_id', sa.Integer(), nullable=True),
    sa.Column('signalement_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assure_id'], ['assure.id'], name=op.f('fk_document_assure_id_assure')),
    sa.ForeignKeyConstraint(['message_id'], ['signalement_message.id'], name=op.f('fk_document_message_id_signalement_message')),
    sa.ForeignKeyConstraint(['signalement_id'], ['signalement.id'], name=op.f('fk_document_signalement_id_signalement')),
    sa.ForeignKeyConstraint(['uploaded_by_account_id'], ['account.id'], name=op.f('fk_document_uploaded_by_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_document_storage_key'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_assure_id'), ['assure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_signalement_id'), ['signalement_id'], unique=False)

    op.create_table('document_period',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_period_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['period_id'], ['career_period.id'], name=op.f('fk_document_period_period_id_career_period')),
    sa.PrimaryKeyConstraint('document_id', 'period_id', name=op.f('pk_document_period'))
    )


def downgrade():
    op.drop_table('document_period')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_signalement_id'))
        batch_op.drop_index(batch_op.f('ix_document_sha256'))
        batch_op.drop_index(batch_op.f('ix_document_assure_id'))

    op.drop_table('document')
    with op.batch_alter_table('signalement_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signalement_message_signalement_id'))

    op.drop_table('signalement_message')
    with op.batch_alter_table('signalement_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signalement_item_signalement_id'))
        batch_op.drop_index(batch_op.f('ix_signalement_item_period_id'))

    op.drop_table('signalement_item')
    with op.batch_alter_table('signalement_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signalement_event_signalement_id'))

    op.drop_table('signalement_event')
    with op.batch_alter_table('signalement', schema=None) as batch_op:
        batch_op.drop_index('ix_signalement_assure_state')

    op.drop_table('signalement')
    with op.batch_alter_table('confirmation', schema=None) as batch_op:
        batch_op.drop_index('ix_confirmation_assure_year')

    op.drop_table('confirmation')
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_child_assure_id'))

    op.drop_table('child')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_sent_at'))
        batch_op.drop_index(batch_op.f('ix_notification_created_at'))

    op.drop_table('notification')
