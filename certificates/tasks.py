"""The certificate feature's background work (outbox tasks, run after commit)."""
from __future__ import annotations


def register_tasks(queue) -> None:
    from certificates.archives import build_archive

    queue.register("certificates.render", render)
    queue.register("certificates.build_archive", build_archive)


def render(certificate_id: int) -> None:
    """Render and store a new certificate's PDF (safe to repeat: a stored file stands)."""
    from certificates.models import Certificate
    from certificates.operations import ensure_file
    from lms.db import get_session

    certificate = get_session().get(Certificate, certificate_id)
    if certificate is not None:
        ensure_file(certificate, "vi")
