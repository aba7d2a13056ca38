"""The database layer: SQLite pragmas, BEGIN IMMEDIATE for writes, atomic counters."""
import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from lms.accounts.models import User
from lms.db import Database, get_session


def _pragma(connection, name):
    return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_connections_are_configured_for_their_database(app, is_postgres):
    database = app.extensions["lms"].database
    with database.engine.connect() as connection:
        if is_postgres:
            assert database.is_sqlite is False
            assert connection.dialect.driver == "psycopg"
            return
        assert _pragma(connection, "foreign_keys") == 1
        assert _pragma(connection, "journal_mode") == "wal"
        assert _pragma(connection, "busy_timeout") == 5000
        assert _pragma(connection, "synchronous") == 1  # NORMAL


def _begin_statements(app, method):
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    engine = app.extensions["lms"].database.engine
    sa.event.listen(engine, "before_cursor_execute", remember)
    try:
        with app.test_request_context("/", method=method):
            get_session().execute(sa.text("SELECT 1"))
    finally:
        sa.event.remove(engine, "before_cursor_execute", remember)
    return [s for s in statements if s.upper().startswith("BEGIN")]


def test_writing_requests_begin_immediate_on_sqlite(app, is_postgres):
    if is_postgres:
        # psycopg begins implicitly; SQLite's IMMEDIATE must never leak to PostgreSQL.
        assert _begin_statements(app, "POST") == []
    else:
        assert _begin_statements(app, "POST") == ["BEGIN IMMEDIATE"]
        assert _begin_statements(app, "GET") == ["BEGIN"]


def test_concurrent_writers_never_fail_and_never_lose_updates(engine, commits_for_real):
    """8 threads × 15 atomic increments through write sessions, committed for real:
    no "database is locked", no lost update."""
    database = Database(engine)
    with database.write_session() as session:
        user = User(username=f"counter-{id(session)}", password_hash="x")
        session.add(user)
        session.commit()
        user_id, start = user.id, user.session_version
    errors = []

    def bump():
        for _ in range(15):
            try:
                with database.write_session() as session:
                    session.execute(sa.update(User).where(User.id == user_id)
                                    .values(session_version=User.session_version + 1))
                    session.commit()
            except sa.exc.SQLAlchemyError as error:
                errors.append(repr(error))

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with database.write_session() as session:
        final = session.get(User, user_id).session_version
        session.execute(sa.delete(User).where(User.id == user_id))
        session.commit()
    assert errors == []
    assert final == start + 8 * 15


def test_naive_datetimes_are_refused(db, create_unit):
    unit = create_unit()
    unit.created_dt = dt.datetime(2026, 1, 1)
    with pytest.raises(sa.exc.StatementError, match="naive datetime"):
        db.flush()
