"""exports: export records (the seal and the jobs), their stored files, read-API tokens

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 12:35:48

New tables only; no existing row changes.
"""
import sqlalchemy as sa
from alembic import op

import lms.db


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lms_api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('secret_sha256', sa.String(length=64), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_dt', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_dt', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['lms_learners.id'], name=op.f('fk_lms_api_tokens_created_by_id_lms_learners'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_unit_id'], ['lms_org_units.id'], name=op.f('fk_lms_api_tokens_org_unit_id_lms_org_units'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['lms_learners.id'], name=op.f('fk_lms_api_tokens_revoked_by_id_lms_learners'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_api_tokens')),
    sa.UniqueConstraint('secret_sha256', name=op.f('uq_lms_api_tokens_secret_sha256'))
    )
    with op.batch_alter_table('lms_api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_api_tokens_org_unit_id'), ['org_unit_id'], unique=False)

    op.create_table('lms_export_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_dt', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('dataset', sa.String(length=40), nullable=False),
    sa.Column('file_format', sa.String(length=10), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('rows_expected', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('queued', 'running', 'sealed', 'interrupted', name='exportstate', native_enum=False), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=True),
    sa.Column('size_bytes', sa.BigInteger(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('finished_dt', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_dt', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.CheckConstraint("state <> 'sealed' OR sha256 IS NOT NULL", name=op.f('ck_lms_export_records_sealed_has_a_hash')),
    sa.CheckConstraint('row_count IS NULL OR row_count >= 0', name=op.f('ck_lms_export_records_row_count_not_negative')),
    sa.ForeignKeyConstraint(['actor_id'], ['lms_learners.id'], name=op.f('fk_lms_export_records_actor_id_lms_learners'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_export_records'))
    )
    with op.batch_alter_table('lms_export_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_export_records_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_export_records_created_dt'), ['created_dt'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_export_records_sha256'), ['sha256'], unique=False)

    op.create_table('lms_export_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('path', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['record_id'], ['lms_export_records.id'], name=op.f('fk_lms_export_files_record_id_lms_export_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_export_files')),
    sa.UniqueConstraint('record_id', name=op.f('uq_lms_export_files_record_id'))
    )


def downgrade() -> None:
    op.drop_table('lms_export_files')
    with op.batch_alter_table('lms_export_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_export_records_sha256'))
        batch_op.drop_index(batch_op.f('ix_lms_export_records_created_dt'))
        batch_op.drop_index(batch_op.f('ix_lms_export_records_actor_id'))

    op.drop_table('lms_export_records')
    with op.batch_alter_table('lms_api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_api_tokens_org_unit_id'))

    op.drop_table('lms_api_tokens')
