"""The completion records dataset: one row per course completion, as it was that day.

The unit is the one of the completion's snapshot (``CourseCompletion.org_unit_*``), so
a learner who moved shows under the old unit for what was completed there; the scope
and the unit filter use that unit's place in the tree. Rows are sorted as HR lists are:
given name (the last word of the full name), then family name, then the date.
Columns other features add (``state.completion_export_columns``) are loaded once per
batch of rows and appended in registration order. A completion made outside the LMS
(course topic ``external``) is shown as such, with the provider the feature that
recorded it names (``state.completion_origins``) as its source.

A large CSV is written by the database (:func:`csv_lines`, :mod:`lms.exports.sql_csv`):
the same bytes, about ten times faster.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from sqlalchemy.orm import Session

from courses.models import Course, CourseCompletion, Topic
from lms.accounts.models import Gender, Learner, LearnerCategory, OrgUnit
from lms.accounts.queries import given_name_key
from lms.datasets import (Column, CompletionColumns, CompletionOrigins, Dataset, ExportFilters,
                          ExportScope, Summary)
from lms.db import utcnow
from lms.exports import sql_csv
from lms.exports.csv_writer import cell_text, quoted
from lms.exports.xapi_writer import CompletionFacts, completion_statements
from lms.i18n import localized_attr

NAME = "completions"
#: Rows read from the database per round trip (TECH-NOTES: yield_per(2000) was fastest).
BATCH_ROWS = 2000

CATEGORY_CODES = {LearnerCategory.CAN_BO: "CB", LearnerCategory.CONG_CHUC: "CC",
                  LearnerCategory.VIEN_CHUC: "VC", LearnerCategory.NGUOI_LAO_DONG: "NLĐ"}
#: Filter codes (ASCII, for URLs and the CLI) → category.
CATEGORY_FILTERS = {"CB": LearnerCategory.CAN_BO, "CC": LearnerCategory.CONG_CHUC,
                    "VC": LearnerCategory.VIEN_CHUC, "NLD": LearnerCategory.NGUOI_LAO_DONG}
GENDERS = {Gender.FEMALE: {"vi": "Nữ", "en": "Female"}, Gender.MALE: {"vi": "Nam", "en": "Male"},
           Gender.OTHER: {"vi": "Khác", "en": "Other"}}
MODE = {"vi": "Trực tuyến", "en": "Online"}
SOURCE = {"vi": "Hệ thống học tập trực tuyến", "en": "Online learning system"}
#: A completion recorded from outside (a verified Bình dân học vụ số confirmation …).
EXTERNAL_MODE = {"vi": "Bên ngoài", "en": "External"}
#: Its source when no feature names the provider.
EXTERNAL_SOURCE = {"vi": "Đơn vị đào tạo bên ngoài", "en": "External provider"}
PASSED = {"vi": "Đạt", "en": "Passed"}
STATUSES = (("current", {"vi": "Còn hiệu lực", "en": "Current"}),
            ("expired", {"vi": "Hết hiệu lực", "en": "Expired"}))

COLUMNS = (
    Column("stt", {"vi": "STT", "en": "No."}, "integer"),
    Column("full_name", {"vi": "Họ và tên", "en": "Full name"}),
    Column("staff_code", {"vi": "Mã cán bộ", "en": "Staff code"}),
    Column("birth_date", {"vi": "Ngày sinh", "en": "Date of birth"}, "date"),
    Column("gender", {"vi": "Giới tính", "en": "Gender"}),
    Column("position", {"vi": "Chức vụ", "en": "Position"}),
    Column("unit", {"vi": "Đơn vị", "en": "Unit"}),
    Column("unit_code", {"vi": "Mã đơn vị", "en": "Unit code"}),
    Column("category", {"vi": "Đối tượng", "en": "Category"}),
    Column("course_code", {"vi": "Mã khóa học", "en": "Course code"}),
    Column("course_title", {"vi": "Tên khóa học", "en": "Course title"}),
    Column("periods", {"vi": "Số tiết", "en": "Periods"}, "integer"),
    Column("mode", {"vi": "Hình thức", "en": "Mode"}),
    Column("source", {"vi": "Nguồn", "en": "Source"}),
    Column("completed_on", {"vi": "Ngày hoàn thành", "en": "Completed on"}, "date"),
    Column("score", {"vi": "Điểm (%)", "en": "Score (%)"}, "decimal"),
    Column("result", {"vi": "Kết quả", "en": "Result"}),
    Column("expires_on", {"vi": "Hiệu lực đến", "en": "Valid until"}, "date"),
    Column("record_id", {"vi": "Mã bản ghi", "en": "Record id"}, "integer"),
    Column("completed_at", {"vi": "Thời điểm hoàn thành", "en": "Completed at"}, "datetime"),
)
_INDEX = {column.key: index for index, column in enumerate(COLUMNS)}
FILTERS = frozenset({"unit_id", "date_from", "date_to", "course_code", "topic", "status",
                     "category", "staff_code"})


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["LMS_TIMEZONE"])


#: Days outside these bounds are moved onto them: no record lies there, and the edges of
#: the calendar (01/01/0001, 31/12/9999) cannot be converted between time zones.
_EARLIEST, _LATEST = dt.date(1900, 1, 1), dt.date(9000, 1, 1)


def _start_of(day: dt.date) -> dt.datetime:
    day = min(max(day, _EARLIEST), _LATEST)
    return dt.datetime.combine(day, dt.time(), _zone()).astimezone(dt.UTC)


def _conditions(filters: ExportFilters, scope: ExportScope) -> list:
    conditions = [scope.unit_condition(OrgUnit.path)]
    if filters.unit_id is not None:
        root = sa.select(OrgUnit.path).where(OrgUnit.id == filters.unit_id).scalar_subquery()
        # The unit's subtree: its path is a prefix (a LIKE built from a column value).
        conditions.append(OrgUnit.path.like(sa.func.replace(
            sa.func.replace(sa.func.replace(root, "\\", "\\\\"), "%", "\\%"), "_", "\\_") + "%",
            escape="\\"))
    if filters.date_from is not None:
        conditions.append(CourseCompletion.completed_dt >= _start_of(filters.date_from))
    if filters.date_to is not None:
        conditions.append(CourseCompletion.completed_dt
                          < _start_of(min(filters.date_to, _LATEST) + dt.timedelta(days=1)))
    if filters.course_code:
        conditions.append(CourseCompletion.course_code == filters.course_code)
    if filters.topic:
        known = filters.topic in {topic.value for topic in Topic}
        conditions.append(CourseCompletion.course_id.in_(
            sa.select(Course.id).where(Course.topic == filters.topic)) if known else sa.false())
    if filters.status in ("current", "expired"):
        today = dt.datetime.now(_zone()).date()
        current = sa.or_(CourseCompletion.expires_on.is_(None), CourseCompletion.expires_on > today)
        conditions.append(current if filters.status == "current" else sa.not_(current))
    elif filters.status:
        conditions.append(sa.false())  # a status this dataset does not have: nothing
    if filters.category:
        category = CATEGORY_FILTERS.get(filters.category)
        conditions.append(Learner.category == category if category else sa.false())
    if filters.staff_code:
        conditions.append(Learner.staff_code == filters.staff_code)
    return conditions


def _base(columns, filters: ExportFilters, scope: ExportScope) -> sa.Select:
    return (sa.select(*columns).select_from(CourseCompletion)
            .join(Learner, Learner.id == CourseCompletion.learner_id)
            .join(Course, Course.id == CourseCompletion.course_id)
            .outerjoin(OrgUnit, OrgUnit.id == CourseCompletion.org_unit_id)
            .where(*_conditions(filters, scope)))


_SELECTED = (CourseCompletion.id, Learner.id.label("learner_id"), Learner.full_name,
             Learner.staff_code, Learner.birth_date, Learner.gender, Learner.position,
             CourseCompletion.org_unit_name_vi, CourseCompletion.org_unit_name_en,
             CourseCompletion.org_unit_code, Learner.category, CourseCompletion.course_code,
             CourseCompletion.title_vi, CourseCompletion.title_en, CourseCompletion.periods,
             CourseCompletion.completed_dt, CourseCompletion.score_percent,
             CourseCompletion.expires_on, Course.topic)


def count(session: Session, filters: ExportFilters, scope: ExportScope) -> int:
    return session.scalar(_base([sa.func.count()], filters, scope)) or 0


def _is_external(topic) -> bool:
    return topic == Topic.EXTERNAL or topic == Topic.EXTERNAL.value


def _row(record, number: int, locale: str, zone, origins: dict) -> tuple:
    completed_local = record.completed_dt.astimezone(zone)
    if _is_external(record.topic):
        mode, source = EXTERNAL_MODE[locale], origins.get(record.id) or EXTERNAL_SOURCE[locale]
    else:
        mode, source = MODE[locale], SOURCE[locale]
    return (
        number, record.full_name, record.staff_code or f"LMS-{record.learner_id}",
        record.birth_date, GENDERS[record.gender][locale] if record.gender else None,
        record.position,
        localized_attr(record, "org_unit_name", locale),
        record.org_unit_code, CATEGORY_CODES.get(record.category) if record.category else None,
        record.course_code, localized_attr(record, "title", locale), record.periods,
        mode, source, completed_local.date(), record.score_percent,
        PASSED[locale], record.expires_on, record.id, record.completed_dt,
    )


def _locale(locale: str) -> str:
    return locale if locale in ("vi", "en") else "vi"  # the languages the texts exist in


def _with_extras(session: Session, rows: list[tuple], ids: list[int], locale: str,
                 extras: tuple[CompletionColumns, ...]) -> list[tuple]:
    if not extras:
        return rows
    loaded = [(len(extra.columns), extra.load(session, ids, locale)) for extra in extras]
    return [row + tuple(value for width, values in loaded
                        for value in (values.get(record_id) or (None,) * width))
            for row, record_id in zip(rows, ids, strict=True)]


def _origins(session: Session, records, locale: str,
             origins: tuple[CompletionOrigins, ...]) -> dict[int, str]:
    """The providers of the batch's external completions (one query per source)."""
    ids = [record.id for record in records if _is_external(record.topic)]
    found: dict[int, str] = {}
    for origin in origins if ids else ():
        for completion_id, provider in origin.load(session, ids, locale).items():
            found.setdefault(completion_id, provider)
    return found


_ORDER = (given_name_key(Learner.search_name), Learner.search_name, Learner.id,
          CourseCompletion.completed_dt, CourseCompletion.id)


def rows(session: Session, filters: ExportFilters, scope: ExportScope, locale: str, *,
         extras: tuple[CompletionColumns, ...] = (),
         origins: tuple[CompletionOrigins, ...] = ()) -> Iterator[tuple]:
    """Every matching completion in HR order, a database batch at a time."""
    locale, zone = _locale(locale), _zone()
    result = session.execute(_base(_SELECTED, filters, scope).order_by(*_ORDER)
                             .execution_options(yield_per=BATCH_ROWS))
    number = 0
    for batch in result.partitions():
        built = []
        found = _origins(session, batch, locale, origins)
        for record in batch:
            number += 1
            built.append(_row(record, number, locale, zone, found))
        yield from _with_extras(session, built, [record.id for record in batch], locale, extras)


def page(session: Session, filters: ExportFilters, scope: ExportScope, locale: str,
         after: int | None, limit: int, *,
         extras: tuple[CompletionColumns, ...] = (),
         origins: tuple[CompletionOrigins, ...] = ()) -> list[tuple[int, tuple]]:
    """Completions by record id (the read API's cursor): ids only grow, so a page
    boundary never moves when new completions arrive."""
    locale, zone = _locale(locale), _zone()
    query = _base(_SELECTED, filters, scope).order_by(CourseCompletion.id).limit(limit)
    if after is not None:
        query = query.where(CourseCompletion.id > after)
    records = session.execute(query).all()
    found = _origins(session, records, locale, origins)
    built = [_row(record, 0, locale, zone, found) for record in records]
    built = _with_extras(session, built, [record.id for record in records], locale, extras)
    return [(record.id, row) for record, row in zip(records, built, strict=True)]


def _localized_sql(stem_vi, stem_en, locale: str):
    """SQL form of :func:`lms.i18n.localized` over a pair of columns: the first
    non-empty text of the asked language, Vietnamese, then the others."""
    texts = {"vi": stem_vi, "en": stem_en}
    order = dict.fromkeys(key for key in (locale, "vi", *texts) if key in texts)
    return sa.func.coalesce(*(sa.func.nullif(texts[key], "") for key in order), "")


def _labels(column, labels: dict, locale: str) -> sql_csv.Label:
    return sql_csv.Label(column, tuple(
        (member, texts[locale] if isinstance(texts, dict) else texts)
        for member, texts in labels.items()))


def _extra_cells(session: Session, filters: ExportFilters, scope: ExportScope, locale: str,
                 decimal_comma: bool, zone, extras: tuple[CompletionColumns, ...]):
    kinds = [column.kind for extra in extras for column in extra.columns]

    def load(ids: list[int]) -> dict[int, bytes]:
        loaded = [(len(extra.columns), extra.load(session, ids, locale)) for extra in extras]
        found = {}
        # Only the records some feature answered for: the others get the empty cells.
        for record_id in set().union(*(answer.keys() for _width, answer in loaded)):
            values = [value for width, answer in loaded
                      for value in (answer.get(record_id) or (None,) * width)]
            if any(value is not None for value in values):
                found[record_id] = ",".join(
                    quoted(cell_text(value, kind, decimal_comma=decimal_comma, zone=zone))
                    for value, kind in zip(values, kinds, strict=True)).encode()
        return found

    empty = b",".join([b'""'] * len(kinds))
    key = CourseCompletion.id
    if all(extra.present is not None for extra in extras):
        # Rows no feature has values for are never asked about; when none has any (one
        # quick look), the cells are empty text in the line.
        present = sa.or_(*(extra.present(CourseCompletion.id) for extra in extras))
        if session.execute(_base([sa.literal(1)], filters, scope).where(present)
                           .limit(1)).first() is None:
            return sql_csv.Constant(empty.decode(), raw=True)
        key = sa.case((present, CourseCompletion.id), else_=None)
    return sql_csv.Loaded(key, load, empty)


def _source_cells(session: Session, locale: str,
                  origins: tuple[CompletionOrigins, ...]) -> sql_csv.Loaded:
    def load(ids: list[int]) -> dict[int, bytes]:
        found: dict[int, str] = {}
        for origin in origins:
            for completion_id, provider in origin.load(session, ids, locale).items():
                found.setdefault(completion_id, provider)
        return {record_id: quoted(cell_text(found.get(record_id) or EXTERNAL_SOURCE[locale],
                                            "text")).encode()
                for record_id in ids}

    external = sa.case((Course.topic == Topic.EXTERNAL, CourseCompletion.id), else_=None)
    return sql_csv.Loaded(external, load, quoted(SOURCE[locale]).encode())


def csv_lines(session: Session, filters: ExportFilters, scope: ExportScope, locale: str, *,
              zone, decimal_comma: bool, extras: tuple[CompletionColumns, ...] = (),
              origins: tuple[CompletionOrigins, ...] = ()):
    """The CSV lines written by the database (:mod:`lms.exports.sql_csv`), or None when
    its formatting could differ from the CSV writer's for these rows: a zone whose
    offset changes between the oldest and the newest completion (daylight saving), a
    year before 1000, or a writer zone other than the dataset's."""
    locale, own_zone = _locale(locale), _zone()
    if getattr(zone, "key", None) != own_zone.key:
        return None
    now = utcnow()
    first, last = session.execute(sa.select(sa.func.min(CourseCompletion.completed_dt),
                                            sa.func.max(CourseCompletion.completed_dt))).one()
    # Completions arriving during the export are dated now or earlier: the range reaches
    # a day past now, and the guard stops the export on anything outside it. The second
    # of margin: SQLite compares the stored text, and a value written with "+00:00"
    # sorts before the same second written with microseconds.
    low = min(first or now, now) - dt.timedelta(seconds=1)
    high = max(last or now, now) + dt.timedelta(days=1)
    if low < dt.datetime(1000, 1, 2, tzinfo=dt.UTC):
        return None
    offset = sql_csv.constant_offset(own_zone, low, high)
    if offset is None:
        return None
    cells = [
        sql_csv.RowNumber(),
        sql_csv.SqlCell(Learner.full_name),
        sql_csv.SqlCell(sa.func.coalesce(sa.func.nullif(Learner.staff_code, ""),
                                         sa.literal("LMS-", sa.String)
                                         + sa.cast(Learner.id, sa.String))),
        sql_csv.SqlCell(Learner.birth_date, "date"),
        _labels(Learner.gender, GENDERS, locale),
        sql_csv.SqlCell(Learner.position),
        sql_csv.SqlCell(_localized_sql(CourseCompletion.org_unit_name_vi,
                                       CourseCompletion.org_unit_name_en, locale)),
        sql_csv.SqlCell(CourseCompletion.org_unit_code),
        _labels(Learner.category, CATEGORY_CODES, locale),
        sql_csv.SqlCell(CourseCompletion.course_code),
        sql_csv.SqlCell(_localized_sql(CourseCompletion.title_vi, CourseCompletion.title_en,
                                       locale)),
        sql_csv.SqlCell(CourseCompletion.periods, "integer"),
        sql_csv.Label(Course.topic, ((Topic.EXTERNAL, EXTERNAL_MODE[locale]),),
                      otherwise=MODE[locale]),
        _source_cells(session, locale, origins),
        sql_csv.Moment(CourseCompletion.completed_dt, day=True),
        sql_csv.PyCell(CourseCompletion.score_percent, "decimal"),
        sql_csv.Constant(PASSED[locale]),
        sql_csv.SqlCell(CourseCompletion.expires_on, "date"),
        sql_csv.SqlCell(CourseCompletion.id, "integer"),
        sql_csv.Moment(CourseCompletion.completed_dt),
    ]
    if extras:
        cells.append(_extra_cells(session, filters, scope, locale, decimal_comma, zone, extras))
    guard = sa.or_(CourseCompletion.completed_dt < low, CourseCompletion.completed_dt > high)
    writer = sql_csv.SqlCsv(cells, session.get_bind().dialect.name, offset,
                            decimal_comma=decimal_comma, guard=guard)
    query = _base(writer.labelled(), filters, scope).order_by(*_ORDER)
    # Core rows, not ORM ones: nothing here is an entity, and the ORM's per-row loading
    # cost as much as the rest of the Python side.
    if session.get_bind().dialect.name == "sqlite":
        # pysqlite steps through the result as it is fetched and SQLAlchemy buffers
        # nothing without stream_results: the driver's own rows can be taken (every
        # column is bytes, a number or NULL, with no type to convert; a Row object per
        # record was a third of the Python time).
        result = session.connection().execute(query)
        batches = iter(partial(result.cursor.fetchmany, BATCH_ROWS), [])
    else:  # a server-side cursor, read through SQLAlchemy (it holds the first row)
        result = session.connection().execute(query.execution_options(
            stream_results=True, max_row_buffer=BATCH_ROWS))
        batches = result.partitions(BATCH_ROWS)
    return _Lines(writer, result, batches)


class _Lines:
    def __init__(self, writer: sql_csv.SqlCsv, result, batches):
        self.writer, self.result, self.batches = writer, result, batches

    @property
    def rows_written(self) -> int:
        return self.writer.rows_written

    def chunks(self) -> Iterator[bytes]:
        try:
            yield from self.writer.chunks(self.batches)
        finally:
            self.result.close()  # a server-side cursor ends with it, also on an error


def home_page() -> str:
    """The LMS's address in xAPI account identifiers: ``LMS_EXPORT_XAPI_HOME_PAGE``, or
    the address the request came to."""
    configured = current_app.config.get("LMS_EXPORT_XAPI_HOME_PAGE")
    if configured:
        return configured
    if has_request_context():
        return request.url_root
    raise RuntimeError("set LMS_EXPORT_XAPI_HOME_PAGE to export xAPI outside a request")


def statements(row: tuple) -> list[dict]:
    """The xAPI statements of one completion row."""
    title = row[_INDEX["course_title"]]
    facts = CompletionFacts(
        record_id=row[_INDEX["record_id"]], account_name=row[_INDEX["staff_code"]],
        full_name=row[_INDEX["full_name"]], course_code=row[_INDEX["course_code"]],
        titles={"vi-VN": title}, completed_at=row[_INDEX["completed_at"]],
        score_percent=row[_INDEX["score"]],
        platform=(row[_INDEX["source"]] if row[_INDEX["mode"]] in EXTERNAL_MODE.values()
                  else "LMS"))
    return completion_statements(facts, home_page())


def dataset(extras: tuple[CompletionColumns, ...] = (),
            origins: tuple[CompletionOrigins, ...] = ()) -> Dataset:
    """The dataset, with the columns of ``extras`` (what other features registered on
    ``state.completion_export_columns`` before this feature started) appended, and the
    providers of external completions from ``origins`` (``state.completion_origins``)."""
    return Dataset(
        name=NAME, title={"vi": "Kết quả hoàn thành khóa học", "en": "Course completions"},
        columns=COLUMNS + tuple(column for extra in extras for column in extra.columns),
        rows=partial(rows, extras=extras, origins=origins), count=count, filters=FILTERS,
        statements=statements, statuses=STATUSES,
        summary=Summary(unit_column="unit", unit_code_column="unit_code",
                        person_column="staff_code", sum_columns=("periods",),
                        count_by_column="course_code",
                        rows_header={"vi": "Số lượt hoàn thành", "en": "Completions"}),
        page=partial(page, extras=extras, origins=origins),
        csv_lines=partial(csv_lines, extras=extras, origins=origins))
