import subprocess
from pathlib import Path

REPO = Path("/app/repo")
SECRETS = [b"sk_live_4f9a7c2e81d3b6a0", b"sk_live_9b1e0d77c4a25f36", b"sk_live_0000experimental", b"hunter2-prod"]


def git(*args):
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True).stdout.decode()


def messages(ref):
    return git("log", "--format=%s", ref).splitlines()


def test_no_commit_has_secrets_file():
    assert git("log", "--all", "--format=%H", "--", "config/secrets.env").strip() == ""


def test_no_reachable_object_contains_secret():
    objects = git("rev-list", "--all", "--objects").split()
    blobs = [o for o in objects if len(o) == 40]
    data = subprocess.run(["git", "-C", str(REPO), "cat-file", "--batch"], input="\n".join(blobs).encode(),
                          check=True, capture_output=True).stdout
    for s in SECRETS:
        assert s not in data


def test_no_backup_refs():
    assert "refs/original" not in git("for-each-ref", "--format=%(refname)")


def test_main_history():
    assert messages("main") == ["Ignore secrets.env", "Document running the service", "Add feature flag",
                                "Add configuration", "Initial commit"]


def test_experiment_branch():
    assert messages("experiment") == ["Experimental rewrite", "Document running the service", "Add feature flag",
                                      "Add configuration", "Initial commit"]
    assert "v3-experimental" in git("show", "experiment:app.py")


def test_tag_rewritten():
    assert messages("v0.1")[0] == "Add feature flag"
    assert "config/secrets.env" not in git("ls-tree", "-r", "--name-only", "v0.1")
    assert "config/app.env" in git("ls-tree", "-r", "--name-only", "v0.1")


def test_authors_preserved():
    assert set(git("log", "--all", "--format=%an <%ae>").splitlines()) == {"Dana Dev <dana@example.org>"}


def test_other_files_preserved():
    assert git("show", "main:config/app.env") == "PORT=8080\nLOG_LEVEL=debug\n"
    assert "## Running" in git("show", "main:README.md")
    assert 'FEATURE_FLAGS = {"bulk_import": True}' in git("show", "main:app.py")


def test_gitignore_commit():
    assert "config/secrets.env" in git("show", "main:.gitignore").splitlines()
    assert git("diff-tree", "--no-commit-id", "--name-only", "-r", "main").split() == [".gitignore"]


def test_working_copy():
    assert git("rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    local = (REPO / "config" / "secrets.env").read_bytes()
    assert b"sk_live_9b1e0d77c4a25f36" in local
    assert git("status", "--porcelain") == ""
