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


class CertificatesState:
    """What the feature keeps per app, at ``app.extensions["lms.certificates"]``."""

    def __init__(self, verify_limiter) -> None:
        #: Throttle of the public verification pages (certificates.rate_limit).
        self.verify_limiter = verify_limiter


def load_models() -> None:
    import certificates.models  # noqa: F401  (the import defines the tables)


def init_app(app, state) -> None:
    """Settings, pages, commands, the completion receiver, the render task and the
    certificate column of the completion export."""
    from certificates import cli, config, exports, operations, tasks
    from certificates.blueprint import certificates_blueprint, verify_blueprint
    from certificates.rate_limit import VerifyRateLimiter
    from lms import signals
    from lms.i18n import _l
    from lms.navigation import NavLink

    config.apply_defaults(app)
    config.validate(app)
    app.extensions["lms.certificates"] = CertificatesState(
        verify_limiter=VerifyRateLimiter.from_config(app.config))
    state.blueprint.register_blueprint(certificates_blueprint)
    # Groups go on as they are: AppGroup commands already run in the app context.
    state.cli.add_command(cli.keys_cli)
    state.cli.add_command(cli.certificates_cli)
    state.blueprint.register_blueprint(verify_blueprint)
    state.nav_links.register("certificates.mine", NavLink(
        "lms.certificates.mine", _l("My certificates")))
    state.nav_links.register("certificates.archives", NavLink(
        "lms.certificates.request_archive", _l("Certificate files"), permission="reports.view",
        current=("lms.certificates.archive",), section="manage"))
    state.nav_links.register("certificates.admin", NavLink(
        "lms.certificates.admin_list", _l("Certificates"), permission="certificates.revoke",
        current=("lms.certificates.revoke",), section="manage"))
    tasks.register_tasks(state.tasks)
    signals.course_completed.connect(operations.on_course_completed, sender=app)
    state.completion_export_columns.register("certificates", exports.completion_columns())
    state.completion_notes.register("certificates", completion_note)


def completion_note(completion):
    """The course page's link to the certificate of this completion."""
    from flask import render_template
    from markupsafe import Markup

    from certificates.operations import certificate_of_completion

    certificate = certificate_of_completion(completion.id)
    if certificate is None:
        return ""
    return Markup(render_template("lms/certificates/_completion_note.html", certificate=certificate))
