"""The migrated schema is exactly the models' schema (SQLite, and PostgreSQL in CI)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lms.db import metadata
from lms.migrations_runner import VERSION_TABLE, current_revision, upgrade
from lms.models_registry import load_all_models


def _only_lms_tables(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and not name.startswith("lms_"))


def test_migrated_database_equals_the_models(engine):
    """``engine`` was built by `alembic upgrade head` (conftest); autogenerate finds nothing."""
    load_all_models()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": _only_lms_tables,
            "version_table": VERSION_TABLE})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_every_table_is_prefixed():
    load_all_models()
    assert all(name.startswith("lms_") for name in metadata.tables)


def test_upgrade_is_idempotent_and_uses_own_version_table(engine):
    before = current_revision(engine)
    upgrade("head", engine=engine)
    assert current_revision(engine) == before is not None
    with engine.connect() as connection:
        assert engine.dialect.has_table(connection, VERSION_TABLE)
        assert not engine.dialect.has_table(connection, "alembic_version")
