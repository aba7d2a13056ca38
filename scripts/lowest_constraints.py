"""Print a pip constraints file that pins every dependency to the lowest version
pyproject.toml allows (``name>=X`` becomes ``name==X``).

`make test-lowest` installs the project with these constraints and runs the suite, so a
lower bound that no longer works fails CI instead of a user's install.
"""
from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
#: Extras installed beside the core dependencies for the test run.
EXTRAS = ("test", "postgresql", "redis")
_LOWER_BOUND = re.compile(r"^\s*([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*(?:[^,]*,)*?\s*>=\s*([^,;\s]+)")


def lowest_pins(requirements: list[str]) -> dict[str, str]:
    pins: dict[str, str] = {}
    for requirement in requirements:
        match = _LOWER_BOUND.match(requirement.split(";")[0])
        if match is None:
            raise SystemExit(f"no lower bound in requirement {requirement!r}: add one")
        name, _extras, version = match.groups()
        pins[name.lower()] = version
    return pins


def main() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in EXTRAS:
        requirements += project["optional-dependencies"].get(extra, [])
    for name, version in sorted(lowest_pins(requirements).items()):
        sys.stdout.write(f"{name}=={version}\n")


if __name__ == "__main__":
    main()
