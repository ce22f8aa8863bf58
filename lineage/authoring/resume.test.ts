// vitest project: postgres too
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunJob } from '../../evaluator/job.js';
import type { RunResult } from '../../evaluator/store.js';
import { nextGeneration } from '../next-generation.js';
import { repairWorkspace } from '../self-repair/testing.js';
import { insertCodeVariant } from '../self-repair/variant.js';
import type { Workspace } from '../workspace.js';
import { getExperiment } from '../db/repos/experiments.js';

// A generation killed while the champion was authoring a code child (its row written, its gates not reached) is
// resumed on a real workspace: the half-written child fails, is never run with its parent's code, and the
// generation completes with the children it still needs.

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

const wiring = (dir: string, ran: string[]) => ({
  runOne: async (job: RunJob): Promise<RunResult> => {
    ran.push(job.experimentId);
    const patchPath = join(dir, `${job.experimentId}-${job.task.id}.diff`);
    writeFileSync(patchPath, 'diff\n');
    return { outcome: 'unresolved', exitReason: 'submitted', durationMs: 10, costUsd: 0, patchPath };
  },
});

describe('a generation killed while authoring', () => {
  it('resumes: the half-written code child fails and never runs; the generation gets its other children', async () => {
    ws = await repairWorkspace();
    const w = ws;
    const ran: string[] = [];
    const killed = nextGeneration(w, {
      children: 2,
      confirm: false,
      seed: 1,
      eval: { suite: 'mini', wiring: wiring(w.paths.runs, ran) },
      author: async (ctx) => {
        await insertCodeVariant(w.db, {
          parent: ctx.parent,
          parentBranch: 'exp-01',
          origin: 'authored by champion exp-01',
          hypothesis: '(being written by exp-01)',
          authoredBy: 'exp-01',
          proposer: 'author:exp-01',
          generation: ctx.generation,
          patch: '',
        });
        throw new Error('killed while authoring');
      },
    });
    await expect(killed).rejects.toThrow(/killed while authoring/);
    const lines: string[] = [];
    const r = await nextGeneration(w, {
      confirm: false,
      log: (l) => lines.push(l),
      eval: { suite: 'mini', wiring: wiring(w.paths.runs, ran) },
    });
    expect(lines.join('\n')).toMatch(/authoring of exp-01-r1 was interrupted before the gates: marked failed/);
    expect((await getExperiment(w.db, 'exp-01-r1')).status).toBe('failed');
    const d = await w.db
      .selectFrom('decisions')
      .select(['action', 'reason', 'generation_id'])
      .where('experiment_id', '=', 'exp-01-r1')
      .execute();
    expect(d).toEqual([{ action: 'fail', reason: 'its authoring was interrupted before the gates', generation_id: 1 }]);
    expect(ran).not.toContain('exp-01-r1');
    expect(r.rows.map((x) => x.id)).toEqual(['exp-01-a']);
    expect(r.notRun).toEqual([
      { id: 'exp-01-r1', status: 'failed', reason: 'author: its authoring was interrupted before the gates' },
    ]);
    const gen = await w.db.selectFrom('generations').select(['status', 'config']).executeTakeFirstOrThrow();
    expect(gen.status).toBe('done');
    expect(JSON.parse(gen.config).children).toEqual(['exp-01-r1', 'exp-01-a']);
  });
});
