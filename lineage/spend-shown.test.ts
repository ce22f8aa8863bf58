// vitest project: postgres too
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runCli } from '../cli/testing/run-cli.js';
import { now } from './db/open.js';
import { repairWorkspace } from './self-repair/testing.js';
import type { Workspace } from './workspace.js';

// Spend where a person looks: `evolve tree` per experiment and in total, `evolve export` per experiment and in the
// manifest; the lineage's own model calls (self-repair, an author) apart from the agent's runs, and a call with no
// price shown as unpriced rather than as $0.

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

it('tree and export show what each experiment cost, its runs and the model calls made for it apart', async () => {
  ws = await repairWorkspace();
  await ws.db.updateTable('runs').set({ cost_usd: 0.02 }).where('experiment_id', '=', 'exp-01').execute();
  const call = (experiment: string, purpose: string, cost: number | null) =>
    ws!.db
      .insertInto('model_calls')
      .values({
        generation_id: 1,
        experiment_id: experiment,
        purpose,
        label: `${purpose} ${experiment}`,
        model: 'scripted',
        calls: 2,
        tokens: 300,
        cost_usd: cost,
        created_at: now(),
      })
      .execute();
  await call('exp-01', 'self-repair', 0.005);
  await call('exp-01', 'author', null);

  const tree = await runCli(['tree'], ws.paths.root);
  expect(tree.code, tree.err).toBe(0);
  const lines = tree.out.trim().split('\n');
  expect(lines.find((l) => l.includes('exp-01 '))).toMatch(
    /exp-01 .*\$0\.0450 \(runs \$0\.0400, self-repair \$0\.0050\) \+ 2 unpriced$/,
  );
  expect(lines).toContain('spend $0.0450: runs $0.0400, self-repair $0.0050, author $0.0000 (+ 2 unpriced)');

  const out = join(ws.paths.root, 'out');
  const exp = await runCli(['export', '--out', out], ws.paths.root);
  expect(exp.code, exp.err).toBe(0);
  const row = JSON.parse(readFileSync(join(out, 'experiments.jsonl'), 'utf8').trim().split('\n')[0]!);
  expect([row.id, row.cost_usd, row.lineage_cost_usd]).toEqual(['exp-01', 0.04, { 'self-repair': 0.005 }]);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  expect(manifest.spend.runs.dollars).toBeCloseTo(0.04);
  expect(manifest.spend.lineage['self-repair']).toMatchObject({ dollars: 0.005, calls: 2 });
  expect(manifest.spend.lineage.author).toMatchObject({ dollars: 0, calls: 2, unpriced: 2 });
});
