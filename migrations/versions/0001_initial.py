"""Initial schema: assurés, régimes, versioned career periods, accounts, identity links, sessions, audit.

Revision ID: 0001_initial
Revises: 
Create Date: 2026-11-24 19:20:14.854461

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nir', sa.String(length=15), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('birth_name', sa.String(length=120), nullable=False),
    sa.Column('usage_name', sa.String(length=120), nullable=True),
    sa.Column('given_names', sa.String(length=200), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('birth_place_code', sa.String(length=5), nullable=True),
    sa.Column('birth_country_code', sa.String(length=5), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assure')),
    sa.UniqueConstraint('nir', name=op.f('uq_assure_nir'))
    )
    op.create_table('authorization_request',
    sa.Column('state_digest', sa.String(length=64), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('nonce', sa.String(length=128), nullable=False),
    sa.Column('code_verifier', sa.String(length=128), nullable=False),
    sa.Column('next_path', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('consumed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('state_digest', name=op.f('pk_authorization_request'))
    )
    op.create_table('regime',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.Enum('base', 'complementaire', 'etranger', name='regimekind', native_enum=False, length=32), nullable=False),
    sa.Column('counts_points', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regime')),
    sa.UniqueConstraint('code', name=op.f('uq_regime_code'))
    )
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assure_id', sa.Integer(), nullable=True),
    sa.Column('pivot_identity', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.Column('bound_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assure_id'], ['assure.id'], name=op.f('fk_account_assure_id_assure')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('assure_id', name=op.f('uq_account_assure_id'))
    )
    op.create_table('career_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assure_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assure_id'], ['assure.id'], name=op.f('fk_career_period_assure_id_assure')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_career_period'))
    )
    with op.batch_alter_table('career_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_career_period_assure_id'), ['assure_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('actor_account_id', sa.Integer(), nullable=True),
    sa.Column('subject_assure_id', sa.Integer(), nullable=True),
    sa.Column('acting_for_assure_id', sa.Integer(), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['acting_for_assure_id'], ['assure.id'], name=op.f('fk_audit_event_acting_for_assure_id_assure')),
    sa.ForeignKeyConstraint(['actor_account_id'], ['account.id'], name=op.f('fk_audit_event_actor_account_id_account')),
    sa.ForeignKeyConstraint(['subject_assure_id'], ['assure.id'], name=op.f('fk_audit_event_subject_assure_id_assure')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_subject_assure_id'), ['subject_assure_id'], unique=False)

    op.create_table('identity_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_identity_link_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_link')),
    sa.UniqueConstraint('issuer', 'subject', name=op.f('uq_identity_link_issuer_subject'))
    )
    with op.batch_alter_table('identity_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_link_account_id'), ['account_id'], unique=False)

    op.create_table('period_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('assure_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('regime_id', sa.Integer(), nullable=False),
    sa.Column('nature', sa.Enum('salaried', 'apprenticeship', 'self_employed', 'public_service', 'unemployment', 'sickness', 'maternity', 'invalidity', 'national_service', 'avpf', 'abroad', name='periodnature', native_enum=False, length=32), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('employer_name', sa.String(length=200), nullable=True),
    sa.Column('employer_siret', sa.String(length=14), nullable=True),
    sa.Column('earnings_cents', sa.BigInteger(), nullable=True),
    sa.Column('quarters', sa.Integer(), nullable=True),
    sa.Column('points', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('source', sa.Enum('dsn', 'dads', 'annual_report', 'self_employed_declaration', 'france_travail', 'health_insurance', 'family_allowance', 'military_record', 'foreign_institution', 'public_employer', 'correction', name='datasource', native_enum=False, length=32), nullable=False),
    sa.Column('source_reference', sa.String(length=120), nullable=True),
    sa.Column('is_withdrawn', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('superseded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assure_id'], ['assure.id'], name=op.f('fk_period_version_assure_id_assure')),
    sa.ForeignKeyConstraint(['period_id'], ['career_period.id'], name=op.f('fk_period_version_period_id_career_period')),
    sa.ForeignKeyConstraint(['regime_id'], ['regime.id'], name=op.f('fk_period_version_regime_id_regime')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period_version')),
    sa.UniqueConstraint('period_id', 'number', name=op.f('uq_period_version_period_id_number'))
    )
    with op.batch_alter_table('period_version', schema=None) as batch_op:
        batch_op.create_index('ix_period_version_current', ['assure_id', 'superseded_at', 'start_date'], unique=False)

    op.create_table('user_session',
    sa.Column('id_digest', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('id_token', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_user_session_account_id_account')),
    sa.PrimaryKeyConstraint('id_digest', name=op.f('pk_user_session'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_account_id'), ['account_id'], unique=False)



def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_account_id'))

    op.drop_table('user_session')
    with op.batch_alter_table('period_version', schema=None) as batch_op:
        batch_op.drop_index('ix_period_version_current')

    op.drop_table('period_version')
    with op.batch_alter_table('identity_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_link_account_id'))

    op.drop_table('identity_link')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_subject_assure_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_occurred_at'))

    op.drop_table('audit_event')
    with op.batch_alter_table('career_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_career_period_assure_id'))

    op.drop_table('career_period')
    op.drop_table('account')
    op.drop_table('regime')
    op.drop_table('authorization_request')
    op.drop_table('assure')
