TASKS = [
dict(n=2, difficulty="easy", tags=["constant"],
issue='''
Version.bump_minor() keeps the old patch number

Our release script does `Version.parse(current).bump_minor()` and we just published "2.5.3" after "2.4.3"
instead of "2.5.0":

```python
>>> from verspec import Version
>>> str(Version.parse("2.4.3").bump_minor())
'2.5.3'
```

Expected `'2.5.0'`. `bump_major()` correctly resets both minor and patch (`1.4.2` -> `2.0.0`), and
`bump_patch()` is fine too.
''',
bug=[("verspec/version.py", "return Version(self.major, self.minor + 1, 0)",
      "return Version(self.major, self.minor + 1, self.patch)")],
hidden={"tests/test_bump.py": '''
from verspec import Version


def test_bump_minor_resets_patch():
    assert str(Version.parse("2.4.3").bump_minor()) == "2.5.0"


def test_bump_minor_from_zero_patch():
    assert str(Version.parse("0.1.0").bump_minor()) == "0.2.0"


def test_bump_minor_drops_prerelease():
    assert str(Version.parse("1.2.7-rc.1").bump_minor()) == "1.3.0"


def test_bump_major():
    assert str(Version.parse("1.4.2").bump_major()) == "2.0.0"


def test_bump_patch():
    assert str(Version.parse("1.4.2").bump_patch()) == "1.4.3"


def test_bump_patch_of_prerelease():
    assert str(Version.parse("1.4.2-beta").bump_patch()) == "1.4.2"
'''},
f2p=["tests/test_bump.py::test_bump_minor_resets_patch", "tests/test_bump.py::test_bump_minor_drops_prerelease"]),

dict(n=3, difficulty="medium", tags=["needs-search", "reads-test-output", "constant"],
issue='''
max_satisfying() picks a release candidate over the final release

With pre-releases enabled, `Spec.max_satisfying` returns the release candidate even though the final
release is in the list:

```python
>>> from verspec import Spec
>>> Spec(">=1.0.0-rc.1").max_satisfying(["1.0.0-rc.1", "1.0.0", "1.0.0-rc.2"], include_prerelease=True)
Version('1.0.0-rc.2')
```

Expected `Version('1.0.0')`. According to semver a pre-release has lower precedence than the associated
normal version, i.e. `1.0.0-rc.2 < 1.0.0`. I also see `Spec("<1.0.0").contains("1.0.0-rc.1", include_prerelease=True)`
returning False, which looks like the same problem. Ordering between two normal versions is fine.
''',
bug=[("verspec/version.py", "pre = (1,) if not self.pre else (0,) + tuple(_pre_key(p) for p in self.pre)",
      "pre = (0,) if not self.pre else (1,) + tuple(_pre_key(p) for p in self.pre)")],
hidden={"tests/test_prerelease_order.py": '''
from verspec import Version, Spec


def test_release_after_rc():
    assert Version.parse("1.0.0-rc.2") < Version.parse("1.0.0")


def test_sorted():
    vs = ["1.0.0", "1.0.0-rc.1", "0.9.0", "1.0.0-alpha", "1.0.1"]
    assert [str(v) for v in sorted(Version.parse(v) for v in vs)] == [
        "0.9.0", "1.0.0-alpha", "1.0.0-rc.1", "1.0.0", "1.0.1"]


def test_max_satisfying_prefers_release():
    got = Spec(">=1.0.0-rc.1").max_satisfying(["1.0.0-rc.1", "1.0.0", "1.0.0-rc.2"], include_prerelease=True)
    assert got == Version(1, 0, 0)


def test_less_than_release_contains_rc():
    assert Spec("<1.0.0").contains("1.0.0-rc.1", include_prerelease=True)


def test_prerelease_alpha_before_beta():
    assert Version.parse("1.0.0-alpha") < Version.parse("1.0.0-beta")


def test_release_order():
    assert Version.parse("1.9.9") < Version.parse("1.10.0")


def test_build_ignored_in_equality():
    assert Version.parse("1.0.0+a") == Version.parse("1.0.0+b")
'''},
f2p=["tests/test_prerelease_order.py::test_release_after_rc", "tests/test_prerelease_order.py::test_sorted",
     "tests/test_prerelease_order.py::test_max_satisfying_prefers_release",
     "tests/test_prerelease_order.py::test_less_than_release_contains_rc"]),

dict(n=4, difficulty="hard", tags=["logic", "edge-case", "long-output"],
issue='''
Caret ranges on 0.x versions allow breaking upgrades

`^0.2.3` is matching `0.3.0` and even `0.9.1`. For 0.x versions the caret should not allow changes to the
left-most non-zero component (this is how npm and Cargo treat it, and what the verspec README promises:
"^ allows changes that do not modify the left-most non-zero digit"):

```python
>>> from verspec import Spec
>>> Spec("^0.2.3").contains("0.3.0")
True        # expected False: ^0.2.3 means >=0.2.3 <0.3.0
>>> Spec("^0.0.3").contains("0.0.4")
True        # expected False: ^0.0.3 means >=0.0.3 <0.0.4
>>> Spec("^1.2.3").contains("1.9.0")
True        # correct
```

Our dependency resolver uses this and pulled in an incompatible 0.x library.
''',
bug=[("verspec/spec.py", '''    if v.major > 0:
        upper = Version(v.major + 1, 0, 0)
    elif v.minor > 0:
        upper = Version(0, v.minor + 1, 0)
    else:
        upper = Version(0, 0, v.patch + 1)
''', '''    upper = Version(v.major + 1, 0, 0)
''')],
hidden={"tests/test_caret.py": '''
import pytest
from verspec import Spec

CASES = [
    ("^1.2.3", "1.2.3", True),
    ("^1.2.3", "1.9.0", True),
    ("^1.2.3", "2.0.0", False),
    ("^1.2.3", "1.2.2", False),
    ("^0.2.3", "0.2.3", True),
    ("^0.2.3", "0.2.9", True),
    ("^0.2.3", "0.3.0", False),
    ("^0.2.3", "0.9.1", False),
    ("^0.2.3", "1.0.0", False),
    ("^0.0.3", "0.0.3", True),
    ("^0.0.3", "0.0.4", False),
    ("^0.0.3", "0.1.0", False),
    ("^0.1", "0.1.7", True),
    ("^0.1", "0.2.0", False),
    ("^2", "2.99.0", True),
    ("^2", "3.0.0", False),
]


@pytest.mark.parametrize("spec,version,expected", CASES, ids=[f"{s}-{v}" for s, v, _ in CASES])
def test_caret(spec, version, expected):
    assert Spec(spec).contains(version) is expected


def test_max_satisfying_caret_zero():
    assert str(Spec("^0.4.0").max_satisfying(["0.4.1", "0.4.9", "0.5.0", "1.0.0"])) == "0.4.9"
'''},
f2p=["tests/test_caret.py::test_caret[^0.2.3-0.3.0]", "tests/test_caret.py::test_caret[^0.2.3-0.9.1]",
     "tests/test_caret.py::test_caret[^0.0.3-0.0.4]", "tests/test_caret.py::test_caret[^0.0.3-0.1.0]",
     "tests/test_caret.py::test_caret[^0.1-0.2.0]", "tests/test_caret.py::test_max_satisfying_caret_zero"]),

dict(n=5, difficulty="easy", tags=["constant", "edge-case"],
issue='''
"~1.2" accepts 1.9.0

Tilde ranges written with only major.minor are too permissive:

```python
>>> from verspec import Spec
>>> Spec("~1.2").contains("1.9.0")
True
>>> Spec("~1").contains("1.5.0")
False
```

`~1.2` should mean `>=1.2.0 <1.3.0` and `~1` should mean `>=1.0.0 <2.0.0`. With the full form (`~1.2.3`)
everything works as expected: it matches 1.2.x only.
''',
bug=[("verspec/spec.py", '''    if parts == 1:
        upper = Version(v.major + 1, 0, 0)
    else:
        upper = Version(v.major, v.minor + 1, 0)
    return [(operator.ge, v), (operator.lt, upper)]''', '''    if parts == 2:
        upper = Version(v.major + 1, 0, 0)
    else:
        upper = Version(v.major, v.minor + 1, 0)
    return [(operator.ge, v), (operator.lt, upper)]''')],
hidden={"tests/test_tilde.py": '''
from verspec import Spec


def test_tilde_full():
    s = Spec("~1.2.3")
    assert s.contains("1.2.9") and not s.contains("1.3.0") and not s.contains("1.2.2")


def test_tilde_major_minor():
    s = Spec("~1.2")
    assert s.contains("1.2.0") and s.contains("1.2.5")
    assert not s.contains("1.9.0")


def test_tilde_major_only():
    s = Spec("~1")
    assert s.contains("1.0.0") and s.contains("1.5.0")
    assert not s.contains("2.0.0")


def test_wildcard():
    assert Spec("1.2.x").contains("1.2.7") and not Spec("1.2.x").contains("1.3.0")
'''},
f2p=["tests/test_tilde.py::test_tilde_major_minor", "tests/test_tilde.py::test_tilde_major_only"]),

dict(n=6, difficulty="medium", tags=["logic", "edge-case"],
issue='''
rc.10 sorts before rc.2

```python
>>> from verspec import Version
>>> Version.parse("2.0.0-rc.10") > Version.parse("2.0.0-rc.2")
False
>>> sorted(["2.0.0-rc.10", "2.0.0-rc.9", "2.0.0-rc.2"], key=Version.parse)
['2.0.0-rc.10', '2.0.0-rc.2', '2.0.0-rc.9']
```

Semver says identifiers consisting of only digits are compared numerically, so rc.10 is newer than rc.9.
(Numeric identifiers still have lower precedence than alphanumeric ones: `1.0.0-1 < 1.0.0-alpha`.)
We cut our tenth release candidate today and the updater refuses to offer it.
''',
bug=[("verspec/version.py", 'return (0, int(identifier), "")', 'return (0, 0, identifier)')],
hidden={"tests/test_numeric_prerelease.py": '''
from verspec import Version


def test_rc10_after_rc9():
    assert Version.parse("2.0.0-rc.10") > Version.parse("2.0.0-rc.9")


def test_sorted_numeric():
    got = sorted(["2.0.0-rc.10", "2.0.0-rc.9", "2.0.0-rc.2"], key=Version.parse)
    assert got == ["2.0.0-rc.2", "2.0.0-rc.9", "2.0.0-rc.10"]


def test_numeric_before_alpha():
    assert Version.parse("1.0.0-1") < Version.parse("1.0.0-alpha")


def test_shorter_prerelease_first():
    assert Version.parse("1.0.0-alpha") < Version.parse("1.0.0-alpha.1")


def test_semver_spec_example():
    order = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
             "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"]
    assert sorted(reversed(order), key=Version.parse) == order
'''},
f2p=["tests/test_numeric_prerelease.py::test_rc10_after_rc9", "tests/test_numeric_prerelease.py::test_sorted_numeric",
     "tests/test_numeric_prerelease.py::test_semver_spec_example"]),
]
