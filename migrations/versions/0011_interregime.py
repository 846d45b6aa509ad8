"""What the interrégime simulator needs from a career: the country of a period abroad (ISO 3166-1 alpha-2, its
quarters then being those the foreign scheme validated), and a fonctionnaire's civil-service profile, one per assuré
(scheme, category and years of active services, indice majoré held and since when, the previous one, children born
before 2004 with an interruption, yearly bonuses for the RAFP).

Revision ID: 0011_interregime
Revises: 0010_outbox_on_workers
Create Date: 2026-12-03 16:20:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011_interregime'
down_revision = '0010_outbox_on_workers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'civil_service_profile',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assure_id', sa.Integer(), nullable=False),
        sa.Column('scheme', sa.Enum('SRE', 'CNRACL', name='civilservicescheme', native_enum=False, length=32),
                  nullable=False),
        sa.Column('category', sa.Enum('sedentary', 'active', 'super_active', name='category', native_enum=False,
                                      length=32), nullable=False),
        sa.Column('active_years', sa.Integer(), nullable=False),
        sa.Column('index_majore', sa.Integer(), nullable=False),
        sa.Column('index_start_date', sa.Date(), nullable=False),
        sa.Column('previous_index_majore', sa.Integer(), nullable=True),
        sa.Column('children_before_2004', sa.Integer(), nullable=False),
        sa.Column('annual_bonuses_cents', sa.BigInteger(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['assure_id'], ['assure.id'], name=op.f('fk_civil_service_profile_assure_id_assure')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_civil_service_profile')),
        sa.UniqueConstraint('assure_id', name=op.f('uq_civil_service_profile_assure_id')),
    )
    with op.batch_alter_table('period_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=True))


def downgrade():
    with op.batch_alter_table('period_version', schema=None) as batch_op:
        batch_op.drop_column('country')
    op.drop_table('civil_service_profile')
