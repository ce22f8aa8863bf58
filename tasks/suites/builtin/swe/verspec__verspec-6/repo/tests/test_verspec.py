import pytest
from verspec import Version, InvalidVersion, Spec


def test_parse_roundtrip():
    assert str(Version.parse("1.2.3-beta.1+build.5")) == "1.2.3-beta.1+build.5"


def test_parse_v_prefix():
    assert Version.parse("v2.0.0") == Version(2, 0, 0)


def test_invalid():
    with pytest.raises(InvalidVersion):
        Version.parse("1.2")


def test_simple_order():
    assert Version.parse("1.2.3") < Version.parse("1.10.0")


def test_bump_major():
    assert str(Version.parse("1.4.2").bump_major()) == "2.0.0"


def test_spec_range():
    s = Spec(">=1.2.0, <2.0.0")
    assert s.contains("1.5.0")
    assert not s.contains("2.0.0")


def test_spec_caret_major():
    assert Spec("^1.2.3").contains("1.9.0")
    assert not Spec("^1.2.3").contains("2.0.0")


def test_spec_or():
    s = Spec("<1.0.0 || >=3.0.0")
    assert s.contains("0.5.0") and s.contains("3.1.0") and not s.contains("2.0.0")
