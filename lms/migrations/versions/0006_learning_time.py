"""learning time: time on each lesson, per-pack minimum share and quiz gate

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:22:02.419132

A lesson-progress row now exists from the first time a lesson is opened; ``done_dt``
is set when it is marked done. Existing rows were all "done": they keep their
``done_dt`` and get it as their first-opened and last-seen time, with 0 seconds
credited (the time was not measured then).
"""
import sqlalchemy as sa
from alembic import op

import lms.db

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('lms_courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_lesson_share', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('quiz_requires_lessons', sa.Boolean(), nullable=True))

    with op.batch_alter_table('lms_lesson_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_opened_dt', lms.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_seen_dt', lms.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('active_seconds', sa.Integer(), server_default='0', nullable=False))
    op.execute("UPDATE lms_lesson_progress SET first_opened_dt = done_dt, last_seen_dt = done_dt")
    with op.batch_alter_table('lms_lesson_progress', schema=None) as batch_op:
        batch_op.alter_column('first_opened_dt', existing_type=lms.db.UTCDateTime(timezone=True),
                              nullable=False)
        batch_op.alter_column('last_seen_dt', existing_type=lms.db.UTCDateTime(timezone=True),
                              nullable=False)
        batch_op.alter_column('done_dt', existing_type=lms.db.UTCDateTime(timezone=True),
                              nullable=True)


def downgrade() -> None:
    # Before this revision a row meant "done": lessons only opened are forgotten.
    op.execute("DELETE FROM lms_lesson_progress WHERE done_dt IS NULL")
    with op.batch_alter_table('lms_lesson_progress', schema=None) as batch_op:
        batch_op.alter_column('done_dt', existing_type=lms.db.UTCDateTime(timezone=True),
                              nullable=False)
        batch_op.drop_column('active_seconds')
        batch_op.drop_column('last_seen_dt')
        batch_op.drop_column('first_opened_dt')

    with op.batch_alter_table('lms_courses', schema=None) as batch_op:
        batch_op.drop_column('quiz_requires_lessons')
        batch_op.drop_column('min_lesson_share')
