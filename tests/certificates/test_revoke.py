"""Revocation by an admin: a reason is required, it is audited, the signal reaches the
credits feature, and every view of the certificate says so."""
from __future__ import annotations

import sqlalchemy as sa

from certificates.models import Certificate
from lms import signals
from lms.accounts.models import Role
from lms.audit.models import AuditEvent


def test_an_admin_revokes_with_a_reason_and_the_signal_is_sent(app, client, login, db,
                                                              create_learner, learner, course,
                                                              complete):
    certificate = complete(learner, course)
    admin = create_learner("Quản Trị", username="boss", roles=[Role.ADMIN])
    received = []

    def on_revoked(sender, **kwargs):
        received.append(kwargs)

    signals.certificate_revoked.connect(on_revoked, sender=app)
    try:
        login("boss")
        url = f"/admin/certificates/{certificate.id}/revoke"
        assert client.get(url).status_code == 200
        refused = client.post(url, data={"reason": "   "})
        assert refused.status_code == 400 and received == []
        done = client.post(url, data={"reason": "Khai sai đơn vị công tác"})
        assert done.status_code == 302
    finally:
        signals.certificate_revoked.disconnect(on_revoked, sender=app)
    assert len(received) == 1
    assert received[0]["completion_id"] == certificate.completion_id
    assert received[0]["reason"] == "Khai sai đơn vị công tác"
    assert received[0]["actor_id"] == admin.id
    assert received[0]["certificate"].id == certificate.id
    row = db.get(Certificate, certificate.id)
    db.refresh(row)
    assert row.is_revoked and row.revoked_by_id == admin.id
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
    assert event.details["reason"] == "Khai sai đơn vị công tác" and event.actor_id == admin.id
    listing = client.get("/admin/certificates").get_data(as_text=True)
    assert "Khai sai đơn vị công tác" in listing
    # The learner's list says so, and the PDF is no longer handed out.
    client.post("/auth/logout")
    login("huong")
    assert "Khai sai đơn vị công tác" in client.get("/my-certificates").get_data(as_text=True)
    blocked = client.get(f"/certificates/{certificate.id}/pdf")
    assert blocked.status_code == 410 and blocked.mimetype == "text/html"
    assert "bị thu hồi" in blocked.get_data(as_text=True)


def test_revoking_twice_changes_nothing(app, app_context, db, create_learner, learner, course,
                                        complete):
    from certificates.operations import revoke_certificate

    certificate = complete(learner, course)
    admin = create_learner("Quản Trị", username="boss", roles=[Role.ADMIN])
    with app_context():
        assert revoke_certificate(certificate, reason="Lý do một", actor=admin) is True
        assert revoke_certificate(certificate, reason="Lý do hai", actor=admin) is False
        db.commit()
    assert certificate.revoked_reason == "Lý do một"


def test_only_admins_revoke(client, login, create_learner, unit, learner, course, complete):
    certificate = complete(learner, course)
    create_learner("Tổ Chức", username="hr", unit=unit, roles=[Role.HR], hr_unit=unit)
    login("hr")
    assert client.post(f"/admin/certificates/{certificate.id}/revoke",
                       data={"reason": "x"}).status_code == 403


def test_the_completion_export_gets_the_serial_column(app, app_context, db, learner, course,
                                                      complete, create_learner):
    from certificates.exports import load_serials
    from certificates.operations import revoke_certificate

    certificate = complete(learner, course)
    columns = app.extensions["lms"].completion_export_columns.get("certificates")
    assert columns.columns[0].header["vi"] == "Số giấy chứng nhận"
    with app_context():
        assert load_serials(db, [certificate.completion_id, 999999], "vi") == {
            certificate.completion_id: (certificate.serial,)}
        admin = create_learner("Quản Trị", username="boss", roles=[Role.ADMIN])
        revoke_certificate(certificate, reason="Sai", actor=admin)
        assert load_serials(db, [certificate.completion_id], "vi") == {
            certificate.completion_id: (f"{certificate.serial} (đã thu hồi)",)}
        assert load_serials(db, [], "vi") == {}
        db.rollback()
