"""accounts: the learner lists' orders as indexes (keyset pages, issue 14)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 10:00:00

``given_name_key`` stores the given name (the last word of ``search_name``) that the HR
list sorts by; existing rows get it from the same SQL expression the list used to compute
on every page. The single-column index on ``search_name`` gives way to (search_name, id),
which serves the same prefix look-ups and the admin list's order.
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('lms_learners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('given_name_key', sa.String(length=200), nullable=False,
                                      server_default=''))
    # rtrim(name, <its non-space characters>) leaves the part up to the last space.
    op.execute("UPDATE lms_learners SET given_name_key = substr(search_name, "
               "length(rtrim(search_name, replace(search_name, ' ', ''))) + 1)")
    with op.batch_alter_table('lms_learners', schema=None) as batch_op:
        batch_op.alter_column('given_name_key', server_default=None)
        batch_op.drop_index('ix_lms_learners_search_name')
        batch_op.create_index('ix_lms_learners_name_order', ['given_name_key', 'search_name', 'id'],
                              unique=False)
        batch_op.create_index('ix_lms_learners_search_order', ['search_name', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lms_learners', schema=None) as batch_op:
        batch_op.drop_index('ix_lms_learners_search_order')
        batch_op.drop_index('ix_lms_learners_name_order')
        batch_op.create_index('ix_lms_learners_search_name', ['search_name'], unique=False)
        batch_op.drop_column('given_name_key')
