import os
import subprocess
import tarfile
from pathlib import Path

SCRIPT = "/app/backup.sh"


def run(*args):
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, timeout=30)


def members(archive):
    with tarfile.open(archive, "r:gz") as t:
        return {m.name.rstrip("/"): (t.extractfile(m).read() if m.isfile() else None) for m in t.getmembers()}


def files_only(m):
    return {k: v for k, v in m.items() if v is not None}


def test_executable():
    assert os.access(SCRIPT, os.X_OK)


def test_sample_data(tmp_path):
    out = tmp_path / "b.tar.gz"
    r = run("/app/data", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "archived 4 files\n"
    assert files_only(members(out)) == {
        "docs/guide.md": b"# Guide\n",
        "src/main.py": b"print(1)\n",
        "build/out.bin": b"binary\n",
        "notes.txt": b"top\n",
    }


def test_names_relative(tmp_path):
    out = tmp_path / "b.tar.gz"
    run("/app/data", str(out))
    for name in members(out):
        assert not name.startswith("/") and not name.startswith("./") and name not in ("", ".")


def test_spaces_and_nested_excludes(tmp_path):
    src = tmp_path / "my src"
    (src / "a dir" / ".cache").mkdir(parents=True)
    (src / "a dir" / "file one.txt").write_text("1")
    (src / "a dir" / ".cache" / "x").write_text("x")
    (src / "deep" / "node_modules" / "m").mkdir(parents=True)
    (src / "deep" / "node_modules" / "m" / "i.js").write_text("js")
    (src / "deep" / "keep.tmp.txt").write_text("kept")
    (src / "deep" / "drop.tmp").write_text("dropped")
    (src / ".hidden").write_text("h")
    out = tmp_path / "out dir" / "archive.tgz"
    out.parent.mkdir()
    r = run(str(src), str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "archived 3 files\n"
    assert files_only(members(out)) == {
        "a dir/file one.txt": b"1",
        "deep/keep.tmp.txt": b"kept",
        ".hidden": b"h",
    }


def test_usage_errors(tmp_path):
    out = tmp_path / "never.tar.gz"
    r = run("/app/data")
    assert r.returncode == 2 and r.stderr.strip()
    r = run(str(tmp_path / "missing"), str(out))
    assert r.returncode == 2 and r.stderr.strip()
    assert not out.exists()
