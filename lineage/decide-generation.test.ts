// vitest project: postgres too
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baselineGenome } from './experiments.js';
import { now } from './db/open.js';
import { decideGeneration } from './decide-generation.js';
import { insertChild } from './experiments.js';
import { exportExperiments } from './export-experiments.js';
import { writeExperimentFolder } from './folders.js';
import { propose } from './proposers.js';
import { repairWorkspace, TASK_IDS } from './self-repair/testing.js';
import { addRuns } from './testing/add-runs.js';
import type { Workspace } from './workspace.js';
import { getExperiment } from './db/repos/experiments.js';
import { runCli } from '../cli/testing/run-cli.js';

// The decision step on a real workspace: constraints discard, every Nth child is kept as explore, and the mark
// reaches the decision row, the experiment folder and the export.

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

/** exp-01 (unresolved on both tasks) and three children: a resolves both cheaply, b resolves both dearly, c resolves none. */
async function generation(): Promise<Workspace> {
  const w = await repairWorkspace();
  const root = await getExperiment(w.db, 'exp-01');
  const proposals = propose('systematic', { ...baselineGenome(), model: 'scripted' }, { k: 3, tried: new Set() });
  const plan: Array<{ resolved: boolean; cost: number }> = [
    { resolved: true, cost: 0.01 },
    { resolved: true, cost: 1 },
    { resolved: false, cost: 0.01 },
  ];
  for (const [i, p] of proposals.entries()) {
    const kid = await insertChild(w.db, {
      parent: root,
      genome: p.genome,
      hypothesis: p.hypothesis,
      proposer: 'systematic',
      generation: 1,
    });
    const { id: evaluationId } = await w.db
      .insertInto('evaluations')
      .values({
        experiment_id: kid.id,
        suite_id: 'mini',
        split: 'train',
        stage: 'full',
        task_ids: JSON.stringify(TASK_IDS),
        repeats: 1,
        status: 'done',
        config: '{}',
        created_at: now(),
        finished_at: now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const taskId of TASK_IDS) {
      await w.db
        .insertInto('runs')
        .values({
          evaluation_id: evaluationId,
          experiment_id: kid.id,
          suite_id: 'mini',
          task_id: taskId,
          repeat: 0,
          status: 'done',
          outcome: plan[i]!.resolved ? 'resolved' : 'unresolved',
          exit_reason: 'submitted',
          infra_error: null,
          attempts: 1,
          input_tokens: 100,
          output_tokens: 10,
          cache_read_tokens: null,
          cache_write_tokens: null,
          cost_usd: plan[i]!.cost,
          duration_ms: 1000,
          steps: 3,
          trajectory_path: null,
          patch_path: null,
          report: null,
          failure_signature: null,
          cluster_id: null,
          worker: null,
          started_at: now(),
          finished_at: now(),
        })
        .execute();
    }
  }
  return w;
}

const decisionsOf = async (w: Workspace) =>
  (await w.db.selectFrom('decisions').select(['experiment_id', 'action', 'reason']).orderBy('id').execute()).map(
    (d) => [d.experiment_id, d.action, d.reason],
  );

describe('decideGeneration', () => {
  it('discards a child over lineage.maxCostPerTask and promotes the best of the rest', async () => {
    ws = await generation();
    const r = await decideGeneration(ws.db, {
      champion: 'exp-01',
      children: ['exp-01-a', 'exp-01-b', 'exp-01-c'],
      rule: 'mean',
      margin: 0,
      maxCostPerTask: 0.5,
      exploreEvery: 0,
      split: 'train',
      log: () => {},
    });
    expect(r.rows.map((x) => [x.id, x.decision])).toEqual([
      ['exp-01-a', 'promote'],
      ['exp-01-b', 'discard'],
      ['exp-01-c', 'not promoted'],
    ]);
    expect(await decisionsOf(ws)).toEqual([
      ['exp-01-a', 'promote', expect.stringMatching(/mean difference > 0\.0%/)],
      ['exp-01-b', 'retire', 'discarded: $1.0000 per run is over lineage.maxCostPerTask $0.5000'],
      ['exp-01-c', 'keep', expect.stringMatching(/not the best child/)],
    ]);
    expect((await getExperiment(ws.db, 'exp-01-b')).status).toBe('retired');
  });

  it('a child with unpriced runs has an unknown cost: a cost bound discards it rather than taking it as free', async () => {
    ws = await generation();
    await ws.db
      .updateTable('runs')
      .set({ cost_usd: null })
      .where('experiment_id', '=', 'exp-01-a')
      .where('task_id', '=', TASK_IDS[0]!)
      .execute();
    const r = await decideGeneration(ws.db, {
      champion: 'exp-01',
      children: ['exp-01-a', 'exp-01-b', 'exp-01-c'],
      rule: 'mean',
      margin: 0,
      maxCostPerTask: 0.5,
      exploreEvery: 0,
      split: 'train',
      log: () => {},
    });
    expect(r.rows.map((x) => [x.id, x.decision])).toEqual([
      ['exp-01-a', 'discard'],
      ['exp-01-b', 'discard'],
      ['exp-01-c', 'not promoted'],
    ]);
    expect((await decisionsOf(ws))[0]).toEqual(['exp-01-a', 'retire', expect.stringMatching(/cost is unknown/)]);
  });

  it('keeps every Nth child of the lineage as explore whatever the rule said (a constraint still discards), and shows it in the folder and the export', async () => {
    ws = await generation();
    // (mean: on two tasks no paired test can reach 2.5%, and this is about explore, not the test.)
    const r = await decideGeneration(ws.db, {
      champion: 'exp-01',
      children: ['exp-01-a', 'exp-01-b', 'exp-01-c'],
      rule: 'mean',
      margin: 0,
      maxCostPerTask: 0.5,
      exploreEvery: 3,
      split: 'train',
      log: () => {},
    });
    // a still wins on the rule; b is over the cost bound; c (child 3 of the lineage) is explore instead of keep.
    expect(r.promoted).toBe('exp-01-a');
    expect(r.rows.map((x) => [x.id, x.decision])).toEqual([
      ['exp-01-a', 'promote'],
      ['exp-01-b', 'discard'],
      ['exp-01-c', 'explore'],
    ]);
    const explore = (await decisionsOf(ws)).find((d) => d[0] === 'exp-01-c')!;
    expect(explore).toEqual([
      'exp-01-c',
      'explore',
      expect.stringMatching(
        /explore: child 3 of the lineage, kept regardless of the rule \(lineage\.exploreEvery 3\); the rule said not promoted/,
      ),
    ]);
    expect((await getExperiment(ws.db, 'exp-01-c')).status).toBe('proposed');
    await writeExperimentFolder(ws.db, ws.paths.experiments, 'exp-01-c');
    expect(readFileSync(join(ws.paths.experiments, 'exp-01-c', 'README.md'), 'utf8')).toMatch(
      /status \*\*proposed\*\* \(explore: kept regardless of the rule\)/,
    );
    const out = mkdtempSync(join(tmpdir(), 'evolve-export-'));
    await exportExperiments(ws, { outDir: out });
    const statuses = Object.fromEntries(
      readFileSync(join(out, 'experiments.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; status: string })
        .map((e) => [e.id, e.status]),
    );
    expect(statuses).toMatchObject({ 'exp-01-b': 'discarded', 'exp-01-c': 'explore' });
    // `evolve tree` marks the explore child and no other.
    const tree = await runCli(['--workspace', ws.paths.root, 'tree'], ws.paths.root);
    expect(tree.code, tree.err).toBe(0);
    const lines = tree.out.trim().split('\n');
    expect(lines.find((l) => l.includes('exp-01-c'))).toMatch(/^ {4}exp-01-c .* proposed \(explore\)  /);
    expect(lines.filter((l) => l.includes('(explore)'))).toHaveLength(1);
    const json = await runCli(['--workspace', ws.paths.root, 'tree', '--json'], ws.paths.root);
    expect(
      (JSON.parse(json.out) as { nodes: Array<{ id: string; explore: boolean }> }).nodes
        .filter((n) => n.explore)
        .map((n) => n.id),
    ).toEqual(['exp-01-c']);
  });

  it('confirms on held-out with a superiority test: a winner whose held-out difference is 0 or negative is not promoted', async () => {
    const HELD = Array.from({ length: 8 }, (_, i) => `mini__held-${i}`);
    for (const [label, winnerSolves, promoted] of [
      ['tie', 0, false],
      ['worse', -1, false],
      ['better', 6, true],
    ] as const) {
      ws = await generation();
      const spec = await ws.db.selectFrom('tasks').select('spec').limit(1).executeTakeFirstOrThrow();
      for (const id of HELD)
        await ws.db
          .insertInto('tasks')
          .values({
            id,
            suite_id: 'mini',
            content_id: id,
            kind: 'swebench',
            difficulty: 'easy',
            tags: '[]',
            split: 'heldout',
            spec: JSON.stringify({ ...JSON.parse(spec.spec), id }),
          })
          .execute();
      const asked: Array<[string[], number]> = [];
      const lines: string[] = [];
      const r = await decideGeneration(ws.db, {
        champion: 'exp-01',
        children: ['exp-01-a', 'exp-01-c'],
        rule: 'mean',
        margin: 0,
        exploreEvery: 0,
        split: 'train',
        heldoutRepeats: 2,
        confirmOnHeldout: async (ids, repeats) => {
          asked.push([ids, repeats]);
          // The champion resolves the first held-out task (so "worse" can lose it); the winner as the case says.
          await addRuns(ws!, 'exp-01', 'heldout', HELD, repeats, (t) => t === HELD[0]);
          await addRuns(ws!, ids[1]!, 'heldout', HELD, repeats, (t) =>
            winnerSolves < 0 ? false : winnerSolves === 0 ? t === HELD[0] : HELD.indexOf(t) <= winnerSolves,
          );
        },
        log: (l) => lines.push(l),
      });
      expect(asked, label).toEqual([[['exp-01', 'exp-01-a'], 2]]);
      expect(r.promoted, label).toBe(promoted ? 'exp-01-a' : null);
      expect(r.heldout, label).toMatchObject({ criterion: 'superiority', n: 8, repeats: 2, alpha: 0.05 });
      expect(r.heldout!.verdict, label).toBe(promoted ? 'confirmed' : 'failed');
      expect(r.reason, label).toMatch(promoted ? /held-out confirmed: .* <= 0\.05 \(superiority\)/ : /held-out failed/);
      const d = await ws.db
        .selectFrom('decisions')
        .select(['action', 'details'])
        .where('experiment_id', '=', 'exp-01-a')
        .orderBy('id')
        .execute();
      expect(
        d.map((x) => x.action),
        label,
      ).toEqual(promoted ? ['promote'] : ['confirm_failed', 'keep']);
      expect(JSON.parse(d[0]!.details).heldout.verdict, label).toBe(promoted ? 'confirmed' : 'failed');
      if (promoted) expect(JSON.parse(d[0]!.details).heldout.test.p).toBeCloseTo(1 / 64, 12);
      await ws.close();
      ws = undefined;
    }
  });
});
