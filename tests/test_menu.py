"""The main menu: a learner's own pages in the row; HR, author and admin pages under
"Quản lý" (lms.navigation, section "manage"), each shown only to whom may open it."""
import re

import pytest

from lms.accounts.models import Role
from lms.navigation import NavLink


def menu_of(page: str, css_class: str) -> str:
    """The wide-screen copy of the menu (lms/_header.html writes it twice)."""
    match = re.search(rf'<div class="{css_class}[^"]*">(.*?)</nav>', page, re.S)
    assert match, css_class
    return match.group(1)


def test_a_learner_sees_no_management_entry(client, create_learner, login):
    create_learner("Lò Văn Học", username="hoc")
    login("hoc")
    menu = menu_of(client.get("/").text, "lms-menu-wide")
    assert "Khóa học" in menu and "Việc học của tôi" in menu
    assert "Quản lý" not in menu and "/admin/" not in menu


def test_hr_sees_only_the_pages_hr_may_open_under_management(client, create_learner, create_unit, login):
    unit = create_unit("SO")
    create_learner("Cán Bộ Tổ Chức", username="hr", roles=[Role.HR], hr_unit=unit, unit=unit)
    login("hr")
    menu = menu_of(client.get("/").text, "lms-menu-wide")
    management = menu.split("Quản lý", 1)[1]
    assert "Kết quả học tập" in management and "Xuất dữ liệu" in management
    assert "Xếp hạng" in management
    assert "/admin/" not in menu and "Quy tắc tính điểm" not in menu


def test_an_admin_page_marks_management_as_where_the_viewer_is(client, create_learner, login):
    create_learner("Quản Trị", username="qt", roles=[Role.ADMIN])
    login("qt")
    menu = menu_of(client.get("/admin/audit").text, "lms-menu-wide")
    assert '<summary class="lms-current">Quản lý</summary>' in menu
    assert re.search(r'href="/admin/audit" aria-current="page"', menu)
    home = menu_of(client.get("/").text, "lms-menu-wide")
    assert '<summary>Quản lý</summary>' in home


def test_a_menu_section_is_learn_or_manage():
    with pytest.raises(ValueError, match="menu section"):
        NavLink("lms.index", "Home", section="admin")
