import re
from pathlib import Path

ROOT = Path("/app/project")

ORIGINAL = {
    "app/__init__.py": "VERSION = '1.0'\r\n",
    "app/main.py": "import sys\r\n\r\ndef main():\r\n\tif len(sys.argv) > 1:   \r\n\t\tprint(sys.argv[1])\t\r\n\treturn 0\r\n\r\n\r\n",
    "app/util.py": "def clamp(x, lo, hi):\n\treturn max(lo, min(x, hi))  \n\n\ndef label(s):\n    return 'tab\\tinside'  # keep this tab: \t <-\n",
    "app/clean.py": "def ok():\n    return True\n",
    "app/no_newline.py": "X = 1\nY = 2",
    "app/many_newlines.py": "Z = 3\n\n\n\n",
    "tests/test_util.py": "from app.util import clamp\r\n\r\ndef test_clamp():\r\n    assert clamp(5, 0, 3) == 3 \r\n",
    "vendor/six_mini.py": "def b(s):\r\n\treturn s.encode()   \r\n",
    "vendor/nested/lib.py": "\tX = 1  \n",
    "Makefile": "test:\n\tpython3 -m pytest   \n",
    "README.md": "# Project  \r\n\r\nSome docs.\t\r\n",
    "scripts/run.py.bak": "\told backup  \r\n",
}

EXPECTED = {
    "app/__init__.py": "VERSION = '1.0'\n",
    "app/main.py": "import sys\n\ndef main():\n    if len(sys.argv) > 1:\n        print(sys.argv[1])\n    return 0\n",
    "app/util.py": "def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n\n\ndef label(s):\n    return 'tab\\tinside'  # keep this tab: \t <-\n",
    "app/clean.py": "def ok():\n    return True\n",
    "app/no_newline.py": "X = 1\nY = 2\n",
    "app/many_newlines.py": "Z = 3\n",
    "tests/test_util.py": "from app.util import clamp\n\ndef test_clamp():\n    assert clamp(5, 0, 3) == 3\n",
}


def read(rel):
    return (ROOT / rel).read_bytes().decode()


def test_python_files_normalized():
    for rel, want in EXPECTED.items():
        assert read(rel) == want, rel


def test_other_files_untouched():
    for rel, text in ORIGINAL.items():
        if rel not in EXPECTED:
            assert read(rel) == text, rel


def test_no_new_files():
    got = sorted(str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file())
    assert got == sorted(ORIGINAL)


def test_changed_list():
    want = sorted((r for r in EXPECTED if EXPECTED[r] != ORIGINAL[r]), key=lambda s: s.encode())
    assert Path("/app/changed.txt").read_text().splitlines() == want
