"""The shipped defaults seed idempotently; the recompute finds no difference after
normal use, and finds and corrects a tampered ledger with reversing entries."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from lms.credits.models import (
    CreditEntry,
    CreditRule,
    Criterion,
    EmulationPeriod,
    EntryKind,
    Target,
    TitleRule,
)
from tests.quizzes.quiz_helpers import pass_quiz
from tests.credits.conftest import ledger


def test_seed_defaults_is_idempotent_and_ships_what_the_issue_lists(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["lms", "credits", "seed-defaults", "--year", "2031"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["lms", "credits", "seed-defaults", "--year", "2031"])
    assert again.exit_code == 0 and "Created" not in again.output and "Đã tạo" not in again.output
    period = db.scalar(sa.select(EmulationPeriod).where(EmulationPeriod.code == "2031"))
    try:
        assert (str(period.starts_on), str(period.ends_on), str(period.cutoff_on)) == (
            "2031-01-01",
            "2031-12-31",
            "2031-11-30",
        )
        groups = set(db.scalars(sa.select(Criterion.content_group)))
        assert len(groups) == 6 and all(c.reference for c in db.scalars(sa.select(Criterion)))
        assert {rule.factor for rule in db.scalars(sa.select(CreditRule))} == {Decimal("1")}
        target = db.scalar(sa.select(Target).where(Target.period_id == period.id))
        assert target.min_credits == 8 and target.reference
        assert [(c.course_code, str(c.due_on)) for c in target.mandatory_courses] == [
            ("CYBER01", "2031-06-30")
        ]
        assert (target.advanced_share_above, target.excellent_share_at_least) == (
            Decimal("0.5"),
            Decimal("0.7"),
        )
        titles = db.scalars(
            sa.select(TitleRule).where(TitleRule.period_id == period.id).order_by(TitleRule.position)
        ).all()
        assert [t.code for t in titles] == ["LDTT", "CSTDCS", "TTLDTT", "TTLDXS"]
        cstdcs = titles[1]
        assert (cstdcs.quota_percent, cstdcs.rounding.value, cstdcs.base_title) == (
            Decimal("15"),
            "down",
            "LDTT",
        )
        assert "Giả định" in cstdcs.quota_note and all("06/2022/QH15" in t.reference for t in titles)
    finally:  # the CLI commits for real
        from lms.credits.models import TargetCourse

        for model in (TitleRule, TargetCourse, Target, CreditRule, Criterion, EmulationPeriod):
            db.execute(sa.delete(model))
        db.commit()


def test_recompute_finds_nothing_after_normal_use(app, signed_in, seeded, hoa, course, db):
    course("ATTT09", periods=1)
    course("AI09", periods=1, topic="ai")
    pass_quiz(signed_in, "ATTT09")
    pass_quiz(signed_in, "AI09")
    assert len(ledger(db, hoa.id)) == 2
    result = app.test_cli_runner().invoke(
        args=["lms", "credits", "recompute", "--period", seeded.code]
    )
    assert result.exit_code == 0, result.output
    assert "No difference" in result.output or "Không có chênh lệch" in result.output


def test_recompute_finds_a_tampered_ledger_and_corrects_it(app, signed_in, seeded, hoa, course, db):
    course("ATTT09", periods=1)
    pass_quiz(signed_in, "ATTT09")
    [award] = ledger(db, hoa.id)
    # Someone edits the ledger behind the software's back: 1 credit becomes 0,5.
    db.execute(
        sa.update(CreditEntry)
        .where(CreditEntry.id == award.id)
        .values(awarded_value=Decimal("0.5"))
    )
    db.commit()
    runner = app.test_cli_runner()
    shown = runner.invoke(args=["lms", "credits", "recompute", "--period", seeded.code])
    assert shown.exit_code == 0 and "1.00" in shown.output and "0.50" in shown.output
    assert len(ledger(db, hoa.id)) == 1  # without --apply nothing is written
    applied = runner.invoke(
        args=["lms", "credits", "recompute", "--period", seeded.code, "--apply"]
    )
    assert applied.exit_code == 0, applied.output
    tampered, reversal, corrected = ledger(db, hoa.id)
    assert reversal.kind == EntryKind.REVERSAL and reversal.reverses_entry_id == tampered.id
    assert reversal.awarded_value == Decimal("-0.5") and reversal.reasons[0]["code"] == "correction"
    assert (
        corrected.kind == EntryKind.AWARD
        and corrected.generation == 2
        and corrected.awarded_value == 1
    )
    assert sum(entry.awarded_value for entry in (tampered, reversal, corrected)) == 1
    again = runner.invoke(args=["lms", "credits", "recompute", "--period", seeded.code])
    assert "No difference" in again.output or "Không có chênh lệch" in again.output


def test_recompute_apply_refuses_a_locked_period(app, signed_in, seeded, hoa, course, db):
    from lms.audit.models import AuditEvent

    db.execute(
        sa.update(EmulationPeriod).where(EmulationPeriod.id == seeded.id).values(is_locked=True)
    )
    db.commit()
    result = app.test_cli_runner().invoke(
        args=["lms", "credits", "recompute", "--period", seeded.code, "--apply"]
    )
    assert result.exit_code != 0 and seeded.code in result.output
    assert (
        db.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "credits.refused_locked_period")
        )
        == 1
    )


def test_recompute_of_an_unknown_period_is_a_clear_error(app, db):
    result = app.test_cli_runner().invoke(args=["lms", "credits", "recompute", "--period", "1999"])
    assert result.exit_code != 0 and "1999" in result.output
