"""Wiring of the exports feature into one app (called from ``lms.exports.init_app``)."""
from __future__ import annotations

#: The feature's settings and why (a host overrides any of them in its config).
DEFAULTS = {
    #: Above this many rows an XLSX is produced by a job (TECH-NOTES: ~14 s per 100 k
    #: rows), not in the request.
    "LMS_EXPORT_XLSX_STREAM_MAX_ROWS": 5000,
    #: Above this many rows a CSV or xAPI export runs as a job too (~100 k rows/s streamed:
    #: no request should hold a worker for minutes).
    "LMS_EXPORT_STREAM_MAX_ROWS": 300_000,
    #: A job reports its progress every this many rows (one short write each).
    "LMS_EXPORT_PROGRESS_ROWS": 5000,
    #: Seconds between two automatic refreshes of a job's progress page.
    "LMS_EXPORT_REFRESH_SECONDS": 3,
    #: Hours a job's download link works; the file is deleted after (the seal stays).
    "LMS_EXPORT_DOWNLOAD_HOURS": 24,
    #: Shared directory for job files (several app servers); None keeps them in the database.
    "LMS_EXPORT_DIRECTORY": None,
    #: Where temporary files are written while an XLSX is built (None: the system's).
    "LMS_EXPORT_TEMP_DIRECTORY": None,
    #: The LMS's address in xAPI account identifiers (None: the address a request came
    #: to; set it for CLI and scheduled xAPI exports).
    "LMS_EXPORT_XAPI_HOME_PAGE": None,
    #: Scheduled exports, each {"name", "dataset", "format", "filters", "locale",
    #: "cron": {"minute": "0", "hour": "2"}}; run by the worker as periodic tasks.
    "LMS_EXPORT_SCHEDULES": [],
    #: Requests per API token (the `limits` notation).
    "LMS_API_RATE_LIMIT": "600 per minute",
}


def init_app(app, state) -> None:
    from lms.cli import add_command
    from lms.exports import completions, jobs
    from lms.exports.api import api_blueprint
    from lms.exports.blueprint import exports_blueprint
    from lms.exports.cli import export_command
    from lms.exports.formats import FORMATS
    from lms.i18n import _l
    from lms.navigation import NavLink

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    for export_format in FORMATS:
        state.export_formats.register(export_format.name, export_format)
    # Features before this one in the feature list have registered their columns by now.
    state.export_datasets.register(completions.NAME, completions.dataset(
        tuple(state.completion_export_columns.values()),
        tuple(state.completion_origins.values())))
    state.blueprint.register_blueprint(exports_blueprint)
    state.blueprint.register_blueprint(api_blueprint)
    jobs.register(state, app)
    add_command(state, export_command)
    state.nav_links.register("exports", NavLink(
        "lms.exports.index", _l("Exports"), permission="exports.run", current=("lms.exports.",), section="manage"))
