"""credits: emulation periods, criteria, credit rules, targets with their mandatory
courses, and the append-only credit ledger

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:27:45

No existing data changes. The ledger starts empty: `flask lms credits seed-defaults`
adds the shipped defaults, and `flask lms credits recompute --period CODE --apply`
credits completions recorded before this migration.
"""
from alembic import op
import sqlalchemy as sa
import lms.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lms_credit_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('content_group', sa.Enum('awareness', 'innovative_thinking', 'digital_infrastructure', 'technology_in_management', 'digital_society', 'security_and_human_resources', name='contentgroup', native_enum=False), nullable=False),
    sa.Column('name_vi', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('applies_to', sa.Enum('individual', 'collective', 'both', name='appliesto', native_enum=False), nullable=False),
    sa.Column('cap_per_period', sa.Numeric(precision=9, scale=2), nullable=True),
    sa.Column('reference', sa.String(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_credit_criteria')),
    sa.UniqueConstraint('code', name=op.f('uq_lms_credit_criteria_code'))
    )
    op.create_table('lms_credit_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_vi', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('cutoff_on', sa.Date(), nullable=False),
    sa.Column('is_locked', sa.Boolean(), nullable=False),
    sa.Column('new_member_months', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=300), nullable=False),
    sa.CheckConstraint('cutoff_on >= starts_on AND cutoff_on <= ends_on', name=op.f('ck_lms_credit_periods_cutoff_inside_period')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_lms_credit_periods_period_ends_after_it_starts')),
    sa.CheckConstraint('new_member_months >= 0', name=op.f('ck_lms_credit_periods_new_member_months_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_credit_periods')),
    sa.UniqueConstraint('code', name=op.f('uq_lms_credit_periods_code'))
    )
    op.create_table('lms_credit_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('course_code', sa.String(length=32), nullable=True),
    sa.Column('topic', sa.String(length=40), nullable=True),
    sa.Column('value_kind', sa.Enum('periods', 'fixed', name='valuekind', native_enum=False), nullable=False),
    sa.Column('factor', sa.Numeric(precision=9, scale=2), nullable=False),
    sa.Column('fixed_value', sa.Numeric(precision=9, scale=2), nullable=True),
    sa.Column('cap_per_period', sa.Numeric(precision=9, scale=2), nullable=True),
    sa.Column('monthly_cap', sa.Integer(), nullable=True),
    sa.Column('on_time_bonus', sa.Numeric(precision=9, scale=2), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('reference', sa.String(length=300), nullable=False),
    sa.Column('created_dt', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("value_kind <> 'fixed' OR fixed_value IS NOT NULL", name=op.f('ck_lms_credit_rules_fixed_rule_has_a_value')),
    sa.CheckConstraint('(course_code IS NULL) <> (topic IS NULL)', name=op.f('ck_lms_credit_rules_rule_names_a_course_or_a_topic')),
    sa.CheckConstraint('monthly_cap IS NULL OR monthly_cap >= 0', name=op.f('ck_lms_credit_rules_monthly_cap_not_negative')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to > valid_from', name=op.f('ck_lms_credit_rules_rule_ends_after_it_starts')),
    sa.ForeignKeyConstraint(['criterion_id'], ['lms_credit_criteria.id'], name=op.f('fk_lms_credit_rules_criterion_id_lms_credit_criteria'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_credit_rules'))
    )
    with op.batch_alter_table('lms_credit_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_credit_rules_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_credit_rules_course_code'), ['course_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_credit_rules_criterion_id'), ['criterion_id'], unique=False)

    op.create_table('lms_credit_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=True),
    sa.Column('scope_key', sa.String(length=60), nullable=False),
    sa.Column('min_credits', sa.Numeric(precision=9, scale=2), nullable=False),
    sa.Column('exceeding_credits', sa.Numeric(precision=9, scale=2), nullable=True),
    sa.Column('advanced_share_above', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('excellent_share_at_least', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('reference', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['lms_org_units.id'], name=op.f('fk_lms_credit_targets_org_unit_id_lms_org_units'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['lms_credit_periods.id'], name=op.f('fk_lms_credit_targets_period_id_lms_credit_periods'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_credit_targets')),
    sa.UniqueConstraint('period_id', 'scope_key', name=op.f('uq_lms_credit_targets_period_id_scope_key'))
    )
    with op.batch_alter_table('lms_credit_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_credit_targets_period_id'), ['period_id'], unique=False)

    op.create_table('lms_credit_target_courses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('course_code', sa.String(length=32), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['target_id'], ['lms_credit_targets.id'], name=op.f('fk_lms_credit_target_courses_target_id_lms_credit_targets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_credit_target_courses')),
    sa.UniqueConstraint('target_id', 'course_code', name=op.f('uq_lms_credit_target_courses_target_id_course_code'))
    )
    with op.batch_alter_table('lms_credit_target_courses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_credit_target_courses_target_id'), ['target_id'], unique=False)

    op.create_table('lms_credit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('award', 'reversal', name='entrykind', native_enum=False), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('completion_id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('course_code', sa.String(length=32), nullable=False),
    sa.Column('earned_on', sa.Date(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('is_mandatory', sa.Boolean(), nullable=False),
    sa.Column('raw_value', sa.Numeric(precision=9, scale=2), nullable=False),
    sa.Column('bonus_value', sa.Numeric(precision=9, scale=2), nullable=False),
    sa.Column('awarded_value', sa.Numeric(precision=9, scale=2), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('reverses_entry_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_dt', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'reversal') = (reverses_entry_id IS NOT NULL)", name=op.f('ck_lms_credit_entries_reversal_names_its_entry')),
    sa.CheckConstraint("kind = 'reversal' OR awarded_value <= raw_value + bonus_value", name=op.f('ck_lms_credit_entries_award_within_raw_and_bonus')),
    sa.ForeignKeyConstraint(['actor_id'], ['lms_learners.id'], name=op.f('fk_lms_credit_entries_actor_id_lms_learners'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['completion_id'], ['lms_course_completions.id'], name=op.f('fk_lms_credit_entries_completion_id_lms_course_completions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['criterion_id'], ['lms_credit_criteria.id'], name=op.f('fk_lms_credit_entries_criterion_id_lms_credit_criteria'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['learner_id'], ['lms_learners.id'], name=op.f('fk_lms_credit_entries_learner_id_lms_learners'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['org_unit_id'], ['lms_org_units.id'], name=op.f('fk_lms_credit_entries_org_unit_id_lms_org_units'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['lms_credit_periods.id'], name=op.f('fk_lms_credit_entries_period_id_lms_credit_periods'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reverses_entry_id'], ['lms_credit_entries.id'], name=op.f('fk_lms_credit_entries_reverses_entry_id_lms_credit_entries'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['rule_id'], ['lms_credit_rules.id'], name=op.f('fk_lms_credit_entries_rule_id_lms_credit_rules'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_credit_entries')),
    sa.UniqueConstraint('completion_id', 'rule_id', 'generation', 'kind', name='uq_lms_credit_entries_award_once'),
    sa.UniqueConstraint('reverses_entry_id', name='uq_lms_credit_entries_reversed_once')
    )
    with op.batch_alter_table('lms_credit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_credit_entries_completion_id'), ['completion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_credit_entries_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_credit_entries_org_unit_id'), ['org_unit_id'], unique=False)
        batch_op.create_index('ix_lms_credit_entries_period_learner', ['period_id', 'learner_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('lms_credit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_lms_credit_entries_period_learner')
        batch_op.drop_index(batch_op.f('ix_lms_credit_entries_org_unit_id'))
        batch_op.drop_index(batch_op.f('ix_lms_credit_entries_criterion_id'))
        batch_op.drop_index(batch_op.f('ix_lms_credit_entries_completion_id'))

    op.drop_table('lms_credit_entries')
    with op.batch_alter_table('lms_credit_target_courses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_credit_target_courses_target_id'))

    op.drop_table('lms_credit_target_courses')
    with op.batch_alter_table('lms_credit_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_credit_targets_period_id'))

    op.drop_table('lms_credit_targets')
    with op.batch_alter_table('lms_credit_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_credit_rules_criterion_id'))
        batch_op.drop_index(batch_op.f('ix_lms_credit_rules_course_code'))
        batch_op.drop_index(batch_op.f('ix_lms_credit_rules_code'))

    op.drop_table('lms_credit_rules')
    op.drop_table('lms_credit_periods')
    op.drop_table('lms_credit_criteria')
