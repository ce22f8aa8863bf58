TASKS = [
dict(n=2, difficulty="medium", tags=["logic", "needs-search"],
issue='''
Negated patterns ("!keep.log") don't re-include files

Following the usual gitignore idiom:

```
*.log
!important.log
```

```python
>>> from ignorematch import IgnoreMatcher
>>> m = IgnoreMatcher(["*.log", "!important.log"])
>>> m.is_ignored("important.log")
True
```

Expected False: in git the last matching pattern decides, so `important.log` is re-included. `git
check-ignore important.log` agrees with me. Conversely, `IgnoreMatcher(["!a.txt", "*.txt"])` should ignore
`a.txt` (the later `*.txt` wins).
''',
bug=[("ignorematch/matcher.py", "                result = not p.negated", "                return not p.negated")],
hidden={"tests/test_negation.py": '''
from ignorematch import IgnoreMatcher


def test_reinclude():
    m = IgnoreMatcher(["*.log", "!important.log"])
    assert not m.is_ignored("important.log")
    assert m.is_ignored("other.log")


def test_reinclude_nested():
    m = IgnoreMatcher(["*.log", "!important.log"])
    assert not m.is_ignored("sub/important.log")


def test_later_pattern_wins():
    m = IgnoreMatcher(["!a.txt", "*.txt"])
    assert m.is_ignored("a.txt")


def test_reignore():
    m = IgnoreMatcher(["*.log", "!*.log", "debug.log"])
    assert m.is_ignored("debug.log")
    assert not m.is_ignored("app.log")


def test_negation_only():
    assert not IgnoreMatcher(["!x"]).is_ignored("x")


def test_escaped_bang():
    m = IgnoreMatcher(["\\\\!literal"])
    assert m.is_ignored("!literal")
'''},
f2p=["tests/test_negation.py::test_reinclude", "tests/test_negation.py::test_reinclude_nested",
     "tests/test_negation.py::test_later_pattern_wins", "tests/test_negation.py::test_reignore"]),

dict(n=3, difficulty="hard", tags=["logic", "long-output", "edge-case"],
issue='''
Files inside an ignored directory are not ignored

```
build/
node_modules
```

```python
>>> from ignorematch import IgnoreMatcher
>>> m = IgnoreMatcher(["build/", "node_modules"])
>>> m.is_ignored("build", is_dir=True)
True
>>> m.is_ignored("build/out/app.o")
False
>>> m.filter(["src/main.c", "build/out/app.o", "node_modules/left-pad/index.js"])
['src/main.c', 'build/out/app.o', 'node_modules/left-pad/index.js']
```

We use `filter()` on the full file list of a repository (files only, no directory entries), so anything
under an ignored directory must be excluded: expected `['src/main.c']`. Note that git also cannot
re-include a file whose parent directory is excluded (`build/` + `!build/keep.txt` still ignores
`build/keep.txt`), while `build/*` + `!build/keep.txt` does re-include it. I attached the table of cases
from our test suite (test_tree.py); many of them fail.
''',
bug=[("ignorematch/matcher.py", '''        path = _normalize(path)
        parts = path.split("/")
        for i in range(1, len(parts)):
            if self._decide("/".join(parts[:i]), True):
                return True
        return bool(self._decide(path, is_dir))''', '''        path = _normalize(path)
        return bool(self._decide(path, is_dir))''')],
hidden={"tests/test_tree.py": '''
import pytest
from ignorematch import IgnoreMatcher

RULES = """
# build output
build/
node_modules
*.log
!keep.log
/dist
docs/_build/
cache/*
!cache/README
**/tmp
logs/**
"""

CASES = [
    ("src/main.c", False),
    ("build/out/app.o", True),
    ("build/app.o", True),
    ("src/build/gen.c", True),
    ("node_modules/left-pad/index.js", True),
    ("web/node_modules/x/y.js", True),
    ("app.log", True),
    ("keep.log", False),
    ("sub/keep.log", False),
    ("build/keep.log", True),
    ("dist/bundle.js", True),
    ("src/dist/bundle.js", False),
    ("docs/_build/html/index.html", True),
    ("docs/index.rst", False),
    ("cache/data.bin", True),
    ("cache/README", False),
    ("a/tmp/x", True),
    ("tmp/x", True),
    ("logs/2024/01.txt", True),
    ("logs", False),
    ("buildx/file", False),
]


@pytest.fixture
def m():
    return IgnoreMatcher(RULES)


@pytest.mark.parametrize("path,ignored", CASES, ids=[p for p, _ in CASES])
def test_case(m, path, ignored):
    assert m.is_ignored(path) is ignored


def test_filter(m):
    files = ["src/main.c", "build/out/app.o", "node_modules/left-pad/index.js", "keep.log", "cache/README"]
    assert m.filter(files) == ["src/main.c", "keep.log", "cache/README"]


def test_cannot_reinclude_inside_excluded_dir():
    m = IgnoreMatcher(["build/", "!build/keep.txt"])
    assert m.is_ignored("build/keep.txt")


def test_can_reinclude_with_star():
    m = IgnoreMatcher(["build/*", "!build/keep.txt"])
    assert not m.is_ignored("build/keep.txt")
    assert m.is_ignored("build/other.txt")
'''},
f2p=["tests/test_tree.py::test_case[build/out/app.o]", "tests/test_tree.py::test_case[build/app.o]",
     "tests/test_tree.py::test_case[src/build/gen.c]", "tests/test_tree.py::test_case[node_modules/left-pad/index.js]",
     "tests/test_tree.py::test_case[web/node_modules/x/y.js]", "tests/test_tree.py::test_case[build/keep.log]",
     "tests/test_tree.py::test_case[dist/bundle.js]", "tests/test_tree.py::test_case[docs/_build/html/index.html]",
     "tests/test_tree.py::test_case[a/tmp/x]", "tests/test_tree.py::test_case[tmp/x]",
     "tests/test_tree.py::test_filter", "tests/test_tree.py::test_cannot_reinclude_inside_excluded_dir"]),

dict(n=4, difficulty="medium", tags=["string-handling", "needs-search"],
issue='''
"docs/*.md" also ignores markdown files in subdirectories of docs

```python
>>> from ignorematch import IgnoreMatcher
>>> m = IgnoreMatcher(["docs/*.md"])
>>> m.is_ignored("docs/intro.md")
True
>>> m.is_ignored("docs/api/reference.md")
True
```

In git, `*` does not match a `/`, so `docs/*.md` only covers markdown files directly inside `docs/`;
`docs/api/reference.md` should not be ignored (you'd write `docs/**/*.md` for that). Same problem with
`?`-free patterns like `src/*` which ignores the whole tree rather than one level.
''',
bug=[("ignorematch/pattern.py", '''        elif c == "*":
            out.append("[^/]*")''', '''        elif c == "*":
            out.append(".*")''')],
hidden={"tests/test_star.py": '''
from ignorematch import IgnoreMatcher, Pattern


def test_star_single_level():
    m = IgnoreMatcher(["docs/*.md"])
    assert m.is_ignored("docs/intro.md")
    assert not m.is_ignored("docs/api/reference.md")


def test_star_does_not_cross_slash():
    assert not Pattern("src/*.py").matches("src/pkg/mod.py")


def test_double_star():
    m = IgnoreMatcher(["docs/**/*.md"])
    assert m.is_ignored("docs/api/reference.md")
    assert m.is_ignored("docs/intro.md")


def test_unanchored_star():
    assert IgnoreMatcher(["*.o"]).is_ignored("a/b/c.o")


def test_question_mark():
    m = IgnoreMatcher(["file?.txt"])
    assert m.is_ignored("file1.txt") and not m.is_ignored("file10.txt")


def test_char_class():
    m = IgnoreMatcher(["*.py[co]"])
    assert m.is_ignored("x.pyc") and not m.is_ignored("x.py")
'''},
f2p=["tests/test_star.py::test_star_single_level", "tests/test_star.py::test_star_does_not_cross_slash"]),

dict(n=5, difficulty="easy", tags=["off-by-one"],
issue='''
Files directly inside an ignored directory are not ignored, deeper ones are

With the rule `build/`:

```python
>>> from ignorematch import IgnoreMatcher
>>> m = IgnoreMatcher(["build/"])
>>> m.is_ignored("build/out/app.o")
True
>>> m.is_ignored("build/app.o")
False
```

Both should be True: everything under an ignored directory is ignored. Looks like the immediate parent
directory is not being looked at.
''',
bug=[("ignorematch/matcher.py", "for i in range(1, len(parts)):", "for i in range(1, len(parts) - 1):")],
hidden={"tests/test_parents.py": '''
from ignorematch import IgnoreMatcher


def test_direct_child():
    assert IgnoreMatcher(["build/"]).is_ignored("build/app.o")


def test_direct_child_filter():
    assert IgnoreMatcher(["node_modules"]).filter(["node_modules/x.js", "a.js"]) == ["a.js"]


def test_deep_child():
    assert IgnoreMatcher(["build/"]).is_ignored("build/out/app.o")


def test_dir_itself():
    assert IgnoreMatcher(["build/"]).is_ignored("build", is_dir=True)


def test_file_named_like_dir():
    assert not IgnoreMatcher(["build/"]).is_ignored("build")
'''},
f2p=["tests/test_parents.py::test_direct_child", "tests/test_parents.py::test_direct_child_filter"]),
]
