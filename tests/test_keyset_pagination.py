"""Keyset pages of the HR and admin learner lists (issue 14, point 3): a page starts after
the cursor, so rows inserted between two pages never push a row onto a page twice nor
hide one; a cursor that is not ours starts from the top; the orders are read from their
indexes (EXPLAIN on SQLite and PostgreSQL)."""
from __future__ import annotations

import random
import re

import pytest
import sqlalchemy as sa

from lms.accounts.models import Learner, Role
from lms.pagination import decode_cursor, encode_cursor

GIVEN = ("An", "Bình", "Cường", "Dung", "Giang", "Hải", "Lan", "Yến")
FAMILY = ("Nguyễn", "Trần", "Lê", "Đỗ")


def _name(chance: random.Random) -> str:
    return f"{chance.choice(FAMILY)} Văn {chance.choice(GIVEN)}"


def _walk(app_context, fetch, create_learner, unit, chance, inserts_per_page: int):
    """Walk every page with ``fetch(after)``; after each page insert people whose names
    fall anywhere in the order (before the cursor, after it, on its given name)."""
    seen, after, inserted = [], None, []
    while True:
        with app_context():
            page = fetch(after)
            seen += [item.id for item in page.items]
        for _ in range(inserts_per_page):
            inserted.append(create_learner(_name(chance), unit=unit).id)
        if page.after is None:
            return seen, inserted
        after = page.after


@pytest.mark.parametrize("inserts_per_page", [0, 3])
def test_keyset_pages_never_skip_or_repeat_a_row_while_rows_are_inserted(
        app, app_context, db, create_unit, create_learner, inserts_per_page):
    from lms.accounts.queries import SEARCH_CURSOR_TYPES, search_learners_keyset
    from lms.auth.principal import Principal
    from lms.dates import today
    from lms.reports.queries import CURSOR_TYPES, ListFilters, learners_in_scope

    province = create_unit("P", name_vi="Tỉnh")
    chance = random.Random(14 + inserts_per_page)
    # Many equal names: the id tiebreak decides, so it is tested too.
    before = {create_learner(_name(chance), unit=province).id for _ in range(23)}
    hr = Principal(learner=create_learner("Cán Bộ Tổ Chức", unit=province),
                   roles=frozenset({Role.HR}), hr_unit_paths=(province.path,))
    before.add(hr.learner.id)

    def hr_page(after):
        return learners_in_scope(hr, ListFilters(), today(), 4,
                                 after=decode_cursor(after, CURSOR_TYPES))

    def admin_page(after):
        return search_learners_keyset(None, None, 4, after=decode_cursor(after, SEARCH_CURSOR_TYPES))

    for fetch, wrap in ((hr_page, lambda page: page), (admin_page, lambda page: page)):
        def ids_only(after, fetch=fetch):
            page = fetch(after)
            items = [row[0] if isinstance(row, sa.Row) else row for row in page.items]
            return type(page)(items, page.after, page.before, page.first)

        everyone_before = before | {row.id for row in db.scalars(sa.select(Learner))}
        seen, inserted = _walk(app_context, ids_only, create_learner, province, chance,
                               inserts_per_page)
        assert len(seen) == len(set(seen)), "a row was shown twice"
        assert everyone_before <= set(seen), "a row that was there all along was skipped"
        assert set(seen) <= everyone_before | set(inserted)
        before = everyone_before | set(inserted)


def test_the_previous_page_is_the_page_before(app, app_context, create_unit, create_learner):
    from lms.accounts.queries import SEARCH_CURSOR_TYPES, search_learners_keyset

    unit = create_unit("P", name_vi="Tỉnh")
    for number in range(9):
        create_learner(f"Người Số {number}", unit=unit)
    with app_context():
        first = search_learners_keyset(None, None, 4)
        second = search_learners_keyset(None, None, 4,
                                        after=decode_cursor(first.after, SEARCH_CURSOR_TYPES))
        third = search_learners_keyset(None, None, 4,
                                       after=decode_cursor(second.after, SEARCH_CURSOR_TYPES))
        back = search_learners_keyset(None, None, 4,
                                      before=decode_cursor(third.before, SEARCH_CURSOR_TYPES))
        top = search_learners_keyset(None, None, 4,
                                     before=decode_cursor(second.before, SEARCH_CURSOR_TYPES))
    assert [len(first.items), len(second.items), len(third.items)] == [4, 4, 1]
    assert third.after is None and first.first and not second.first
    assert [p.id for p in back.items] == [p.id for p in second.items] and not back.first
    assert [p.id for p in top.items] == [p.id for p in first.items] and top.first


@pytest.mark.parametrize("text", ["", "x", "%ff", "\x00", "9" * 5000, "W10=", "WyJhIiwiYiIsdHJ1ZV0",
                                  encode_cursor(["a", "b", 2**31]), encode_cursor(["a", True]),
                                  encode_cursor(["a\x00", 1])])
def test_a_cursor_that_is_not_ours_starts_from_the_top(text):
    assert decode_cursor(text, (str, str, int)) is None
    assert decode_cursor(text, (str, int)) is None


def test_a_cursor_round_trips():
    assert decode_cursor(encode_cursor(["đức", "nguyen van duc", 7]), (str, str, int)) == (
        "đức", "nguyen van duc", 7)


def test_the_lists_walk_their_pages_by_the_next_link(app, db, create_unit, create_learner):
    """Through the pages as a person: Next page until there is none, every person once."""
    app.config["LMS_PAGE_SIZE"] = 3
    unit = create_unit("P", name_vi="Tỉnh")
    names = [f"Lê Văn {given}" for given in GIVEN]
    for name in names:
        create_learner(name, unit=unit)
    create_learner("Quản Trị Viên", username="admin", roles=[Role.ADMIN])
    client = app.test_client()
    from tests.conftest import PASSWORD

    client.post("/auth/login", data={"username": "admin", "password": PASSWORD})
    for url, pattern in (("/admin/learners", r'/admin/learners/\d+">([^<]+)</a>'),
                         ("/reports/learners", r'/reports/learners/\d+">([^<]+)</a>')):
        seen = []
        while url:
            page = client.get(url)
            assert page.status_code == 200
            html = page.get_data(as_text=True)
            seen += re.findall(pattern, html)
            found = re.search(r'<a href="([^"]+)" rel="next">', html)
            url = found.group(1).replace("&amp;", "&") if found else None
        assert sorted(seen) == sorted([*names, "Quản Trị Viên"]), seen
        assert len(seen) == len(set(seen))


def _captured_select(app_context, db, run):
    """The SELECT … ORDER BY … LIMIT statement ``run()`` sends, with its parameters."""
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "ORDER BY" in statement and "LIMIT" in statement:
            statements.append((statement, parameters))

    bind = db.get_bind()
    engine = bind.engine if hasattr(bind, "engine") else bind
    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        with app_context():
            run()
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    assert statements
    return statements[0]


def _plan(db, statement, parameters, is_postgres: bool) -> str:
    connection = db.connection()
    if is_postgres:
        # A handful of test rows: without this the planner rightly prefers a scan and a
        # sort; forbidding those shows whether the index can serve the order at all.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_sort = off")
        rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        return "\n".join(row[0] for row in rows)
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return "\n".join(row[-1] for row in rows)


@pytest.mark.parametrize("which", ["hr", "admin"])
def test_the_list_orders_are_read_from_their_index(app, app_context, db, create_unit,
                                                   create_learner, is_postgres, which):
    from lms.accounts.queries import SEARCH_CURSOR_TYPES, search_learners_keyset
    from lms.auth.principal import Principal
    from lms.dates import today
    from lms.reports.queries import CURSOR_TYPES, ListFilters, learners_in_scope

    unit = create_unit("P", name_vi="Tỉnh")
    for number in range(30):
        create_learner(f"Người Số {number}", unit=unit)
    db.connection().exec_driver_sql("ANALYZE")
    admin = Principal(learner=create_learner("Quản Trị"), roles=frozenset({Role.ADMIN}))
    if which == "hr":
        index = "ix_lms_learners_name_order"
        after = decode_cursor(encode_cursor(["so", "nguoi so 1", 1]), CURSOR_TYPES)
        statement = _captured_select(app_context, db, lambda: learners_in_scope(
            admin, ListFilters(), today(), 10, after=after))
    else:
        index = "ix_lms_learners_search_order"
        after = decode_cursor(encode_cursor(["nguoi so 1", 1]), SEARCH_CURSOR_TYPES)
        statement = _captured_select(app_context, db, lambda: search_learners_keyset(
            None, None, 10, after=after))
    plan = _plan(db, *statement, is_postgres)
    assert index in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan and "Sort" not in plan, plan
