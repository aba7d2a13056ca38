"""The feature list: the packages that plug into the LMS core.

A feature is a Python package (dotted module name) whose ``__init__`` provides:

- ``REQUIRES``: the features it depends on (they must be enabled and come before it);
- ``load_models()``: imports its models modules, so ``lms.db.metadata`` knows its
  tables (Alembic and the migration runner call it through
  :func:`lms.models_registry.load_all_models`, with or without an app);
- ``init_app(app, state)``: registers its blueprints on ``state.blueprint`` (the
  parent ``lms`` blueprint of this app), its ``flask lms`` commands with
  :func:`lms.cli.add_command`, its signal receivers, registry entries and tasks.

Why dotted names rather than package entry points: the list is short, its order is the
dependency order and can be read here, a host adds its own feature with one line of
configuration and no packaging step, and tests can build an app with any subset.

``LMS_FEATURES`` (None: every feature below) lets a host turn a feature off or add its
own, e.g. ``LMS_FEATURES = ["courses", "lms.reports", "myhost.credits"]``.

The core (``lms`` outside ``lms.reports`` and ``lms.credits``) never imports a feature except by name,
here; ``tests/test_import_graph.py`` keeps it so.
"""
from __future__ import annotations

from importlib import import_module
from types import ModuleType

from flask import Flask

#: Every feature the LMS ships, a feature after the ones it needs.
FEATURES: tuple[str, ...] = (
    "courses",
    "quizzes",
    "lms.credits",
    "certificates",
    "lms.reports",
    "lms.exports",
)


class FeatureError(RuntimeError):
    """The feature list cannot work (unknown package, missing dependency)."""


def enabled_features(app: Flask) -> list[str]:
    """The features this app runs, in order (``LMS_FEATURES``, default :data:`FEATURES`)."""
    names = app.config.get("LMS_FEATURES")
    if names is None:
        return list(FEATURES)
    if isinstance(names, str) or not all(isinstance(name, str) and name for name in names):
        raise FeatureError("LMS_FEATURES must be a list of dotted package names.")
    if len(set(names)) != len(names):
        raise FeatureError("LMS_FEATURES names a feature twice.")
    return list(names)


def _feature(name: str) -> ModuleType:
    try:
        module = import_module(name)
    except ImportError as error:
        raise FeatureError(f"Feature {name!r} in LMS_FEATURES cannot be imported: {error}") from error
    for attribute in ("init_app", "load_models"):
        if not callable(getattr(module, attribute, None)):
            raise FeatureError(f"Feature {name!r} has no {attribute}() (see lms/features.py).")
    return module


def init_features(app: Flask, state) -> list[str]:
    """Import each enabled feature and call its ``init_app``; returns their names.

    A feature whose ``REQUIRES`` are not enabled before it refuses to start: a quiz
    without courses cannot work, and a silent half-registration would fail later.
    """
    started: list[str] = []
    for name in enabled_features(app):
        module = _feature(name)
        missing = [need for need in getattr(module, "REQUIRES", ()) if need not in started]
        if missing:
            raise FeatureError(f"Feature {name!r} needs {', '.join(missing)} enabled before it "
                               "in LMS_FEATURES.")
        module.load_models()
        module.init_app(app, state)
        started.append(name)
    return started


def load_models(names: tuple[str, ...] | list[str] = FEATURES) -> None:
    """Import the models of the features ``names`` (default: every shipped feature)."""
    for name in names:
        _feature(name).load_models()
