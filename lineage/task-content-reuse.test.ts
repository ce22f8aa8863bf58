// vitest project: postgres too
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { RunJob } from '../evaluator/job.js';
import type { RunResult } from '../evaluator/store.js';
import { evaluateExperiment } from './evaluate-experiment.js';
import { baselineGenome, seedRoot } from './experiments.js';
import { initWorkspace, openWorkspace, type Workspace } from './workspace.js';

// `evolve eval` after a Terminal-Bench task's hidden tests changed: the runs graded by the old tests are not reused
// for the new ones (the task's content id covers its tests folder), while untouched tasks keep theirs.

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

it('eval runs a task again once a file of its tests folder changed, and reuses the runs of the others', async () => {
  const suite = mkdtempSync(join(tmpdir(), 'evolve-tb-suite-'));
  for (const n of ['tb-test-dir-setup', 'harbor-solution-dir'])
    cpSync(join(import.meta.dirname, '..', 'tasks', 'fixtures', 'published', n), join(suite, n), { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'evolve-ws-'));
  await initWorkspace(dir);
  ws = await openWorkspace(dir);
  ws.config.suites.pub = suite;
  await seedRoot(ws.db, baselineGenome());
  const ran: string[] = [];
  const wiring = {
    runOne: async (job: RunJob): Promise<RunResult> => {
      ran.push(job.task.id);
      return { outcome: 'unresolved', exitReason: 'submitted', durationMs: 1, costUsd: 0 };
    },
  };
  const opts = { experimentId: 'exp-01', suite: 'pub', split: 'all' as const, wiring };
  await evaluateExperiment(ws, opts);
  expect(ran.sort()).toEqual(['harbor-solution-dir', 'tb-test-dir-setup']);

  ran.length = 0;
  await evaluateExperiment(ws, opts);
  expect(ran).toEqual([]);

  writeFileSync(join(suite, 'tb-test-dir-setup', 'tests', 'test_outputs.py'), '\ndef test_new():\n    pass\n', {
    flag: 'a',
  });
  await evaluateExperiment(ws, opts);
  expect(ran).toEqual(['tb-test-dir-setup']);
});
