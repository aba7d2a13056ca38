"""Alembic environment of the LMS: always run through lms.migrations_runner."""
from alembic import context

from lms.db import metadata
from lms.migrations_runner import VERSION_TABLE
from lms.models_registry import load_all_models

load_all_models()


def include_object(obj, name, type_, reflected, compare_to):
    # Only the LMS's own tables: a host's tables in the same database are not ours.
    if type_ == "table":
        return name.startswith("lms_")
    return True


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    include_object=include_object,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
