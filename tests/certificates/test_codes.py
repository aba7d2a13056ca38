"""Serial patterns and verification codes (pure functions)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from certificates import codes


def test_codes_carry_at_least_80_bits_without_look_alikes():
    assert codes.CODE_BITS >= 80
    assert not set("0O1IL") & set(codes.ALPHABET)
    code = codes.new_verification_code()
    assert len(code) == codes.CODE_LENGTH and set(code) <= set(codes.ALPHABET)
    printed = codes.grouped(code)
    assert [len(group) for group in printed.split("-")] == [4] * 5


def test_codes_are_random():
    assert len({codes.new_verification_code() for _ in range(2000)}) == 2000


@given(st.lists(st.sampled_from(codes.ALPHABET), min_size=20, max_size=20))
def test_a_code_typed_in_lower_case_with_spaces_finds_the_same(letters):
    code = "".join(letters)
    typed = " ".join(codes.grouped(code).lower().split("-"))
    assert codes.normalize_code(typed) == code


@pytest.mark.parametrize("text", ["", None, "ABCD", "0" * 20, "x" * 5000, "ABCD-EFGH-JKMN-PQRS-TVW"])
def test_what_cannot_be_a_code_is_refused_before_any_lookup(text):
    assert codes.normalize_code(text) is None


def test_serial_pattern():
    assert codes.format_serial("{seq:05d}/{year}/GCN-SVHTTDL", seq=42, year=2026) == \
        "00042/2026/GCN-SVHTTDL"
    codes.check_serial_pattern("{seq:05d}/{year}/GCN-SVHTTDL")
    for bad in ("{seq:05d}/GCN", "{year}/GCN", "{seq}/{year}/{name}", "{seq:05d}/{year", "{0}/{seq}/{year}"):
        with pytest.raises(codes.SerialPatternError):
            codes.check_serial_pattern(bad)


def test_a_bad_pattern_refuses_to_start(app_config):
    from flask import Flask

    from lms.config import ConfigurationError
    from lms.extension import LMS
    from tests.conftest import make_test_config

    app = Flask("bad")
    app.config.update(make_test_config(LMS_CERTIFICATE_SERIAL_PATTERN="GCN-{year}"))
    with pytest.raises(ConfigurationError, match="SERIAL_PATTERN"):
        LMS(app, engine=__import__("sqlalchemy").create_engine("sqlite://"))
