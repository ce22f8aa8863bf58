import subprocess
from pathlib import Path

REPO = Path("/app/repo")


def git(*args):
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True, text=True).stdout.strip()


def bad_commit():
    return git("log", "--format=%H", "--fixed-strings", "--grep=Tidy helpers for exports", "main")


def test_main_unchanged():
    assert git("log", "-1", "--format=%s", "main") == "Add total()"
    assert len(git("rev-list", "main").split()) == 24


def test_first_bad_hash():
    text = Path("/app/first_bad.txt").read_text()
    assert text.strip() == bad_commit()
    assert text.endswith("\n")


def test_fix_branch_is_one_revert():
    assert git("rev-parse", "fix~1") == git("rev-parse", "main")
    msg = git("log", "-1", "--format=%B", "fix")
    assert msg.startswith('Revert "Tidy helpers for exports"')
    assert bad_commit() in msg


def test_check_passes_on_fix(tmp_path):
    wt = tmp_path / "wt"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "-q", "--detach", str(wt), "fix"], check=True)
    try:
        r = subprocess.run(["sh", "./check.sh"], cwd=wt, capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "def total(lines)" in (wt / "pricing.py").read_text()
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(wt)], check=False)
