"""credits: appraisals and title rules of the advisory shortlist

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 16:03:03

No existing data changes. Both tables start empty: `flask lms credits seed-defaults`
adds the shipped title rules (LĐTT, CSTĐCS, the two collective titles) to the period it
seeds, and HR enter the appraisals on /credits/appraisals.
"""
from alembic import op
import sqlalchemy as sa
import lms.db


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lms_credit_title_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_vi', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('applies_to', sa.Enum('individual', 'collective', name='titlekind', native_enum=False), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('checks', sa.JSON(), nullable=False),
    sa.Column('quota_percent', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('rounding', sa.Enum('down', 'nearest', 'up', name='rounding', native_enum=False), nullable=False),
    sa.Column('quota_base', sa.Enum('eligible', 'title', 'candidates', name='quotabase', native_enum=False), nullable=False),
    sa.Column('base_title', sa.String(length=32), nullable=True),
    sa.Column('quota_note', sa.String(length=300), nullable=False),
    sa.Column('reference', sa.String(length=300), nullable=False),
    sa.CheckConstraint("quota_base <> 'title' OR base_title IS NOT NULL", name=op.f('ck_lms_credit_title_rules_title_base_names_a_title')),
    sa.CheckConstraint('quota_percent IS NULL OR (quota_percent >= 0 AND quota_percent <= 100)', name=op.f('ck_lms_credit_title_rules_quota_percent_0_to_100')),
    sa.ForeignKeyConstraint(['period_id'], ['lms_credit_periods.id'], name=op.f('fk_lms_credit_title_rules_period_id_lms_credit_periods'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_credit_title_rules')),
    sa.UniqueConstraint('period_id', 'code', name=op.f('uq_lms_credit_title_rules_period_id_code'))
    )
    with op.batch_alter_table('lms_credit_title_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_credit_title_rules_period_id'), ['period_id'], unique=False)

    op.create_table('lms_credit_appraisals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Enum('not_completed', 'completed', 'good', 'excellent', name='rating', native_enum=False), nullable=True),
    sa.Column('discipline', sa.Enum('none', 'reprimand', 'warning', 'higher', name='discipline', native_enum=False), nullable=True),
    sa.Column('initiatives', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('recorded_dt', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('initiatives IS NULL OR initiatives >= 0', name=op.f('ck_lms_credit_appraisals_initiatives_not_negative')),
    sa.CheckConstraint('revision >= 1', name=op.f('ck_lms_credit_appraisals_revision_from_one')),
    sa.ForeignKeyConstraint(['actor_id'], ['lms_learners.id'], name=op.f('fk_lms_credit_appraisals_actor_id_lms_learners'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['learner_id'], ['lms_learners.id'], name=op.f('fk_lms_credit_appraisals_learner_id_lms_learners'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['lms_credit_periods.id'], name=op.f('fk_lms_credit_appraisals_period_id_lms_credit_periods'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_credit_appraisals')),
    sa.UniqueConstraint('learner_id', 'period_id', 'revision', name=op.f('uq_lms_credit_appraisals_learner_id_period_id_revision'))
    )
    with op.batch_alter_table('lms_credit_appraisals', schema=None) as batch_op:
        batch_op.create_index('ix_lms_credit_appraisals_period_learner', ['period_id', 'learner_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lms_credit_appraisals', schema=None) as batch_op:
        batch_op.drop_index('ix_lms_credit_appraisals_period_learner')

    op.drop_table('lms_credit_appraisals')
    with op.batch_alter_table('lms_credit_title_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_credit_title_rules_period_id'))

    op.drop_table('lms_credit_title_rules')
