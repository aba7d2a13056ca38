"""A JSON Schema (draft 2020-12) of the xAPI 1.0.3 statement rules the exports rely on,
written from the specification (Part Two, section 2.4): one inverse functional
identifier on an Agent, IRI verbs, UUID ids and registration, ``score.scaled`` in
[-1, 1] with ``raw`` between ``min`` and ``max``, ISO 8601 timestamps with a time zone,
language maps keyed by RFC 5646 tags. No well-kept Python xAPI library fits (TinCanPython
is unmaintained since 2016), hence the schema."""

UUID = {"type": "string",
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"}
IRI = {"type": "string", "pattern": "^[a-z][a-z0-9+.-]*://[^\\s]+$"}
LANGUAGE_MAP = {"type": "object", "minProperties": 1,
                "propertyNames": {"pattern": "^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$"},
                "additionalProperties": {"type": "string"}}
TIMESTAMP = {"type": "string",
             "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"}
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")

AGENT = {
    "type": "object",
    "properties": {
        "objectType": {"const": "Agent"},
        "name": {"type": "string"},
        "mbox": {"type": "string", "pattern": "^mailto:"},
        "mbox_sha1sum": {"type": "string", "pattern": "^[0-9a-f]{40}$"},
        "openid": IRI,
        "account": {"type": "object", "required": ["homePage", "name"],
                    "properties": {"homePage": IRI, "name": {"type": "string", "minLength": 1}},
                    "additionalProperties": False},
    },
    # Exactly one inverse functional identifier.
    "oneOf": [{"required": [ifi]} for ifi in IFIS],
    "additionalProperties": False,
}

STATEMENT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id", "actor", "verb", "object", "timestamp"],
    "properties": {
        "id": UUID,
        "actor": AGENT,
        "verb": {"type": "object", "required": ["id"],
                 "properties": {"id": IRI, "display": LANGUAGE_MAP}, "additionalProperties": False},
        "object": {"type": "object", "required": ["id"],
                   "properties": {"objectType": {"const": "Activity"}, "id": IRI,
                                  "definition": {"type": "object", "properties": {
                                      "name": LANGUAGE_MAP, "description": LANGUAGE_MAP,
                                      "type": IRI}, "additionalProperties": False}},
                   "additionalProperties": False},
        "result": {"type": "object", "properties": {
            "score": {"type": "object", "properties": {
                "scaled": {"type": "number", "minimum": -1, "maximum": 1},
                "raw": {"type": "number"}, "min": {"type": "number"}, "max": {"type": "number"}},
                "additionalProperties": False},
            "success": {"type": "boolean"}, "completion": {"type": "boolean"},
            "duration": {"type": "string"}}, "additionalProperties": False},
        "context": {"type": "object", "properties": {
            "registration": UUID, "platform": {"type": "string"},
            "language": {"type": "string"}, "extensions": {"type": "object"}},
            "additionalProperties": False},
        "timestamp": TIMESTAMP,
        "version": {"type": "string", "pattern": r"^1\.0\.\d+$"},
    },
    "additionalProperties": False,
}


def raw_within_bounds(statement: dict) -> bool:
    score = statement.get("result", {}).get("score")
    if not score:
        return True
    low, high = score.get("min", float("-inf")), score.get("max", float("inf"))
    return low <= score.get("raw", low) <= high and low <= high
