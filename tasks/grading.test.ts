import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { validateTasks } from '../evaluator/validate.js';
import { validationImages } from '../evaluator/validation-image.js';
import { wireRuns } from '../evaluator/wiring.js';
import { DockerProvider } from '../evaluator/sandbox/docker.js';
import { taskSandboxSpec } from '../evaluator/task-image.js';
import { describeDocker } from '../test/docker.js';
import { GradingError } from './errors.js';
import { gradeTask } from './grade.js';
import { prepareWorkspace } from './prepare.js';
import type { Task } from './schema.js';
import { loadSuite } from './suite.js';
import { conventionSample, readValidated, unvalidated } from './validated.js';

// Real containers, real hidden tests: the grader's verdicts and its failure modes.
describeDocker('grading in Docker', () => {
  const suite = loadSuite('builtin');
  const base = suite.tasks.find((t) => t.id === 'textkit__textkit-2')!;
  const provider = new DockerProvider();
  const graded = async (task: Task, patch: string) => {
    const sb = await provider.create(taskSandboxSpec(task, { role: 'test' }));
    try {
      await prepareWorkspace(task, sb);
      return await gradeTask(task, sb, patch);
    } finally {
      await sb.dispose();
    }
  };

  it('resolves the gold patch and reports the upstream fields; a wrong patch is unresolved with the failing tests named', async () => {
    const gold = base.gold!.kind === 'patch' ? base.gold!.patch : '';
    const ok = await graded(base, gold);
    expect(ok.resolved).toBe(true);
    expect(ok.report).toMatchObject({
      patch_is_None: false,
      patch_exists: true,
      patch_successfully_applied: true,
      resolved: true,
    });
    const none = await graded(base, '');
    expect(none.resolved).toBe(false);
    expect(
      (none.report as { tests_status: { FAIL_TO_PASS: { failure: string[] } } }).tests_status.FAIL_TO_PASS.failure
        .length,
    ).toBeGreaterThan(0);
    const garbage = await graded(
      base,
      'diff --git a/textkit/nope.py b/textkit/nope.py\n--- a/textkit/nope.py\n+++ b/textkit/nope.py\n@@ -1 +1 @@\n-a\n+b\n',
    );
    expect(garbage.report).toMatchObject({ patch_successfully_applied: false, resolved: false });
  }, 180_000);

  it('applies a model patch that only a fuzzy patch takes, as upstream does; a test patch that does not apply is an infrastructure error', async () => {
    const gold = base.gold!.kind === 'patch' ? base.gold!.patch : '';
    const drifted = gold.replace('         return text\n', '         return TEXT\n'); // git apply refuses; patch --fuzz takes it
    expect(drifted).not.toBe(gold);
    expect(await graded(base, drifted)).toMatchObject({ resolved: true, report: { patch_successfully_applied: true } });
    const swe = base.grader as Extract<Task['grader'], { kind: 'swebench' }>;
    const broken: Task = {
      ...base,
      grader: {
        ...swe,
        testPatch: `diff --git a/nope.py b/nope.py\n--- a/nope.py\n+++ b/nope.py\n@@ -1 +1 @@\n-a\n+b\n${swe.testPatch}`,
      },
    };
    await expect(graded(broken, gold)).rejects.toMatchObject({ kind: 'test_patch_failed' });
  }, 120_000);

  it('kills a hanging test command at the test timeout and records it as unresolved', async () => {
    const hang: Task = {
      ...base,
      limits: { ...base.limits, testTimeoutSec: 3 },
      grader: { ...(base.grader as Extract<Task['grader'], { kind: 'swebench' }>), testCommand: 'sleep 600' },
    };
    const t0 = Date.now();
    const r = await graded(hang, base.gold!.kind === 'patch' ? base.gold!.patch : '');
    expect(r).toMatchObject({ resolved: false, report: { timed_out: true } });
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 120_000);

  it('a test run that prints no results is an infrastructure error, not a failed task', async () => {
    const silent: Task = {
      ...base,
      grader: { ...(base.grader as Extract<Task['grader'], { kind: 'swebench' }>), testCommand: 'echo nothing here' },
    };
    await expect(graded(silent, base.gold!.kind === 'patch' ? base.gold!.patch : '')).rejects.toBeInstanceOf(
      GradingError,
    );
  }, 120_000);

  // Every built-in task is validated in Docker once at its content (`evolve tasks validate builtin --unvalidated
  // --record` writes tasks/suites/builtin/validated.json); here, one task of each grading convention checks the
  // grader as it is now, and a task added or edited since its record is validated in full.
  it('every built-in task passes validation: one of each grading convention, and each task not recorded as validated at its content', async () => {
    const sample = conventionSample(suite.tasks);
    expect(sample.map((t) => t.kind).sort()).toEqual(['swebench', 'terminal-bench']);
    const images = await validationImages(suite.tasks, { sandbox: 'docker' });
    const changed = unvalidated(suite.tasks, readValidated(suite.source), { images });
    const tasks = [...new Map([...sample, ...changed].map((t) => [t.id, t])).values()];
    const wiring = await wireRuns({ sandbox: 'docker', runsDir: mkdtempSync(join(tmpdir(), 'evolve-validate-')) });
    const results = await validateTasks(tasks, wiring.runOne, { concurrency: 2 }).finally(() => wiring.dispose?.());
    expect(results.filter((r) => !r.ok).map((r) => `${r.taskId}: ${r.problems.join('; ')}`)).toEqual([]);
    expect(results).toHaveLength(tasks.length);
  }, 1_800_000);
});
