"""Is an SVG figure safe to serve from the LMS's own origin?

Opened directly (not through ``<img>``), an SVG is a document: it can run scripts, load
other resources and embed HTML. A pack's figures are drawings, so only drawing elements
are allowed (an allow-list, so an element added to SVG later is refused until judged),
no event attributes, no references outside the file, no DOCTYPE or entities (which could
expand without end), no processing instructions (``<?xml-stylesheet?>``). Each problem
comes with its line. The served copy also gets a sandboxing CSP (courses.views).
"""
from __future__ import annotations

import re
from xml.parsers import expat

from lms.i18n import _

#: Elements a figure may use: shapes, text, grouping, paint servers and markers.
ALLOWED_ELEMENTS = frozenset({
    "svg", "g", "defs", "title", "desc", "symbol", "use", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "path", "text", "tspan", "marker", "linearGradient",
    "radialGradient", "stop", "clipPath", "mask", "pattern",
})
_SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_XLINK_NAMESPACE = "http://www.w3.org/1999/xlink"
#: A url(...) in a presentation attribute or style may only point inside the file.
_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)


def svg_problems(data: bytes) -> list[tuple[int | None, str]]:
    """Problems as (line, translated message); [] for a safe figure."""
    problems: list[tuple[int | None, str]] = []
    parser = expat.ParserCreate(namespace_separator=" ")
    depth = [0]

    def line() -> int:
        return parser.CurrentLineNumber

    def refuse_declaration(*_args):
        problems.append((line(), _("An SVG figure may not hold a DOCTYPE or entity declarations.")))
        raise _Stop

    def processing_instruction(target, _data):
        problems.append((line(), _("An SVG figure may not hold processing instructions (<?%(target)s?>).",
                                   target=target[:40])))

    def start(name, attributes):
        namespace, _space, local = name.rpartition(" ")
        if depth[0] == 0 and (local != "svg" or namespace != _SVG_NAMESPACE):
            problems.append((line(), _("The file is not an SVG image (its root must be <svg> in "
                                       "the SVG namespace).")))
            raise _Stop
        depth[0] += 1
        if namespace != _SVG_NAMESPACE or local not in ALLOWED_ELEMENTS:
            problems.append((line(), _("The SVG element <%(name)s> is not allowed in a figure "
                                       "(no scripts, foreignObject, links, animation or embedded "
                                       "content).", name=local[:40])))
        for attribute, value in attributes.items():
            _check_attribute(attribute, value, line(), problems)

    def end(_name):
        depth[0] -= 1

    parser.StartDoctypeDeclHandler = refuse_declaration
    parser.EntityDeclHandler = refuse_declaration
    parser.ProcessingInstructionHandler = processing_instruction
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _Stop:
        pass
    except expat.ExpatError as error:
        problems.append((error.lineno, _("The SVG file is not well-formed XML: %(problem)s",
                                         problem=expat.ErrorString(error.code))))
    return problems


class _Stop(Exception):
    """Stop parsing: the rest of the file cannot make it acceptable."""


def _check_attribute(attribute: str, value: str, line: int, problems: list) -> None:
    namespace, _space, local = attribute.rpartition(" ")
    if local.lower().startswith("on"):
        problems.append((line, _("The SVG attribute \"%(name)s\" (an event handler) is not allowed.",
                                 name=local[:40])))
    elif local == "href" and namespace in ("", _XLINK_NAMESPACE):
        if not value.strip().startswith("#"):
            problems.append((line, _("An SVG figure may only refer to its own parts (href=\"#id\"), "
                                     "not to \"%(href)s\".", href=value[:80])))
    elif namespace not in ("", _XLINK_NAMESPACE, "http://www.w3.org/XML/1998/namespace"):
        problems.append((line, _("The SVG attribute \"%(name)s\" is not allowed.", name=local[:40])))
    for target in _URL.findall(value):
        if not target.startswith("#"):
            problems.append((line, _("An SVG figure may only refer to its own parts (url(#id)), "
                                     "not to \"%(href)s\".", href=target[:80])))
