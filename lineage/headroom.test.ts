import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/testing/run-cli.js';
import { now } from './db/open.js';
import { baselineGenome, seedRoot } from './experiments.js';
import { promotionOutOfReach } from './headroom.js';
import { addRuns, addTasks } from './testing/add-runs.js';
import { initWorkspace, openWorkspace, type Workspace } from './workspace.js';

// Whether the next generation could promote anything on its tasks, from the champion's own runs there: a champion
// that resolves every task, or misses fewer than the exact test needs, leaves no child anything to win, and
// `evolve run` stops instead of spending a generation of runs on it.

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

const TRAIN = Array.from({ length: 8 }, (_, i) => `mini__t-${i + 1}`);

async function workspace(genome = baselineGenome()): Promise<{ w: Workspace; dir: string }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'evolve-headroom-')), 'lab');
  await initWorkspace(dir);
  writeFileSync(
    join(dir, 'evolve.json'),
    JSON.stringify({ version: 1, defaults: { suite: 'mini', sandbox: 'local' } }),
  );
  const w = await openWorkspace(dir);
  await seedRoot(w.db, genome);
  await w.db
    .insertInto('suites')
    .values({ id: 'mini', kind: 'swebench', source: 'test', meta: '{}', created_at: now() })
    .execute();
  await addTasks(w, TRAIN, 'train');
  await addTasks(w, ['mini__h-1'], 'heldout');
  ws = w;
  return { w, dir };
}

/** exp-01 misses the first `misses` train tasks (by id) and resolves the rest. */
const missingFirst = (misses: number) => (task: string) => TRAIN.indexOf(task) >= misses;

describe('promotionOutOfReach', () => {
  it('is out of reach when the champion resolves every task of the generation, whatever the score rule', async () => {
    const { w } = await workspace();
    await addRuns(w, 'exp-01', 'train', TRAIN, 1, () => true);
    const why = await promotionOutOfReach(w);
    expect(why).toBe('exp-01 resolves every one of the 8 train tasks of mini: no child can score higher there');
    expect(await promotionOutOfReach(w, { rule: 'mean' })).toBe(why);
    expect(await promotionOutOfReach(w, { rule: 'lower-bound' })).toBe(why);
    // pareto and lexicographic may promote a cheaper child at an equal score.
    expect(await promotionOutOfReach(w, { rule: 'pareto' })).toBeUndefined();
    expect(await promotionOutOfReach(w, { rule: 'lexicographic' })).toBeUndefined();
  });

  it('paired-significant: out of reach below the exact test’s fewest tasks (6 at 2.5%), in reach from there', async () => {
    const { w } = await workspace();
    await addRuns(w, 'exp-01', 'train', TRAIN, 1, missingFirst(5));
    expect(await promotionOutOfReach(w)).toBe(
      'exp-01 misses only 5 of the 8 train tasks of mini: a child must gain at least 6 tasks before the exact test can reach 0.025, so none can be promoted',
    );
    // The mean rule needs no test: 5 open tasks are room enough.
    expect(await promotionOutOfReach(w, { rule: 'mean' })).toBeUndefined();
    // ...unless its margin is at least the most a child could gain (5 of 8 tasks: 62.5 points).
    expect(await promotionOutOfReach(w, { rule: 'mean', margin: 0.625 })).toMatch(
      /leaves at most 62\.5 points to gain on the 8 train tasks of mini, not more than the margin 62\.5/,
    );
    expect(await promotionOutOfReach(w, { rule: 'mean', margin: 0.6 })).toBeUndefined();
  });

  it('paired-significant: a champion of a sampling model stays in reach when evidence rounds may run it again', async () => {
    const { w } = await workspace({ ...baselineGenome(), model: 'scripted' });
    await addRuns(w, 'exp-01', 'train', TRAIN, 1, missingFirst(5));
    // Its next runs of t-6..t-8 may fail where a child's pass: a child could gain more than five tasks.
    expect(await promotionOutOfReach(w)).toBeUndefined();
    // With no evidence rounds the champion is never run again, and the bound holds.
    w.config.lineage.evidenceRounds = 0;
    expect(await promotionOutOfReach(w)).toMatch(/misses only 5 of the 8 train tasks of mini/);
  });

  it('lower-bound: judged on the Wilson bounds, whose gap can exceed the gain in score', async () => {
    const { w } = await workspace();
    await addRuns(w, 'exp-01', 'train', TRAIN, 1, missingFirst(1));
    // 7 of 8 resolved: a child resolving all 8 gains 12.5 points, but its bound L(8/8, 8) = 67.6% is 14.6 points
    // above the champion's L(7/8, 8) = 52.9%, so lower-bound promotes it at a margin of 13 points.
    expect(await promotionOutOfReach(w, { rule: 'lower-bound', margin: 0.13 })).toBeUndefined();
    expect(await promotionOutOfReach(w, { rule: 'mean', margin: 0.13 })).toMatch(/leaves at most 12\.5 points/);
    expect(await promotionOutOfReach(w, { rule: 'lower-bound', margin: 0.15 })).toMatch(
      /at most 14\.6 points of Wilson lower bound to gain on the 8 train tasks of mini, not more than the margin 15\.0/,
    );
  });

  it('counts a task resolved in only some repeats as open, and checks only the generation’s subset', async () => {
    const { w } = await workspace();
    // Misses t-1..t-5 always, t-6 in one repeat of two: six open tasks.
    await addRuns(w, 'exp-01', 'train', TRAIN, 2, (t, r) => missingFirst(5)(t) && !(t === 'mini__t-6' && r === 1));
    expect(await promotionOutOfReach(w)).toBeUndefined();
    // --subset 4: the first four by id, all missed: fewer than six to gain.
    expect(await promotionOutOfReach(w, { subset: 4 })).toMatch(/misses only 4 of the 4 train tasks of mini/);
  });

  it('is unknown (so the generation runs) while the champion has not run every task, or a generation is running', async () => {
    const { w } = await workspace();
    expect(await promotionOutOfReach(w)).toBeUndefined();
    await addRuns(w, 'exp-01', 'train', TRAIN.slice(1), 1, () => true);
    expect(await promotionOutOfReach(w)).toBeUndefined();
    expect(await promotionOutOfReach(w, { subset: 1 })).toBeUndefined();
    await addRuns(w, 'exp-01', 'train', TRAIN.slice(0, 1), 1, () => true);
    expect(await promotionOutOfReach(w)).toMatch(/resolves every one/);
    // Held-out runs say nothing about the train split, and the held-out split is judged on its own runs.
    expect(await promotionOutOfReach(w, { split: 'heldout' })).toBeUndefined();
    await w.db
      .insertInto('generations')
      .values({
        id: 1,
        parent_id: 'exp-01',
        proposer: 'systematic',
        selector: 'champion',
        rule: 'paired-significant',
        status: 'running',
        config: '{}',
        started_at: now(),
      })
      .execute();
    expect(await promotionOutOfReach(w)).toBeUndefined();
  });
});

describe('evolve run', () => {
  it('stops before a generation when no child could be promoted on its tasks, naming why', async () => {
    const { w, dir } = await workspace();
    await addRuns(w, 'exp-01', 'train', TRAIN, 1, missingFirst(2));
    await w.close();
    ws = undefined;
    const r = await runCli(['run', '--generations', '3', '--patience', '1'], dir);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(
      'stopping: no child can be promoted on these tasks (exp-01 misses only 2 of the 8 train tasks of mini: a child must gain at least 6 tasks',
    );
    expect(r.err).not.toMatch(/generation 1 of 3/);
    ws = await openWorkspace(dir);
    expect(await ws.db.selectFrom('generations').select('id').execute()).toEqual([]);
    expect(await ws.db.selectFrom('experiments').select('id').execute()).toEqual([{ id: 'exp-01' }]);
  });
});
