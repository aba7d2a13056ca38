"""The LMS's own database layer: metadata, declarative base, one engine per app.

Design rules (DESIGN.md, STYLE.md):
- every table is ``lms_*`` on :data:`metadata`, with a naming convention so Alembic
  migrations get stable constraint names on SQLite and PostgreSQL alike;
- each Flask app owns its engine and sessions (a host may hand its own engine);
- one session per app context, committed only by views and commands; operations flush;
- on SQLite, a transaction that will write starts with ``BEGIN IMMEDIATE``: with the
  driver's deferred transactions about 80 % of concurrent writes failed with
  "database is locked" on these machines, with BEGIN IMMEDIATE none did.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


#: Largest value of an id column: ids are 32-bit signed integers on PostgreSQL.
MAX_ID = 2**31 - 1


def utcnow() -> dt.datetime:
    """Timezone-aware now; every stored timestamp is UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.TypeDecorator):
    """DateTime that always comes back timezone-aware (SQLite drops the offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime stored; use lms.db.utcnow()")
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    """Declarative base of every LMS model (its own metadata, never the host's)."""

    metadata = metadata
    type_annotation_map = {
        dict: sa.JSON,
        dt.datetime: UTCDateTime(),
        # Spelled out: SQLAlchemy 2.0 maps float to Float, 2.1 to Double (the migrations'
        # type); `make test-lowest` would see the difference as a schema change.
        float: sa.Double(),
    }



def enum_column(enum_class) -> sa.Enum:
    """A portable enum column storing the members' values ("hr"), not their names."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Database:
    """Engine and session factory of one Flask app."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        if self.is_sqlite:
            _configure_sqlite(engine)
        self._read_sessions = sessionmaker(bind=engine, expire_on_commit=False)
        # Sessions for writing carry an execution option that the SQLite begin hook reads.
        self._write_sessions = sessionmaker(
            bind=engine.execution_options(lms_begin_immediate=True), expire_on_commit=False
        )

    @property
    def session_factories(self) -> tuple[sessionmaker, sessionmaker]:
        """Both session factories, for session event listeners (the outbox)."""
        return (self._read_sessions, self._write_sessions)

    def new_session(self, *, for_write: bool) -> Session:
        factory = self._write_sessions if for_write else self._read_sessions
        return factory()

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A separate short transaction for a write during a read request."""
        session = self.new_session(for_write=True)
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def bind_sessions_to(self, connection) -> None:
        """Tests: run every session inside ``connection``'s outer transaction.

        Commits become savepoint releases, so the test fixture can roll everything back.
        """
        for factory in (self._read_sessions, self._write_sessions):
            factory.configure(bind=connection, join_transaction_mode="create_savepoint")

    def dispose(self) -> None:
        self.engine.dispose()


def create_database(app, engine: Engine | None = None) -> Database:
    if engine is None:
        url = app.config["LMS_DATABASE_URL"] or default_sqlite_url(app)
        options = dict(app.config["LMS_ENGINE_OPTIONS"])
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        engine = sa.create_engine(url, **options)
    return Database(engine)


def default_sqlite_url(app) -> str:
    import os

    os.makedirs(app.instance_path, exist_ok=True)
    return "sqlite:///" + os.path.join(app.instance_path, "lms.sqlite3")


def _configure_sqlite(engine: Engine) -> None:
    # Module-level listeners, added once per engine even when several apps share it.
    if not event.contains(engine, "connect", _on_sqlite_connect):
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy emit BEGIN itself (below) instead of pysqlite's implicit one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")  # an in-memory database just stays "memory"
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_sqlite_begin(connection) -> None:
    immediate = connection.get_execution_options().get("lms_begin_immediate")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# --- the request-bound session -------------------------------------------------------

def get_session() -> Session:
    """The current app context's LMS session, created on first use.

    Requests with a writing method (and CLI commands) get a session whose SQLite
    transactions begin with BEGIN IMMEDIATE; GET requests read with deferred ones.
    """
    session = g.get("_lms_session")
    if session is None:
        for_write = not has_request_context() or request.method in _WRITE_METHODS
        session = current_app.extensions["lms"].database.new_session(for_write=for_write)
        g._lms_session = session
    return session


@contextmanager
def write_during_read_request() -> Iterator[Session]:
    """Make a rare write of a GET request (closing an overdue quiz attempt) in a short
    transaction of its own that begins with BEGIN IMMEDIATE on SQLite; upgrading the
    request's deferred read transaction could fail with "database is locked".

    Inside the block the new session is the current one; it is committed at the end.
    The request's own transaction (reads only so far) is then ended so its next read sees
    the write: committed rather than rolled back, which is the same for a transaction
    that changed nothing and keeps nested test transactions intact.
    """
    outer = g.get("_lms_session")
    if outer is not None and (outer.new or outer.dirty or outer.deleted):
        raise RuntimeError("write_during_read_request() must come before the request changes anything")
    session = current_app.extensions["lms"].database.new_session(for_write=True)
    g._lms_session = session
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        if outer is None:
            g.pop("_lms_session", None)
        else:
            g._lms_session = outer
            outer.commit()


def is_read_request() -> bool:
    return has_request_context() and request.method not in _WRITE_METHODS


def close_session(_exception=None) -> None:
    """Teardown: roll back whatever the view did not commit, return the connection."""
    session = g.pop("_lms_session", None)
    if session is not None:
        session.close()
