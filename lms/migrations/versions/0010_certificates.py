"""certificates: per-year serial counters, certificates, their rendered PDF files, HR's
certificate ZIP archives

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:29:24

No existing data changes: certificates for past completions are issued afterwards by
`flask lms certificates issue` (backfill).
"""
from alembic import op
import sqlalchemy as sa
import lms.db


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lms_certificate_serial_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.CheckConstraint('last_seq >= 0', name=op.f('ck_lms_certificate_serial_counters_last_seq_not_negative')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_lms_certificate_serial_counters'))
    )
    op.create_table('lms_certificate_archives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('date_from', sa.Date(), nullable=False),
    sa.Column('date_to', sa.Date(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('created_dt', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_dt', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('done >= 0 AND done <= total', name=op.f('ck_lms_certificate_archives_progress_in_range')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['lms_org_units.id'], name=op.f('fk_lms_certificate_archives_org_unit_id_lms_org_units'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['lms_learners.id'], name=op.f('fk_lms_certificate_archives_requested_by_id_lms_learners'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_certificate_archives'))
    )
    with op.batch_alter_table('lms_certificate_archives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_certificate_archives_requested_by_id'), ['requested_by_id'], unique=False)

    op.create_table('lms_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('completion_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=80), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('verification_code', sa.String(length=32), nullable=False),
    sa.Column('issued_dt', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('revoked_dt', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.String(length=500), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(revoked_dt IS NULL) = (revoked_reason IS NULL)', name=op.f('ck_lms_certificates_revocation_has_a_reason')),
    sa.CheckConstraint('seq >= 1', name=op.f('ck_lms_certificates_seq_is_positive')),
    sa.ForeignKeyConstraint(['completion_id'], ['lms_course_completions.id'], name=op.f('fk_lms_certificates_completion_id_lms_course_completions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['learner_id'], ['lms_learners.id'], name=op.f('fk_lms_certificates_learner_id_lms_learners'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['lms_learners.id'], name=op.f('fk_lms_certificates_revoked_by_id_lms_learners'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_certificates')),
    sa.UniqueConstraint('completion_id', name=op.f('uq_lms_certificates_completion_id')),
    sa.UniqueConstraint('serial', name=op.f('uq_lms_certificates_serial')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_lms_certificates_verification_code')),
    sa.UniqueConstraint('year', 'seq', name=op.f('uq_lms_certificates_year_seq'))
    )
    with op.batch_alter_table('lms_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_certificates_learner_id'), ['learner_id'], unique=False)

    op.create_table('lms_certificate_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('template_version', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('storage_name', sa.String(length=200), nullable=True),
    sa.Column('created_dt', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('superseded_dt', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(content IS NULL) <> (storage_name IS NULL)', name=op.f('ck_lms_certificate_files_stored_in_one_place')),
    sa.ForeignKeyConstraint(['certificate_id'], ['lms_certificates.id'], name=op.f('fk_lms_certificate_files_certificate_id_lms_certificates'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_certificate_files'))
    )
    with op.batch_alter_table('lms_certificate_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_certificate_files_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_certificate_files_sha256'), ['sha256'], unique=False)
        batch_op.create_index('uq_lms_certificate_files_current', ['certificate_id', 'locale'], unique=True, sqlite_where=sa.text('superseded_dt IS NULL'), postgresql_where=sa.text('superseded_dt IS NULL'))



def downgrade() -> None:
    with op.batch_alter_table('lms_certificate_files', schema=None) as batch_op:
        batch_op.drop_index('uq_lms_certificate_files_current', sqlite_where=sa.text('superseded_dt IS NULL'), postgresql_where=sa.text('superseded_dt IS NULL'))
        batch_op.drop_index(batch_op.f('ix_lms_certificate_files_sha256'))
        batch_op.drop_index(batch_op.f('ix_lms_certificate_files_certificate_id'))

    op.drop_table('lms_certificate_files')
    with op.batch_alter_table('lms_certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_certificates_learner_id'))

    op.drop_table('lms_certificates')
    with op.batch_alter_table('lms_certificate_archives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_certificate_archives_requested_by_id'))

    op.drop_table('lms_certificate_archives')
    op.drop_table('lms_certificate_serial_counters')
