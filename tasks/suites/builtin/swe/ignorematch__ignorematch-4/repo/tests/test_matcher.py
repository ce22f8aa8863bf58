from ignorematch import IgnoreMatcher


def test_simple_extension():
    m = IgnoreMatcher(["*.log"])
    assert m.is_ignored("debug.log")
    assert m.is_ignored("logs/debug.log")
    assert not m.is_ignored("debug.txt")


def test_comments_and_blank():
    m = IgnoreMatcher("# comment\n\n*.tmp\n")
    assert len(m.patterns) == 1


def test_anchored():
    m = IgnoreMatcher(["/build"])
    assert m.is_ignored("build", is_dir=True)
    assert not m.is_ignored("src/build", is_dir=True)


def test_filter():
    m = IgnoreMatcher(["*.pyc"])
    assert m.filter(["a.py", "a.pyc", "b.py"]) == ["a.py", "b.py"]
