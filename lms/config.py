"""Every `LMS_*` setting, its default and why, in one place.

Values are resolved by :func:`apply_defaults` in this order (first found wins):
keys already in ``app.config`` (set by a host or passed to ``create_app``),
environment variables ``FLASK_LMS_<NAME>`` (JSON values are decoded, like Flask's
``from_prefixed_env``), the instance file ``<instance>/lms.cfg``, then the defaults below.
"""
from __future__ import annotations

import json
import os
from datetime import timedelta

from flask import Flask

DEFAULTS: dict[str, object] = {
    #: SQLAlchemy URL. None means a SQLite file `lms.sqlite3` in the instance folder.
    "LMS_DATABASE_URL": None,
    #: Extra keyword arguments for `sqlalchemy.create_engine` (pool size, echo, ...).
    "LMS_ENGINE_OPTIONS": {},
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
    #: Permissions-Policy of LMS responses: no LMS page needs the camera, microphone,
    #: location, sensors, payments or USB, so a script injected into one gets none. "" omits it.
    "LMS_PERMISSIONS_POLICY": ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
                               "magnetometer=(), microphone=(), payment=(), usb=()"),
    #: Login attempts allowed per client IP (a `limits` expression).
    "LMS_LOGIN_LIMIT_PER_IP": "30 per 5 minutes",
    #: Failed logins allowed per username before it is locked for the window.
    "LMS_LOGIN_LIMIT_PER_USERNAME": "5 per 5 minutes",
    #: Rate-limit counters: memory:// for one process, redis://host:6379 for several servers.
    "LMS_RATELIMIT_STORAGE_URI": "memory://",
    #: Minimum length of a new password (NIST SP 800-63B favours length over symbols).
    "LMS_PASSWORD_MIN_LENGTH": 10,
    #: Werkzeug hashing method for new passwords; scrypt is memory-hard (OWASP's advice).
    "LMS_PASSWORD_HASH_METHOD": "scrypt",
    #: Largest accepted upload (learner import files, content packs), in bytes.
    "LMS_MAX_UPLOAD_BYTES": 5 * 1024 * 1024,
    #: Most rows one learner import may hold; bigger files must be split.
    "LMS_IMPORT_MAX_ROWS": 20000,
    #: Seconds after a quiz deadline during which answers are still accepted (network lag).
    "LMS_QUIZ_GRACE_SECONDS": 30,
    #: Rows per page in admin lists.
    "LMS_PAGE_SIZE": 50,
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
    from_instance = _read_instance_file(app)
    for key, default in DEFAULTS.items():
        if key in app.config:
            continue
        env_name = f"FLASK_{key}"
        if env_name in os.environ:
            app.config[key] = _decode_env(os.environ[env_name])
        elif key in from_instance:
            app.config[key] = from_instance[key]
        else:
            app.config[key] = json.loads(json.dumps(default))  # a private copy per app
    for key, default in FLASK_DEFAULTS.items():
        if app.config.get(key) is None:  # Flask ships some of these as None
            app.config[key] = default
    if app.config.get("PREFERRED_URL_SCHEME") == "https":
        # Served over https: cookies must never travel over plain http.
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def validate(app: Flask) -> None:
    """Refuse to start with settings that are unsafe or cannot work."""
    config = app.config
    if not (app.debug or app.testing):
        secret = config.get("SECRET_KEY")
        if not secret or len(str(secret)) < MIN_SECRET_KEY_LENGTH:
            raise ConfigurationError(
                "SECRET_KEY is missing or shorter than "
                f"{MIN_SECRET_KEY_LENGTH} characters. Set FLASK_SECRET_KEY in the environment "
                f"or SECRET_KEY in {os.path.join(app.instance_path, INSTANCE_CONFIG_FILENAME)} "
                "to a long random value, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
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
    unsupported = set(locales) - {"vi", "en"}
    if unsupported:
        raise ConfigurationError(f"LMS_LOCALES has languages without a catalog: {sorted(unsupported)}")


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
