TASKS = [
dict(n=2, difficulty="easy", tags=["string-handling"],
issue='''
get_bool rejects "True" and "YES"

Our ops team writes booleans in various cases, and confmini refuses anything not lowercase:

```
>>> from confmini import Config
>>> cfg = Config.from_string("[features]\\nbeta = True\\n", env={})
>>> cfg.get_bool("features", "beta")
Traceback (most recent call last):
  File "<stdin>", line 1, in <module>
  File ".../confmini/config.py", line 67, in get_bool
    return value if value is default else convert.to_bool(value)
  File ".../confmini/convert.py", line 13, in to_bool
    raise ValueError(f"not a boolean: {raw!r}")
ValueError: not a boolean: 'True'
```

Expected `True`. Same for `YES`, `Off`, `FALSE`. The lowercase spellings (`true`, `yes`, `off`...) work.
''',
bug=[("confmini/convert.py", "value = raw.strip().lower()", "value = raw.strip()")],
hidden={"tests/test_bool_case.py": '''
import pytest
from confmini.convert import to_bool


@pytest.mark.parametrize("raw", ["True", "YES", "On", "1"])
def test_true(raw):
    assert to_bool(raw) is True


@pytest.mark.parametrize("raw", ["FALSE", "No", "off", "0"])
def test_false(raw):
    assert to_bool(raw) is False


def test_padded():
    assert to_bool("  yes ") is True


def test_invalid():
    with pytest.raises(ValueError):
        to_bool("maybe")
'''},
f2p=["tests/test_bool_case.py::test_true[True]", "tests/test_bool_case.py::test_true[YES]",
     "tests/test_bool_case.py::test_true[On]", "tests/test_bool_case.py::test_false[FALSE]",
     "tests/test_bool_case.py::test_false[No]"]),

dict(n=3, difficulty="medium", tags=["string-handling", "edge-case"],
issue='''
Values containing '#' or ';' get cut off

The README says inline comments need whitespace before the `#`, but values are truncated at any `#` or `;`:

```ini
[links]
docs = https://example.org/guide#install
dsn = host=db;port=5432   ; primary
```

```python
>>> cfg = Config.from_string(open("app.ini").read(), env={})
>>> cfg.get("links", "docs")
'https://example.org/guide'
>>> cfg.get("links", "dsn")
'host=db'
```

Expected `'https://example.org/guide#install'` and `'host=db;port=5432'` (the trailing ` ; primary` is a
comment and should be dropped). Whole-line comments are handled correctly.
''',
bug=[("confmini/loader.py", '''if ch in "#;" and (i == 0 or value[i - 1].isspace()):''', '''if ch in "#;":''')],
hidden={"tests/test_inline_comments.py": '''
from confmini import parse

TEXT = """
[links]
docs = https://example.org/guide#install
dsn = host=db;port=5432   ; primary
plain = value # comment
hashonly = # nothing here
color = #ff0000
"""


def test_hash_in_url_kept():
    assert parse(TEXT)["links"]["docs"] == "https://example.org/guide#install"


def test_semicolon_in_value_kept():
    assert parse(TEXT)["links"]["dsn"] == "host=db;port=5432"


def test_inline_comment_removed():
    assert parse(TEXT)["links"]["plain"] == "value"


def test_value_that_is_only_comment():
    assert parse(TEXT)["links"]["hashonly"] == ""


def test_leading_hash_is_comment():
    assert parse(TEXT)["links"]["color"] == ""


def test_full_line_comment():
    assert parse("# a = b\\n[s]\\n; x = y\\nk = v\\n") == {"default": {}, "s": {"k": "v"}}
'''},
f2p=["tests/test_inline_comments.py::test_hash_in_url_kept", "tests/test_inline_comments.py::test_semicolon_in_value_kept"]),

dict(n=4, difficulty="hard", tags=["logic", "edge-case", "needs-search"],
issue='''
Nested ${...} references are not expanded

Interpolation only goes one level deep. With

```ini
name = demo

[paths]
root = /srv/${name}
logs = ${root}/logs

[backup]
target = ${paths.logs}/archive
```

```python
>>> cfg.get("paths", "root")
'/srv/demo'
>>> cfg.get("paths", "logs")
'/srv/${name}/logs'
>>> cfg.get("backup", "target")
'${root}/logs/archive'
```

Expected `'/srv/demo/logs'` and `'/srv/demo/logs/archive'`: a referenced value should itself be expanded,
and an unqualified reference inside it (like `${root}` in `paths.logs`) means a key of the section it was
written in (`paths`), not of the section I asked for. Also, a self-referencing config
(`a = ${b}` / `b = ${a}`) should fail with confmini's InterpolationError naming the cycle instead of
silently returning `${a}`. `$$` must still produce a literal `$`.
''',
bug=[("confmini/interpolate.py", "return interpolate(data, sec, raw, _seen + ((sec, key),))", "return raw")],
hidden={"tests/test_nested_interpolation.py": '''
import pytest
from confmini import Config
from confmini.interpolate import InterpolationError

TEXT = """
name = demo

[paths]
root = /srv/${name}
logs = ${root}/logs

[backup]
target = ${paths.logs}/archive
root = /mnt/backup
price = $$5 for ${name}

[loop]
a = ${b}
b = ${a}
self = x${self}
"""


def cfg():
    return Config.from_string(TEXT, env={})


def test_two_levels():
    assert cfg().get("paths", "logs") == "/srv/demo/logs"


def test_cross_section_nested_uses_defining_section():
    assert cfg().get("backup", "target") == "/srv/demo/logs/archive"


def test_cycle_detected():
    with pytest.raises(InterpolationError) as e:
        cfg().get("loop", "a")
    assert "cycle" in str(e.value)


def test_self_reference_detected():
    with pytest.raises(InterpolationError):
        cfg().get("loop", "self")


def test_one_level():
    assert cfg().get("paths", "root") == "/srv/demo"


def test_dollar_escape():
    assert cfg().get("backup", "price") == "$5 for demo"


def test_unknown_reference():
    with pytest.raises(InterpolationError):
        Config.from_string("[s]\\nk = ${nope}\\n", env={}).get("s", "k")
'''},
f2p=["tests/test_nested_interpolation.py::test_two_levels",
     "tests/test_nested_interpolation.py::test_cross_section_nested_uses_defining_section",
     "tests/test_nested_interpolation.py::test_cycle_detected",
     "tests/test_nested_interpolation.py::test_self_reference_detected"]),

dict(n=5, difficulty="medium", tags=["swapped-args", "reads-test-output"],
issue='''
Environment overrides for a section key are ignored

The docs say `APP_<SECTION>__<KEY>` overrides `[section] key`, but it has no effect:

```python
>>> from confmini import Config
>>> cfg = Config.from_string("[server]\\nport = 8080\\n", env={"APP_SERVER__PORT": "9000"})
>>> cfg.get_int("server", "port")
8080
>>> cfg.sections()
['server', 'port']
```

Expected 9000, and no mysterious `port` section. Overrides of top-level keys (`APP_NAME=x` for `name`) do
work. We deploy with env vars in Kubernetes so this blocks us from changing ports.
''',
bug=[("confmini/config.py", "                self._set(section, key, value)", "                self._set(key, section, value)")],
hidden={"tests/test_env_override.py": '''
from confmini import Config

TEXT = "name = demo\\n[server]\\nport = 8080\\nhost = a\\n"


def test_section_override():
    cfg = Config.from_string(TEXT, env={"APP_SERVER__PORT": "9000"})
    assert cfg.get_int("server", "port") == 9000


def test_no_spurious_section():
    cfg = Config.from_string(TEXT, env={"APP_SERVER__PORT": "9000"})
    assert cfg.sections() == ["server"]


def test_new_section_from_env():
    cfg = Config.from_string(TEXT, env={"APP_CACHE__TTL": "60"})
    assert cfg.get_int("cache", "ttl") == 60


def test_custom_prefix():
    cfg = Config.from_string(TEXT, env={"SVC_SERVER__HOST": "b"}, prefix="svc")
    assert cfg.get("server", "host") == "b"


def test_default_section_override():
    cfg = Config.from_string(TEXT, env={"APP_NAME": "prod"})
    assert cfg.get("server", "name") == "prod"


def test_other_prefix_ignored():
    cfg = Config.from_string(TEXT, env={"OTHER_SERVER__PORT": "1"})
    assert cfg.get_int("server", "port") == 8080
'''},
f2p=["tests/test_env_override.py::test_section_override", "tests/test_env_override.py::test_no_spurious_section",
     "tests/test_env_override.py::test_new_section_from_env", "tests/test_env_override.py::test_custom_prefix"]),
]
