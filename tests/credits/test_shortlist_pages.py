"""The advisory shortlist's pages: HR enter ratings, discipline and initiatives for their
own subtree only (each change a new revision, audited with old and new values), the
shortlist shows every check with its inputs and the quota with its rounding, HR of one
unit never see another unit's people, and a title rule change is audited and leaves the
credit ledger as it was."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms.accounts.models import Role
from lms.audit.models import AuditEvent
from lms.credits.models import Appraisal, CreditEntry, Target, TitleRule
from tests.quizzes.quiz_helpers import pass_quiz
from tests.credits.conftest import ledger


@pytest.fixture
def open_period(seeded, db):
    """The shipped period with everyone made today counted (cut-off at its end) and a
    target everybody meets (no minimum, no mandatory course): the checks under test
    are the HR inputs."""
    seeded.cutoff_on = seeded.ends_on
    target = db.scalar(sa.select(Target).where(Target.period_id == seeded.id))
    target.min_credits = Decimal("0")
    target.mandatory_courses.clear()
    db.commit()
    return seeded


@pytest.fixture
def two_units(create_unit, create_learner):
    top = create_unit("SO", name_vi="Sở Văn hóa", name_en="Department")
    mine = create_unit("PHONG-A", parent=top, name_vi="Phòng A", name_en="Office A")
    other = create_unit("PHONG-B", parent=top, name_vi="Phòng B", name_en="Office B")
    hr = create_learner("Cán Bộ Nhân Sự", username="hr-a", unit=mine, roles=[Role.HR], hr_unit=mine)
    return top, mine, other, hr


def appraise(db, period, learner, rating="excellent", discipline="none", initiatives=1):
    db.add(
        Appraisal(
            learner_id=learner.id,
            period_id=period.id,
            revision=1,
            rating=rating,
            discipline=discipline,
            initiatives=initiatives,
        )
    )
    db.commit()


def rows_form(*rows) -> dict:
    data = {}
    for index, (learner, revision, rating, discipline, initiatives) in enumerate(rows):
        data |= {
            f"rows-{index}-learner_id": learner.id,
            f"rows-{index}-revision": revision,
            f"rows-{index}-rating": rating,
            f"rows-{index}-discipline": discipline,
            f"rows-{index}-initiatives": initiatives,
        }
    return data


def test_hr_enters_inputs_for_their_subtree_only_each_change_kept_and_audited(
    client, login, open_period, two_units, create_learner, db
):
    _top, mine, other, hr = two_units
    hoa = create_learner("Lò Thị Hoa", unit=mine)
    stranger = create_learner("Người Phòng Khác", unit=other)
    login("hr-a")
    page = client.get("/credits/appraisals").get_data(as_text=True)
    assert "Lò Thị Hoa" in page and "Người Phòng Khác" not in page
    assert "Xếp loại cuối năm của Lò Thị Hoa" in page  # a label for every input
    assert client.get(f"/credits/appraisals?unit={other.id}").status_code == 404

    saved = client.post("/credits/appraisals", data=rows_form((hoa, 0, "good", "none", "0")))
    assert saved.status_code == 302
    changed = client.post("/credits/appraisals", data=rows_form((hoa, 1, "excellent", "none", "2")))
    assert changed.status_code == 302
    history = db.scalars(
        sa.select(Appraisal).where(Appraisal.learner_id == hoa.id).order_by(Appraisal.revision)
    ).all()
    assert [(a.revision, a.rating.value, a.initiatives, a.actor_id) for a in history] == [
        (1, "good", 0, hr.id),
        (2, "excellent", 2, hr.id),
    ]
    events = db.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "credits.appraisal_changed")
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.actor_id, e.object_id) for e in events] == [(hr.id, str(hoa.id))] * 2
    assert events[1].details["changes"] == {
        "rating": {"old": "good", "new": "excellent"},
        "initiatives": {"old": 0, "new": 2},
    }
    # Saving the same values again writes nothing.
    assert (
        client.post(
            "/credits/appraisals", data=rows_form((hoa, 2, "excellent", "none", "2"))
        ).status_code
        == 302
    )
    assert db.scalar(sa.select(sa.func.count()).select_from(Appraisal)) == 2
    # A double submit of the second form (filled from revision 1): already in force, no error.
    twice = client.post("/credits/appraisals", data=rows_form((hoa, 1, "excellent", "none", "2")))
    assert twice.status_code == 302
    assert db.scalar(sa.select(sa.func.count()).select_from(Appraisal)) == 2

    # Another unit's person, slipped into the form: refused, nothing saved.
    refused = client.post(
        "/credits/appraisals", data=rows_form((stranger, 0, "excellent", "none", "5"))
    )
    assert refused.status_code == 400
    assert db.scalar(sa.select(Appraisal.id).where(Appraisal.learner_id == stranger.id)) is None

    # The audit log reads it as a sentence, old → new.
    create_learner("Quản Trị", username="boss", roles=[Role.ADMIN])
    client.post("/auth/logout")
    login("boss")
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "đã thay đổi thông tin xét thi đua của" in log
    assert "Hoàn thành tốt nhiệm vụ → Hoàn thành xuất sắc nhiệm vụ" in log


def test_a_change_made_meanwhile_is_not_overwritten(
    client, login, open_period, two_units, create_learner, db
):
    _top, mine, _other, _hr = two_units
    hoa = create_learner("Lò Thị Hoa", unit=mine)
    an = create_learner("Nguyễn Văn An", unit=mine)
    appraise(db, open_period, hoa, rating="good")
    login("hr-a")
    # The form was filled before revision 1 existed: the whole submission is refused.
    stale = client.post(
        "/credits/appraisals",
        data=rows_form((an, 0, "good", "none", "0"), (hoa, 0, "completed", "none", "0")),
    )
    assert stale.status_code == 409
    assert "vừa được người khác thay đổi" in stale.get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count()).select_from(Appraisal)) == 1


def test_a_locked_period_takes_no_input(client, login, open_period, two_units, create_learner, db):
    _top, mine, _other, _hr = two_units
    hoa = create_learner("Lò Thị Hoa", unit=mine)
    open_period.is_locked = True
    db.commit()
    login("hr-a")
    assert "đã khóa" in client.get("/credits/appraisals").get_data(as_text=True)
    refused = client.post("/credits/appraisals", data=rows_form((hoa, 0, "good", "none", "0")))
    assert refused.status_code == 409
    assert db.scalar(sa.select(sa.func.count()).select_from(Appraisal)) == 0


def _people(create_learner, unit, count, prefix="Người"):
    letters = "ABCDEGHIKLMNOPQRSTUVXY"
    return [create_learner(f"{prefix} Thứ {letters[i]}", unit=unit) for i in range(count)]


@pytest.mark.parametrize(("count", "quota"), [(20, 3), (13, 1)])
def test_the_shortlist_shows_every_check_and_the_quota_with_its_rounding(
    client, login, open_period, two_units, create_learner, db, count, quota
):
    _top, mine, _other, _hr = two_units
    people = _people(create_learner, mine, count)
    for learner in people:
        appraise(db, open_period, learner)
    login("hr-a")
    page = client.get("/credits/shortlist?title=CSTDCS").get_data(as_text=True)
    assert "Gợi ý tham khảo — Hội đồng Thi đua - Khen thưởng quyết định" in page
    assert (
        f"{count} người trong danh sách “Lao động tiên tiến” × 15\u00a0% = {quota} (làm tròn xuống)"
        in page
    )
    assert "Giả định" in page  # the quota is marked as an assumption to verify
    assert page.count("Trong danh sách gợi ý") == quota
    assert page.count("Đủ điều kiện, ngoài chỉ tiêu") == count - quota
    # every check: its rule, its inputs, pass/fail as an icon and a word
    assert "Xếp loại cuối năm từ “Hoàn thành xuất sắc nhiệm vụ” trở lên" in page
    assert "Xếp loại: Hoàn thành xuất sắc nhiệm vụ" in page
    assert "Có ít nhất 1 sáng kiến được công nhận" in page and "Sáng kiến được công nhận: 1" in page
    assert page.count("✔</span> Đáp ứng") == count * 3
    # equal credits and ratings: the name decides, and the page says so
    assert "chỉ thứ tự tên phân biệt" in page
    ldtt = client.get("/credits/shortlist?title=LDTT").get_data(as_text=True)
    assert "Không giới hạn chỉ tiêu" in ldtt
    assert (
        "Điểm học tập của kỳ: trạng thái Đạt hoặc Vượt" in ldtt and "0 điểm, trạng thái Đạt" in ldtt
    )
    assert client.get("/credits/shortlist?title=NOPE").status_code == 404
    client.post("/language", data={"locale": "en", "next": "/"})
    english = client.get("/credits/shortlist?title=CSTDCS").get_data(as_text=True)
    assert "Advisory suggestion — the Emulation and Commendation Council decides" in english
    assert (
        f"{count} inside the list for “Advanced worker” × 15% = {quota} (rounded down)" in english
    )


def test_missing_inputs_fail_their_checks_and_collectives_follow(
    client, login, open_period, two_units, create_learner, db
):
    _top, mine, _other, _hr = two_units
    rated, unrated = create_learner("Lò Thị Hoa", unit=mine), create_learner("Vi Văn Tú", unit=mine)
    appraise(db, open_period, rated, rating="good", initiatives=0)
    login("hr-a")
    page = client.get("/credits/shortlist?title=LDTT").get_data(as_text=True)
    # Tú and the HR officer (a member of the unit too) have nothing entered
    assert page.count("Trong danh sách gợi ý") == 1 and page.count("Chưa đủ điều kiện") == 2
    assert "Xếp loại: chưa nhập" in page and "Kỷ luật: chưa nhập" in page
    collective = client.get("/credits/shortlist?title=TTLDTT").get_data(as_text=True)
    # 1 of 3 members is LĐTT (not more than 50 %), and two members' discipline is missing
    assert "1 trên 3 thành viên được tính (33,3\u00a0%)" in collective
    assert "chưa nhập kỷ luật của 2 thành viên" in collective
    assert "Chưa đủ điều kiện" in collective and unrated.full_name not in collective


def test_hr_of_one_unit_never_sees_another_units_people_in_the_shortlist(
    client, login, open_period, two_units, create_learner, db
):
    top, mine, other, _hr = two_units
    appraise(db, open_period, create_learner("Người Trong Phòng", unit=mine))
    appraise(db, open_period, create_learner("Người Phòng Khác", unit=other))
    login("hr-a")
    for title in ("LDTT", "CSTDCS", "TTLDTT", "TTLDXS"):
        page = client.get(f"/credits/shortlist?title={title}").get_data(as_text=True)
        assert "Người Phòng Khác" not in page and "PHONG-B" not in page, title
    assert "Người Trong Phòng" in client.get("/credits/shortlist").get_data(as_text=True)
    for unit in (other, top):
        assert client.get(f"/credits/shortlist?unit={unit.id}").status_code == 404
        assert client.get(f"/credits/appraisals?unit={unit.id}").status_code == 404
    # the standings page links to both
    standings = client.get("/credits/standings").get_data(as_text=True)
    assert "/credits/shortlist?" in standings and "/credits/appraisals?" in standings


def test_a_title_rule_change_is_audited_and_never_rewrites_credit_entries(
    client, login, signed_in, open_period, hoa, course, create_learner, db
):
    course("ATTT09", periods=2)
    pass_quiz(signed_in, "ATTT09")
    before = [(e.id, e.awarded_value, e.rule_id) for e in ledger(db, hoa.id)]
    assert before and before[0][1] == 2
    appraise(db, open_period, hoa)
    rule = db.scalar(sa.select(TitleRule).where(TitleRule.code == "CSTDCS"))
    create_learner("Quản Trị", username="boss", roles=[Role.ADMIN])
    client.post("/auth/logout")
    login("boss")
    form = {
        "name_vi": rule.name_vi,
        "name_en": rule.name_en,
        "checks": "holds_title title=LDTT\nrating_at_least level=excellent",
        "quota_percent": "20",
        "rounding": "up",
        "quota_base": "eligible",
        "base_title": "",
        "quota_note": "Quyết định 12/QĐ-UBND",
        "reference": rule.reference,
    }
    bad = client.post(
        f"/credits/manage/titles/{rule.id}", data={**form, "checks": "credits_met\nno_such"}
    )
    assert bad.status_code == 200 and "Dòng 2" in bad.get_data(as_text=True)
    no_base = client.post(
        f"/credits/manage/titles/{rule.id}",
        data={**form, "quota_base": "title", "base_title": "XYZ"},
    )
    assert "không có danh hiệu nào khác mang mã XYZ" in no_base.get_data(as_text=True)
    assert client.post(f"/credits/manage/titles/{rule.id}", data=form).status_code == 302
    assert [(e.id, e.awarded_value, e.rule_id) for e in ledger(db, hoa.id)] == before
    assert db.scalar(sa.select(sa.func.count()).select_from(CreditEntry)) == len(before)
    event = db.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "credits.title_rule_changed")
    )
    assert event.details["changes"]["quota_percent"] == {"old": "15.00", "new": "20"}
    assert event.details["changes"]["rounding"] == {"old": "down", "new": "up"}
    page = client.get(f"/credits/shortlist?title=CSTDCS&unit={hoa.org_unit_id}").get_data(
        as_text=True
    )
    assert "1 người đủ điều kiện × 20\u00a0% = 1 (làm tròn lên)" in page


def test_a_bad_line_is_refused_in_vietnamese_and_nothing_is_saved(
    client, login, open_period, two_units, create_learner, db
):
    _top, mine, _other, _hr = two_units
    hoa, an = create_learner("Lò Thị Hoa", unit=mine), create_learner("Nguyễn Văn An", unit=mine)
    login("hr-a")
    for initiatives, message in (
        ("abc", "Giá trị không phải là số nguyên hợp lệ"),
        ("-1", "Giá trị phải từ 0 đến 99."),
    ):
        refused = client.post(
            "/credits/appraisals",
            data=rows_form((an, 0, "good", "none", "0"), (hoa, 0, "good", "none", initiatives)),
        )
        assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    wrong_level = client.post("/credits/appraisals", data=rows_form((hoa, 0, "superb", "none", "")))
    assert wrong_level.status_code == 400
    assert db.scalar(sa.select(sa.func.count()).select_from(Appraisal)) == 0
