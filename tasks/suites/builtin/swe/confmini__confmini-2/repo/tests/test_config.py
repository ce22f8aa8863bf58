import pytest
from confmini import Config, parse, ConfigError

SAMPLE = """
# global
name = demo

[server]
host = example.org
port = 8080
debug = yes

[paths]
root = /srv/${default.name}
logs = ${root}/logs
"""


def cfg(**kw):
    return Config.from_string(SAMPLE, env={}, **kw)


def test_sections():
    assert cfg().sections() == ["server", "paths"]


def test_get_str():
    assert cfg().get("server", "host") == "example.org"


def test_get_int():
    assert cfg().get_int("server", "port") == 8080


def test_get_bool():
    assert cfg().get_bool("server", "debug") is True


def test_default_value():
    assert cfg().get("server", "timeout", "30") == "30"


def test_missing_raises():
    with pytest.raises(KeyError):
        cfg().get("server", "timeout")


def test_interpolation_same_section():
    assert cfg().get("paths", "root") == "/srv/demo"


def test_parse_error_line():
    with pytest.raises(ConfigError) as e:
        parse("[ok]\nbroken line\n")
    assert e.value.line == 2
