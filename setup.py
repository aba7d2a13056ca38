"""Build hooks that pyproject.toml cannot express.

- compile the gettext catalogs (.po -> .mo) whenever the package is built, so
  `pip install .`, `pip install -e .` and `python -m build` need no manual step;
- map the top-level templates/ folder into the wheel as lms/templates.
"""
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py


def compile_catalogs() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in Path(__file__).parent.glob("lms/translations/*/LC_MESSAGES/*.po"):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with po_path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalog)


class BuildPyWithCatalogs(build_py):
    def run(self) -> None:
        compile_catalogs()
        super().run()


setup(
    cmdclass={"build_py": BuildPyWithCatalogs},
    packages=find_packages(include=["lms*", "courses*", "quizzes*", "certificates*"])
    + ["lms.templates"],
    # The repository keeps templates/ at the top level (design card); inside the wheel
    # they live in lms/templates, next to the code that loads them.
    package_dir={"lms.templates": "templates"},
)
