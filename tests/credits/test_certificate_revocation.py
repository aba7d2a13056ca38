"""The two features together: an admin revoking a certificate on its page reverses the
credits of its completion, through the ``certificate_revoked`` signal only (neither
package imports the other)."""
from __future__ import annotations

import sqlalchemy as sa

from certificates.models import Certificate
from lms.accounts.models import Role
from lms.credits.models import EntryKind
from tests.quizzes.quiz_helpers import pass_quiz
from tests.credits.conftest import ledger


def test_revoking_on_the_admin_page_reverses_the_credits(
        client, signed_in, seeded, hoa, course, db, create_learner, login):
    course("ATTT09", periods=2)
    pass_quiz(signed_in, "ATTT09")
    [award] = ledger(db, hoa.id)
    certificate = db.scalar(sa.select(Certificate).where(
        Certificate.completion_id == award.completion_id))
    assert certificate is not None  # issued by the certificates feature on the same completion
    create_learner("Quản Trị", username="boss", roles=[Role.ADMIN])
    client.post("/auth/logout")
    login("boss")

    done = client.post(f"/admin/certificates/{certificate.id}/revoke",
                       data={"reason": "Khai sai đơn vị công tác"})

    assert done.status_code == 302
    award, reversal = ledger(db, hoa.id)
    assert reversal.kind == EntryKind.REVERSAL and reversal.reverses_entry_id == award.id
    assert reversal.awarded_value == -award.awarded_value == -2
    assert "Khai sai đơn vị công tác" in reversal.reasons[0]["vi"]
    client.post("/auth/logout")
    login("hoa")
    page = client.get("/credits").get_data(as_text=True)
    assert "Khai sai đơn vị công tác" in page  # the learner sees why the credits went
