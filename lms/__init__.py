"""Digital-skills learning-management plugin for Flask.

Standalone: ``create_app()``. Inside a host: ``LMS(app)`` or ``LMS().init_app(app)``.
"""
from lms.app import create_app
from lms.extension import LMS, get_state

__all__ = ["LMS", "create_app", "get_state"]
