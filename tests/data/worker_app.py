"""The app `flask lms worker` runs in tests/test_tasks.py: the standalone app plus one
task that leaves a trace in the database."""
from lms import create_app
from lms.audit.operations import record_event

app = create_app()
app.extensions["lms"].tasks.register(
    "test.record", lambda **payload: record_event("test.worker_ran", details=payload))
