"""Certificates of completion (*Giấy chứng nhận hoàn thành khóa bồi dưỡng*).

A feature (``lms.features``) after ``courses``: on ``course_completed`` it issues the
certificate row (serial, verification code) inside the transaction, and the outbox
renders its PDF once after commit. It serves the learner's downloads, the public
verification page and its JSON twin, the signed Open Badges 3.0 credential and its
status, and the admin's revocation (``certificate_revoked``: credits listen).
"""
from __future__ import annotations

#: Features that must be enabled before this one.
REQUIRES: tuple[str, ...] = ("courses",)


def load_models() -> None:
    import certificates.models  # noqa: F401  (the import defines the tables)


def init_app(app, state) -> None:
    """Settings, pages, commands, the completion receiver, the render task and the
    certificate column of the completion export."""
    from certificates import config, exports, operations, tasks
    from lms import signals

    config.apply_defaults(app)
    config.validate(app)
    tasks.register_tasks(state.tasks)
    signals.course_completed.connect(operations.on_course_completed, sender=app)
    state.completion_export_columns.register("certificates", exports.completion_columns())
