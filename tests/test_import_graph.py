"""The package import graph runs one way: core ← courses ← quizzes ← reports (and later
features), with no cycle, and the core imports no feature.

Every module is parsed with ``ast``; imports inside functions count too (a lazy import is
still a dependency). A feature is a package named in ``lms.features.FEATURES`` (plus the
packages planned as features); the core is every other ``lms`` module.
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from lms import features

ROOT = Path(__file__).resolve().parent.parent
#: Feature packages not in the shipped list yet (DESIGN.md): checked all the same.
PLANNED_FEATURES = ("certificates", "credits", "exports")
FEATURE_PACKAGES = tuple(dict.fromkeys((*features.FEATURES, *PLANNED_FEATURES)))
TOP_LEVEL = ("lms", *(name for name in FEATURE_PACKAGES if "." not in name))


def package_of(module: str) -> str | None:
    """The feature a module belongs to (the longest feature name that prefixes it), "core"
    for the rest of ``lms``, None outside the LMS (stdlib, third parties)."""
    owners = [name for name in FEATURE_PACKAGES if module == name or module.startswith(name + ".")]
    if owners:
        return max(owners, key=len)
    if module == "lms" or module.startswith("lms."):
        return "core"
    return None


def module_files() -> dict[str, Path]:
    found = {}
    for top in TOP_LEVEL:
        folder = ROOT / top
        if not folder.is_dir():
            continue
        for path in folder.rglob("*.py"):
            relative = path.relative_to(ROOT).with_suffix("")
            if "versions" in relative.parts and "migrations" in relative.parts:
                continue  # migration scripts: alembic loads them, nothing imports them
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            found[".".join(parts)] = path
    return found


def imports_of(module: str, path: Path) -> set[str]:
    """Every module ``module`` imports, at any depth of its code."""
    is_package = path.name == "__init__.py"
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            names.add(target)
            # "from courses import operations" imports the submodule courses.operations.
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


def module_edges() -> dict[str, set[str]]:
    files = module_files()
    return {module: {name for name in imports_of(module, path) if name in files}
            for module, path in files.items()}


def package_edges() -> dict[tuple[str, str], list[str]]:
    """(importing package, imported package) → the module imports that make the edge."""
    edges = defaultdict(list)
    for module, targets in module_edges().items():
        for target in targets:
            source, imported = package_of(module), package_of(target)
            if source and imported and source != imported:
                edges[(source, imported)].append(f"{module} → {target}")
    return edges


def cycles(edges) -> list[list[str]]:
    """Every strongly connected group of more than one package (Tarjan)."""
    graph = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
        graph.setdefault(target, set())
    index, low, stack, on_stack, groups, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in list(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_graph_sees_function_level_and_relative_imports(tmp_path):
    """The parser itself: a lazy import inside a function and a relative import count."""
    source = tmp_path / "mod.py"
    source.write_text("def f():\n    from courses import operations\n"
                      "from .sibling import thing\nimport quizzes.models\n", encoding="utf-8")
    found = imports_of("lms.reports.views", source)
    assert {"courses", "courses.operations", "lms.reports.sibling", "quizzes.models"} <= found
    assert cycles({("core", "courses"): [], ("courses", "quizzes"): [], ("quizzes", "core"): []}) \
        == [["core", "courses", "quizzes"]]
    assert package_of("lms.reports.queries") == "lms.reports"
    assert package_of("lms.admin.views_units") == "core" and package_of("flask") is None


def test_the_graph_covers_every_feature_and_the_core():
    files = module_files()
    assert {package_of(name) for name in files} >= {"core", "courses", "quizzes", "lms.reports"}
    assert "lms.features" in files and "quizzes.operations" in files


def test_the_core_imports_no_feature():
    offending = {edge: imports for edge, imports in package_edges().items()
                 if edge[0] == "core"}
    assert offending == {}, offending


def test_no_cycle_between_the_core_and_the_features():
    edges = package_edges()
    found = cycles(edges)
    details = {edge: imports for edge, imports in edges.items()
               if any(edge[0] in group and edge[1] in group for group in found)}
    assert found == [], details


def test_courses_and_quizzes_meet_only_through_registries_and_signals():
    """Quizzes may read courses (a quiz belongs to a course) but never call its
    operations; courses never imports quizzes at all."""
    edges = module_edges()
    calls_course_operations = sorted(module for module, targets in edges.items()
                                     if package_of(module) == "quizzes" and "courses.operations" in targets)
    assert calls_course_operations == []
    assert ("courses", "quizzes") not in package_edges()
