"""Representatives: mandates (measure, scope, dates, verification, revocation), the court decision as a document,
and the two-party filing of a signalement under a measure of assistance.

Revision ID: 0006_mandates
Revises: 0005_backoffice
Create Date: 2026-12-01 19:05:21.054684

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006_mandates'
down_revision = '0005_backoffice'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mandate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('representative_account_id', sa.Integer(), nullable=False),
    sa.Column('representative_name', sa.String(length=250), nullable=False),
    sa.Column('protected_assure_id', sa.Integer(), nullable=False),
    sa.Column('caisse_id', sa.Integer(), nullable=True),
    sa.Column('measure', sa.Enum('sauvegarde_justice', 'curatelle_simple', 'curatelle_renforcee', 'tutelle', 'habilitation_representation', 'habilitation_assistance', 'mandat_protection_future', name='measure', native_enum=False, length=32), nullable=False),
    sa.Column('court_name', sa.String(length=200), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=False),
    sa.Column('decision_number', sa.String(length=60), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('allowed_actions', sa.String(length=200), nullable=False),
    sa.Column('sworn_statement_at', sa.DateTime(), nullable=False),
    sa.Column('state', sa.Enum('demande', 'actif', 'refuse', 'revoque', 'expire', name='mandatestate', native_enum=False, length=32), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_agent_id', sa.Integer(), nullable=True),
    sa.Column('refusal_motive', sa.Text(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_agent_id', sa.Integer(), nullable=True),
    sa.Column('revocation_motive', sa.Text(), nullable=True),
    sa.Column('expired_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['caisse_id'], ['caisse.id'], name=op.f('fk_mandate_caisse_id_caisse')),
    sa.ForeignKeyConstraint(['decided_by_agent_id'], ['agent.id'], name=op.f('fk_mandate_decided_by_agent_id_agent')),
    sa.ForeignKeyConstraint(['protected_assure_id'], ['assure.id'], name=op.f('fk_mandate_protected_assure_id_assure')),
    sa.ForeignKeyConstraint(['representative_account_id'], ['account.id'], name=op.f('fk_mandate_representative_account_id_account')),
    sa.ForeignKeyConstraint(['revoked_by_agent_id'], ['agent.id'], name=op.f('fk_mandate_revoked_by_agent_id_agent')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mandate'))
    )
    with op.batch_alter_table('mandate', schema=None) as batch_op:
        batch_op.create_index('ix_mandate_protected', ['protected_assure_id', 'state'], unique=False)
        batch_op.create_index('ix_mandate_queue', ['caisse_id', 'state', 'requested_at'], unique=False)
        batch_op.create_index('ix_mandate_representative', ['representative_account_id', 'state'], unique=False)

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mandate_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_document_mandate_id'), ['mandate_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_document_mandate_id_mandate'), 'mandate', ['mandate_id'], ['id'])

    with op.batch_alter_table('signalement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filing_requested_by_account_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('filing_requested_by_label', sa.String(length=250), nullable=True))
        batch_op.add_column(sa.Column('filing_requested_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_signalement_filing_requested_by_account_id_account'), 'account', ['filing_requested_by_account_id'], ['id'])



def downgrade():
    with op.batch_alter_table('signalement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_signalement_filing_requested_by_account_id_account'), type_='foreignkey')
        batch_op.drop_column('filing_requested_at')
        batch_op.drop_column('filing_requested_by_label')
        batch_op.drop_column('filing_requested_by_account_id')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_document_mandate_id_mandate'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_document_mandate_id'))
        batch_op.drop_column('mandate_id')

    with op.batch_alter_table('mandate', schema=None) as batch_op:
        batch_op.drop_index('ix_mandate_representative')
        batch_op.drop_index('ix_mandate_queue')
        batch_op.drop_index('ix_mandate_protected')

    op.drop_table('mandate')
