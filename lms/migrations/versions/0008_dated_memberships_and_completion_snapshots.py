"""history: dated unit memberships and parents, closed units, completion snapshots
and cycles, learners with records kept

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:15:00

Existing data:
- every learner with a unit gets one open membership row from the (UTC) date their
  profile was created — nothing earlier was recorded, so earlier moves are unknown;
- every unit gets one open parent row (its parent today) from its own creation date;
- every completion becomes cycle 1 and takes its snapshot from what is known now: the
  version's periods and titles (a version never changes), and the learner's current
  unit (the best knowledge there is of the unit on that day);
- completions, enrolments and attempts no longer go with a deleted learner (RESTRICT).
"""
import sqlalchemy as sa
from alembic import op

import lms.db

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('lms_org_units') as batch:
        batch.add_column(sa.Column('closed_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_lms_org_units_merged_into_id_lms_org_units', 'lms_org_units',
                                 ['merged_into_id'], ['id'], ondelete='RESTRICT')

    op.create_table(
        'lms_org_unit_memberships',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('org_unit_id', sa.Integer(), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('source', sa.Enum('migration', 'admin', 'import', 'host_sync', 'merge',
                                    name='membershipsource', native_enum=False, length=9),
                  nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('recorded_dt', lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from',
                           name=op.f('ck_lms_org_unit_memberships_membership_ends_after_it_starts')),
        sa.ForeignKeyConstraint(['actor_id'], ['lms_learners.id'],
                                name=op.f('fk_lms_org_unit_memberships_actor_id_lms_learners'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['learner_id'], ['lms_learners.id'],
                                name=op.f('fk_lms_org_unit_memberships_learner_id_lms_learners'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['org_unit_id'], ['lms_org_units.id'],
                                name=op.f('fk_lms_org_unit_memberships_org_unit_id_lms_org_units'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_org_unit_memberships')),
    )
    op.create_index('ix_lms_org_unit_memberships_learner_id', 'lms_org_unit_memberships',
                    ['learner_id'])
    op.create_index('ix_lms_org_unit_memberships_unit_dates', 'lms_org_unit_memberships',
                    ['org_unit_id', 'valid_from'])
    op.create_index('uq_lms_org_unit_memberships_open', 'lms_org_unit_memberships', ['learner_id'],
                    unique=True, sqlite_where=sa.text('valid_to IS NULL'),
                    postgresql_where=sa.text('valid_to IS NULL'))

    op.create_table(
        'lms_org_unit_parents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_unit_id', sa.Integer(), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from',
                           name=op.f('ck_lms_org_unit_parents_parent_period_ends_after_it_starts')),
        sa.ForeignKeyConstraint(['org_unit_id'], ['lms_org_units.id'],
                                name=op.f('fk_lms_org_unit_parents_org_unit_id_lms_org_units'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['parent_id'], ['lms_org_units.id'],
                                name=op.f('fk_lms_org_unit_parents_parent_id_lms_org_units'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_org_unit_parents')),
    )
    op.create_index('ix_lms_org_unit_parents_org_unit_id', 'lms_org_unit_parents', ['org_unit_id'])
    op.create_index('ix_lms_org_unit_parents_parent_id', 'lms_org_unit_parents', ['parent_id'])
    op.create_index('uq_lms_org_unit_parents_open', 'lms_org_unit_parents', ['org_unit_id'],
                    unique=True, sqlite_where=sa.text('valid_to IS NULL'),
                    postgresql_where=sa.text('valid_to IS NULL'))

    _backfill_history()

    with op.batch_alter_table('lms_courses') as batch:
        batch.add_column(sa.Column('valid_for_months', sa.Integer(), nullable=True))

    with op.batch_alter_table('lms_course_completions') as batch:
        batch.add_column(sa.Column('cycle', sa.Integer(), nullable=False, server_default='1'))
        batch.add_column(sa.Column('expires_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('course_version', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('periods', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('title_vi', sa.String(length=300), nullable=True))
        batch.add_column(sa.Column('title_en', sa.String(length=300), nullable=True))
        batch.add_column(sa.Column('org_unit_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('org_unit_code', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('org_unit_name_vi', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('org_unit_name_en', sa.String(length=200), nullable=True))
    for column in ('version', 'periods', 'title_vi', 'title_en'):
        target = 'course_version' if column == 'version' else column
        op.execute(f"UPDATE lms_course_completions SET {target} = (SELECT c.{column} FROM "
                   "lms_courses c WHERE c.id = lms_course_completions.course_id)")
    op.execute("UPDATE lms_course_completions SET org_unit_id = (SELECT l.org_unit_id FROM "
               "lms_learners l WHERE l.id = lms_course_completions.learner_id)")
    for column in ('code', 'name_vi', 'name_en'):
        op.execute(f"UPDATE lms_course_completions SET org_unit_{column} = (SELECT u.{column} "
                   "FROM lms_org_units u WHERE u.id = lms_course_completions.org_unit_id)")
    with op.batch_alter_table('lms_course_completions') as batch:
        batch.alter_column('cycle', server_default=None)
        for column, kind in (('course_version', sa.Integer()), ('periods', sa.Integer()),
                             ('title_vi', sa.String(length=300)), ('title_en', sa.String(length=300))):
            batch.alter_column(column, existing_type=kind, nullable=False)
        batch.drop_constraint('uq_lms_course_completions_learner_id_course_code', type_='unique')
        batch.create_unique_constraint('uq_lms_course_completions_learner_id_course_code_cycle',
                                       ['learner_id', 'course_code', 'cycle'])
        batch.create_check_constraint(op.f('ck_lms_course_completions_cycle_is_positive'), 'cycle >= 1')
        batch.create_index('ix_lms_course_completions_org_unit_id', ['org_unit_id'])
        batch.create_foreign_key('fk_lms_course_completions_org_unit_id_lms_org_units',
                                 'lms_org_units', ['org_unit_id'], ['id'], ondelete='RESTRICT')
    _learner_foreign_key('lms_course_completions', 'RESTRICT')
    _learner_foreign_key('lms_enrollments', 'RESTRICT')
    _learner_foreign_key('lms_attempts', 'RESTRICT')


def _learner_foreign_key(table: str, ondelete: str) -> None:
    name = f'fk_{table}_learner_id_lms_learners'
    with op.batch_alter_table(table) as batch:
        batch.drop_constraint(name, type_='foreignkey')
        batch.create_foreign_key(name, 'lms_learners', ['learner_id'], ['id'], ondelete=ondelete)


def _created_dates(table: str, *columns: str):
    """(columns…, UTC creation date) of every row, oldest id first."""
    source = sa.table(table, sa.column('id'), *(sa.column(name) for name in columns),
                      sa.column('created_dt', lms.db.UTCDateTime()))
    rows = op.get_bind().execute(
        sa.select(*(source.c[name] for name in columns), source.c.created_dt)
        .order_by(source.c.id)).all()
    return [(*row[:-1], row[-1].date()) for row in rows]


def _backfill_history() -> None:
    connection = op.get_bind()
    memberships = sa.table('lms_org_unit_memberships', sa.column('learner_id'),
                           sa.column('org_unit_id'), sa.column('valid_from', sa.Date()),
                           sa.column('source'), sa.column('recorded_dt', lms.db.UTCDateTime()))
    now = lms.db.utcnow()
    rows = [{"learner_id": learner_id, "org_unit_id": unit_id, "valid_from": day,
             "source": "migration", "recorded_dt": now}
            for learner_id, unit_id, day in _created_dates('lms_learners', 'id', 'org_unit_id')
            if unit_id is not None]
    if rows:
        connection.execute(memberships.insert(), rows)
    parents = sa.table('lms_org_unit_parents', sa.column('org_unit_id'), sa.column('parent_id'),
                       sa.column('valid_from', sa.Date()))
    rows = [{"org_unit_id": unit_id, "parent_id": parent_id, "valid_from": day}
            for unit_id, parent_id, day in _created_dates('lms_org_units', 'id', 'parent_id')]
    if rows:
        connection.execute(parents.insert(), rows)


def downgrade() -> None:
    _learner_foreign_key('lms_attempts', 'CASCADE')
    _learner_foreign_key('lms_enrollments', 'CASCADE')
    _learner_foreign_key('lms_course_completions', 'CASCADE')
    # Before this revision a course was completed once: renewals are forgotten.
    op.execute("DELETE FROM lms_course_completions WHERE cycle > 1")
    with op.batch_alter_table('lms_course_completions') as batch:
        batch.drop_constraint('fk_lms_course_completions_org_unit_id_lms_org_units',
                              type_='foreignkey')
        batch.drop_index('ix_lms_course_completions_org_unit_id')
        batch.drop_constraint(op.f('ck_lms_course_completions_cycle_is_positive'), type_='check')
        batch.drop_constraint('uq_lms_course_completions_learner_id_course_code_cycle',
                              type_='unique')
        batch.create_unique_constraint('uq_lms_course_completions_learner_id_course_code',
                                       ['learner_id', 'course_code'])
        for column in ('org_unit_name_en', 'org_unit_name_vi', 'org_unit_code', 'org_unit_id',
                       'title_en', 'title_vi', 'periods', 'course_version', 'expires_on', 'cycle'):
            batch.drop_column(column)
    with op.batch_alter_table('lms_courses') as batch:
        batch.drop_column('valid_for_months')
    op.drop_table('lms_org_unit_parents')
    op.drop_table('lms_org_unit_memberships')
    with op.batch_alter_table('lms_org_units') as batch:
        batch.drop_constraint('fk_lms_org_units_merged_into_id_lms_org_units', type_='foreignkey')
        batch.drop_column('merged_into_id')
        batch.drop_column('closed_on')
