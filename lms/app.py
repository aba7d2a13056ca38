"""The standalone application factory: wiring only, no queries, no prompts."""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, redirect, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from lms.config import INSTANCE_CONFIG_FILENAME
from lms.extension import LMS


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the standalone LMS app.

    Settings come from ``<instance>/lms.cfg``, then ``FLASK_*`` environment variables
    (``FLASK_SECRET_KEY``, ``FLASK_LMS_DATABASE_URL`` …), then ``config`` (highest).
    """
    instance_path = os.environ.get("FLASK_LMS_INSTANCE_PATH")
    # No app-level static route: the LMS blueprint serves its own files (with cache headers).
    app = Flask("lms", instance_path=instance_path, instance_relative_config=True,
                static_folder=None)
    app.config.from_pyfile(INSTANCE_CONFIG_FILENAME, silent=True)
    app.config.from_prefixed_env("FLASK")
    if config:
        app.config.update(config)
    LMS(app)
    trust_proxies(app)
    # Browsers ask every site for /favicon.ico, whatever the page links: the site is the
    # standalone app's, so the route is too (a host serves its own icon).
    app.add_url_rule("/favicon.ico", "favicon", _favicon)
    if app.config["LMS_URL_PREFIX"]:
        # Standalone with a prefix: send visitors of the bare site to the LMS.
        app.add_url_rule("/", "root", lambda: redirect(url_for("lms.index")))
    return app


def _favicon():
    from flask import send_from_directory

    from lms.assets import PLAIN_MAX_AGE
    from lms.templating import STATIC_DIR

    return send_from_directory(STATIC_DIR, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=PLAIN_MAX_AGE)


def trust_proxies(app: Flask) -> None:
    """Behind ``LMS_TRUSTED_PROXY_COUNT`` reverse proxies, take the client's address and
    scheme from the X-Forwarded-For/-Proto headers they set (Werkzeug's ProxyFix).

    This belongs to whoever owns the WSGI app, so only the standalone factory does it:
    the LMS extension never wraps a host's ``wsgi_app`` (the host may have its own
    ProxyFix, and a second one would trust one hop too many). X-Forwarded-Host is not
    trusted: the proxies in the README pass the Host header through unchanged, and a
    proxy that does not overwrite X-Forwarded-Host would let a client choose the host
    in generated links.
    """
    count = app.config["LMS_TRUSTED_PROXY_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0,
                                x_port=0, x_prefix=0)
