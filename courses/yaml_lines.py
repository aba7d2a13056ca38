"""YAML loading that remembers the line of every key, so errors can point at it.

Every problem a document can have comes out as :class:`YamlError` with its line: syntax,
characters YAML refuses, values that cannot be built (a 5,000-digit number, 31 February),
numbers no pack needs (beyond ±2^53, infinite, not a number) and NUL characters.
"""
from __future__ import annotations

import math
from typing import Any

import yaml

from lms.i18n import _

Path = tuple  # e.g. ("title", "vi") or ("questions", 3, "choices", 0)


class YamlError(ValueError):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


#: Deeper nesting than any pack needs; deeper still would overflow the recursive composer.
MAX_DEPTH = 50
#: Most values a document may hold once aliases are expanded: aliases are fine (our own
#: export writes them for shared lists), but nested ones ("billion laughs") or a recursive
#: one would expand without end when walked here or formatted into an error message.
MAX_NODES = 200_000
#: Largest whole number a pack may hold: every value a JSON reader keeps exactly, and far
#: beyond any count, minute or mark. Longer digit strings are refused before int() reads
#: them (Python refuses more than 4,300 digits with an error of its own).
MAX_INTEGER = 2**53
_MAX_NUMBER_TEXT = 40


class _PackLoader(yaml.SafeLoader):
    """SafeLoader that refuses nesting deeper than MAX_DEPTH while composing, and values
    that cannot be stored, with the line of the value."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlError(mark.line + 1, f"more than {MAX_DEPTH} levels of nesting")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except YamlError:
            raise
        except (ValueError, OverflowError):  # e.g. a timestamp 2026-02-31
            raise YamlError(node.start_mark.line + 1, _(
                "The value \"%(value)s\" cannot be read.", value=_shortened(node))) from None

    def construct_scalar(self, node):
        value = super().construct_scalar(node)
        if "\x00" in value:  # written as "\0" in quotes; PostgreSQL cannot store it
            raise YamlError(node.start_mark.line + 1, _("A value holds a NUL character (\\0)."))
        return value

    def construct_yaml_int(self, node):
        if len(self.construct_scalar(node)) > _MAX_NUMBER_TEXT:
            raise _number_error(node)
        value = super().construct_yaml_int(node)
        if abs(value) > MAX_INTEGER:
            raise _number_error(node)
        return value

    def construct_yaml_float(self, node):
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):  # .inf, .nan, 1.0e+400
            raise _number_error(node)
        return value


_PackLoader.add_constructor("tag:yaml.org,2002:int", _PackLoader.construct_yaml_int)
_PackLoader.add_constructor("tag:yaml.org,2002:float", _PackLoader.construct_yaml_float)


def _number_error(node) -> YamlError:
    return YamlError(node.start_mark.line + 1, _(
        "The number \"%(value)s\" is too large or not a number: numbers in a pack lie "
        "between -%(max)d and %(max)d.", value=_shortened(node), max=MAX_INTEGER))


def _shortened(node) -> str:
    text = node.value if isinstance(node.value, str) else ""
    return text if len(text) <= 40 else text[:40] + "…"


def load_with_lines(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse ``text`` safely; return the data and {path: 1-based line} for every node."""
    try:
        loader = _PackLoader(text)  # the reader checks every character here
    except yaml.reader.ReaderError as error:  # one YAML does not allow, e.g. U+0001 or NUL
        raise YamlError(text.count("\n", 0, error.position) + 1, _(
            "The character U+%(code)04X is not allowed in a YAML file.", code=error.character)) from None
    node = None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise YamlError(mark.line + 1 if mark else None, problem) from None
    except YamlError:
        raise
    except ValueError:
        # Python refuses to read an int of more than sys.get_int_max_str_digits() digits.
        raise YamlError(_line_of_long_number(node), "a number has too many digits") from None
    finally:
        loader.dispose()
    lines: dict[Path, int] = {}
    if node is not None:
        _walk(node, (), lines, [MAX_NODES])
    return data, lines


def _walk(node, path: Path, lines: dict[Path, int], budget: list[int]) -> None:
    budget[0] -= 1
    if budget[0] < 0 or len(path) > 2 * MAX_DEPTH:  # only aliases get this big or deep
        raise YamlError(node.start_mark.line + 1,
                        f"aliases expand to more than {MAX_NODES} values or recurse")
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines, budget)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), lines, budget)


def _line_of_long_number(node) -> int | None:
    import sys

    limit = sys.get_int_max_str_digits()
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:  # aliases share nodes, and may even loop
            continue
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode):
            if current.tag.endswith(":int") and len(current.value) > limit:
                return current.start_mark.line + 1
        elif isinstance(current, yaml.MappingNode):
            stack.extend(item for pair in current.value for item in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return None


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path``, or of its nearest parent that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())
