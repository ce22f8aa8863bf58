"""Creates /app/project (run once at image build time). The hidden tests embed the same table."""
import os

FILES = {
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

if __name__ == "__main__":
    for rel, text in FILES.items():
        path = os.path.join("/app/project", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", newline="") as f:
            f.write(text)
