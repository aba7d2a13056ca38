"""Reads of the admin pages: every period, criterion, rule version and target."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.credits.models import CreditRule, Criterion, EmulationPeriod, Target, TitleRule
from lms.db import get_session


def overview_data() -> dict:
    session = get_session()
    return {
        "periods": session.scalars(
            sa.select(EmulationPeriod).order_by(EmulationPeriod.starts_on.desc())
        ).all(),
        "criteria": session.scalars(sa.select(Criterion).order_by(Criterion.code)).all(),
        "rules": session.scalars(
            sa.select(CreditRule)
            .options(selectinload(CreditRule.criterion))
            .order_by(CreditRule.code, CreditRule.valid_from)
        ).all(),
        "targets": session.scalars(
            sa.select(Target)
            .options(selectinload(Target.mandatory_courses), selectinload(Target.period))
            .order_by(Target.period_id, Target.id)
        ).all(),
        "title_rules": session.scalars(
            sa.select(TitleRule)
            .options(selectinload(TitleRule.period))
            .order_by(TitleRule.period_id, TitleRule.position, TitleRule.code)
        ).all(),
    }
