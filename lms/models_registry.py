"""Loads every module that defines LMS models, so ``lms.db.metadata`` is complete
before Alembic compares it or relationships are configured.

The core's models are listed here; the features' models come through the feature list
(``lms.features``: each feature's ``load_models()``), so a new feature needs no line
here. Every shipped feature's tables are loaded even when an app turns the feature off
with ``LMS_FEATURES``: the migrations own one schema for all of them.
"""
from importlib import import_module

#: The core's models modules (features load their own).
CORE_MODEL_MODULES = (
    "lms.accounts.models",
    "lms.accounts.credential_sheets",
    "lms.audit.models",
    "lms.tasks.models",
    "lms.auth.models",
)


def load_all_models(extra_features=()) -> None:
    """Import the core's and every feature's models (``extra_features``: a host's own)."""
    from lms import features

    for name in CORE_MODEL_MODULES:
        import_module(name)
    features.load_models(tuple(features.FEATURES) + tuple(
        name for name in extra_features if name not in features.FEATURES))
