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

    return create_learner(
        "Lò Thị Hoa", username="hoa", unit=museum, category=LearnerCategory.VIEN_CHUC
    )


@pytest.fixture
def course(app, db, app_context):
    """Import a one-lesson pack with a final quiz: ``course(code, periods=, topic=)``."""
    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack
    from tests.courses.pack_helpers import recurring_pack

    def make(code="ATTT09", *, periods=3, topic="cybersecurity", mandatory=False):
        import yaml

        files = recurring_pack(code, months=None, mandatory=mandatory, topic=topic)
        card = yaml.safe_load(files["course.yaml"])
        card.update(periods=periods, minutes=periods * 45)
        files["course.yaml"] = yaml.safe_dump(card, allow_unicode=True).encode()
        with app_context():
            pack, errors = validate_pack(files, app.extensions["lms"].pack_parts)
            assert errors == [], errors
            made = import_pack(pack, publish=True).course
            db.commit()
        return made

    return make


@pytest.fixture
def signed_in(client, hoa, login):
    login("hoa")
    return client


def ledger(db, learner_id):
    from lms.credits.models import CreditEntry

    db.expire_all()
    return db.scalars(
        sa.select(CreditEntry).where(CreditEntry.learner_id == learner_id).order_by(CreditEntry.id)
    ).all()
