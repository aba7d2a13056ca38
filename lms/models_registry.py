"""Knows every module that defines LMS models, so ``lms.db.metadata`` is complete
before Alembic compares it or relationships are configured.

Add a module name here when a feature package gets a models module.
"""
from importlib import import_module

MODEL_MODULES = (
    "lms.accounts.models",
    "lms.audit.models",
    "lms.tasks.models",
    "lms.auth.models",
    "courses.models",
    "quizzes.models",
)


def load_all_models() -> None:
    for name in MODEL_MODULES:
        import_module(name)
