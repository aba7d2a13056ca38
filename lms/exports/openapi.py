"""The OpenAPI 3.1 document of the read API, built from the completion columns so the
two never drift apart (tests validate every answer against it)."""
from __future__ import annotations

from lms.exports.completions import COLUMNS, STATUSES

_KIND_SCHEMAS = {"text": {"type": ["string", "null"]}, "integer": {"type": ["integer", "null"]},
                 "decimal": {"type": ["number", "null"]}, "boolean": {"type": ["boolean", "null"]},
                 "date": {"type": ["string", "null"], "format": "date"},
                 "datetime": {"type": ["string", "null"], "format": "date-time"}}

#: The LMS refuses NUL in any request before a view sees it (lms.routing).
_NO_NUL = "^[^\\x00]*$"

_ERROR = {"description": "An error, explained.",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _parameter(name: str, schema: dict, description: str, where: str = "query",
               required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required, "description": description,
            "schema": schema}


FILTER_PARAMETERS = [
    _parameter("since", {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
               "Cursor: the `next_since` of the previous page; records after it."),
    _parameter("limit", {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
               "Records per page."),
    _parameter("unit", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
               "Org unit id: that unit and its sub-units (the unit at the completion)."),
    _parameter("date_from", {"type": "string", "format": "date"}, "Completed on or after."),
    _parameter("date_to", {"type": "string", "format": "date"}, "Completed on or before."),
    _parameter("code", {"type": "string", "maxLength": 32, "pattern": _NO_NUL}, "Course code."),
    _parameter("topic", {"type": "string", "maxLength": 32, "pattern": _NO_NUL}, "Course topic."),
    _parameter("status", {"type": "string", "enum": [value for value, _labels in STATUSES]},
               "Whether the completion is still current."),
    _parameter("category", {"type": "string", "enum": ["CB", "CC", "VC", "NLD"]},
               "Learner category."),
    _parameter("locale", {"type": "string", "enum": ["vi", "en"]}, "Language of the texts."),
]


def _page_schema(item_ref: str) -> dict:
    return {"type": "object", "required": ["items", "next_since", "has_more"],
            "additionalProperties": False,
            "properties": {"items": {"type": "array", "items": {"$ref": item_ref}},
                           "next_since": {"type": ["integer", "null"]},
                           "has_more": {"type": "boolean"}}}


def document(server_url: str) -> dict:
    completion = {"type": "object", "additionalProperties": True,
                  "required": [c.key for c in COLUMNS if c.key != "stt"],
                  "properties": {c.key: {**_KIND_SCHEMAS[c.kind], "description": c.header["en"]}
                                 for c in COLUMNS if c.key != "stt"}}
    errors = {"400": _ERROR, "401": _ERROR, "404": _ERROR, "429": _ERROR}
    security = [{"bearer": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "LMS read API", "version": "1.0.0",
                 "description": "Completion records, credits and learner status for HR systems. "
                                "Tokens are made by an administrator for one unit's subtree."},
        "servers": [{"url": server_url}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"],
                          "properties": {"error": {"type": "string"}}, "additionalProperties": False},
                "Completion": completion,
                "CompletionPage": _page_schema("#/components/schemas/Completion"),
                "Record": {"type": "object", "additionalProperties": True},
                "RecordPage": _page_schema("#/components/schemas/Record"),
                "LearnerStatus": {
                    "type": "object", "additionalProperties": False,
                    "required": ["staff_code", "full_name", "unit_code", "completions", "status"],
                    "properties": {
                        "staff_code": {"type": "string"}, "full_name": {"type": "string"},
                        "unit_code": {"type": ["string", "null"]},
                        "completions": {"type": "array",
                                        "items": {"$ref": "#/components/schemas/Completion"}},
                        "status": {"type": ["array", "null"],
                                   "items": {"$ref": "#/components/schemas/Record"}}}},
            },
        },
        "paths": {
            "/completions": {"get": {
                "operationId": "listCompletions", "security": security,
                "parameters": FILTER_PARAMETERS,
                "responses": {"200": {"description": "A page of completion records.", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/CompletionPage"}}}},
                    **errors}}},
            "/credits": {"get": {
                "operationId": "listCredits", "security": security,
                "parameters": FILTER_PARAMETERS + [
                    _parameter("period", {"type": "string", "maxLength": 32, "pattern": _NO_NUL}, "Emulation period code.")],
                "responses": {"200": {"description": "A page of credit ledger entries.", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/RecordPage"}}}},
                    **errors}}},
            "/learners/{staff_code}/status": {"get": {
                "operationId": "learnerStatus", "security": security,
                "parameters": [_parameter("staff_code", {"type": "string", "minLength": 1,
                                                         "maxLength": 40, "pattern": _NO_NUL},
                                          "The learner's staff code.", "path", True)],
                "responses": {"200": {"description": "The learner's records.", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/LearnerStatus"}}}},
                    **errors}}},
        },
    }
