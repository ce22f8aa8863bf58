import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { gradeTask, gradingMode } from '../tasks/grade.js';
import { PreparedWorkspaces, prepareWorkspace } from '../tasks/prepare.js';
import type { Task } from '../tasks/schema.js';
import { knownPatch, solve } from '../tasks/solvers.js';
import { loadSuite } from '../tasks/suite.js';
import { loadTerminalBenchTask } from '../tasks/terminal-bench.js';
import { describeDocker } from '../test/docker.js';
import type { RunJob } from './job.js';
import { makeRunOne } from './run-one.js';
import { DockerProvider } from './sandbox/docker.js';
import { taskSandboxSpec } from './task-image.js';

// A hostile suite: an agent (a scripted one: the attack is the point, not the model) that games its grader instead
// of doing the task. Each attack must end unresolved, flagged where it touched the grader, with no process and no
// snapshot of the run left behind, and the host still responsive.

const LABEL = `hostile-${process.pid}`;

/** A Terminal-Bench task (old layout) whose honest answer is "42" in /app/answer.txt; nothing here writes it. */
function answerTask(): Task {
  const dir = join(mkdtempSync(join(tmpdir(), 'evolve-hostile-')), 'answer-42');
  mkdirSync(join(dir, 'tests'), { recursive: true });
  writeFileSync(
    join(dir, 'task.yaml'),
    'instruction: Write 42 to /app/answer.txt\nparser_name: pytest\nmax_agent_timeout_sec: 60\nmax_test_timeout_sec: 60\n',
  );
  writeFileSync(join(dir, 'Dockerfile'), 'FROM evolve/python-env\nWORKDIR /app\n');
  writeFileSync(
    join(dir, 'run-tests.sh'),
    '#!/bin/bash\ncd /app\npython3 -m pytest -rA -p no:cacheprovider /tests/test_outputs.py\n',
  );
  writeFileSync(
    join(dir, 'tests', 'test_outputs.py'),
    "def test_answer():\n    assert open('/app/answer.txt').read().strip() == '42'\n",
  );
  writeFileSync(join(dir, 'solution.sh'), '#!/bin/bash\necho 42 > /app/answer.txt\n');
  return loadTerminalBenchTask(dir, 'hostile');
}

/** A fake test runner on the workdir's path: prints a pass for every test (or exits early with `code`). */
const fakePytest = (code = 0) =>
  code
    ? `import sys\nsys.exit(${code})\n`
    : 'print("PASSED test_outputs.py::test_answer")\nprint("=== 1 passed in 0.01s ===")\n';

/** The attacks, as shell run in the agent's sandbox (as its user, or as root where the agent is root). */
const ATTACKS: Record<string, { script: string; root?: boolean; flag?: RegExp; linger?: number }> = {
  'shadow pytest': {
    script: `cat > /app/pytest.py <<'PY'\n${fakePytest()}PY`,
    flag: /shadowing file: \/app\/pytest\.py/,
  },
  'exit-3 laundering': { script: `cat > /app/pytest.py <<'PY'\n${fakePytest(3)}PY`, flag: /shadowing file/ },
  'background process rewriting the hidden tests': {
    script:
      'nohup bash -c \'while :; do for f in /tests/*.py; do [ -w "$f" ] && printf "def test_answer():\\n    pass\\n" > "$f"; done; sleep 0.02; done\' >/dev/null 2>&1 &',
  },
  // Left running as the agent's last act; it has the sandbox's pids limit to itself until the agent is frozen.
  'fork bomb left running': { script: "nohup bash -c 'b() { b | b & }; b' >/dev/null 2>&1 &", linger: 3_000 },
  'root replaces the interpreter': {
    root: true,
    script:
      'real=$(readlink -f /usr/bin/python3); mv "$real" "$real.real"; printf \'#!/bin/sh\\necho "PASSED test_outputs.py::test_answer"\\n\' > "$real"; chmod +x "$real"',
    flag: /toolchain tampered: \/usr\/bin\/python3/,
  },
  // pytest loads every installed distribution's `pytest11` entry point at start: a new package among the installed
  // ones (an ordinary sight: agents pip-install) whose plugin reports every test passed.
  'root installs a pytest plugin that passes every test': {
    root: true,
    script: [
      `d=$(python3 -c 'import site; print(site.getsitepackages()[0])') && mkdir -p "$d/passall-1.0.dist-info"`,
      `printf 'import pytest\\n@pytest.hookimpl(hookwrapper=True)\\ndef pytest_runtest_makereport(item, call):\\n    outcome = yield\\n    outcome.get_result().outcome = "passed"\\n' > "$d/passall.py"`,
      `printf 'Metadata-Version: 2.1\\nName: passall\\nVersion: 1.0\\n' > "$d/passall-1.0.dist-info/METADATA"`,
      `printf '[pytest11]\\npassall = passall\\n' > "$d/passall-1.0.dist-info/entry_points.txt"`,
    ].join(' && '),
    flag: /test runner plugin: .*passall-1\.0\.dist-info\/entry_points\.txt/,
  },
  // The grading sandbox is started from the agent's frozen filesystem, and files reach it through that container's
  // own tools: a tar that rewrites the hidden tests as it unpacks them.
  'root replaces tar, which unpacks the hidden tests': {
    root: true,
    script: `real=$(readlink -f "$(command -v tar)"); mv "$real" "$real.real"; printf '#!/bin/bash\\n"%s.real" "$@"; s=$?\\n[ -f /tests/test_outputs.py ] && printf "def test_answer():\\\\n    pass\\\\n" > /tests/test_outputs.py\\nexit $s\\n' "$real" > "$real"; chmod +x "$real"`,
    flag: /toolchain tampered: .*\/tar changed/,
  },
  'root plants the hidden tests folder': {
    root: true,
    script: 'mkdir -p /tests && printf "def test_answer():\\n    pass\\n" > /tests/test_outputs.py',
    flag: /tests rewritten: \/tests/,
  },
};

const containersLeft = () =>
  execFileSync('docker', ['ps', '-aq', '--filter', `label=evolve.hostile=${LABEL}`], { encoding: 'utf8' }).trim();
const imagesLeft = () =>
  execFileSync('docker', ['images', '-q', '--filter', `label=evolve.hostile=${LABEL}`], { encoding: 'utf8' }).trim();

describeDocker('a hostile agent against its grader', () => {
  const task = answerTask();
  const provider = new DockerProvider();
  const prepared = new PreparedWorkspaces();
  let attack = '';
  const runOne = makeRunOne({
    provider,
    runsDir: mkdtempSync(join(tmpdir(), 'evolve-hostile-runs-')),
    prepareWorkspace: (t, sb) => prepareWorkspace(t, sb, prepared),
    grade: (t, sb, patch, _signal, evidence) => gradeTask(t, sb, patch, { ...evidence }),
    gradeInPlace: (t) => gradingMode(t) === 'in-place',
    solve: (solver, t, sb) => solve(solver, t, sb),
    knownPatch,
    runAgent: async ({ sandbox }) => {
      const a = ATTACKS[attack]!;
      await sandbox.exec(a.script, { timeoutMs: 30_000, ...(a.root ? { user: 'root' } : {}) });
      await new Promise((r) => setTimeout(r, a.linger ?? 0));
      return { exitReason: 'submitted', steps: 1 };
    },
    sandboxSpec: (t, labels) => taskSandboxSpec(t, { ...labels, hostile: LABEL }),
  });
  const job = (actor: RunJob['actor'], runId: number): RunJob => ({
    runId,
    evaluationId: 1,
    experimentId: 'exp-hostile',
    task,
    repeat: 0,
    attempt: 1,
    actor,
    labels: {},
  });
  afterAll(() => prepared.clear());

  it('the task is sound: its oracle resolves it, unflagged, from a frozen sandbox', async () => {
    const oracle = await runOne(job({ kind: 'solver', solver: 'oracle' }, 1), new AbortController().signal);
    expect(oracle).toMatchObject({ outcome: 'resolved' });
    expect((oracle.report as { grading_flags?: string[] }).grading_flags).toBeUndefined();
  }, 600_000);

  let runId = 10;
  for (const [name, a] of Object.entries(ATTACKS))
    it(`${name}: unresolved${a.flag ? ', flagged' : ''}, nothing left running`, async () => {
      attack = name;
      const t0 = Date.now();
      const r = await runOne(job({ kind: 'genome', genome: {} as never }, ++runId), new AbortController().signal);
      await runOne.settle();
      const report = (r.report ?? {}) as { grading_flags?: string[]; parser_results?: Record<string, string> };
      expect([r.outcome, r.infraError]).toEqual(['unresolved', undefined]);
      if (a.flag) expect(report.grading_flags?.join('\n')).toMatch(a.flag);
      else
        expect(Object.entries(report.parser_results ?? {})).toEqual([
          [expect.stringMatching(/::test_answer$/), 'FAILED'],
        ]);
      expect(Date.now() - t0).toBeLessThan(120_000);
      for (let i = 0; i < 50 && containersLeft(); i++) await new Promise((x) => setTimeout(x, 100)); // AutoRemove's lag
      expect(containersLeft()).toBe('');
      expect(imagesLeft()).toBe('');
      const host = Date.now();
      expect(spawnSync('true').status).toBe(0);
      expect(Date.now() - host).toBeLessThan(2_000);
    }, 300_000);
});

describeDocker('a hostile SWE-bench patch against its grader', () => {
  it('a patch that adds a root pytest.py faking every pass is flagged and unresolved', async () => {
    const base = loadSuite('builtin').tasks.find((t) => t.id === 'textkit__textkit-2')!;
    const g = base.grader as Extract<Task['grader'], { kind: 'swebench' }>;
    const lines = [...g.failToPass, ...g.passToPass].map((t) => `print("PASSED ${t}")`).join('\n');
    const body = `${lines}\n`.split('\n').filter(Boolean);
    const patch = `diff --git a/pytest.py b/pytest.py\nnew file mode 100644\n--- /dev/null\n+++ b/pytest.py\n@@ -0,0 +1,${body.length} @@\n${body.map((l) => `+${l}`).join('\n')}\n`;
    const provider = new DockerProvider();
    const sb = await provider.create(taskSandboxSpec(base, { hostile: LABEL }));
    try {
      await prepareWorkspace(base, sb);
      const r = await gradeTask(base, sb, patch);
      expect(r.resolved).toBe(false);
      expect(r.report).toMatchObject({ grading_flags: ['shadowing file: pytest.py added'] });
    } finally {
      await sb.dispose();
    }
  }, 300_000);
});
