"""Report queries, always scoped: an HR officer sees only the subtrees of their grants
(``lms.policy.learner_scope`` in every query), an admin everyone.

A person's status, for the chosen course or for any course when none is chosen, is one
SQL expression (:func:`_status`): completed (a completion that is still current, or one
from the ``since`` day on when it is given), else in progress (enrolled), else not
started. The list, the counts per unit and the home figures all read it, so their
numbers agree.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from courses.models import Course, CourseCompletion, Enrollment, Lesson
from lms.accounts.models import Learner, OrgUnit
from lms.accounts.queries import vietnamese_name_order
from lms.auth.principal import Principal
from lms.dates import start_of_day
from lms.db import get_session
from lms.i18n import localized_attr, strip_diacritics
from lms.pagination import KeysetPage, count_cache, keyset_page
from lms.policy import learner_scope
from quizzes.models import Attempt, Quiz

#: The three statuses a person has; "not_completed" filters the two last.
STATUSES = ("completed", "in_progress", "not_started")
NOT_COMPLETED = "not_completed"


@dataclass(frozen=True)
class ListFilters:
    """What the HR list is narrowed to (each one only when given)."""

    text: str | None = None
    #: The unit and its sub-units.
    unit: OrgUnit | None = None
    course_code: str | None = None
    #: One of :data:`STATUSES` or :data:`NOT_COMPLETED`.
    status: str | None = None
    #: Completions count from this local day on (a period's start, a month's first day).
    since: dt.date | None = None


@dataclass(frozen=True)
class UnitLabel:
    """What the counts table shows of a unit: plain values, so counts kept between
    requests (:func:`cached_counts_per_unit`) hold no database object."""

    id: int
    code: str
    path: str
    name_vi: str
    name_en: str

    def name(self, locale: str | None = None) -> str:
        return localized_attr(self, "name", locale)


@dataclass(frozen=True)
class UnitCount:
    unit: UnitLabel | None  # None: admins see people without a unit too
    people: int
    completed: int
    in_progress: int
    not_started: int


def _status(filters: ListFilters, day: dt.date) -> sa.ColumnElement[str]:
    completion = sa.select(CourseCompletion.id).where(CourseCompletion.learner_id == Learner.id)
    enrolment = sa.select(Enrollment.id).where(Enrollment.learner_id == Learner.id)
    if filters.course_code:
        completion = completion.where(CourseCompletion.course_code == filters.course_code)
        enrolment = enrolment.where(Enrollment.course_code == filters.course_code)
    if filters.since is not None:
        completion = completion.where(CourseCompletion.completed_dt >= start_of_day(filters.since))
    else:
        completion = completion.where(sa.or_(CourseCompletion.expires_on.is_(None),
                                             CourseCompletion.expires_on > day))
    return sa.case((completion.exists(), "completed"), (enrolment.exists(), "in_progress"),
                   else_="not_started")


def _conditions(principal: Principal, filters: ListFilters) -> list[sa.ColumnElement[bool]]:
    """The scope and the filters but the status, as conditions on :class:`Learner`."""
    conditions = [learner_scope(principal)]
    if filters.text:
        needle = strip_diacritics(filters.text)
        conditions.append(sa.or_(Learner.search_name.contains(needle, autoescape=True),
                                 sa.func.lower(Learner.staff_code).contains(needle, autoescape=True)))
    if filters.unit is not None:
        subtree = sa.select(OrgUnit.id).where(OrgUnit.path.startswith(filters.unit.path, autoescape=True))
        conditions.append(Learner.org_unit_id.in_(subtree.scalar_subquery()))
    return conditions


def _status_condition(status: sa.ColumnElement[str], filters: ListFilters):
    if filters.status == NOT_COMPLETED:
        return status != "completed"
    if filters.status in STATUSES:
        return status == filters.status
    return None


def _people(principal: Principal, filters: ListFilters, day: dt.date) -> sa.Subquery:
    """(learner_id, org_unit_id, status) of every person in scope matching the filters."""
    query = (sa.select(Learner.id.label("learner_id"), Learner.org_unit_id.label("org_unit_id"),
                       _status(filters, day).label("status"))
             .where(*_conditions(principal, filters)))
    people = query.subquery()
    wanted = _status_condition(people.c.status, filters)
    return people if wanted is None else sa.select(people).where(wanted).subquery()


#: The HR list's cursor: the sort key of a row (given name, search name, id).
CURSOR_TYPES = (str, str, int)


def learners_in_scope(principal: Principal, filters: ListFilters, day: dt.date, page_size: int,
                      *, after: tuple | None = None, before: tuple | None = None) -> KeysetPage:
    """Rows (learner, status, courses completed) of one keyset page, by given name then
    family name (Vietnamese order, read from the ``ix_lms_learners_name_order`` index):
    one statement whose cost is that of a page, not of the list. The status and the
    courses completed are worked out for the rows read, not for everyone."""
    status = _status(filters, day)
    # Courses, not completion rows: a yearly course renewed twice is still one course.
    completed = (sa.select(sa.func.count(sa.distinct(CourseCompletion.course_code)))
                 .where(CourseCompletion.learner_id == Learner.id).scalar_subquery())
    query = sa.select(Learner, status, completed).where(*_conditions(principal, filters))
    wanted = _status_condition(status, filters)
    if wanted is not None:
        query = query.where(wanted)
    return keyset_page(query, page_size, order_by=vietnamese_name_order(),
                       key_of=lambda row: (row[0].given_name_key, row[0].search_name, row[0].id),
                       after=after, before=before, options=(selectinload(Learner.org_unit),),
                       rows=True)


def counts_per_unit(principal: Principal, filters: ListFilters, day: dt.date) -> list[UnitCount]:
    """People and their statuses per unit (the unit they belong to, not its subtree), in
    tree order; the same filters and scope as the list."""
    people = _people(principal, filters, day)

    def count(status: str):
        return sa.func.sum(sa.case((people.c.status == status, 1), else_=0))

    rows = get_session().execute(
        sa.select(people.c.org_unit_id, sa.func.count(), *(count(s) for s in STATUSES))
        .group_by(people.c.org_unit_id)).all()
    units = {row.id: UnitLabel(*row) for row in get_session().execute(
        sa.select(OrgUnit.id, OrgUnit.code, OrgUnit.path, OrgUnit.name_vi, OrgUnit.name_en)
        .where(OrgUnit.id.in_({row[0] for row in rows if row[0] is not None})))}
    counts = [UnitCount(units.get(unit_id), int(total), int(done or 0), int(started or 0), int(idle or 0))
              for unit_id, total, done, started, idle in rows]
    return sorted(counts, key=lambda c: _tree_key(c.unit))


def _watermark() -> tuple:
    """The highest id of each table the counts read: three index look-ups. A new person,
    enrolment or completion changes it, so the cached counts are recounted at once."""
    return tuple(get_session().execute(sa.select(
        sa.select(sa.func.max(Learner.id)).scalar_subquery(),
        sa.select(sa.func.max(Enrollment.id)).scalar_subquery(),
        sa.select(sa.func.max(CourseCompletion.id)).scalar_subquery())).one())


@dataclass(frozen=True)
class CachedCounts:
    units: list[UnitCount]
    #: When they were counted (``time.time()``).
    counted_at: float


def cached_counts_per_unit(principal: Principal, filters: ListFilters, day: dt.date,
                           seconds: float) -> CachedCounts:
    """:func:`counts_per_unit`, counted once per scope, filters and day for ``seconds``
    (every page of the list and every viewer with the same scope reuse them): counting
    reads everyone in scope, the page does not. New rows are seen at once (watermark);
    an edit (a move to another unit) within ``seconds``."""
    scope = (principal.is_admin, tuple(sorted(principal.hr_unit_paths)) if principal.is_hr else ())
    key = ("reports.counts", scope, filters.text, filters.unit.id if filters.unit else None,
           filters.course_code, filters.status, filters.since, day, _watermark())

    counts, counted_at = count_cache().get(key, seconds,
                                           lambda: counts_per_unit(principal, filters, day))
    return CachedCounts(counts, counted_at)


def _tree_key(unit: OrgUnit | UnitLabel | None) -> list[int]:
    if unit is None:
        return [2**63]  # people without a unit after every unit
    return [int(part) for part in unit.path.strip("/").split("/")]


def count_people(principal: Principal, filters: ListFilters, day: dt.date) -> int:
    people = _people(principal, filters, day)
    return get_session().scalar(sa.select(sa.func.count()).select_from(people)) or 0


def completions_since(principal: Principal, since: dt.date) -> int:
    """Completion records (not people) of the people in scope from ``since`` on."""
    return get_session().scalar(
        sa.select(sa.func.count()).select_from(CourseCompletion)
        .join(Learner, Learner.id == CourseCompletion.learner_id)
        .where(learner_scope(principal), CourseCompletion.completed_dt >= start_of_day(since))) or 0


def units_in_scope(principal: Principal) -> list[OrgUnit]:
    """Open units the viewer may filter by, in tree order."""
    query = sa.select(OrgUnit).where(OrgUnit.closed_on.is_(None))
    if not principal.is_admin:
        paths = principal.hr_unit_paths if principal.is_hr else ()
        if not paths:
            return []
        query = query.where(sa.or_(*(OrgUnit.path.startswith(path, autoescape=True) for path in paths)))
    return sorted(get_session().scalars(query), key=_tree_key)


def course_titles(extra_codes=()) -> dict[str, Course]:
    """{code: newest version} of every course code published once, plus ``extra_codes``
    (a mandatory course named by a target) that exist in any version."""
    newest = (sa.select(Course.code, sa.func.max(Course.version).label("version"))
              .where(sa.or_(Course.is_published.is_(True), Course.code.in_(list(extra_codes))))
              .group_by(Course.code).subquery())
    courses = get_session().scalars(sa.select(Course).join(
        newest, sa.and_(Course.code == newest.c.code, Course.version == newest.c.version))
        .order_by(Course.code))
    return {course.code: course for course in courses}


def learning_record(learner_id: int, day: dt.date):
    """Completions (the latest of each course, newest first), enrolments not completed
    (each with its version's lesson count) and quiz attempts of one learner.

    A course completed is listed once, under the completions: its enrolment stays in the
    database but is not "in progress" any more. A completion that has expired is shown
    (with its end) and the course, due again, is in progress once more when enrolled.
    """
    session = get_session()
    completions = session.scalars(
        sa.select(CourseCompletion).where(CourseCompletion.learner_id == learner_id)
        .options(selectinload(CourseCompletion.course))
        .order_by(CourseCompletion.completed_dt.desc(), CourseCompletion.id.desc())).all()
    latest = {}
    for completion in completions:
        latest.setdefault(completion.course_code, completion)
    current = {code for code, completion in latest.items() if completion.is_current_on(day)}
    totals = (sa.select(Lesson.course_id, sa.func.count().label("total"))
              .group_by(Lesson.course_id).subquery())
    enrollments = [row for row in session.execute(
        sa.select(Enrollment, sa.func.coalesce(totals.c.total, 0))
        .outerjoin(totals, totals.c.course_id == Enrollment.course_id)
        .where(Enrollment.learner_id == learner_id)
        .options(selectinload(Enrollment.course)).order_by(Enrollment.enrolled_dt.desc())).all()
        if row[0].course_code not in current]
    attempts = session.execute(
        sa.select(Attempt, Course).join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(Course, Course.id == Quiz.course_id)
        .where(Attempt.learner_id == learner_id)
        .order_by(Attempt.started_dt.desc())).all()
    return list(latest.values()), enrollments, attempts
