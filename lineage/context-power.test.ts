import { afterEach, describe, expect, it } from 'vitest';
import { minTasksToDetect } from '../evaluator/stats/index.js';
import { readContext, renderContext } from './context.js';
import { repairWorkspace } from './self-repair/testing.js';
import type { Workspace } from './workspace.js';

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

describe('evolve context states what the decisions can detect', () => {
  it('the fewest tasks a gain needs: 2^-k <= alpha', () => {
    expect([0.05, 0.025, 0.0089 / 3, 0.5].map(minTasksToDetect)).toEqual([5, 6, 9, 1]);
  });

  it("prints the train test's and the held-out test's smallest detectable gain on the parent's suite", async () => {
    ws = await repairWorkspace();
    const c = await readContext(ws.db, 'exp-01', ws.config.lineage);
    expect(c.power).toMatchObject({
      suite: 'mini',
      train: { tasks: 2, minTasks: 15, lastMinTasks: 9, looks: 8 },
      heldout: { tasks: 0, level: 0.05 },
    });
    expect(renderContext(c)).toMatch(
      /Decision power on mini: .* p <= 0\.000056 at its first look \(its share of 2\.5%, spent over 9 looks as its repeats double\), which on the train split takes at least 15 tasks, more than the 2 there are \(no gain can be confirmed\) gained with none lost, and p <= 0\.0032 at its last look: at least 9 tasks, .* held-out confirmation \(superiority, one-sided 0\.05\) needs at least 5 tasks, more than the 0 there are/,
    );
  });

  it('a parent whose model declares itself deterministic (offline): one look with the whole share, 2.5%/3 needs 7 tasks', async () => {
    ws = await repairWorkspace();
    const genome = JSON.parse(
      (await ws.db.selectFrom('experiments').select('genome').where('id', '=', 'exp-01').executeTakeFirstOrThrow())
        .genome,
    );
    await ws.db
      .updateTable('experiments')
      .set({ genome: JSON.stringify({ ...genome, model: 'offline' }) })
      .where('id', '=', 'exp-01')
      .execute();
    const c = await readContext(ws.db, 'exp-01', ws.config.lineage);
    expect(c.power?.train).toMatchObject({ looks: 0, minTasks: 7, deterministic: true });
    expect(c.power!.train.level).toBeCloseTo(0.025 / 3, 12);
    expect(renderContext(c)).toMatch(
      /p <= 0\.0083 at its one look \(its whole share of 2\.5%: the model declares itself deterministic, .*\), which on the train split takes at least 7 tasks/,
    );
  });
});
