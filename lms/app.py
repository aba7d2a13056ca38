"""The standalone application factory: wiring only, no queries, no prompts."""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, redirect, url_for

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
    if app.config["LMS_URL_PREFIX"]:
        # Standalone with a prefix: send visitors of the bare site to the LMS.
        app.add_url_rule("/", "root", lambda: redirect(url_for("lms.index")))
    return app
