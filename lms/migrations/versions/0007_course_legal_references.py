"""courses: declared legal references and review-by date

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('lms_courses') as batch:
        # Existing course versions declared nothing: an empty list, no review date.
        batch.add_column(sa.Column('legal_references', sa.JSON(), nullable=False,
                                   server_default=sa.text("'[]'")))
        batch.add_column(sa.Column('review_by', sa.Date(), nullable=True))
    with op.batch_alter_table('lms_courses') as batch:
        batch.alter_column('legal_references', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('lms_courses') as batch:
        batch.drop_column('review_by')
        batch.drop_column('legal_references')
