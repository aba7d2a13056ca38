"""The lowest-versions CI job: every dependency has a lower bound it is tested at."""
from __future__ import annotations

import importlib.util
import tomllib

import pytest


def _script(project_root):
    spec = importlib.util.spec_from_file_location(
        "lowest_constraints", project_root / "scripts" / "lowest_constraints.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_dependency_is_pinned_to_its_lower_bound(project_root):
    script = _script(project_root)
    project = tomllib.loads((project_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + [
        r for extra in script.EXTRAS for r in project["optional-dependencies"][extra]]
    pins = script.lowest_pins(requirements)
    assert pins["flask"] == "3.1" and pins["sqlalchemy"] == "2.0.30"
    assert len(pins) == len({r.split(">=")[0].split("[")[0].strip().lower() for r in requirements})


def test_a_requirement_without_a_lower_bound_is_refused(project_root):
    script = _script(project_root)
    assert script.lowest_pins(["psycopg[binary]>=3.1.18", "xhtml2pdf>=0.2.28,<0.3"]) == {
        "psycopg": "3.1.18", "xhtml2pdf": "0.2.28"}
    with pytest.raises(SystemExit, match="no lower bound"):
        script.lowest_pins(["redis"])


def test_ci_runs_the_lowest_versions_job(project_root):
    assert "make test-lowest" in (project_root / ".ci" / "run").read_text(encoding="utf-8")
    assert "test-lowest:" in (project_root / "Makefile").read_text(encoding="utf-8")
