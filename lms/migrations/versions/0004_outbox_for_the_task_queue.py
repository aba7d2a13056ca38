"""outbox for the task queue

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:29:29.254928
"""
from alembic import op
import sqlalchemy as sa
import lms.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lms_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task', sa.String(length=80), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_dt', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('done_dt', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_outbox'))
    )
    with op.batch_alter_table('lms_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_lms_outbox_pending', ['done_dt', 'created_dt'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('lms_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_lms_outbox_pending')

    op.drop_table('lms_outbox')
