"""Fixtures of the credits tests: the shipped defaults seeded for this year, a unit, a
learner signed in, and helpers to pass a course and read the ledger."""
from __future__ import annotations

import pytest
import sqlalchemy as sa


@pytest.fixture
def seeded(app, db, app_context):
    """The shipped defaults (lms/credits/defaults.yaml) for the current year."""
    from lms.credits.defaults import seed_defaults
    from lms.credits.models import EmulationPeriod
    from lms.dates import today

    with app_context(), app.test_request_context("/"):
        year = today().year
        seed_defaults(year)
        db.commit()
    return db.scalar(sa.select(EmulationPeriod).where(EmulationPeriod.code == str(year)))


@pytest.fixture
def museum(create_unit):
    return create_unit("BT", name_vi="Bảo tàng tỉnh", name_en="Provincial Museum")


@pytest.fixture
def hoa(create_learner, museum):
    from lms.accounts.models import LearnerCategory

    return create_learner("Lò Thị Hoa", username="hoa", unit=museum, category=LearnerCategory.VIEN_CHUC)


def ledger(db, learner_id):
    from lms.credits.models import CreditEntry

    db.expire_all()
    return db.scalars(sa.select(CreditEntry).where(CreditEntry.learner_id == learner_id)
                      .order_by(CreditEntry.id)).all()
