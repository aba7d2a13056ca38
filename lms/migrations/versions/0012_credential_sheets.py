"""accounts: one-time encrypted credential sheets of learner imports

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 13:30:00
"""
import sqlalchemy as sa
from alembic import op

import lms.db

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'lms_credential_sheets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lookup_hash', sa.String(length=64), nullable=False),
        sa.Column('created_dt', lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_dt', lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['lms_learners.id'],
                                name=op.f('fk_lms_credential_sheets_created_by_id_lms_learners'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_credential_sheets')),
        sa.UniqueConstraint('lookup_hash', name=op.f('uq_lms_credential_sheets_lookup_hash')),
    )
    op.create_index(op.f('ix_lms_credential_sheets_expires_dt'), 'lms_credential_sheets',
                    ['expires_dt'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_lms_credential_sheets_expires_dt'), table_name='lms_credential_sheets')
    op.drop_table('lms_credential_sheets')
