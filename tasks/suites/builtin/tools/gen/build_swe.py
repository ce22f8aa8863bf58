#!/usr/bin/env python3
"""Generate SWE-bench-format task folders from a fixed ("good") package and a list of injected bugs.

Layout (all under tasks/suites/builtin/tools/gen/<pkg>/):
  good/      the package in its correct state, with its visible tests (tests/)
  tasks.py   TASKS = [ {n, difficulty, tags, issue, bug: [(file, good, bad)], hidden: {path: text}, f2p: [...]}, ... ]

For each task the generator writes tasks/suites/builtin/swe/<pkg>__<pkg>-<n>/ with repo/ (good with the bug
injected), gold.patch (base -> good), test.patch (adds the hidden tests) and instance.json, whose
PASS_TO_PASS is every hidden test that passes at base. It refuses a task whose declared FAIL_TO_PASS does not
match what actually fails at base. Usage: build_swe.py [pkg ...]
"""
import json, os, re, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SWE = os.path.abspath(os.path.join(HERE, "..", "..", "swe"))
PY = os.environ.get("PYTHON", "python3")
STATUS = re.compile(r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (\S+)")


def sh(args, cwd, check=True):
    r = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"{args} failed: {r.stdout}\n{r.stderr}")
    return r


def copytree(src, dst):
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".benchmarks"))


def run_tests(cwd, files):
    r = sh([PY, "-m", "pytest", "-rA", "-p", "no:cacheprovider", *files], cwd, check=False)
    res = {}
    for line in r.stdout.splitlines():
        m = STATUS.match(line)
        if m:
            res[m.group(2)] = m.group(1)
    return res, r.stdout


def git_init(d):
    sh(["git", "init", "-q"], d)
    sh(["git", "-c", "user.name=gen", "-c", "user.email=gen@x", "add", "-A"], d)
    sh(["git", "-c", "user.name=gen", "-c", "user.email=gen@x", "commit", "-q", "-m", "base"], d)


def build(pkg):
    pdir = os.path.join(HERE, pkg)
    ns = {}
    exec(open(os.path.join(pdir, "tasks.py")).read(), ns)
    for t in ns["TASKS"]:
        iid = f"{pkg}__{pkg}-{t['n']}"
        assert t["n"] >= 2
        with tempfile.TemporaryDirectory() as tmp:
            base = os.path.join(tmp, "base")
            copytree(os.path.join(pdir, "good"), base)
            for f, good, bad in t["bug"]:
                p = os.path.join(base, f)
                src = open(p).read()
                assert src.count(good) == 1, f"{iid}: snippet not unique in {f}: {good!r}"
                open(p, "w").write(src.replace(good, bad))
            # visible tests must pass at base
            vis, out = run_tests(base, ["tests"])
            bad_vis = [k for k, v in vis.items() if v != "PASSED"]
            assert vis and not bad_vis, f"{iid}: visible tests fail at base: {bad_vis}\n{out}"
            work = os.path.join(tmp, "work")
            copytree(base, work)
            git_init(work)
            for f, _, _ in t["bug"]:
                shutil.copy(os.path.join(pdir, "good", f), os.path.join(work, f))
            gold = sh(["git", "diff"], work).stdout
            sh(["git", "checkout", "-q", "--", "."], work)
            for f, text in t["hidden"].items():
                assert f.startswith("tests/")
                p = os.path.join(work, f)
                existed = os.path.exists(p)
                open(p, "w").write(text.lstrip("\n"))
                if not existed:
                    sh(["git", "add", "-N", f], work)
            test = sh(["git", "diff"], work).stdout
            hidden = sorted(t["hidden"])
            before, out_b = run_tests(work, hidden)
            failing = sorted(k for k, v in before.items() if v != "PASSED")
            assert failing == sorted(t["f2p"]), f"{iid}: declared F2P {t['f2p']} but failing {failing}\n{out_b}"
            p2p = sorted(k for k, v in before.items() if v == "PASSED")
            assert p2p, f"{iid}: no PASS_TO_PASS"
            for f, _, _ in t["bug"]:
                shutil.copy(os.path.join(pdir, "good", f), os.path.join(work, f))
            after, out_a = run_tests(work, hidden)
            assert all(v == "PASSED" for v in after.values()) and len(after) == len(before), f"{iid}: not all pass after fix\n{out_a}"
            dest = os.path.join(SWE, iid)
            if os.path.exists(dest):
                shutil.rmtree(dest)
            os.makedirs(dest)
            copytree(base, os.path.join(dest, "repo"))
            open(os.path.join(dest, "gold.patch"), "w").write(gold)
            open(os.path.join(dest, "test.patch"), "w").write(test)
            inst = {
                "instance_id": iid,
                "repo": f"builtin/{pkg}",
                "version": "1.0",
                "problem_statement": t["issue"].strip() + "\n",
                "hints_text": "",
                "created_at": "2026-01-05T10:00:00Z",
                "FAIL_TO_PASS": sorted(t["f2p"]),
                "PASS_TO_PASS": p2p,
                "difficulty": t["difficulty"],
                "tags": t["tags"],
                "test_command": "python3 -m pytest -rA -p no:cacheprovider " + " ".join(hidden),
            }
            json.dump(inst, open(os.path.join(dest, "instance.json"), "w"), indent=2)
            open(os.path.join(dest, "instance.json"), "a").write("\n")
            print(f"ok {iid}: F2P={len(t['f2p'])} P2P={len(p2p)}")


if __name__ == "__main__":
    pkgs = sys.argv[1:] or sorted(d for d in os.listdir(HERE) if os.path.isdir(os.path.join(HERE, d, "good")))
    for p in pkgs:
        build(p)
