"""A completion issues one certificate: serial from the pattern, readable random code,
the PDF rendered after commit by the outbox task."""
from __future__ import annotations

import re

import sqlalchemy as sa

from certificates import codes
from certificates.models import Certificate, CertificateFile


def test_completion_issues_a_certificate_with_serial_code_and_stored_pdf(app, db, learner, course,
                                                                       complete):
    certificate = complete(learner, course)
    assert certificate is not None
    assert re.fullmatch(r"\d{5}/\d{4}/GCN-SVHTTDL", certificate.serial)
    assert certificate.serial.startswith(f"{certificate.seq:05d}/{certificate.year}/")
    assert codes.normalize_code(codes.grouped(certificate.verification_code)) == \
        certificate.verification_code
    assert certificate.full_name == learner.full_name
    files = db.scalars(sa.select(CertificateFile)
                       .where(CertificateFile.certificate_id == certificate.id)).all()
    assert len(files) == 1 and files[0].content.startswith(b"%PDF")
    assert db.scalar(sa.select(sa.func.count()).select_from(Certificate)
                     .where(Certificate.learner_id == learner.id)) == 1


