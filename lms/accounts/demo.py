"""Demo data for `make run`: a small org tree, a demo admin and a demo learner.

Idempotent: units and people are matched by code, so running it again creates nothing.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterator

import sqlalchemy as sa

from lms.accounts import operations
from lms.accounts.models import Learner, LearnerCategory, OrgUnit, Role
from lms.db import get_session

DEMO_UNITS = [
    # code, Vietnamese name, English name, parent code
    ("DB", "Tỉnh Điện Biên", "Điện Biên Province", None),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "Department of Culture, Sports and Tourism", "DB"),
    ("SVHTTDL-VP", "Văn phòng Sở", "Department Office", "SVHTTDL"),
    ("SVHTTDL-QLVH", "Phòng Quản lý Văn hóa", "Culture Management Division", "SVHTTDL"),
    ("SVHTTDL-BT", "Bảo tàng tỉnh", "Provincial Museum", "SVHTTDL"),
]

DEMO_PEOPLE = [
    # username, staff code, full name, unit code, category, position, role
    ("admin", "DEMO-ADMIN", "Quản trị viên", "SVHTTDL-VP", LearnerCategory.CONG_CHUC,
     "Chuyên viên công nghệ thông tin", Role.ADMIN),
    ("hocvien", "DEMO-0001", "Lò Thị Hoa", "SVHTTDL-BT", LearnerCategory.VIEN_CHUC,
     "Viên chức thuyết minh", None),
]


def load_demo_data() -> Iterator[str]:
    session = get_session()
    units = {}
    for code, name_vi, name_en, parent_code in DEMO_UNITS:
        unit = session.scalar(sa.select(OrgUnit).where(OrgUnit.code == code))
        if unit is None:
            unit = operations.create_org_unit(code, name_vi, name_en, units.get(parent_code))
        units[code] = unit
    for username, staff_code, full_name, unit_code, category, position, role in DEMO_PEOPLE:
        learner = session.scalar(sa.select(Learner).where(Learner.staff_code == staff_code))
        if learner is not None:
            yield f"Demo account '{username}' already exists (password unchanged)."
            continue
        learner = operations.create_learner(full_name=full_name, staff_code=staff_code,
                                            org_unit=units[unit_code], category=category,
                                            position=position)
        password = secrets.token_urlsafe(12)
        operations.create_account(learner, username, password)
        if role is not None:
            operations.grant_role(learner, role, None, actor=None)
        yield f"Demo account created — username: {username}  password: {password}"
