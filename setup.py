"""Build hook: compile the gettext catalogs (.po -> .mo) whenever the package is built.

pyproject.toml holds all metadata; this file exists only so that `pip install .`,
`pip install -e .` and `python -m build` ship compiled translations with no manual step.
"""
from pathlib import Path

from setuptools import setup
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


setup(cmdclass={"build_py": BuildPyWithCatalogs})
