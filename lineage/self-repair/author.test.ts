// vitest project: postgres too
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { say } from '../../agent/models/scripted.js';
import type { RunJob } from '../../evaluator/job.js';
import type { RunResult } from '../../evaluator/store.js';
import { baselineGenome } from '../experiments.js';
import { nextGeneration } from '../next-generation.js';
import type { Workspace } from '../workspace.js';
import { canWriteProposals } from '../model-json.js';
import { type AuthorContext, authorProposals } from './author.js';
import { repairWorkspace } from './testing.js';

// Self-authoring through the real nextGeneration on a real workspace; runs are a fake wiring (no tasks to run here).

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

const fakeWiring = (dir: string) => ({
  runOne: async (job: RunJob): Promise<RunResult> => {
    const patchPath = join(dir, `${job.experimentId}-${job.task.id}.diff`);
    writeFileSync(patchPath, 'diff\n');
    return { outcome: 'unresolved', exitReason: 'submitted', durationMs: 10, costUsd: 0, patchPath };
  },
});

async function withChampionModel(model: string): Promise<Workspace> {
  const w = await repairWorkspace();
  await w.db
    .updateTable('experiments')
    .set({ genome: JSON.stringify({ ...baselineGenome(), model }) })
    .where('id', '=', 'exp-01')
    .execute();
  return w;
}

describe('self-authoring', () => {
  it('with the offline model, falls back to the systematic proposer and says so in the log and the generation config', async () => {
    ws = await withChampionModel('offline');
    const w = ws;
    const lines: string[] = [];
    const r = await nextGeneration(w, {
      children: 2,
      confirm: false,
      seed: 3,
      log: (l) => lines.push(l),
      eval: { suite: 'mini', wiring: fakeWiring(w.paths.runs) },
      author: (ctx: AuthorContext) => authorProposals(w, ctx),
    });
    expect(r.rows.map((x) => x.id)).toEqual(['exp-01-a', 'exp-01-b']);
    expect(lines.join('\n')).toMatch(
      /champion exp-01's model "offline" cannot author proposals; fell back to the systematic proposer/,
    );
    const kids = await w.db
      .selectFrom('experiments')
      .select(['proposer', 'authored_by'])
      .where('parent_id', '=', 'exp-01')
      .execute();
    expect(kids).toEqual([
      { proposer: 'systematic', authored_by: null },
      { proposer: 'systematic', authored_by: null },
    ]);
    const gen = await w.db.selectFrom('generations').select('config').executeTakeFirstOrThrow();
    expect(JSON.parse(gen.config).author).toMatchObject({
      requested: 'champion',
      proposer: 'systematic',
      note: expect.stringMatching(/fell back/),
    });
  });

  it('a model that can author picks the children and writes their hypotheses; invalid picks are rejected with a reason', async () => {
    ws = await withChampionModel('scripted');
    const w = ws;
    const reply = JSON.stringify({
      children: [
        { candidate: 1, hypothesis: 'A different tool set stops the loops seen in the failing runs.' },
        { candidate: 999, hypothesis: 'This one does not exist at all.' },
      ],
    });
    const lines: string[] = [];
    const author = (ctx: AuthorContext) =>
      authorProposals(w, ctx, { script: [say(`Here you go: ${reply}`)], log: (l) => lines.push(l) });
    const r = await nextGeneration(w, {
      children: 2,
      confirm: false,
      seed: 3,
      log: (l) => lines.push(l),
      eval: { suite: 'mini', wiring: fakeWiring(w.paths.runs) },
      author,
    });
    expect(r.rows).toHaveLength(1);
    const kid = await w.db
      .selectFrom('experiments')
      .selectAll()
      .where('id', '=', r.rows[0]!.id)
      .executeTakeFirstOrThrow();
    expect([kid.proposer, kid.authored_by, kid.hypothesis]).toEqual([
      'author:exp-01',
      'exp-01',
      'A different tool set stops the loops seen in the failing runs.',
    ]);
    expect(lines.join('\n')).toMatch(/rejected candidate 999: no such candidate/);
    expect(canWriteProposals('offline')).toBe(false);
    expect(canWriteProposals('replay:/tmp/x.jsonl')).toBe(false);
    expect(canWriteProposals('anthropic/claude-haiku-4-5')).toBe(true);
  });
});
