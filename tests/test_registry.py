"""The one small registry type behind the LMS's extension points."""
import pytest
from flask import Flask

from lms.extension import LMS
from lms.registry import DuplicateEntry, Registry
from tests.conftest import make_test_config


def test_register_get_iterate_in_order():
    formats = Registry("export format")
    csv = {"media_type": "text/csv"}
    assert formats.register("csv", csv) is csv
    formats.register("xlsx", {"media_type": "application/vnd.ms-excel"})
    assert formats.get("csv") is csv
    assert list(formats) == formats.names() == ["csv", "xlsx"]
    assert formats.items()[0] == ("csv", csv) and len(formats) == 2
    assert "csv" in formats and "pdf" not in formats and 3 not in formats


def test_a_name_is_taken_once():
    placeholders = Registry("certificate placeholder")
    placeholders.register("full_name", lambda context: context["learner"])
    with pytest.raises(DuplicateEntry, match="certificate placeholder 'full_name' is already registered"):
        placeholders.register("full_name", lambda context: "other")
    assert placeholders.names() == ["full_name"]


@pytest.mark.parametrize("name", ["", None, 3])
def test_a_name_must_be_a_non_empty_string(name):
    with pytest.raises(ValueError, match="non-empty name"):
        Registry("export format").register(name, object())


def test_an_unknown_name_says_what_is_known():
    formats = Registry("export format")
    with pytest.raises(KeyError, match=r"unknown export format 'pdf' \(known: none\)"):
        formats.get("pdf")
    formats.register("csv", "x")
    with pytest.raises(KeyError, match=r"known: csv"):
        formats.get("pdf")


def test_each_app_has_its_own_registries(engine, tmp_path):
    apps = []
    for number in range(2):
        app = Flask(f"app{number}", instance_path=str(tmp_path / f"i{number}"))
        app.config.update(make_test_config())
        LMS(app, engine=engine)
        apps.append(app.extensions["lms"])
    first, second = apps
    for attribute in ("export_formats", "certificate_placeholders", "completion_requirements",
                      "pack_parts", "nav_links", "home_sections"):
        assert isinstance(getattr(first, attribute), Registry)
        assert getattr(first, attribute) is not getattr(second, attribute)
    first.export_formats.register("ods", "ods-writer")  # csv, xlsx, xapi: lms.exports
    assert "ods" in first.export_formats and "ods" not in second.export_formats
