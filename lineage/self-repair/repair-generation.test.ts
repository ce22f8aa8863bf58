// vitest project: postgres too
import { afterEach, expect, it } from 'vitest';
import type { RunJob } from '../../evaluator/job.js';
import type { RunResult } from '../../evaluator/store.js';
import { runCli } from '../../cli/testing/run-cli.js';
import { nextGeneration } from '../next-generation.js';
import type { Workspace } from '../workspace.js';
import { openRepairGeneration } from './repair-generation.js';
import { repairWorkspace } from './testing.js';
import { insertCodeVariant } from './variant.js';
import { getExperiment } from '../db/repos/experiments.js';

// A self-repair killed mid-repair leaves a generation running and a code variant with no branch: nothing may run it
// with its parent's code under its name, neither `eval` nor the next-generation that resumes the generation.

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

it('a code variant killed before its gates fails on resume and is never run as its parent', async () => {
  ws = await repairWorkspace();
  const parent = await getExperiment(ws.db, 'exp-01');
  const generation = await openRepairGeneration(ws.db, 'exp-01', {
    champion: 'exp-01',
    cluster: 'c1',
    rule: 'mean',
    margin: 0,
    eval: { suite: 'mini', subset: null, repeats: 1 },
  });
  const child = await insertCodeVariant(ws.db, {
    parent,
    parentBranch: 'exp-01',
    cluster: { id: 'c1', label: 'x' },
    hypothesis: 'h',
    authoredBy: 'exp-01',
    generation,
    patch: '',
  });

  const cli = await runCli(['eval', child.id, '--suite', 'mini'], ws.paths.root);
  expect(cli.code).not.toBe(0);
  expect(cli.err).toMatch(`${child.id} is a code variant that has not passed its gates`);

  const ran: string[] = [];
  const wiring = {
    runOne: async (job: RunJob): Promise<RunResult> => {
      ran.push(job.experimentId);
      return { outcome: 'unresolved', exitReason: 'submitted', durationMs: 1, costUsd: 0 };
    },
  };
  const r = await nextGeneration(ws, { confirm: false, evidenceRounds: 0, eval: { suite: 'mini', wiring } });
  expect(r.generation).toBe(generation);
  expect(ran).not.toContain(child.id);
  expect(r.rows).toEqual([]);
  expect((await getExperiment(ws.db, child.id)).status).toBe('failed');
  const d = await ws.db
    .selectFrom('decisions')
    .selectAll()
    .where('experiment_id', '=', child.id)
    .executeTakeFirstOrThrow();
  expect([d.action, d.generation_id]).toEqual(['fail', generation]);
  expect(d.reason).toMatch(/before the gates|never passed its gates/);
});
