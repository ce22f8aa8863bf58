#!/usr/bin/env python3
"""Verify the built-in suite: every SWE task's gold patch resolves it and its tests are meaningful, and every
Terminal-Bench task fails before its solution and passes after.

  python3 tasks/suites/builtin/tools/verify.py swe [ID ...]     # local python3 + pytest (or PYTHON=...)
  python3 tasks/suites/builtin/tools/verify.py tb [ID ...]      # docker; IMAGE=<local python env image>

SWE checks (in a temp git repo of repo/): instance.json fields; no .git/__pycache__; gold.patch touches only
non-test files and test.patch only tests/; both `git apply --check`; visible tests pass at base; with
test.patch only, every FAIL_TO_PASS fails and every PASS_TO_PASS passes; with both, all pass.
TB checks: docker build (FROM evolve/python-env replaced by $IMAGE); in a fresh container the tests fail;
in another, solution.sh then the tests pass.
"""
import json, os, re, shlex, shutil, subprocess, sys, tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
PY = os.environ.get("PYTHON", "python3")
TAGS = {"multi-file", "reads-test-output", "long-output", "needs-search", "off-by-one", "operator",
        "missing-guard", "swapped-args", "constant", "logic", "string-handling", "edge-case", "slice",
        # categories where the offline model's genome decides the verdict (README "The offline model")
        "two-suspects", "caller-bug", "middle-frame", "many-candidates", "needs-traceback", "editor",
        "no-reproduction"}
FIELDS = ["instance_id", "repo", "version", "problem_statement", "hints_text", "created_at", "FAIL_TO_PASS",
          "PASS_TO_PASS", "difficulty", "tags", "test_command"]
STATUS = re.compile(r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (\S+)")


def sh(args, cwd=None, check=True, input=None, timeout=120):
    r = subprocess.run(args, cwd=cwd, capture_output=True, text=True, input=input, timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError(f"{args} failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r


def patch_files(patch):
    return re.findall(r"^diff --git a/(\S+) b/\S+$", patch, re.M)


def pytest(cwd, cmd):
    args = shlex.split(cmd)
    assert args[:3] == ["python3", "-m", "pytest"], cmd
    r = sh([PY] + args[1:], cwd, check=False)
    res = {}
    for line in r.stdout.splitlines():
        m = STATUS.match(line)
        if m:
            res[m.group(2)] = m.group(1)
    return res, r.stdout


def verify_swe(d):
    iid = os.path.basename(d)
    inst = json.load(open(os.path.join(d, "instance.json")))
    for f in FIELDS:
        assert f in inst, f"missing field {f}"
    assert inst["instance_id"] == iid
    assert not iid.endswith("-1")
    pkg = iid.split("__")[0]
    assert inst["repo"] == f"builtin/{pkg}"
    assert inst["difficulty"] in ("easy", "medium", "hard")
    assert inst["tags"] and set(inst["tags"]) <= TAGS, inst["tags"]
    assert inst["FAIL_TO_PASS"] and inst["PASS_TO_PASS"]
    assert not set(inst["FAIL_TO_PASS"]) & set(inst["PASS_TO_PASS"])
    for root, dirs, files in os.walk(os.path.join(d, "repo")):
        assert not {".git", "__pycache__", ".pytest_cache", ".benchmarks"} & set(dirs), root
    gold = open(os.path.join(d, "gold.patch")).read()
    test = open(os.path.join(d, "test.patch")).read()
    gf, tf = patch_files(gold), patch_files(test)
    assert gf and all(not f.startswith("tests/") for f in gf), gf
    assert tf and all(f.startswith("tests/") for f in tf), tf
    with tempfile.TemporaryDirectory() as tmp:
        w = os.path.join(tmp, "repo")
        shutil.copytree(os.path.join(d, "repo"), w)
        g = ["git", "-c", "user.name=v", "-c", "user.email=v@x"]
        sh(["git", "init", "-q"], w)
        sh(g + ["add", "-A"], w)
        sh(g + ["commit", "-q", "-m", "base"], w)
        sh(["git", "apply", "--check", "-"], w, input=gold)
        sh(["git", "apply", "--check", "-"], w, input=test)
        vis, out = pytest(w, "python3 -m pytest -rA -p no:cacheprovider tests")
        assert vis and all(v == "PASSED" for v in vis.values()), f"visible tests fail at base:\n{out}"
        sh(["git", "apply", "-"], w, input=test)
        res, out = pytest(w, inst["test_command"])
        for t in inst["FAIL_TO_PASS"]:
            assert res.get(t) in ("FAILED", "ERROR"), f"F2P {t} is {res.get(t)} before fix\n{out}"
        for t in inst["PASS_TO_PASS"]:
            assert res.get(t) == "PASSED", f"P2P {t} is {res.get(t)} before fix\n{out}"
        sh(["git", "apply", "-"], w, input=gold)
        res, out = pytest(w, inst["test_command"])
        for t in inst["FAIL_TO_PASS"] + inst["PASS_TO_PASS"]:
            assert res.get(t) == "PASSED", f"{t} is {res.get(t)} after fix\n{out}"
        vis2, out = pytest(w, "python3 -m pytest -rA -p no:cacheprovider tests")
        assert all(v == "PASSED" for v in vis2.values()), f"tests fail after fix:\n{out}"


def verify_tb(d):
    tid = os.path.basename(d)
    image = os.environ.get("IMAGE", "evolve-verify/python-env:bookworm")
    y = open(os.path.join(d, "task.yaml")).read()
    for k in ("instruction:", "difficulty:", "category:", "tags:", "parser_name: pytest", "max_agent_timeout_sec:",
              "max_test_timeout_sec:", "run_tests_in_same_shell: false"):
        assert k in y, f"task.yaml lacks {k}"
    tags = re.search(r"^tags:\s*\[(.*)\]", y, re.M).group(1)
    for f in ("Dockerfile", "run-tests.sh", "tests/test_outputs.py", "solution.sh"):
        assert os.path.exists(os.path.join(d, f)), f
    df = open(os.path.join(d, "Dockerfile")).read()
    assert df.startswith("FROM evolve/python-env\n"), "Dockerfile must start FROM evolve/python-env"
    with tempfile.TemporaryDirectory() as tmp:
        ctx = os.path.join(tmp, "ctx")
        top = {"tests", "solution.sh", "run-tests.sh"}  # what the agent's image must not contain
        shutil.copytree(d, ctx, ignore=lambda dirpath, names: [n for n in names if n == "__pycache__" or
                                                               (os.path.samefile(dirpath, d) and n in top)])
        open(os.path.join(ctx, "Dockerfile"), "w").write(df.replace("FROM evolve/python-env", f"FROM {image}", 1))
        tag = f"evolve-verify/tb-{tid}:latest"
        sh(["docker", "build", "-q", "-t", tag, ctx], timeout=600)
        run = ["docker", "run", "--rm", "--network", "none", "-v", f"{d}:/task:ro", tag, "bash", "-c"]
        tests = "cp -r /task/tests /tests && bash /task/run-tests.sh"
        r = sh(run + [f"cd /app && {tests}"], check=False)
        assert r.returncode != 0, f"tests pass before solution:\n{r.stdout[-2000:]}"
        r = sh(run + [f"cd /app && bash /task/solution.sh && cd /app && {tests}"], check=False)
        assert r.returncode == 0, f"tests fail after solution:\n{r.stdout[-3000:]}\n{r.stderr[-2000:]}"
        sh(["docker", "rmi", "-f", tag], check=False)


def main():
    kind = sys.argv[1]
    base = os.path.join(ROOT, kind)
    ids = sys.argv[2:] or sorted(x for x in os.listdir(base) if os.path.isdir(os.path.join(base, x)))
    bad = 0
    for i in ids:
        try:
            (verify_swe if kind == "swe" else verify_tb)(os.path.join(base, i))
            print(f"PASS {i}")
        except Exception as e:  # report and go on
            bad += 1
            print(f"FAIL {i}: {e}")
    print(f"{len(ids) - bad}/{len(ids)} verified")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
