"""What ``lms.credits.init_app`` registers on the app's state (kept out of __init__ so
importing the package stays cheap)."""
from __future__ import annotations


def init_app(app, state) -> None:
    from lms import signals
    from lms.credits import cli, operations

    # A group of its own (``flask lms credits …``); its commands push the app context
    # themselves (AppGroup), so the group is added as it is, not wrapped like a command.
    state.cli.add_command(cli.credits_cli)

    signals.course_completed.connect(operations.on_course_completed, sender=app)
    signals.certificate_revoked.connect(operations.on_certificate_revoked, sender=app)
