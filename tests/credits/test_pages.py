"""What the learner, HR and the admin see: credits against the target with bars and
reasons, the course page's credits, standings scoped to HR's subtree, and admin changes
that are audited and never rewrite past entries."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import sqlalchemy as sa

from courses.models import CourseCompletion
from lms.accounts.models import Learner, Role
from lms.audit.models import AuditEvent
from lms.credits.models import CreditRule, Criterion
from tests.quizzes.quiz_helpers import pass_quiz
from tests.credits.conftest import ledger


def test_the_learner_sees_credits_progress_status_and_mandatory_due_date(
    signed_in, seeded, hoa, course, db
):
    course("ATTT09", periods=3)
    pass_quiz(signed_in, "ATTT09")
    page = signed_in.get("/credits").get_data(as_text=True)
    assert re.search(r'<progress id="credits-total" max="8(\.0+)?" value="3(\.0+)?"', page)
    assert "3 / 8 điểm" in page or "3 trên 8 điểm" in page
    assert "Chưa đạt" in page
    assert f"hạn hoàn thành 30/06/{seeded.starts_on.year}" in page  # CYBER01, the shipped target
    assert "ATTT09" in page and "ND6" in page
    # every criterion has its bar (against the target when it has no cap), numbers beside it
    assert page.count('<progress id="criterion-bar-') == 6 and "3 / 8 điểm" in page
    home = signed_in.get("/").get_data(as_text=True)
    assert 'id="home-credits"' in home and "Chưa đạt" in home and "/credits" in home


def test_reductions_show_their_reason(signed_in, seeded, hoa, course, db):
    db.execute(
        sa.update(Criterion).where(Criterion.code == "ND6").values(cap_per_period=Decimal("2"))
    )
    db.commit()
    course("ATTT09", periods=3)
    pass_quiz(signed_in, "ATTT09")
    [entry] = ledger(db, hoa.id)
    assert (entry.raw_value, entry.awarded_value) == (3, 2)
    page = signed_in.get("/credits").get_data(as_text=True)
    assert "Đạt mức tối đa của tiêu chí trong kỳ (2 điểm)." in page


def test_the_course_page_shows_the_credits_it_can_earn(signed_in, seeded, course):
    course("ATTT09", periods=3)
    page = signed_in.get("/courses/ATTT09").get_data(as_text=True)
    assert "Điểm học tập" in page and "An ninh mạng và chất lượng nguồn nhân lực" in page
    assert re.search(r"3 điểm", page)


def test_hr_sees_only_their_subtree_in_the_standings(
    client, login, seeded, create_unit, create_learner, db
):
    top = create_unit("SO")
    mine = create_unit("PHONG-A", parent=top)
    other = create_unit("PHONG-B", parent=top)
    create_learner("Người Trong Phòng", unit=mine)
    create_learner("Người Phòng Khác", unit=other)
    create_learner("Cán Bộ Nhân Sự", username="hr-a", unit=mine, roles=[Role.HR], hr_unit=mine)
    seeded.cutoff_on = seeded.ends_on  # everyone made today is a member on the cut-off
    db.commit()
    login("hr-a")
    page = client.get("/credits/standings").get_data(as_text=True)
    assert "Người Trong Phòng" in page and "Người Phòng Khác" not in page
    assert "<svg" in page and 'role="img"' in page and "<desc" in page  # the chart and its text
    assert client.get(f"/credits/standings?unit={other.id}").status_code == 404
    assert client.get(f"/credits/standings?unit={top.id}").status_code == 404
    assert client.get("/credits/standings?unit=abc").status_code == 404


def test_the_standings_page_shows_people_a_page_at_a_time(
    client, login, seeded, create_unit, create_learner, db
):
    """Everyone is ranked, the page shows 50 of them with a pager that keeps the unit and
    period, and a page past the end shows the last one."""
    unit = create_unit("DONG")
    for number in range(55):
        create_learner(f"Người Thứ {number:02d}", unit=unit)
    create_learner("Quản Trị", username="admin-s", roles=[Role.ADMIN])
    seeded.cutoff_on = seeded.ends_on
    db.commit()
    login("admin-s")
    first = client.get(f"/credits/standings?unit={unit.id}").get_data(as_text=True)
    assert "Người thứ 1–50 trong tổng số 55 người." in first
    assert first.count("Người Thứ ") == 50
    assert f"unit={unit.id}" in first and "page=2" in first and 'rel="next"' in first
    second = client.get(f"/credits/standings?unit={unit.id}&page=2").get_data(as_text=True)
    assert "Người thứ 51–55 trong tổng số 55 người." in second
    assert second.count("Người Thứ ") == 5 and 'rel="prev"' in second
    # given-name order: "Thứ 00" … "Thứ 54" all share the given name; the full name decides
    assert "Người Thứ 54" in second and "Người Thứ 49" in first
    beyond = client.get(f"/credits/standings?unit={unit.id}&page=9").get_data(as_text=True)
    assert "Người thứ 51–55 trong tổng số 55 người." in beyond


def test_an_admin_rule_change_is_audited_and_never_rewrites_past_entries(
    app, client, login, signed_in, seeded, hoa, course, create_learner, db, app_context
):
    from lms.credits import operations
    from lms.dates import today as local_today

    with app.app_context():
        day = local_today()
    course("ATTT09", periods=2)
    pass_quiz(signed_in, "ATTT09")
    [before] = ledger(db, hoa.id)
    rule = db.scalar(sa.select(CreditRule).where(CreditRule.code == "TIET-ATTT"))
    create_learner("Quản Trị", username="boss", roles=[Role.ADMIN])
    client.post("/auth/logout")
    assert login("boss").status_code == 302
    form = {
        "criterion_id": rule.criterion_id,
        "value_kind": "periods",
        "factor": "3",
        "fixed_value": "",
        "cap_per_period": "",
        "monthly_cap": "",
        "on_time_bonus": "0",
        "reference": "QĐ 12/QĐ-SVHTTDL",
    }
    same_day = client.post(
        f"/credits/manage/rules/{rule.id}", data={**form, "effective_from": day.isoformat()}
    )
    assert same_day.status_code == 200 and "ngày mai" in same_day.get_data(as_text=True)
    tomorrow = day + dt.timedelta(days=1)
    saved = client.post(
        f"/credits/manage/rules/{rule.id}", data={**form, "effective_from": tomorrow.isoformat()}
    )
    assert saved.status_code == 302
    [after] = ledger(db, hoa.id)
    assert (after.id, after.awarded_value, after.rule_id) == (before.id, 2, rule.id)  # untouched
    versions = db.scalars(
        sa.select(CreditRule).where(CreditRule.code == "TIET-ATTT").order_by(CreditRule.valid_from)
    ).all()
    assert [(v.valid_from, v.valid_to, v.factor) for v in versions] == [
        (rule.valid_from, tomorrow, 1),
        (tomorrow, None, 3),
    ]
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "credits.rule_changed"))
    assert event.details["changes"]["factor"] == {"old": "1.00", "new": "3"}
    # A completion from the effective date on is credited by the new version; the recompute
    # agrees with the ledger (the old entry stays under the old version).
    completion = db.scalar(sa.select(CourseCompletion).where(CourseCompletion.learner_id == hoa.id))
    later = CourseCompletion(
        learner_id=hoa.id,
        course_code="ATTT09",
        cycle=2,
        course_id=completion.course_id,
        course_version=1,
        periods=2,
        title_vi="x",
        title_en="x",
        completed_dt=dt.datetime.combine(tomorrow, dt.time(10), dt.UTC),
        org_unit_id=completion.org_unit_id,
    )
    db.add(later)
    db.commit()
    with app_context(), app.test_request_context("/"):
        entries = operations.award_completion(later, db.get(Learner, hoa.id), completion.course)
        db.commit()
    assert [(e.raw_value, e.awarded_value, e.reasons[0]["code"]) for e in entries] == [
        (6, 0, "already_credited")
    ]  # once per course per period, under the new version's value
    result = app.test_cli_runner().invoke(
        args=["lms", "credits", "recompute", "--period", seeded.code]
    )
    assert "Không có chênh lệch" in result.output or "No difference" in result.output


def test_admin_pages_list_and_audit_target_changes(client, login, seeded, create_learner, db):
    from lms.credits.models import Target

    create_learner("Quản Trị", username="boss", roles=[Role.ADMIN])
    login("boss")
    assert "TIET-ATTT" in client.get("/credits/manage").get_data(as_text=True)
    target = db.scalar(sa.select(Target))
    year = seeded.starts_on.year
    bad = client.post(
        f"/credits/manage/targets/{target.id}",
        data={"min_credits": "10", "mandatory_courses": "CYBER01 31-06", "reference": "KH 5"},
    )
    assert bad.status_code == 200 and "Dòng 1" in bad.get_data(as_text=True)
    ok = client.post(
        f"/credits/manage/targets/{target.id}",
        data={
            "min_credits": "10",
            "exceeding_credits": "15",
            "advanced_share_above": "0.5",
            "excellent_share_at_least": "0.7",
            "mandatory_courses": f"CYBER01 15/07/{year}\nDVC01 30/09/{year}",
            "reference": "KH 5/KH-SVHTTDL",
        },
    )
    assert ok.status_code == 302
    db.expire_all()
    target = db.scalar(sa.select(Target))
    assert target.min_credits == 10 and [c.course_code for c in target.mandatory_courses] == [
        "CYBER01",
        "DVC01",
    ]
    assert (
        db.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "credits.target_changed")
        )
        == 2
    )
