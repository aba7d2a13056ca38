"""`flask lms certificates issue` backfills past completions; `regenerate` renders the
files of an older template version again and keeps the old hash in the history."""
from __future__ import annotations

import sqlalchemy as sa

from certificates.models import Certificate, CertificateFile


def test_issue_backfills_completions_that_have_no_certificate(app, db, learner, course, complete):
    certificate = complete(learner, course)
    # A completion from before the feature: its certificate does not exist.
    db.execute(sa.delete(CertificateFile).where(CertificateFile.certificate_id == certificate.id))
    db.execute(sa.delete(Certificate).where(Certificate.id == certificate.id))
    db.commit()
    result = app.test_cli_runner().invoke(args=["lms", "certificates", "issue"])
    assert result.exit_code == 0, result.output
    assert "1 certificates issued" in result.output and "Issuing certificates" in result.output
    issued = db.scalar(sa.select(Certificate).where(Certificate.completion_id == certificate.completion_id))
    assert issued is not None and issued.full_name == learner.full_name
    again = app.test_cli_runner().invoke(args=["lms", "certificates", "issue"])
    assert "0 certificates issued" in again.output


def test_regenerate_keeps_the_previous_hash(app, db, learner, course, complete):
    certificate = complete(learner, course)
    runner = app.test_cli_runner()
    assert "0 files rendered again" in runner.invoke(args=["lms", "certificates", "regenerate"]).output
    old = db.scalar(sa.select(CertificateFile).where(CertificateFile.certificate_id == certificate.id))
    app.config["LMS_CERTIFICATE_TEMPLATE_VERSION"] = 2
    result = runner.invoke(args=["lms", "certificates", "regenerate"])
    assert result.exit_code == 0 and "1 files rendered again" in result.output, result.output
    db.expire_all()
    files = db.scalars(sa.select(CertificateFile).where(CertificateFile.certificate_id == certificate.id)
                       .order_by(CertificateFile.id)).all()
    assert [(row.template_version, row.superseded_dt is None) for row in files] == [(1, False), (2, True)]
    assert files[0].sha256 == old.sha256
