"""Back-office: caisses, agents, annotations, control findings, queue columns.

Existing requests get priority 0 and no risk flag (server defaults); `flask backoffice reprioritize` computes them.

Revision ID: 0005_backoffice
Revises: 0004_audit_hash_chain
Create Date: 2026-11-24 20:32:12.621519

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005_backoffice'
down_revision = '0004_audit_hash_chain'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('caisse',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_caisse')),
    sa.UniqueConstraint('code', name=op.f('uq_caisse_code'))
    )
    op.create_table('agent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('given_name', sa.String(length=120), nullable=False),
    sa.Column('usual_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('technicien', 'superviseur', 'auditeur', 'administrateur', name='agentrole', native_enum=False, length=32), nullable=False),
    sa.Column('caisse_id', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['caisse_id'], ['caisse.id'], name=op.f('fk_agent_caisse_id_caisse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent')),
    sa.UniqueConstraint('email', name=op.f('uq_agent_email'))
    )
    op.create_table('agent_identity_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_agent_identity_link_agent_id_agent')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_identity_link')),
    sa.UniqueConstraint('issuer', 'subject', name=op.f('uq_agent_identity_link_issuer_subject'))
    )
    with op.batch_alter_table('agent_identity_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agent_identity_link_agent_id'), ['agent_id'], unique=False)

    op.create_table('annotation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signalement_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_annotation_agent_id_agent')),
    sa.ForeignKeyConstraint(['signalement_id'], ['signalement.id'], name=op.f('fk_annotation_signalement_id_signalement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotation'))
    )
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annotation_signalement_id'), ['signalement_id'], unique=False)

    op.create_table('control_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signalement_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('severity', sa.Enum('info', 'warning', 'high', name='severity', native_enum=False, length=32), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['signalement_item.id'], name=op.f('fk_control_finding_item_id_signalement_item')),
    sa.ForeignKeyConstraint(['signalement_id'], ['signalement.id'], name=op.f('fk_control_finding_signalement_id_signalement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_control_finding'))
    )
    with op.batch_alter_table('control_finding', schema=None) as batch_op:
        batch_op.create_index('ix_control_finding_signalement', ['signalement_id', 'computed_at'], unique=False)

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_agent_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_audit_event_actor_agent_id_agent'), 'agent', ['actor_agent_id'], ['id'])

    with op.batch_alter_table('assure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('caisse_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_assure_caisse_id_caisse'), 'caisse', ['caisse_id'], ['id'])

    with op.batch_alter_table('period_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signalement_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_period_version_signalement_id_signalement'), 'signalement', ['signalement_id'], ['id'])

    with op.batch_alter_table('signalement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('caisse_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assigned_agent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assigned_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('priority', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('has_risk_flag', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('queue_position', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('prepared_by_agent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prepared_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('validated_by_agent_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_signalement_assigned', ['assigned_agent_id', 'state'], unique=False)
        batch_op.create_index('ix_signalement_queue', ['caisse_id', 'queue_position', 'id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_signalement_validated_by_agent_id_agent'), 'agent', ['validated_by_agent_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_signalement_prepared_by_agent_id_agent'), 'agent', ['prepared_by_agent_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_signalement_assigned_agent_id_agent'), 'agent', ['assigned_agent_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_signalement_caisse_id_caisse'), 'caisse', ['caisse_id'], ['id'])

    with op.batch_alter_table('signalement_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted_earnings_cents', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('accepted_quarters', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('accepted_start_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('accepted_end_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('applied_version_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_signalement_item_applied_version_id_period_version'), 'period_version', ['applied_version_id'], ['id'])

    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agent_id', sa.Integer(), nullable=True))
        batch_op.alter_column('account_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_user_session_agent_id'), ['agent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_user_session_agent_id_agent'), 'agent', ['agent_id'], ['id'])



def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_event_actor_agent_id_agent'), type_='foreignkey')
        batch_op.drop_column('actor_agent_id')

    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_session_agent_id_agent'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_session_agent_id'))
        batch_op.alter_column('account_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('agent_id')

    with op.batch_alter_table('signalement_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_signalement_item_applied_version_id_period_version'), type_='foreignkey')
        batch_op.drop_column('applied_version_id')
        batch_op.drop_column('accepted_end_date')
        batch_op.drop_column('accepted_start_date')
        batch_op.drop_column('accepted_quarters')
        batch_op.drop_column('accepted_earnings_cents')

    with op.batch_alter_table('signalement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_signalement_caisse_id_caisse'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_signalement_assigned_agent_id_agent'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_signalement_prepared_by_agent_id_agent'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_signalement_validated_by_agent_id_agent'), type_='foreignkey')
        batch_op.drop_index('ix_signalement_queue')
        batch_op.drop_index('ix_signalement_assigned')
        batch_op.drop_column('validated_by_agent_id')
        batch_op.drop_column('prepared_at')
        batch_op.drop_column('prepared_by_agent_id')
        batch_op.drop_column('queue_position')
        batch_op.drop_column('has_risk_flag')
        batch_op.drop_column('priority')
        batch_op.drop_column('assigned_at')
        batch_op.drop_column('assigned_agent_id')
        batch_op.drop_column('caisse_id')
        batch_op.drop_column('due_date')

    with op.batch_alter_table('period_version', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_period_version_signalement_id_signalement'), type_='foreignkey')
        batch_op.drop_column('signalement_id')

    with op.batch_alter_table('assure', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_assure_caisse_id_caisse'), type_='foreignkey')
        batch_op.drop_column('caisse_id')

    with op.batch_alter_table('control_finding', schema=None) as batch_op:
        batch_op.drop_index('ix_control_finding_signalement')

    op.drop_table('control_finding')
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annotation_signalement_id'))

    op.drop_table('annotation')
    with op.batch_alter_table('agent_identity_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agent_identity_link_agent_id'))

    op.drop_table('agent_identity_link')
    op.drop_table('agent')
    op.drop_table('caisse')
