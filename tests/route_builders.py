"""Test-run speed-up: URL builders compiled once per route shape, not once per app.

Every test makes a new app (``tests/conftest.py``), and Werkzeug compiles two Python
functions for each of the LMS's hundred routes when they are added to an app's map
(``Rule._compile_builder``: an AST built and passed to ``compile()``): 45 ms of each
test's setup, minutes of a run. The function it builds depends only on the rule's trace
(its static and dynamic parts in order), the names of its defaults and whether unknown
arguments are appended;
the converters are read from the rule it is bound to at call time. So a function built
for one app's rule serves the same rule of the next app.

Rules with defaults for their dynamic parts (their text depends on a converter) are
compiled as usual. If Werkzeug changes this private method, nothing is patched and the
tests only run slower (``install`` returns False).
"""
from __future__ import annotations

import inspect


def install() -> bool:
    from werkzeug.routing.rules import Rule

    original = getattr(Rule, "_compile_builder", None)
    if original is None or list(inspect.signature(original).parameters) != [
            "self", "append_unknown"] or getattr(original, "_lms_cached", False):
        return False
    built: dict = {}

    def cached_builder(self, append_unknown: bool = True):
        defaults = self.defaults or {}
        if any(is_dynamic and data in defaults for is_dynamic, data in self._trace):
            return original(self, append_unknown)
        # The names of the defaults become keyword arguments of the function.
        key = (tuple(self._trace), tuple(str(name) for name in defaults), append_unknown)
        function = built.get(key)
        if function is None:
            function = built[key] = original(self, append_unknown)
        return function

    cached_builder._lms_cached = True
    Rule._compile_builder = cached_builder
    return True
