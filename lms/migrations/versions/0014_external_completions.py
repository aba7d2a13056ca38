"""credits: external completions (a course taken elsewhere, its evidence, HR's decision)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 10:00:00

The courses they become have the topic "external", a new value of a non-native enum
column whose length (that of "cybersecurity") already holds it: no change there.
"""
import sqlalchemy as sa
from alembic import op

import lms.db

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

_TABLE = 'lms_external_completions'


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('submitted_by_id', sa.Integer(), nullable=False),
        sa.Column('submitted_dt', lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('source_code', sa.String(length=32), nullable=False),
        sa.Column('provider_name', sa.String(length=200), nullable=False),
        sa.Column('course_title', sa.String(length=300), nullable=False),
        sa.Column('periods', sa.Integer(), nullable=False),
        sa.Column('completed_on', sa.Date(), nullable=False),
        sa.Column('status', sa.Enum('pending', 'verified', 'rejected', name='externalstatus',
                                    native_enum=False, length=8), nullable=False),
        sa.Column('evidence_name', sa.String(length=200), nullable=False),
        sa.Column('evidence_type', sa.String(length=40), nullable=False),
        sa.Column('evidence_size', sa.Integer(), nullable=False),
        sa.Column('evidence_sha256', sa.String(length=64), nullable=False),
        sa.Column('evidence_data', sa.LargeBinary(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_dt', lms.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('reject_reason', sa.String(length=500), nullable=True),
        sa.Column('course_code', sa.String(length=32), nullable=True),
        sa.Column('completion_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('periods > 0', name=op.f('ck_lms_external_completions_periods_positive')),
        sa.CheckConstraint(
            "status = 'pending' OR (decided_by_id IS NOT NULL AND decided_dt IS NOT NULL)",
            name=op.f('ck_lms_external_completions_decision_names_who_and_when')),
        sa.CheckConstraint("status <> 'rejected' OR reject_reason IS NOT NULL",
                           name=op.f('ck_lms_external_completions_rejection_has_a_reason')),
        sa.CheckConstraint("completion_id IS NULL OR status = 'verified'",
                           name=op.f('ck_lms_external_completions_only_verified_completes')),
        sa.ForeignKeyConstraint(['learner_id'], ['lms_learners.id'],
                                name=op.f('fk_lms_external_completions_learner_id_lms_learners'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['lms_learners.id'],
                                name=op.f('fk_lms_external_completions_submitted_by_id_lms_learners'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['lms_learners.id'],
                                name=op.f('fk_lms_external_completions_decided_by_id_lms_learners'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(
            ['completion_id'], ['lms_course_completions.id'],
            name=op.f('fk_lms_external_completions_completion_id_lms_course_completions'),
            ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_external_completions')),
        sa.UniqueConstraint('completion_id', name=op.f('uq_lms_external_completions_completion_id')),
    )
    op.create_index(op.f('ix_lms_external_completions_learner_id'), _TABLE, ['learner_id'],
                    unique=False)
    op.create_index('ix_lms_external_completions_status_submitted', _TABLE,
                    ['status', 'submitted_dt'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_lms_external_completions_status_submitted', table_name=_TABLE)
    op.drop_index(op.f('ix_lms_external_completions_learner_id'), table_name=_TABLE)
    op.drop_table(_TABLE)
