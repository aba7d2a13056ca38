"""The LMS's own database layer: metadata, declarative base, one engine per app.

Design rules (DESIGN.md, STYLE.md):
- every table is ``lms_*`` on :data:`metadata`, with a naming convention so Alembic
  migrations get stable constraint names on SQLite and PostgreSQL alike;
- each Flask app owns its engine and sessions (a host may hand its own engine);
- one session per app context and one commit point, :func:`unit_of_work`: views (wrapped
  once, in :mod:`lms.routing`), commands and tasks commit there, operations only flush;
- on SQLite, a transaction that will write starts with ``BEGIN IMMEDIATE``: with the
  driver's deferred transactions about 80 % of concurrent writes failed with
  "database is locked" on these machines, with BEGIN IMMEDIATE none did.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

log = logging.getLogger(__name__)

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
        _track_flushed_writes(self.session_factories)

    @property
    def session_factories(self) -> tuple[sessionmaker, sessionmaker]:
        """Both session factories, for session event listeners (the outbox)."""
        return (self._read_sessions, self._write_sessions)

    def new_session(self, *, for_write: bool) -> Session:
        factory = self._write_sessions if for_write else self._read_sessions
        return factory()

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A write session of its own, committed when the block ends normally and rolled
        back when it raises (a claim on an outbox message, a host profile's upsert)."""
        with self.write_session() as session:
            yield session
            session.commit()

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A separate short transaction that the caller commits (tests hold locks with
        it); anything not committed is rolled back at the end."""
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
        session.info[_FOR_REQUEST] = has_request_context()
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
    that changed nothing and keeps nested test transactions intact. Its objects are
    expired as well: with ``expire_on_commit=False`` an attempt loaded before the write
    would otherwise still say "in progress" for the rest of the request.
    """
    outer = g.get("_lms_session")
    if outer is not None and has_unfinished_writes(outer):
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
        g.pop("_lms_read_memo", None)  # what it remembered was read before this write
        if outer is None:
            g.pop("_lms_session", None)
        else:
            g._lms_session = outer
            outer.commit()
            outer.expire_all()


def once_per_read_request(key, compute):
    """``compute()`` once per GET (HEAD …) request for ``key``, then the same value: two
    sections of a page asking the same question (the learner home's courses and credits
    both need the learner's credits progress) run its statements once. In a writing
    request, and outside requests, it is computed each time, since a write may change
    the answer; :func:`write_during_read_request` forgets what was remembered."""
    if not is_read_request():
        return compute()
    memo = g.setdefault("_lms_read_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def is_read_request() -> bool:
    return has_request_context() and request.method not in _WRITE_METHODS


# --- the one commit point --------------------------------------------------------------

#: Session.info key: set by a flush, cleared when the transaction ends.
_FLUSHED = "lms_flushed_uncommitted"
#: Session.info key: the session was opened for a request (the teardown guard's scope).
_FOR_REQUEST = "lms_for_request"


class UnfinishedWritesError(RuntimeError):
    """Testing only: a request ended with changes that nobody committed or rolled back."""


@contextmanager
def unit_of_work() -> Iterator[None]:
    """The one commit point of the current app context's session: commit when the block
    ends normally, roll back when it raises. Views get it from :func:`committing` (every
    LMS endpoint is wrapped once, by :mod:`lms.routing`); CLI commands and tasks use it
    directly. Domain operations never commit: they flush, and the caller's unit of work
    decides. A session is not opened just to be committed."""
    try:
        yield
    except BaseException:
        _end_current_transaction(commit=False)
        raise
    _end_current_transaction(commit=True)


def committing(function: Callable) -> Callable:
    """Decorator form of :func:`unit_of_work`, in the spirit of indico's ``RH.process``.

    Any normal return commits, a 4xx page included: a view that refuses a form has
    written nothing (or rolled back itself, as the learner import does when it applies
    nothing), and a refusal that must leave a trace (the throttled sign-in's audit
    event) keeps it. An exception, ``abort()`` included, rolls everything back.
    """
    if getattr(function, "lms_committing", False):
        return function

    @wraps(function)
    def wrapped(*args, **kwargs):
        with unit_of_work():
            return function(*args, **kwargs)

    wrapped.lms_committing = True
    return wrapped


def _end_current_transaction(*, commit: bool) -> None:
    session = g.get("_lms_session")
    if session is None:
        return
    if not commit:
        session.rollback()
        return
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise


def has_unfinished_writes(session: Session) -> bool:
    """Changes in ``session`` that no commit or rollback has ended yet: pending objects,
    or rows already flushed in the open transaction."""
    return bool(session.new or session.deleted or session.info.get(_FLUSHED)
                or any(session.is_modified(obj) for obj in session.dirty))


def _track_flushed_writes(session_factories) -> None:
    for factory in session_factories:
        event.listen(factory, "after_flush", _mark_flushed)
        event.listen(factory, "after_commit", _clear_flushed)
        event.listen(factory, "after_rollback", _clear_flushed)


def _mark_flushed(session, _flush_context) -> None:
    session.info[_FLUSHED] = True


def _clear_flushed(session) -> None:
    session.info.pop(_FLUSHED, None)


def close_session(exception=None) -> None:
    """Teardown: return the connection; whatever nobody committed is rolled back.

    A request whose session still holds changes here skipped the commit point (a hook
    that wrote, a view outside the LMS blueprint). In testing that fails the request
    loudly instead of silently dropping the write; in production it is logged.
    """
    session = g.pop("_lms_session", None)
    if session is None:
        return
    unfinished = session.info.get(_FOR_REQUEST) and has_unfinished_writes(session)
    session.close()
    if unfinished and exception is None:
        message = "an LMS request ended with changes that were neither committed nor rolled back"
        if current_app.testing:
            raise UnfinishedWritesError(message)
        log.warning(message)
