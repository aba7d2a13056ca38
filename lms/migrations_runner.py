"""Running the LMS's Alembic migrations against the current app's engine.

The LMS owns its history (``lms/migrations``) and its own version table
(``lms_alembic_version``), so it can share a database with a host that uses Alembic too.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSION_TABLE = "lms_alembic_version"


def alembic_config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade(revision: str = "head", engine=None) -> None:
    engine = engine or _current_engine()
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def autogenerate_revision(message: str, engine=None) -> str:
    """Compare the models with the database and write the difference as a new revision,
    numbered after the newest one (0001, 0002, …). Returns the new file's path."""
    engine = engine or _current_engine()
    existing = sorted(path.name[:4] for path in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py"))
    next_id = f"{int(existing[-1]) + 1:04d}" if existing else "0001"
    with engine.begin() as connection:
        script = command.revision(alembic_config(connection), message=message,
                                  autogenerate=True, rev_id=next_id)
    return script.path


def head_revisions() -> list[str]:
    """The newest revision(s) of the LMS history, read from the scripts (no database)."""
    from alembic.script import ScriptDirectory

    return list(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())


def current_revision(engine=None) -> str | None:
    engine = engine or _current_engine()
    with engine.connect() as connection:
        return MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def _current_engine():
    from lms.extension import get_state

    return get_state().database.engine
