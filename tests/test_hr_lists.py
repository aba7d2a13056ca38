"""The HR learner list HR can use (issue 13, point 9): filters by unit subtree, course and
status, counts per unit, Vietnamese name order, paging that keeps the filters, the
one-click "who has not completed the mandatory course", scoping, and the learner record
that lists a completed course once."""
from __future__ import annotations

import datetime as dt
import random
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from courses.models import CourseCompletion, Enrollment
from lms.accounts.models import Learner, OrgUnit, Role
from lms.audit.models import AuditEvent
from lms.db import utcnow
from tests.hr_list_helpers import complete, enrol, names_listed, sign_in

STATUS_WORDS = {"completed": "Đã hoàn thành", "in_progress": "Đang học", "not_started": "Chưa bắt đầu"}


@pytest.fixture
def tree(create_unit):
    province = create_unit("P", name_vi="Tỉnh")
    department = create_unit("D", parent=province, name_vi="Sở Văn hóa")
    museum = create_unit("M", parent=department, name_vi="Bảo tàng")
    library = create_unit("L", parent=department, name_vi="Thư viện")
    other = create_unit("O", parent=province, name_vi="Sở khác")
    return {"province": province, "department": department, "museum": museum,
            "library": library, "other": other}


@pytest.fixture
def hr(app, create_learner, tree):
    """An HR officer of the department (its museum and library included)."""
    create_learner("Cán Bộ Tổ Chức", username="hr", unit=tree["department"], roles=[Role.HR],
                   hr_unit=tree["department"])
    return sign_in(app, "hr")


def counts_table(html: str) -> dict[str, list[int]]:
    """{unit cell: [people, completed, in progress, not started]} of the counts table."""
    table = html.split('id="lms-unit-counts"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>\s*((?:<td[^>]*>\d+</td>)+)</tr>', table)
    return {unit: [int(n) for n in re.findall(r"<td[^>]*>(\d+)</td>", cells)] for unit, cells in rows}


def href_of(html: str, label: str) -> str:
    match = re.search(r'<a[^>]*href="([^"]+)"[^>]*>(?:(?!</a>).)*' + re.escape(label), html, re.S)
    assert match, label
    return match.group(1).replace("&amp;", "&")


# --- filters ---------------------------------------------------------------------------

@pytest.fixture
def people(db, tree, create_learner, create_course):
    """Six people in the department's subtree and one outside, with three statuses for
    ATTT01; ZZ01 is a second course."""
    cyber = create_course(code="ATTT01", lessons=3, title_vi="An toàn thông tin cơ bản")
    other_course = create_course(code="ZZ01", lessons=2, title_vi="Khóa khác")
    made = {
        "an": create_learner("Nguyễn Văn An", unit=tree["museum"]),
        "binh": create_learner("Trần Thị Bình", unit=tree["museum"]),
        "cuong": create_learner("Lê Văn Cường", unit=tree["library"]),
        "dung": create_learner("Phạm Thị Dung", unit=tree["library"]),
        "giang": create_learner("Hoàng Văn Giang", unit=tree["department"]),
        "hai": create_learner("Vũ Thị Hải", unit=tree["museum"]),
        "outside": create_learner("Đỗ Văn Khánh", unit=tree["other"]),
    }
    complete(db, made["an"], cyber)
    complete(db, made["cuong"], cyber)
    enrol(db, made["binh"], cyber, lessons_done=1)
    enrol(db, made["giang"], cyber)
    complete(db, made["dung"], other_course)  # not ATTT01: not started for that course
    complete(db, made["outside"], cyber)
    return made


def test_the_unit_filter_takes_the_subtree_and_offers_only_units_in_scope(hr, people, tree):
    page = hr.get("/reports/learners").get_data(as_text=True)
    assert "Đỗ Văn Khánh" not in page
    assert set(names_listed(page)) == {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường",
                                       "Phạm Thị Dung", "Hoàng Văn Giang", "Vũ Thị Hải",
                                       "Cán Bộ Tổ Chức"}
    offered = set(re.findall(r'<option[^>]*value="(\d+)"', page.split('name="unit"')[1].split("</select>")[0]))
    assert offered == {"0", str(tree["department"].id), str(tree["museum"].id), str(tree["library"].id)}
    museum = hr.get("/reports/learners", query_string={"unit": tree["museum"].id}).get_data(as_text=True)
    assert set(names_listed(museum)) == {"Nguyễn Văn An", "Trần Thị Bình", "Vũ Thị Hải"}
    department = hr.get("/reports/learners", query_string={"unit": tree["department"].id})
    assert len(names_listed(department.get_data(as_text=True))) == 7  # the subtree, itself included


def test_course_and_status_filters_alone_and_combined(hr, people, tree):
    def listed(**args):
        response = hr.get("/reports/learners", query_string=args)
        assert response.status_code == 200
        return set(names_listed(response.get_data(as_text=True)))

    assert listed(course="ATTT01", status="completed") == {"Nguyễn Văn An", "Lê Văn Cường"}
    assert listed(course="ATTT01", status="in_progress") == {"Trần Thị Bình", "Hoàng Văn Giang"}
    assert listed(course="ATTT01", status="not_started") == {"Phạm Thị Dung", "Vũ Thị Hải",
                                                             "Cán Bộ Tổ Chức"}
    assert listed(course="ATTT01", status="not_completed") == {
        "Trần Thị Bình", "Hoàng Văn Giang", "Phạm Thị Dung", "Vũ Thị Hải", "Cán Bộ Tổ Chức"}
    assert listed(course="ATTT01", status="not_completed", unit=tree["museum"].id) == {
        "Trần Thị Bình", "Vũ Thị Hải"}
    # Without a course: completed one at least, else started one, else nothing started.
    assert listed(status="completed") == {"Nguyễn Văn An", "Lê Văn Cường", "Phạm Thị Dung"}
    assert listed(status="not_started") == {"Vũ Thị Hải", "Cán Bộ Tổ Chức"}
    assert listed(course="ZZ01", status="completed", unit=tree["library"].id) == {"Phạm Thị Dung"}
    assert listed(course="ATTT01", q="nguyen") == {"Nguyễn Văn An"}
    page = hr.get("/reports/learners", query_string={"course": "ATTT01", "unit": tree["museum"].id})
    text = page.get_data(as_text=True)
    row = text.split("Trần Thị Bình</a>")[1].split("</tr>")[0]
    assert "Đang học" in row  # the status of the chosen course, in words


def test_completed_from_a_day_counts_only_later_completions(hr, db, people, create_course):
    course = create_course(code="OLD01", lessons=1, title_vi="Khóa cũ")
    complete(db, people["hai"], course, when=dt.datetime(2020, 3, 1, tzinfo=dt.UTC))
    complete(db, people["an"], course)

    def listed(**args):
        return set(names_listed(hr.get("/reports/learners", query_string=args).get_data(as_text=True)))

    assert listed(course="OLD01", status="completed") == {"Vũ Thị Hải", "Nguyễn Văn An"}
    assert listed(course="OLD01", status="completed", since="01/01/2021") == {"Nguyễn Văn An"}
    # Completed before the day and still enrolled: in progress for this span.
    assert "Vũ Thị Hải" in listed(course="OLD01", status="in_progress", since="2021-01-01")


# --- counts per unit -----------------------------------------------------------------------

def brute_force_counts(db, unit_paths, filters, day):
    """What counts_per_unit must say, computed row by row in Python."""
    from lms.dates import start_of_day

    learners = [person for person in db.scalars(sa.select(Learner))
                if person.org_unit is not None and any(person.org_unit.path.startswith(p) for p in unit_paths)]
    if filters.unit is not None:
        learners = [p for p in learners if p.org_unit.path.startswith(filters.unit.path)]
    completions = db.scalars(sa.select(CourseCompletion)).all()
    enrolments = db.scalars(sa.select(Enrollment)).all()
    counts = {}
    for person in learners:
        def counts_as_done(c):
            if c.learner_id != person.id or filters.course_code not in (None, c.course_code):
                return False
            if filters.since is not None:
                return c.completed_dt.replace(tzinfo=c.completed_dt.tzinfo or dt.UTC) >= start_of_day(filters.since)
            return c.is_current_on(day)
        if any(counts_as_done(c) for c in completions):
            status = "completed"
        elif any(e.learner_id == person.id and filters.course_code in (None, e.course_code) for e in enrolments):
            status = "in_progress"
        else:
            status = "not_started"
        if filters.status == "not_completed" and status == "completed":
            continue
        if filters.status in ("completed", "in_progress", "not_started") and status != filters.status:
            continue
        row = counts.setdefault(person.org_unit_id, [0, 0, 0, 0])
        row[0] += 1
        row[("completed", "in_progress", "not_started").index(status) + 1] += 1
    return counts


def test_counts_per_unit_equal_a_brute_force_count(app, app_context, db, tree, create_learner,
                                                   create_course):
    from lms.auth.principal import Principal
    from lms.dates import today
    from lms.reports.queries import ListFilters, counts_per_unit

    courses = [create_course(code=f"K{n}", lessons=2, title_vi=f"Khóa {n}") for n in range(3)]
    units = [tree[name] for name in ("department", "museum", "library", "other")]
    chance = random.Random(13)
    for number in range(40):
        person = create_learner(f"Người Số {number}", unit=chance.choice(units))
        for course in courses:
            roll = chance.random()
            if roll < 0.3:
                when = utcnow() - dt.timedelta(days=chance.choice([1, 40, 400]))
                complete(db, person, course, when=when, enrolled=chance.random() < 0.8)
            elif roll < 0.6:
                enrol(db, person, course)
    department = db.get(OrgUnit, tree["department"].id)
    hr = Principal(learner=create_learner("Cán Bộ", unit=department), roles=frozenset({Role.HR}),
                   hr_unit_paths=(department.path,))
    with app_context():
        combinations = [ListFilters()] + [
            ListFilters(course_code=code, status=status, unit=unit, since=since)
            for code in (None, "K0", "K2") for status in (None, "completed", "not_completed", "in_progress")
            for unit in (None, db.get(OrgUnit, tree["museum"].id))
            for since in (None, today() - dt.timedelta(days=60))]
        for filters in combinations:
            found = {row.unit.id: [row.people, row.completed, row.in_progress, row.not_started]
                     for row in counts_per_unit(hr, filters, today())}
            assert found == brute_force_counts(db, (department.path,), filters, today()), filters


def test_the_counts_table_follows_the_filters(hr, people, tree):
    page = hr.get("/reports/learners", query_string={"course": "ATTT01"}).get_data(as_text=True)
    table = counts_table(page)
    assert table["M · Bảo tàng"] == [3, 1, 1, 1]
    assert table["L · Thư viện"] == [2, 1, 0, 1]
    assert table["D · Sở Văn hóa"] == [2, 0, 1, 1]
    assert table["Tổng cộng"] == [7, 2, 2, 3]
    assert not any("Sở khác" in unit for unit in table)  # out of scope: no row at all
    page = hr.get("/reports/learners", query_string={"course": "ATTT01", "status": "not_completed",
                                                     "unit": tree["museum"].id}).get_data(as_text=True)
    assert counts_table(page) == {"M · Bảo tàng": [2, 0, 1, 1]}


# --- order and paging ------------------------------------------------------------------------

def test_sorted_by_given_name_then_family_name(hr, tree, create_learner):
    for name in ("Lê Văn Cường", "Trần Thị Bình", "Trần Văn An", "Nguyễn Văn An", "Đặng Thị Đào"):
        create_learner(name, unit=tree["museum"])
    page = hr.get("/reports/learners", query_string={"unit": tree["museum"].id}).get_data(as_text=True)
    # An (Nguyễn before Trần), Bình, Cường, Đào ("đ" read as "d").
    assert names_listed(page) == ["Nguyễn Văn An", "Trần Văn An", "Trần Thị Bình", "Lê Văn Cường",
                                  "Đặng Thị Đào"]


def test_paging_keeps_the_filters(app, hr, db, tree, create_learner, create_course):
    app.config["LMS_PAGE_SIZE"] = 2
    course = create_course(code="PG01", lessons=1, title_vi="Khóa phân trang")
    for name in ("Lê Thị Ánh", "Lê Văn Bảo", "Lê Văn Chi", "Lê Thị Dạ", "Lê Văn Em"):
        create_learner(name, unit=tree["museum"])
    complete(db, create_learner("Lê Văn Ba", unit=tree["museum"]), course)  # completed: filtered out
    create_learner("Lê Văn Ai", unit=tree["library"])  # another unit: filtered out
    seen, url = [], f"/reports/learners?unit={tree['museum'].id}&course=PG01&status=not_completed"
    while url:
        page = hr.get(url).get_data(as_text=True)
        assert "Tìm thấy 5 học viên." in page  # the whole filtered list, on every page
        seen += names_listed(page)
        found = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = found.group(1).replace("&amp;", "&") if found else None
        if url:
            args = parse_qs(urlsplit(url).query)
            assert args["unit"] == [str(tree["museum"].id)] and args["course"] == ["PG01"]
            assert args["status"] == ["not_completed"]
    assert seen == ["Lê Thị Ánh", "Lê Văn Bảo", "Lê Văn Chi", "Lê Thị Dạ", "Lê Văn Em"]


# --- scope ------------------------------------------------------------------------------------

def test_hr_of_one_unit_never_sees_another_units_people_or_counts(app, people, tree, create_learner):
    create_learner("Cán Bộ Thư Viện", username="hrlib", unit=tree["library"], roles=[Role.HR],
                   hr_unit=tree["library"])
    library_hr = sign_in(app, "hrlib")
    page = library_hr.get("/reports/learners", query_string={"course": "ATTT01"}).get_data(as_text=True)
    assert set(names_listed(page)) == {"Lê Văn Cường", "Phạm Thị Dung", "Cán Bộ Thư Viện"}
    assert set(counts_table(page)) == {"L · Thư viện"}
    # The museum is not offered, and asking for it is refused with the reason, not a list.
    refused = library_hr.get("/reports/learners", query_string={"unit": tree["museum"].id})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "Lựa chọn không hợp lệ" in text and names_listed(text) == [] and "Bảo tàng" not in text
    home = library_hr.get("/").get_data(as_text=True)
    figures = home.split('id="lms-hr-figures-heading"')[1]
    assert re.search(r'lms-figure-number">3<', figures)  # three people in the library


def test_an_admin_sees_everyone_people_without_a_unit_included(app, people, create_learner):
    create_learner("Quản Trị Viên", username="admin", roles=[Role.ADMIN])
    admin = sign_in(app, "admin")
    page = admin.get("/reports/learners").get_data(as_text=True)
    assert "Đỗ Văn Khánh" in names_listed(page) and "Quản Trị Viên" in names_listed(page)
    table = counts_table(page)
    assert table["Chưa có đơn vị"][0] == 1 and table["O · Sở khác"][0] == 1
    assert "Tất cả đơn vị" in page


def test_opening_a_record_is_still_audited(hr, db, people):
    hr.get(f"/reports/learners/{people['an'].id}")
    assert db.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "learner.record_viewed",
        AuditEvent.object_id == str(people["an"].id))) == 1


# --- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    ({"status": "done"}, "Lựa chọn không hợp lệ"),
    ({"course": "NOPE99"}, "Lựa chọn không hợp lệ"),
    ({"unit": "abc"}, "Lựa chọn không hợp lệ"),
    ({"unit": str(2**63)}, "Lựa chọn không hợp lệ"),
    ({"since": "31/02/2026"}, "Tháng 2 năm 2026 không có ngày 31"),
    ({"since": "hôm qua"}, "Viết ngày theo dạng dd/mm/yyyy"),
    ({"q": "x" * 300}, "Tối đa 200 ký tự"),
])
def test_a_bad_filter_gets_a_translated_message_not_a_list(hr, people, args, message):
    response = hr.get("/reports/learners", query_string=args)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and names_listed(page) == []


# --- one click: who has not completed the mandatory course ---------------------------------------

@pytest.fixture
def seeded_target(app, db, app_context, create_course):
    """The shipped credits defaults: a target for everyone with CYBER01 due 30/06."""
    from lms.credits.defaults import seed_defaults
    from lms.credits.models import EmulationPeriod
    from lms.dates import today

    cyber = create_course(code="CYBER01", lessons=2, title_vi="An ninh mạng cho cán bộ")
    with app_context(), app.test_request_context("/"):
        year = today().year
        seed_defaults(year)
        db.commit()
    period = db.scalar(sa.select(EmulationPeriod).where(EmulationPeriod.code == str(year)))
    return cyber, period


def test_one_click_lists_who_has_not_completed_the_mandatory_course(hr, db, people, seeded_target,
                                                                     tree):
    cyber, period = seeded_target
    complete(db, people["an"], cyber)
    complete(db, people["binh"], cyber, when=dt.datetime(period.starts_on.year - 1, 6, 1, tzinfo=dt.UTC))
    enrol(db, people["hai"], cyber)
    page = hr.get("/reports/learners").get_data(as_text=True)
    url = href_of(page, "Ai chưa hoàn thành “An ninh mạng cho cán bộ”")
    args = parse_qs(urlsplit(url).query)
    assert args == {"course": ["CYBER01"], "status": ["not_completed"],
                    "since": [period.starts_on.isoformat()]}
    listed = hr.get(url).get_data(as_text=True)
    # Bình completed it last year: not in this period, still to do.
    assert set(names_listed(listed)) == {"Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung",
                                         "Hoàng Văn Giang", "Vũ Thị Hải", "Cán Bộ Tổ Chức"}
    # From a unit's list the button keeps the unit.
    museum = hr.get("/reports/learners", query_string={"unit": tree["museum"].id}).get_data(as_text=True)
    url = href_of(museum, "Ai chưa hoàn thành “An ninh mạng cho cán bộ”")
    assert set(names_listed(hr.get(url).get_data(as_text=True))) == {"Trần Thị Bình", "Vũ Thị Hải"}


# --- the learner record -----------------------------------------------------------------------------

def test_the_record_lists_a_completed_course_once_and_counts_lessons(hr, db, people, create_course):
    three = create_course(code="BA01", lessons=5, title_vi="Khóa năm bài")
    enrol(db, people["an"], three, lessons_done=3)
    page = hr.get(f"/reports/learners/{people['an'].id}").get_data(as_text=True)
    in_progress = page.split("Khóa học đang học")[1].split("Các lượt làm bài kiểm tra")[0]
    completed = page.split("Khóa học đã hoàn thành")[1].split("Khóa học đang học")[0]
    assert "An toàn thông tin cơ bản" in completed
    assert "An toàn thông tin cơ bản" not in in_progress  # completed: not "đang học" again
    assert page.count("An toàn thông tin cơ bản") == 1
    assert "Khóa năm bài — đã học 3/5 bài" in in_progress
