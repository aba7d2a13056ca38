"""A hostile-input walk over every registered LMS route: nothing a visitor can type into an
address or a form gives a server error, on SQLite and PostgreSQL alike.

Routes come from ``app.url_map`` (LMS endpoints only), so a route added later is walked
without touching this file. Each path parameter, each query parameter the views read
(plus a generic set) and, for routes that take POST, every field of every LMS form get
each hostile value, as an anonymous visitor and as each role. Exceptions are collected
(TESTING re-raises them instead of answering 500) and reported together at the end.
"""
from __future__ import annotations

import re
import pytest
from wtforms import FileField

from lms.forms import LmsForm

#: Each value is written as it travels in a URL (already percent-encoded).
HOSTILE_VALUES = {
    "nul": "a%00b",
    "negative": "-1",
    "int32_overflow": str(2**31),
    "int64_overflow": str(2**63),
    "huge": str(10**20),
    "long_digits": "9" * 5000,  # also past Python's 4,300-digit int() limit
    "long_text": "x" * 5000,
    "bad_utf8": "%ff",
}
#: Query parameters the LMS views read (find them with `grep -rn request.args`), then a
#: generic set a curious visitor might try.
QUERY_PARAMETERS = ("q", "page", "next", "lang", "topic", "unit", "course", "action", "actor",
                    "id", "code", "course_id", "learner_id", "attempt_id", "position", "path",
                    "go", "locale", "sort", "limit", "offset", "serial", "name", "until",
                    # the export filters (lms/exports/forms.py) and the read API's cursor
                    "date_from", "date_to", "period", "status", "category", "format", "since", "refresh",
                    # the advisory shortlist's title (lms/credits/shortlist_views.py)
                    "title",
                    # the keyset lists' cursors (lms.pagination.decode_cursor)
                    "after", "before")
#: Form fields some views read without a form class.
EXTRA_FORM_FIELDS = ("answer", "go", "active", "confirm", "lang",
                     # one line of the appraisal page's list of forms (credits AppraisalPageForm)
                     "rows-0-learner_id", "rows-0-revision", "rows-0-rating", "rows-0-discipline",
                     "rows-0-initiatives")
ROLES = ("anonymous", "learner", "author", "hr", "admin")


def _form_classes() -> list[type]:
    found, pending = [], list(LmsForm.__subclasses__())
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        found.append(form_class)
    return found


def _form_field_names() -> tuple[set[str], set[str]]:
    """(text fields, file fields) of every LMS form class, found by walking subclasses."""
    text, files = set(EXTRA_FORM_FIELDS), set()
    for form_class in _form_classes():
        for name in dir(form_class):
            unbound = getattr(form_class, name, None)
            field_class = getattr(unbound, "field_class", None)
            if field_class is None or name == "csrf_token":
                continue
            (files if issubclass(field_class, FileField) else text).add(name)
    return text, files


def _lms_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("lms.")),
                  key=lambda rule: rule.rule)


_PLACEHOLDER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _url(rule, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values[match[1]], rule.rule)


@pytest.fixture
def hostile_world(create_unit, create_learner, create_course, app_context, db):
    from courses import operations
    from lms.accounts.models import Role
    from quizzes import operations as quiz_operations
    from quizzes.queries import quiz_of_course

    unit = create_unit("HOSTILE")
    people = {
        "learner": create_learner("Học Viên", username="h-learner", unit=unit),
        "author": create_learner("Tác Giả", username="h-author", unit=unit, roles=[Role.AUTHOR]),
        "hr": create_learner("Tổ Chức", username="h-hr", unit=unit, roles=[Role.HR], hr_unit=unit),
        "admin": create_learner("Quản Trị", username="h-admin", unit=unit, roles=[Role.ADMIN]),
    }
    target = create_learner("Đối Tượng", username="h-target", unit=unit, roles=[Role.AUTHOR])
    course = create_course(code="HOSTILE01", quiz=True)
    attempts = {}
    with app_context():
        quiz = quiz_of_course(course.id)
        for role, person in people.items():
            operations.enrol(person, course)
            attempts[role] = quiz_operations.start_attempt(quiz, person.id).id
        db.commit()
    with app_context():  # the shipped credit defaults, so the credit admin forms get hostile input
        import sqlalchemy as sa

        from lms.credits.defaults import seed_defaults
        from lms.credits.models import CreditRule, Criterion, EmulationPeriod, Target, TitleRule

        seed_defaults(2026)
        credits = {name: db.scalar(sa.select(model.id).limit(1)) for name, model in (
            ("period", EmulationPeriod), ("criterion", Criterion), ("rule", CreditRule), ("target", Target),
            ("title_rule", TitleRule))}
        db.commit()
    from tests.access_world import _archive, _certificates, _external

    certificates = _certificates(db, people, course)
    archive = _archive(db, people["hr"], unit)
    # A learner's and an author's own external completion; HR and the admin get the
    # target's, which they may open and decide (so verify and reject meet the hostile input).
    externals = {role: _external(db, people[role]) for role in ("learner", "author")}
    externals["hr"] = externals["admin"] = externals["anonymous"] = _external(db, target)
    return {"unit": unit.id, "learner": target.id, "grant": target.role_grants[0].id,
            "code": course.code, "course": course.id, "attempts": attempts, "credits": credits,
            "certificates": {role: certificate_id for role, (certificate_id, _code)
                             in certificates.items()}, "archive": archive, "externals": externals}


def _valid_path_values(world, role) -> dict[str, str]:
    """A working value for every path parameter name the LMS uses; others get "1"."""
    values = {"unit_id": world["unit"], "learner_id": world["learner"], "grant_id": world["grant"],
              "code": world["code"], "course_id": world["course"], "number": 1, "position": 1, "question": 1,
              "attempt_id": world["attempts"].get(role, world["attempts"]["learner"]),
              "certificate_id": world["certificates"].get(role, world["certificates"]["learner"]),
              "archive_id": world["archive"],
              "submission_id": world["externals"][role],
              "path": "media/pic.png", "filename": "lms.css", "unknown": "no-such-page",
              **{f"{name}_id": value for name, value in world["credits"].items()},
              "name": "completions", "staff_code": "H-0001", "record_id": 1, "token_id": 1}
    return {name: str(value) for name, value in values.items()}


class _Walk:
    def __init__(self, client, role):
        self.client, self.role = client, role
        self.failures: list[str] = []
        self.requests = 0
        self.unrouted: set[str] = set()

    def _unrouted(self, method: str, url: str) -> bool:
        """True for a URL the route map sends to the catch-all "not found" page (a hostile
        id the ``lms_id`` converter refuses): that page does not depend on the value, so
        one such request per method is enough, and the walk stays a few times faster."""
        from werkzeug.test import EnvironBuilder

        environ = EnvironBuilder(path=url, method=method).get_environ()
        try:
            endpoint, _values = self.client.application.url_map.bind_to_environ(environ).match()
        except Exception:  # a redirect, a 405 …: sent, so the app answers it itself
            return False
        return endpoint == "lms.not_found"

    def send(self, method: str, url: str, **kwargs) -> int | None:
        if self._unrouted(method, url):
            if method in self.unrouted:
                return 404
            self.unrouted.add(method)
        self.requests += 1
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as error:  # TESTING re-raises what would have been a 500
            self.failures.append(f"{self.role} {method} {url[:100]} -> {type(error).__name__}: {str(error)[:160]}")
            return None
        response.close()
        if response.status_code >= 500:
            self.failures.append(f"{self.role} {method} {url[:100]} -> {response.status_code}")
        return response.status_code

    def send_split(self, base: str, names, value: str, plain_status, *, split: bool) -> None:
        status = self.send("GET", f"{base}?" + "&".join(f"{name}={value}" for name in names))
        if split and status != plain_status and len(names) > 1:
            half = len(names) // 2
            self.send_split(base, names[:half], value, plain_status, split=True)
            self.send_split(base, names[half:], value, plain_status, split=True)


@pytest.mark.parametrize("role", ROLES)
def test_hostile_input_never_gives_a_server_error(app, db, hostile_world, role):
    client = app.test_client()
    if role != "anonymous":
        response = client.post("/auth/login", data={"username": f"h-{role}", "password": _password()})
        assert response.status_code == 302
    text_fields, file_fields = _form_field_names()
    walk = _Walk(client, role)
    valid = _valid_path_values(hostile_world, role)
    rules = _lms_rules(app)
    # Sign-out last: the rest of the walk needs the session.
    rules.sort(key=lambda rule: rule.endpoint == "lms.auth.logout")
    for rule in rules:
        posts = "POST" in rule.methods
        gets = "GET" in rule.methods
        for argument in sorted(rule.arguments):
            for value in HOSTILE_VALUES.values():
                url = _url(rule, {**valid, argument: value})
                if gets:
                    walk.send("GET", url)
                if posts:
                    walk.send("POST", url, data={name: "1" for name in text_fields})
        base = _url(rule, valid)
        plain_status = walk.send("GET", base) if gets else None
        for kind, value in HOSTILE_VALUES.items():
            query = "&".join(f"{name}={value}" for name in QUERY_PARAMETERS)
            if gets:
                # Every parameter at once; if that changed the outcome (an early 4xx could
                # hide what the others would do), each half again, down to single
                # parameters: every one ends in a request answered as the plain page, or
                # alone. (NUL is refused whatever the parameter, before any view.)
                walk.send_split(base, QUERY_PARAMETERS, value, plain_status,
                                split=kind != "nul")
            if posts:
                # Raw url-encoded body: NUL and the invalid byte travel exactly as written.
                body = "&".join(f"{name}={value}" for name in sorted(text_fields))
                walk.send("POST", f"{base}?{query}", data=body,
                          content_type="application/x-www-form-urlencoded")
                # The same as multipart, with an upload in every file field.
                plain = _decoded(value)
                form = {name: plain for name in text_fields}
                for name in file_fields:
                    form[name] = (_file(), f"{plain}.csv")
                walk.send("POST", base, data=form, content_type="multipart/form-data")
    assert walk.requests > 500
    assert walk.unrouted == {"GET", "POST"}  # the not-found page met the hostile input too
    assert walk.failures == [], "\n".join(walk.failures)


def _password() -> str:
    from tests.conftest import PASSWORD

    return PASSWORD


def _decoded(value: str) -> str:
    """The value as text for a multipart form (which the test client encodes as UTF-8)."""
    return {"a%00b": "a\x00b", "%ff": "\xff"}.get(value, value)


def _file():
    import io

    return io.BytesIO(b"staff_code,full_name\n\x00,\xff\n")


def test_no_lms_route_uses_the_unbounded_int_converter(app):
    """Werkzeug's ``int`` accepts 2^63 and 5,000 digits; LMS ids use the bounded one."""
    from werkzeug.routing import IntegerConverter

    from lms.routing import IdConverter

    offenders = [rule.rule for rule in _lms_rules(app)
                 for converter in rule._converters.values()
                 if isinstance(converter, IntegerConverter) and not isinstance(converter, IdConverter)]
    assert offenders == []


@pytest.mark.parametrize("limit", [0, 7, 10, 99, 255, 1000, 2024, 10203])
def test_the_id_pattern_matches_exactly_zero_to_its_limit(limit):
    from lms.routing import digits_up_to

    pattern = re.compile(digits_up_to(limit) + r"\Z")
    assert [n for n in range(limit * 10 + 20) if pattern.match(str(n))] == list(range(limit + 1))


def test_ids_up_to_the_column_range_still_route(app):
    adapter = app.url_map.bind("localhost")
    assert adapter.match("/admin/units/2147483647") == ("lms.admin.edit_unit", {"unit_id": 2**31 - 1})
    assert adapter.match("/admin/units/2147483648")[0] == "lms.not_found"


def test_the_walk_knows_the_query_parameters_views_read(app, project_root):
    """A view that starts reading a new query parameter must be added to the walk."""
    read = set()
    for path in [*project_root.glob("lms/**/*.py"), *project_root.glob("courses/*.py"),
                 *project_root.glob("quizzes/*.py")]:
        read |= set(re.findall(r"request\.args\.get\(\"(\w+)\"", path.read_text(encoding="utf-8")))
    # GET forms (no CSRF) read their fields from the query string too (the app fixture has
    # imported every view module, so every form class is known).
    get_forms = [form_class for form_class in _form_classes()
                 if getattr(form_class.Meta, "csrf", True) is False]
    assert len(get_forms) >= 3
    for form_class in get_forms:
        read |= {name for name in dir(form_class)
                 if getattr(getattr(form_class, name, None), "field_class", None) is not None}
    read.add("page")  # read through lms.forms.page_argument()
    assert {"q", "lang", "unit", "topic", "action", "actor"} <= read
    assert read <= set(QUERY_PARAMETERS), read - set(QUERY_PARAMETERS)


def test_hostile_values_reach_the_views_as_intended(app, client):
    """NUL arrives as NUL; Werkzeug keeps an invalid UTF-8 escape as the text "%FF" in a
    query and decodes it to U+FFFD in a path. (Checked so the walk tests what it claims.)"""
    seen = {}

    @app.route("/_probe/<value>")
    def probe(value):
        from flask import request

        seen["path"], seen["q"] = value, request.args.get("q")
        return ""

    client.get("/_probe/a%00b?q=%ff")
    assert seen == {"path": "a\x00b", "q": "%FF"}
    client.get("/_probe/%ff?q=a%00b")
    assert seen == {"path": "\ufffd", "q": "a\x00b"}
