// vitest project: postgres too
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffGenomes } from '../agent/genome-diff.js';
import type { Genome } from '../agent/genome.js';
import { combinedProposals } from './combine.js';
import { insertChild, parseGenome, seedRoot } from './experiments.js';
import { initWorkspace, openWorkspace } from './workspace.js';
import { getExperiment } from './db/repos/experiments.js';

// Combining children that looked better, on a real workspace database.

async function workspace() {
  const root = mkdtempSync(join(tmpdir(), 'evolve-combine-'));
  await initWorkspace(root);
  const ws = await openWorkspace(root);
  await seedRoot(ws.db);
  return ws;
}

describe('combine: children built from what looked better', () => {
  it('pairs kept children that each scored above the parent into one two-change child; never a worse one', async () => {
    const ws = await workspace();
    try {
      const root = await getExperiment(ws.db, 'exp-01');
      const g = parseGenome(root);
      const child = async (genome: Genome, score: number) => {
        const c = await insertChild(ws.db, { parent: root, genome, hypothesis: 'h', proposer: 'test', generation: 1 });
        await ws.db.updateTable('experiments').set({ status: 'evaluated', score }).where('id', '=', c.id).execute();
        return c;
      };
      await ws.db.updateTable('experiments').set({ score: 0.2 }).where('id', '=', 'exp-01').execute();
      await child({ ...g, planning: { name: 'plan-first', params: {} } }, 0.3);
      await child({ ...g, tools: { name: 'search', params: {} } }, 0.25);
      await child({ ...g, memory: { name: 'window', params: {} } }, 0.1); // looked worse: never combined
      const proposals = await combinedProposals(ws.db, await getExperiment(ws.db, 'exp-01'), new Set());
      expect(proposals).toHaveLength(1);
      expect(proposals[0]?.combined).toBe(true);
      expect(diffGenomes(g, proposals[0]!.genome).map((c) => c.path)).toEqual(['planning', 'tools']);
      // It can be inserted (two changes allowed for a combination only).
      const inserted = await insertChild(ws.db, {
        parent: await getExperiment(ws.db, 'exp-01'),
        genome: proposals[0]!.genome,
        hypothesis: proposals[0]!.hypothesis,
        proposer: 'systematic+combine',
        generation: 2,
        maxChanges: 2,
      });
      expect(inserted.change_summary).toBe('planning: none -> plan-first; tools: editor -> search');
      await expect(
        insertChild(ws.db, {
          parent: root,
          genome: { ...proposals[0]!.genome, budgets: { ...g.budgets, steps: 99 } },
          hypothesis: 'h',
          proposer: 'p',
          generation: 2,
        }),
      ).rejects.toThrow(/exactly one thing/);
    } finally {
      await ws.close();
    }
  });

  it('after a promotion, offers the runner-up siblings changes on the new parent as one-change children', async () => {
    const ws = await workspace();
    try {
      const root = await getExperiment(ws.db, 'exp-01');
      const g = parseGenome(root);
      await ws.db.updateTable('experiments').set({ score: 0.2 }).where('id', '=', 'exp-01').execute();
      const won = await insertChild(ws.db, {
        parent: root,
        genome: { ...g, planning: { name: 'plan-first', params: {} } },
        hypothesis: 'h',
        proposer: 'p',
        generation: 1,
      });
      await ws.db.updateTable('experiments').set({ status: 'promoted', score: 0.4 }).where('id', '=', won.id).execute();
      const runnerUp = await insertChild(ws.db, {
        parent: root,
        genome: { ...g, budgets: { ...g.budgets, steps: 45 } },
        hypothesis: 'h',
        proposer: 'p',
        generation: 1,
      });
      await ws.db
        .updateTable('experiments')
        .set({ status: 'evaluated', score: 0.3 })
        .where('id', '=', runnerUp.id)
        .execute();
      const proposals = await combinedProposals(ws.db, await getExperiment(ws.db, won.id), new Set());
      expect(proposals).toHaveLength(1);
      expect(proposals[0]?.combined).toBeUndefined();
      expect(diffGenomes(parseGenome(won), proposals[0]!.genome).map((c) => c.text)).toEqual([
        'budgets.steps: 30 -> 45',
      ]);
    } finally {
      await ws.close();
    }
  });
});
