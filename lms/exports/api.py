"""The read API for HR systems and the national platform: ``/api/v1/…`` as JSON.

Authenticated by ``Authorization: Bearer <token>`` (tokens made by admins per unit
subtree, stored hashed, revocable); rate-limited per token; paginated by a stable cursor
``since`` (the last record id seen: ids only grow, so a page boundary never moves when
new completions arrive). Every answer, errors included, is JSON and described in the
OpenAPI 3.1 document at ``/api/v1/openapi.json``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math

from flask import Blueprint, current_app, jsonify, request

from lms.accounts.models import Learner, OrgUnit
from lms.datasets import Dataset, ExportFilters, ExportScope
from lms.db import get_session
from lms.exports import openapi, queries
from lms.exports.completions import CATEGORY_FILTERS
from lms.extension import get_state

api_blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_LIMIT = 500
_TEXT_LIMIT = 32


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def _error(status: int, message: str, headers: dict | None = None):
    response = jsonify({"error": message})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _limiter():
    state = get_state()
    limiter = getattr(state, "_api_limiter", None)
    if limiter is None:
        from limits import parse
        from limits.storage import storage_from_string
        from limits.strategies import MovingWindowRateLimiter

        config = current_app.config
        limiter = (MovingWindowRateLimiter(storage_from_string(config["LMS_RATELIMIT_STORAGE_URI"])),
                   parse(config["LMS_API_RATE_LIMIT"]), config["LMS_RATELIMIT_KEY_PREFIX"])
        state._api_limiter = limiter
    return limiter


def _authenticate() -> ExportScope:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, "A bearer token is needed.", {"WWW-Authenticate": "Bearer"})
    found = queries.token_by_hash(hashlib.sha256(secret.strip().encode("utf-8")).hexdigest())
    if found is None or found[0].is_revoked:
        raise ApiError(401, "The token is unknown or revoked.", {"WWW-Authenticate": "Bearer"})
    token, unit = found
    strategy, limit, prefix = _limiter()
    key = f"{prefix}:api:{token.id}"
    if not strategy.hit(limit, key):
        reset = strategy.get_window_stats(limit, key).reset_time
        wait = max(1, math.ceil(reset - dt.datetime.now(dt.UTC).timestamp()))
        raise ApiError(429, "Too many requests for this token.", {"Retry-After": str(wait)})
    if unit is None:
        return ExportScope(everything=True)
    return ExportScope(unit_paths=(unit.path,))


def _text(name: str) -> str | None:
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if len(value) > _TEXT_LIMIT or "\x00" in value:
        raise ApiError(400, f"'{name}' is too long or not text.")
    return value


def _whole(name: str, low: int, high: int, default: int | None) -> int | None:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    if not (value.isascii() and value.isdigit() and len(value) <= 10) or not low <= int(value) <= high:
        raise ApiError(400, f"'{name}' must be a whole number from {low} to {high}.")
    return int(value)


def _day(name: str) -> dt.date | None:
    value = _text(name)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else _bad_day(name)
    except ValueError:
        return _bad_day(name)


def _bad_day(name: str):
    raise ApiError(400, f"'{name}' must be a date YYYY-MM-DD.")


def _filters(dataset: Dataset) -> ExportFilters:
    status = _text("status")
    if status is not None and dataset.statuses and status not in {v for v, _l in dataset.statuses}:
        raise ApiError(400, "Unknown 'status'.")
    category = _text("category")
    if category is not None and category not in CATEGORY_FILTERS:
        raise ApiError(400, "Unknown 'category'.")
    values = {"unit_id": _whole("unit", 1, 2**31 - 1, None), "date_from": _day("date_from"),
              "date_to": _day("date_to"), "course_code": _text("code"), "topic": _text("topic"),
              "status": status, "category": category, "period_code": _text("period")}
    return ExportFilters(**{key: value for key, value in values.items()
                            if value is not None and key in dataset.filters})


def _json_value(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def _item(dataset: Dataset, row: tuple) -> dict:
    return {column.key: _json_value(value)
            for column, value in zip(dataset.columns, row, strict=True) if column.key != "stt"}


def _page_of(name: str):
    scope = _authenticate()
    datasets = get_state().export_datasets
    if name not in datasets or datasets.get(name).page is None:
        raise ApiError(404, f"No '{name}' records are offered here.")
    dataset = datasets.get(name)
    filters = _filters(dataset)
    since = _whole("since", 0, 2**31 - 1, None)
    limit = _whole("limit", 1, MAX_LIMIT, 100)
    locale = "en" if request.args.get("locale") == "en" else "vi"
    # One more than asked: whether another page exists, without a count query.
    found = dataset.page(get_session(), filters, scope, locale, since, limit + 1)
    more = len(found) > limit
    found = found[:limit]
    return jsonify({"items": [_item(dataset, row) for _cursor, row in found],
                    "next_since": found[-1][0] if found else since, "has_more": more})


def _guarded(view):
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except ApiError as error:
            return _error(error.status, error.message, error.headers)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_guarded
def completions():
    """Completion records in the token's scope, by cursor."""
    return _page_of("completions")


@_guarded
def credits():
    """The credit ledger (when the credits feature offers it), by cursor."""
    return _page_of("credits")


@_guarded
def learner_status(staff_code: str):
    """One person's completions (and status against the target when offered)."""
    scope = _authenticate()
    if len(staff_code) > 40:
        raise ApiError(404, "No such learner in this token's units.")
    session = get_session()
    row = session.execute(
        sa_select_learner(staff_code, scope)).first()
    if row is None:
        raise ApiError(404, "No such learner in this token's units.")
    learner, unit = row
    datasets = get_state().export_datasets
    filters = ExportFilters(staff_code=staff_code)
    completions_dataset = datasets.get("completions")
    done = [_item(completions_dataset, r) for _c, r in
            completions_dataset.page(session, filters, scope, "vi", None, MAX_LIMIT)]
    status = None
    if "status" in datasets and "staff_code" in datasets.get("status").filters:
        status_dataset = datasets.get("status")
        status = [_item(status_dataset, r) for r in
                  status_dataset.rows(session, filters, scope, "vi")]
    return jsonify({"staff_code": learner.staff_code, "full_name": learner.full_name,
                    "unit_code": unit.code if unit else None, "completions": done,
                    "status": status})


def sa_select_learner(staff_code: str, scope: ExportScope):
    import sqlalchemy as sa

    return (sa.select(Learner, OrgUnit).outerjoin(OrgUnit, OrgUnit.id == Learner.org_unit_id)
            .where(Learner.staff_code == staff_code, scope.unit_condition(OrgUnit.path)))


def openapi_document():
    """The OpenAPI 3.1 description of this API (public: it holds no data)."""
    return jsonify(openapi.document(_api_root()))


def _api_root() -> str:
    from flask import url_for

    return url_for("lms.api.completions").rsplit("/", 1)[0]


api_blueprint.add_url_rule("/completions", "completions", completions)
api_blueprint.add_url_rule("/credits", "credits", credits)
api_blueprint.add_url_rule("/learners/<staff_code>/status", "learner_status", learner_status)
api_blueprint.add_url_rule("/openapi.json", "openapi", openapi_document)
