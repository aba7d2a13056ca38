"""Filters and scope: from what the asker typed to :class:`lms.datasets.ExportFilters`,
to and from the JSON kept in the export record, and the scope of a principal."""
from __future__ import annotations

import dataclasses
import datetime as dt

from lms.datasets import Dataset, ExportFilters, ExportScope

_DATES = ("date_from", "date_to")


def filters_to_json(filters: ExportFilters) -> dict:
    """Only the fields set, dates as ISO text."""
    result = {}
    for field in dataclasses.fields(filters):
        value = getattr(filters, field.name)
        if value is not None:
            result[field.name] = value.isoformat() if isinstance(value, dt.date) else value
    return result


def filters_from_json(data: dict) -> ExportFilters:
    known = {field.name for field in dataclasses.fields(ExportFilters)}
    values = {key: value for key, value in (data or {}).items() if key in known}
    for key in _DATES:
        if values.get(key):
            values[key] = dt.date.fromisoformat(values[key])
    return ExportFilters(**values)


def only_honoured(dataset: Dataset, filters: ExportFilters) -> ExportFilters:
    """Drop the filters ``dataset`` does not honour (a period code for completions): the
    record then says exactly what was applied."""
    return ExportFilters(**{field.name: getattr(filters, field.name)
                            for field in dataclasses.fields(filters)
                            if field.name in dataset.filters})


def scope_of(principal) -> ExportScope:
    """Admins: everything; HR: the subtrees of their grants; anyone else: nothing."""
    if principal.is_admin:
        return ExportScope(everything=True)
    if principal.is_hr:
        return ExportScope(unit_paths=tuple(principal.hr_unit_paths))
    return ExportScope()


def scope_to_json(scope: ExportScope) -> dict:
    return {"everything": scope.everything, "unit_paths": list(scope.unit_paths)}


def scope_from_json(data: dict) -> ExportScope:
    return ExportScope(everything=bool(data.get("everything")),
                       unit_paths=tuple(data.get("unit_paths") or ()))
