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


def test_revision_command_finds_nothing_to_write_on_an_upgraded_database(app, tmp_path, monkeypatch):
    """`flask lms db revision` numbers the next file and, with models and database in step,
    writes an empty migration (upgrade/downgrade just `pass`)."""
    import lms.migrations_runner as runner

    versions = tmp_path / "versions"
    versions.mkdir()
    for path in (runner.MIGRATIONS_DIR / "versions").glob("*.py"):
        (versions / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("env.py", "script.py.mako"):
        (tmp_path / name).write_text((runner.MIGRATIONS_DIR / name).read_text(encoding="utf-8"),
                                     encoding="utf-8")
    monkeypatch.setattr(runner, "MIGRATIONS_DIR", tmp_path)
    result = app.test_cli_runner().invoke(args=["lms", "db", "revision", "-m", "nothing new"])
    assert result.exit_code == 0, result.output
    (written,) = [p for p in versions.glob("*.py") if "nothing_new" in p.name]
    assert written.name.startswith(f"{len(list(versions.glob('*.py'))):04d}_")
    upgrade_body = written.read_text(encoding="utf-8").split("def upgrade() -> None:")[1].split("def downgrade")[0]
    assert "op." not in upgrade_body and "pass" in upgrade_body
