"""Home pages (issue 13, point 12): the learner's "what to do next" (mandatory courses
first with their due dates, done ones kept under "Đã hoàn thành", no course twice), and
HR's and admins' figures of their scope, each a link to the filtered list."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from lms.accounts.models import Role
from tests.home_page import mandatory_parts
from tests.hr_list_helpers import complete, enrol, names_listed, sign_in


@pytest.fixture
def units(create_unit):
    department = create_unit("D", name_vi="Sở Văn hóa")
    return {"department": department,
            "museum": create_unit("M", parent=department, name_vi="Bảo tàng"),
            "other": create_unit("O", name_vi="Sở khác")}


@pytest.fixture
def cyber(app, db, app_context, create_course):
    """CYBER01, mandatory by 30/06 through the shipped credits target (everyone)."""
    from lms.credits.defaults import seed_defaults
    from lms.dates import today

    course = create_course(code="CYBER01", lessons=2, title_vi="An ninh mạng cho cán bộ")
    with app_context(), app.test_request_context("/"):
        seed_defaults(today().year)
        db.commit()
    return course


def test_the_learner_home_puts_mandatory_courses_first_with_due_dates(app, db, units, cyber,
                                                                       create_learner, create_course):
    learner = create_learner("Lò Thị Hoa", username="hoa", unit=units["museum"])
    optional = create_course(code="OPT01", lessons=4, title_vi="Khóa tự chọn")
    enrol(db, learner, optional, lessons_done=1)
    enrol(db, learner, cyber, lessons_done=1)
    client = sign_in(app, "hoa")
    home = client.get("/").get_data(as_text=True)
    open_part, done_part = mandatory_parts(home)
    year = dt.date.today().year
    assert "An ninh mạng cho cán bộ" in open_part and f"hạn hoàn thành 30/06/{year}" in open_part
    assert "Đã học 1/2 bài" in open_part and done_part == ""
    # The mandatory course comes before the courses to continue, and only once on the page.
    assert home.index("lms-mandatory-heading") < home.index("lms-progress-heading")
    continue_part = home.split('id="lms-progress-heading"')[1].split("</section>")[0]
    assert "Khóa tự chọn" in continue_part and "An ninh mạng cho cán bộ" not in continue_part
    assert home.count("An ninh mạng cho cán bộ") == 1  # the credits section does not repeat it
    assert 'id="home-credits"' in home

    complete(db, learner, cyber, enrolled=False)
    home = client.get("/").get_data(as_text=True)
    open_part, done_part = mandatory_parts(home)
    assert "An ninh mạng cho cán bộ" not in open_part
    assert "An ninh mạng cho cán bộ" in done_part and "đã hoàn thành ngày" in done_part
    assert "Bạn đã hoàn thành tất cả các khóa học bắt buộc." in home
    assert home.count("An ninh mạng cho cán bộ") == 1


def test_an_overdue_mandatory_course_says_so(app, db, units, cyber, create_learner):
    from lms.credits.models import TargetCourse

    for row in db.query(TargetCourse).all():
        row.due_on = dt.date.today() - dt.timedelta(days=2)
    db.commit()
    create_learner("Lò Thị Hoa", username="hoa", unit=units["museum"])
    open_part, _done = mandatory_parts(sign_in(app, "hoa").get("/").get_data(as_text=True))
    assert "Quá hạn" in open_part and "chưa bắt đầu" in open_part


def test_a_plain_learner_has_no_hr_figures(app, units, cyber, create_learner):
    create_learner("Lò Thị Hoa", username="hoa", unit=units["museum"])
    assert "lms-hr-figures-heading" not in sign_in(app, "hoa").get("/").get_data(as_text=True)


def figure(home: str, label: str) -> tuple[str, str]:
    """(number, link) of the figure whose text holds ``label``."""
    figures = home.split('id="lms-hr-figures-heading"')[1].split("</section>")[0]
    for item in re.findall(r"<li>(.*?)</li>", figures, re.S):
        if label in item:
            number = re.search(r'lms-figure-number">([^<]+)<', item).group(1)
            return number, re.search(r'href="([^"]+)"', item).group(1).replace("&amp;", "&")
    raise AssertionError(label)


def test_hr_figures_count_their_scope_and_link_to_the_same_people(app, db, units, cyber,
                                                                  create_learner, create_course):
    create_learner("Cán Bộ Tổ Chức", username="hr", unit=units["department"], roles=[Role.HR],
                   hr_unit=units["department"])
    an = create_learner("Nguyễn Văn An", unit=units["museum"])
    binh = create_learner("Trần Thị Bình", unit=units["museum"])
    create_learner("Lê Văn Cường", unit=units["department"])
    outsider = create_learner("Đỗ Văn Khánh", unit=units["other"])
    other_course = create_course(code="ZZ01", lessons=1, title_vi="Khóa khác")
    complete(db, an, cyber)
    complete(db, binh, other_course)
    complete(db, binh, cyber,
             when=dt.datetime(dt.date.today().year - 1, 5, 1, tzinfo=dt.UTC), enrolled=False)
    complete(db, outsider, cyber)
    hr = sign_in(app, "hr")
    home = hr.get("/").get_data(as_text=True)
    assert "Tình hình học tập của đơn vị tôi phụ trách" in home

    number, url = figure(home, "người")
    assert number == "4"  # the HR officer, An, Bình, Cường; not Khánh
    assert len(names_listed(hr.get(url).get_data(as_text=True))) == 4

    number, url = figure(home, "lượt hoàn thành khóa học từ")
    # This month: An's CYBER01 and Bình's ZZ01 (Bình's CYBER01 is of last year).
    assert number == "2"
    args = parse_qs(urlsplit(url).query)
    assert args == {"status": ["completed"], "since": [dt.date.today().replace(day=1).isoformat()]}
    assert set(names_listed(hr.get(url).get_data(as_text=True))) == {"Nguyễn Văn An", "Trần Thị Bình"}

    number, url = figure(home, "đã hoàn thành khóa học bắt buộc “An ninh mạng cho cán bộ”")
    assert number == "25\u00a0%"  # 1 of 4 this period
    assert "(1/4 người)" in home and "Xem 3 người chưa hoàn thành" in home
    assert parse_qs(urlsplit(url).query)["status"] == ["not_completed"]
    listed = hr.get(url).get_data(as_text=True)
    assert set(names_listed(listed)) == {"Cán Bộ Tổ Chức", "Trần Thị Bình", "Lê Văn Cường"}


def test_an_admin_sees_figures_for_everyone(app, db, units, cyber, create_learner):
    create_learner("Quản Trị Viên", username="admin", roles=[Role.ADMIN])
    complete(db, create_learner("Đỗ Văn Khánh", unit=units["other"]), cyber)
    home = sign_in(app, "admin").get("/").get_data(as_text=True)
    assert "Tình hình học tập của tất cả đơn vị" in home
    assert figure(home, "người")[0] == "2" and figure(home, "khóa học bắt buộc")[0] == "50\u00a0%"
