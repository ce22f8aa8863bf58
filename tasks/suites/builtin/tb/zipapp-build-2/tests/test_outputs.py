import hashlib
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

PYZ = Path("/app/dist/wordfreq.pyz")


def tree_digest(root):
    h = hashlib.sha256()
    for p in sorted(Path(root).rglob("*")):
        if "__pycache__" in p.parts:
            continue
        h.update(str(p.relative_to(root)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def test_built_artifact_present():
    assert PYZ.is_file()


def test_rebuild_from_scratch():
    before = tree_digest("/app/tool")
    shutil.rmtree("/app/dist", ignore_errors=True)
    r = subprocess.run(["bash", "/app/build.sh"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert PYZ.is_file()
    r = subprocess.run(["bash", "/app/build.sh"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert tree_digest("/app/tool") == before


def test_version_direct_exec():
    assert os.access(PYZ, os.X_OK)
    r = subprocess.run([str(PYZ), "--version"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "wordfreq 2.1.0\n"


def test_counts_via_python(tmp_path):
    f = tmp_path / "t.txt"
    f.write_text("the cat and the hat and the bat\n")
    r = subprocess.run(["python3", str(PYZ), str(f), "--top", "2"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "3\tthe\n2\tand\n"


def test_archive_contents():
    names = zipfile.ZipFile(PYZ).namelist()
    assert "wordfreq/cli.py" in names and "wordfreq/VERSION" in names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert not any(n.startswith("tests/") or "test_" in n or n.endswith("README.md") for n in names)
    assert PYZ.read_bytes().startswith(b"#!/usr/bin/env python3\n")
