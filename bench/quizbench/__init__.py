"""The pieces of the quiz-engine benchmark; the entry point is ``bench/quiz_submit.py``.

- :mod:`.http_client`: request records and the minimal browser (http.client + cookie jar)
- :mod:`.pages`: reading the pages (CSRF token, answer inputs, navigation)
- :mod:`.learners`: one learner's flow and the load phases (baseline, learners, warm-up)
- :mod:`.targets`: the databases (SQLite, PostgreSQL), setup commands and the gunicorn server
- :mod:`.integrity`: the database check against what the client saw
- :mod:`.report`: statistics and the printed report

This module holds the settings they share.
"""
from __future__ import annotations

from pathlib import Path

# bench/quizbench/__init__.py -> the project root (where wsgi.py and .venv live).
ROOT = Path(__file__).resolve().parent.parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
COURSE = "CYBER01"
PASSWORD = "bench-password-0123"
DEFAULT_PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
LOCKED_TEXT = "database is locked"
# Seconds; above gunicorn's 30 s worker timeout, so a killed worker shows up as an error.
HTTP_TIMEOUT = 90
