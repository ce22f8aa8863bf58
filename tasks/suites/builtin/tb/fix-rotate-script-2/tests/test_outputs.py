import gzip
import os
import subprocess
from pathlib import Path

SCRIPT = "/app/rotate_logs.sh"


def run(*args):
    return subprocess.run(["bash", SCRIPT, *map(str, args)], capture_output=True, text=True, timeout=30)


def gz(p):
    return gzip.decompress(Path(p).read_bytes()).decode()


def make(tmp_path, name, content, generations=()):
    d = tmp_path / "logs"
    d.mkdir(exist_ok=True)
    (d / name).write_text(content)
    for i, text in enumerate(generations, 1):
        (d / f"{name}.{i}.gz").write_bytes(gzip.compress(text.encode()))
    return d


def test_first_rotation(tmp_path):
    d = make(tmp_path, "app.log", "line1\n")
    r = run(d)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "rotated app.log\n"
    assert gz(d / "app.log.1.gz") == "line1\n"
    assert (d / "app.log").exists() and (d / "app.log").read_text() == ""


def test_generations_shift_in_order(tmp_path):
    d = make(tmp_path, "app.log", "new\n", ["g1\n", "g2\n"])
    assert run(d).returncode == 0
    assert [gz(d / f"app.log.{i}.gz") for i in (1, 2, 3)] == ["new\n", "g1\n", "g2\n"]


def test_keep_limit(tmp_path):
    d = make(tmp_path, "app.log", "new\n", ["g1\n", "g2\n", "g3\n"])
    assert run(d).returncode == 0
    assert sorted(p.name for p in d.iterdir()) == ["app.log", "app.log.1.gz", "app.log.2.gz", "app.log.3.gz"]
    assert [gz(d / f"app.log.{i}.gz") for i in (1, 2, 3)] == ["new\n", "g1\n", "g2\n"]


def test_custom_keep(tmp_path):
    d = make(tmp_path, "app.log", "new\n", ["g1\n", "g2\n"])
    assert run(d, 2).returncode == 0
    assert sorted(p.name for p in d.iterdir()) == ["app.log", "app.log.1.gz", "app.log.2.gz"]
    assert gz(d / "app.log.2.gz") == "g1\n"


def test_same_inode_kept(tmp_path):
    d = make(tmp_path, "app.log", "x\n")
    ino = os.stat(d / "app.log").st_ino
    run(d)
    assert os.stat(d / "app.log").st_ino == ino


def test_spaces_and_empty_and_order(tmp_path):
    base = tmp_path / "my logs"
    base.mkdir()
    (base / "worker 1.log").write_text("w1\n")
    (base / "b.log").write_text("b\n")
    (base / "empty.log").write_text("")
    (base / "notes.txt").write_text("n\n")
    r = run(base)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "rotated b.log\nrotated worker 1.log\n"
    assert gz(base / "worker 1.log.1.gz") == "w1\n"
    assert not (base / "empty.log.1.gz").exists()
    assert not (base / "notes.txt.1.gz").exists()


def test_not_a_directory(tmp_path):
    r = run(tmp_path / "missing dir")
    assert r.returncode == 2
