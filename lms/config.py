"""Every `LMS_*` setting, its default and why, in one place.

Values are resolved by :func:`apply_defaults` in this order (first found wins):
keys already in ``app.config`` (set by a host or passed to ``create_app``),
environment variables ``FLASK_LMS_<NAME>`` (JSON values are decoded, like Flask's
``from_prefixed_env``), the instance file ``<instance>/lms.cfg``, then the defaults below.
"""
from __future__ import annotations

import json
import math
import os
from datetime import timedelta

from flask import Flask
from limits import parse as limits_parse

DEFAULTS: dict[str, object] = {
    #: SQLAlchemy URL. None means a SQLite file `lms.sqlite3` in the instance folder.
    "LMS_DATABASE_URL": None,
    #: Extra keyword arguments for `sqlalchemy.create_engine` (pool size, echo, ...).
    "LMS_ENGINE_OPTIONS": {},
    #: Features to run, dotted package names in dependency order (lms/features.py);
    #: None runs every shipped feature. E.g. ["courses"] runs without quizzes and reports.
    "LMS_FEATURES": None,
    #: Where every LMS route is mounted; "" mounts at the site root (standalone).
    "LMS_URL_PREFIX": "",
    #: Layout LMS pages extend; a host sets its own layout (must define block `content`).
    "LMS_BASE_TEMPLATE": "lms/layout.html",
    #: Language used when a visitor has not chosen one: Vietnamese first.
    "LMS_DEFAULT_LOCALE": "vi",
    #: Languages offered by the language switch, in display order.
    "LMS_LOCALES": ["vi", "en"],
    #: Display timezone for dates shown to people (stored values are UTC).
    "LMS_TIMEZONE": "Asia/Ho_Chi_Minh",
    #: Name of the organisation shown in the header and on documents.
    "LMS_ORGANISATION_NAME": {"vi": "Sở Văn hóa, Thể thao và Du lịch", "en": "Department of Culture, Sports and Tourism"},
    #: Content-Security-Policy of LMS pages. "auto": a strict same-origin policy while the
    #: LMS's own layout is used, none inside a host layout (the host knows its assets).
    "LMS_CONTENT_SECURITY_POLICY": "auto",
    # Sign-in throttling. Only FAILED attempts count (an office of 40 people signing in
    # correctly behind one NAT address is never slowed). Each value is a `limits`
    # expression ("N per M minutes", moving window). See lms/auth/rate_limit.py.
    #: Failed sign-ins allowed from one client address (any usernames; IPv6 by /64): stops
    #: one machine guessing many accounts, yet leaves room for a whole office's typos.
    "LMS_LOGIN_FAILURES_PER_ADDRESS": "30 per 5 minutes",
    #: Failed sign-ins allowed for one username from one address. The owner signing in from
    #: another address is not affected by someone else's failures here.
    "LMS_LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS": "5 per 5 minutes",
    #: Failed sign-ins allowed for one username from all addresses together: well above the
    #: limits above, the last stop for a guessing attack spread over many addresses.
    "LMS_LOGIN_FAILURES_PER_USERNAME": "100 per day",
    #: After this many failures of one username (within the per-username window), every
    #: further attempt for it waits a growing delay: a distributed attack slows down
    #: exponentially while the owner waits at most LMS_LOGIN_DELAY_MAX_SECONDS.
    "LMS_LOGIN_DELAY_AFTER_FAILURES": 10,
    #: First delay in seconds; it doubles with every further failure.
    "LMS_LOGIN_DELAY_BASE_SECONDS": 2,
    #: Longest delay in seconds between two attempts for one username.
    "LMS_LOGIN_DELAY_MAX_SECONDS": 300,
    #: Wrong current passwords allowed per account on the change-password page.
    "LMS_PASSWORD_CHANGE_FAILURES": "5 per 15 minutes",
    #: Permissions-Policy of LMS responses: no LMS page needs the camera, microphone,
    #: location, sensors, payments or USB, so a script injected into one gets none. "" omits it.
    "LMS_PERMISSIONS_POLICY": ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
                               "magnetometer=(), microphone=(), payment=(), usb=()"),
    #: Rate-limit counters: memory:// for one process, redis://host:6379 for several servers.
    "LMS_RATELIMIT_STORAGE_URI": "memory://",
    #: Prefix of this app's counters, so several apps can share one Redis.
    "LMS_RATELIMIT_KEY_PREFIX": "lms",
    #: Reverse proxies in front of the app that set X-Forwarded-For/-Proto (0: none, the
    #: client connects directly). Applied by `lms.app.create_app` with Werkzeug's ProxyFix;
    #: a host app wraps its own `wsgi_app` instead (see README). Never set it higher than
    #: the real number of proxies: clients could then choose their own address.
    "LMS_TRUSTED_PROXY_COUNT": 0,
    # Server-side sessions of standalone accounts (lms/auth/user_sessions.py).
    #: Minutes without any request after which a session ends. 120: a 90-minute class
    #: period or the long midday break does not lose a half-filled form, while a PC left
    #: signed in at a shared desk is closed by the afternoon.
    "LMS_SESSION_IDLE_MINUTES": 120,
    #: Hours after sign-in at which a session ends whatever the activity: one working day,
    #: so a stolen cookie is useless by the next morning. The signed cookie also expires
    #: PERMANENT_SESSION_LIFETIME (12 h) after it was last written: raise both together.
    "LMS_SESSION_MAX_HOURS": 12,
    #: Seconds between two updates of a session's "last seen" time (one write per minute
    #: at most, not one per request); the idle timeout is exact to this much.
    "LMS_SESSION_TOUCH_SECONDS": 60,
    #: Minimum length of a new password (NIST SP 800-63B favours length over symbols).
    "LMS_PASSWORD_MIN_LENGTH": 10,
    #: Lowest zxcvbn strength score (0–4) a new password must reach; 3 means "safely
    #: unguessable" (at least 10^8 guesses): enough behind online throttling and scrypt.
    "LMS_PASSWORD_MIN_SCORE": 3,
    #: Words of this site that must not make up a password (besides the person's own
    #: username, name, staff code and e-mail, and the organisation's name), lower case
    #: without diacritics: the Vietnamese for "password", "training", "study".
    "LMS_PASSWORD_CONTEXT_WORDS": ["matkhau", "daotao", "hoctap", "lms"],
    #: Werkzeug hashing method for new passwords; scrypt is memory-hard (OWASP's advice).
    "LMS_PASSWORD_HASH_METHOD": "scrypt",
    #: Largest accepted upload (learner import files, content packs), in bytes.
    "LMS_MAX_UPLOAD_BYTES": 5 * 1024 * 1024,
    #: Largest evidence file of an external completion (a scanned or photographed
    #: certificate, a PDF from the provider), in bytes; at most LMS_MAX_UPLOAD_BYTES.
    #: None: 4 MB (a phone photo of a page), or LMS_MAX_UPLOAD_BYTES if a site set that
    #: lower. A bigger file is refused with a translated error.
    "LMS_EXTERNAL_EVIDENCE_MAX_BYTES": None,
    #: YAML list of the external providers and courses learners choose from
    #: (lms/credits/external/providers.yaml has the format); None: the shipped defaults.
    "LMS_EXTERNAL_PROVIDERS_FILE": None,
    #: Most rows one learner import may hold; bigger files must be split.
    "LMS_IMPORT_MAX_ROWS": 20000,
    #: Seconds after a quiz deadline during which answers are still accepted (network lag).
    "LMS_QUIZ_GRACE_SECONDS": 30,
    #: Task queue storage: None for a SQLite file `lms-tasks.sqlite3` in the instance folder
    #: (one machine), `redis://host:6379/0` when several servers share the work.
    "LMS_TASK_QUEUE_URL": None,
    #: Queue name: apps sharing one Redis keep apart by name.
    "LMS_TASK_QUEUE_NAME": "lms",
    #: Run tasks at once in the committing process, in memory (tests; no worker needed).
    "LMS_TASK_QUEUE_IMMEDIATE": False,
    #: Worker threads of `flask lms worker` (PDF rendering and exports are I/O-light).
    "LMS_TASK_WORKERS": 2,
    #: On Ctrl+C the worker lets running tasks finish for this long, then stops them (an
    #: unfinished outbox message is handed over again by the sweep): Ctrl+C always ends it.
    "LMS_TASK_SHUTDOWN_SECONDS": 10,
    #: An outbox message still not done this long after commit is handed over again.
    "LMS_OUTBOX_SWEEP_SECONDS": 60,
    #: How long a worker may run one message before another may take it over.
    "LMS_OUTBOX_LEASE_SECONDS": 600,
    #: After this many failed runs a message waits for an operator (its last_error says why).
    "LMS_OUTBOX_MAX_ATTEMPTS": 10,
    #: Least time on a lesson before it can be marked done, as a share of its estimated
    #: reading time (`minutes` in the lesson's front matter); a pack may set its own
    #: (`min_lesson_share` in course.yaml). 0.5: the estimate is for an average reader, and
    #: a practised one reads about twice as fast, so half the estimate never holds back
    #: someone who reads, while a click-through (seconds per lesson) is refused. 0 turns the
    #: minimum off. See docs/content-packs.md, "Learning time".
    "LMS_MIN_LESSON_SHARE": 0.5,
    #: Longest gap between two requests on a lesson that is credited as time on it, as a
    #: multiple of the lesson's estimated reading time: a reader who opens the page once
    #: and reads for the whole estimate (or twice as long) is credited in full; a tab left
    #: open overnight adds at most this much. At least 1.
    "LMS_LESSON_GAP_FACTOR": 2.0,
    #: Whether the final quiz opens only once every lesson is done, for packs whose
    #: course.yaml does not say (`quiz_requires_lessons`).
    "LMS_QUIZ_REQUIRES_LESSONS": True,
    #: Longest typed quiz answer accepted, in characters (short answers are a few words;
    #: the cap keeps a script from storing megabytes per question).
    "LMS_QUIZ_MAX_ANSWER_CHARS": 2000,
    #: Compress LMS pages, styles and scripts with brotli or gzip when the browser accepts
    #: it (lms/compression.py). False when a proxy in front (nginx) compresses already.
    "LMS_COMPRESSION": True,
    #: Minutes the one-time CSV of an import's temporary passwords can be downloaded
    #: (kept encrypted meanwhile, lms/accounts/credential_sheets.py): time to click it.
    "LMS_CREDENTIAL_SHEET_MINUTES": 15,
    #: Rows per page in admin lists.
    "LMS_PAGE_SIZE": 50,
    #: Seconds the HR list's counts per unit and the admin list's total are kept before
    #: they are counted again (lms.pagination.CountCache): counting reads everyone in
    #: scope, a page does not.
    #: New people, enrolments and completions are counted at once whatever this is.
    "LMS_LIST_COUNT_SECONDS": 60,
}

#: Flask settings the LMS relies on, applied only when the app has not set them.
FLASK_DEFAULTS: dict[str, object] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "WTF_CSRF_TIME_LIMIT": None,  # token lives as long as the session: no lost forms after lunch
}

MIN_SECRET_KEY_LENGTH = 32
INSTANCE_CONFIG_FILENAME = "lms.cfg"


class ConfigurationError(RuntimeError):
    """Raised at start-up when the configuration would make the LMS unsafe or broken."""


def apply_defaults(app: Flask) -> None:
    """Fill every missing ``LMS_*`` key of ``app.config`` (see module docstring)."""
    apply_feature_defaults(app, DEFAULTS)
    for key, default in FLASK_DEFAULTS.items():
        if app.config.get(key) is None:  # Flask ships some of these as None
            app.config[key] = default
    if app.config.get("PREFERRED_URL_SCHEME") == "https":
        # Served over https: cookies must never travel over plain http.
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def apply_feature_defaults(app: Flask, defaults: dict[str, object]) -> None:
    """Fill the missing keys of ``defaults`` in the same order as the core's settings, so
    a feature keeps its own settings (and their comments) in its own package."""
    from_instance = _read_instance_file(app)
    for key, default in defaults.items():
        if key in app.config:
            continue
        env_name = f"FLASK_{key}"
        if env_name in os.environ:
            app.config[key] = _decode_env(os.environ[env_name])
        elif key in from_instance:
            app.config[key] = from_instance[key]
        else:
            app.config[key] = json.loads(json.dumps(default))  # a private copy per app


def validate(app: Flask) -> None:
    """Refuse to start with settings that are unsafe or cannot work."""
    config = app.config
    if not (app.debug or app.testing) and secret_key_problem(app) and not loading_for_a_command():
        raise ConfigurationError(secret_key_problem(app))
    renamed = {"LMS_LOGIN_LIMIT_PER_IP": "LMS_LOGIN_FAILURES_PER_ADDRESS",
               "LMS_LOGIN_LIMIT_PER_USERNAME": "LMS_LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS"}
    for old, new in renamed.items():
        if old in config:
            raise ConfigurationError(f"{old} was replaced by {new} (only failures count now); "
                                     "see lms/config.py for the sign-in limits.")
    proxies = config["LMS_TRUSTED_PROXY_COUNT"]
    if not isinstance(proxies, int) or isinstance(proxies, bool) or not 0 <= proxies <= 5:
        raise ConfigurationError(
            f"LMS_TRUSTED_PROXY_COUNT must be a whole number from 0 to 5: {proxies!r}")
    for key in ("LMS_LOGIN_FAILURES_PER_ADDRESS", "LMS_LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS",
                "LMS_LOGIN_FAILURES_PER_USERNAME", "LMS_PASSWORD_CHANGE_FAILURES"):
        try:
            limits_parse(config[key])
        except ValueError:
            raise ConfigurationError(
                f"{key} is not a limits expression such as '5 per 5 minutes': {config[key]!r}"
            ) from None
    for key in ("LMS_LOGIN_DELAY_AFTER_FAILURES", "LMS_LOGIN_DELAY_BASE_SECONDS",
                "LMS_LOGIN_DELAY_MAX_SECONDS", "LMS_SESSION_TOUCH_SECONDS"):
        value = config[key]
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise ConfigurationError(f"{key} must be a number of at least 0: {value!r}")
    for key in ("LMS_SESSION_IDLE_MINUTES", "LMS_SESSION_MAX_HOURS"):
        if not isinstance(config[key], (int, float)) or config[key] <= 0:
            raise ConfigurationError(f"{key} must be a positive number: {config[key]!r}")
    prefix = config["LMS_URL_PREFIX"]
    if prefix and (not prefix.startswith("/") or prefix.endswith("/")):
        raise ConfigurationError(
            f"LMS_URL_PREFIX must be empty or start with '/' and not end with '/': {prefix!r}"
        )
    locales = list(config["LMS_LOCALES"])
    if config["LMS_DEFAULT_LOCALE"] not in locales:
        raise ConfigurationError(
            f"LMS_DEFAULT_LOCALE {config['LMS_DEFAULT_LOCALE']!r} is not in LMS_LOCALES {locales!r}"
        )
    _validate_learning_time(config)
    evidence = config["LMS_EXTERNAL_EVIDENCE_MAX_BYTES"]
    if evidence is not None and (not isinstance(evidence, int) or isinstance(evidence, bool)
                                 or not 0 < evidence <= config["LMS_MAX_UPLOAD_BYTES"]):
        raise ConfigurationError(
            "LMS_EXTERNAL_EVIDENCE_MAX_BYTES must be a whole number of bytes from 1 to "
            f"LMS_MAX_UPLOAD_BYTES ({config['LMS_MAX_UPLOAD_BYTES']}): {evidence!r}")
    unsupported = set(locales) - {"vi", "en"}
    if unsupported:
        raise ConfigurationError(f"LMS_LOCALES has languages without a catalog: {sorted(unsupported)}")


def secret_key_problem(app: Flask) -> str | None:
    """Why ``SECRET_KEY`` cannot sign sessions and CSRF tokens, or None when it can."""
    secret = app.config.get("SECRET_KEY")
    if secret and len(str(secret)) >= MIN_SECRET_KEY_LENGTH:
        return None
    return ("SECRET_KEY is missing or shorter than "
            f"{MIN_SECRET_KEY_LENGTH} characters. Set FLASK_SECRET_KEY in the environment "
            f"or SECRET_KEY in {os.path.join(app.instance_path, INSTANCE_CONFIG_FILENAME)} "
            "to a long random value, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`.")


def loading_for_a_command() -> bool:
    """Whether Flask's command line is loading the app only to find a command of it.

    The key signs sessions and CSRF tokens: only a server needs it. ``flask lms …`` (and
    ``flask --help``) load the app at the top level of the command line, before any
    command runs; those commands serve no request (``--help``, ``validate-pack``,
    ``export-pack``, ``db upgrade`` …). Every way of serving still refuses at start-up:
    ``flask run`` and ``flask shell`` load the app inside their own command, gunicorn
    imports ``wsgi.py`` with no command line of Flask's, and a host builds its app itself.
    Should such an app answer a request anyway, :func:`lms.routing` refuses it (503).
    """
    import click
    from flask.cli import FlaskGroup

    context = click.get_current_context(silent=True)
    return context is not None and context.parent is None and isinstance(context.command, FlaskGroup)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


#: The evidence limit when LMS_EXTERNAL_EVIDENCE_MAX_BYTES is None.
DEFAULT_EVIDENCE_MAX_BYTES = 4 * 1024 * 1024


def evidence_max_bytes(config) -> int:
    """The largest evidence file accepted (LMS_EXTERNAL_EVIDENCE_MAX_BYTES, see DEFAULTS)."""
    configured = config["LMS_EXTERNAL_EVIDENCE_MAX_BYTES"]
    if configured is not None:
        return configured
    return min(DEFAULT_EVIDENCE_MAX_BYTES, config["LMS_MAX_UPLOAD_BYTES"])


def _validate_learning_time(config) -> None:
    share = config["LMS_MIN_LESSON_SHARE"]
    if not _is_number(share) or not 0 <= share <= 1:
        raise ConfigurationError(f"LMS_MIN_LESSON_SHARE must be a number from 0 to 1: {share!r}")
    factor = config["LMS_LESSON_GAP_FACTOR"]
    if not _is_number(factor) or factor < 1:
        # Below 1, a reader who reads a lesson in one go would not be credited in full.
        raise ConfigurationError(f"LMS_LESSON_GAP_FACTOR must be a number of at least 1: {factor!r}")
    if not isinstance(config["LMS_QUIZ_REQUIRES_LESSONS"], bool):
        raise ConfigurationError("LMS_QUIZ_REQUIRES_LESSONS must be true or false")


def _read_instance_file(app: Flask) -> dict[str, object]:
    path = os.path.join(app.instance_path, INSTANCE_CONFIG_FILENAME)
    if not os.path.exists(path):
        return {}
    namespace: dict[str, object] = {"__file__": path}
    with open(path, encoding="utf-8") as config_file:
        exec(compile(config_file.read(), path, "exec"), namespace)  # same as Flask.from_pyfile
    return {key: value for key, value in namespace.items() if key.isupper()}


def _decode_env(raw: str) -> object:
    try:
        return json.loads(raw)
    except ValueError:
        return raw
