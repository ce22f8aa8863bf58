import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffGenomes } from '../agent/genome-diff.js';
import type { Genome } from '../agent/genome.js';
import { changeKey, evidenceByChange, orderByEvidence } from './change-evidence.js';
import { getExperiment } from './db/repos/experiments.js';
import { baselineGenome, insertChild, parseGenome, seedRoot } from './experiments.js';
import { fixedProposer } from './fixed-proposer.js';
import { modelProposals } from './model-proposer.js';
import { oneChangeCandidates, propose } from './proposers.js';
import { initWorkspace, openWorkspace } from './workspace.js';

// lineage.order 'evidence': a parent's untried variants in order of what each change was seen to do from any parent.

const root = baselineGenome();
const withPrompt = (g: Genome): Genome => ({ ...g, prompt: { name: 'terse', params: {} } });
const withTools = (g: Genome): Genome => ({ ...g, tools: { name: 'search', params: {} } });
const withMemory = (g: Genome): Genome => ({ ...g, memory: { name: 'window', params: {} } });
/** Each child's one change, by policy name: "prompt: detailed -> terse". */
const texts = (parent: Genome, gs: Genome[]) =>
  gs.map((g) => {
    const c = diffGenomes(parent, g)[0]!;
    const name = (v: unknown) => (typeof v === 'object' && v && 'name' in v ? v.name : String(v));
    return `${c.path}: ${name(c.from)} -> ${name(c.to)}`;
  });

describe('change evidence', () => {
  it('keys a change by part, from and to, whatever else the parent has; two changes have no key', () => {
    const a = changeKey(root, withPrompt(root));
    expect(a?.key).toBe(changeKey(withTools(root), withPrompt(withTools(root)))?.key);
    expect(a?.undo).toBe(changeKey(withPrompt(root), root)?.key);
    expect(changeKey(root, withPrompt(withTools(root)))).toBeNull();
    expect(changeKey(root, root)).toBeNull();
  });

  it('offers what looked better first (best first), then untried changes in order, then what looked no better', () => {
    const obs = [
      { ...changeKey(root, withMemory(root))!, gain: 0.05 },
      { ...changeKey(root, withPrompt(root))!, gain: 0.1 },
      { ...changeKey(root, withPrompt(root))!, gain: 0.2 },
      // planning: none -> plan-first was seen to lose from another parent.
      {
        ...changeKey(withTools(root), { ...withTools(root), planning: { name: 'plan-first', params: {} } })!,
        gain: -0.1,
      },
    ];
    const evidence = evidenceByChange(obs);
    expect(evidence.get(changeKey(root, withPrompt(root))!.key)).toBeCloseTo(0.15);
    // The undo of a change that gained counts as a loss.
    expect(evidence.get(changeKey(withPrompt(root), root)!.key)).toBeCloseTo(-0.15);
    const fixed = oneChangeCandidates(root);
    const ordered = orderByEvidence(root, fixed, evidence);
    expect(
      texts(
        root,
        ordered.slice(0, 3).map((p) => p.genome),
      ),
    ).toEqual([
      'prompt: detailed -> terse',
      'memory: full -> window',
      // then the fixed order, skipping what has evidence: planning: none -> replan (plan-first looked worse)
      'planning: none -> replan',
    ]);
    expect(texts(root, [ordered.at(-1)!.genome])).toEqual(['planning: none -> plan-first']);
    expect(ordered).toHaveLength(fixed.length);
    // Through the proposer: the same set of variants, only their order changes; none tried is offered again.
    const tried = new Set<string>();
    const first = propose('systematic', root, { k: 2, tried, evidence });
    expect(
      texts(
        root,
        first.map((p) => p.genome),
      ),
    ).toEqual(['prompt: detailed -> terse', 'memory: full -> window']);
    expect(propose('systematic', root, { k: 2, tried })[0]!.hypothesis).toMatch(/plan-first/);
  });

  it('the product proposer reads the evidence from the experiment rows when lineage.order is evidence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evolve-order-'));
    await initWorkspace(dir);
    const ws = await openWorkspace(dir);
    try {
      await seedRoot(ws.db);
      const exp01 = await getExperiment(ws.db, 'exp-01');
      const g = parseGenome(exp01);
      await ws.db.updateTable('experiments').set({ score: 0.2 }).where('id', '=', 'exp-01').execute();
      const child = async (genome: Genome, score: number, status: 'evaluated' | 'promoted' = 'evaluated') => {
        const c = await insertChild(ws.db, { parent: exp01, genome, hypothesis: 'h', proposer: 'test', generation: 1 });
        await ws.db.updateTable('experiments').set({ status, score }).where('id', '=', c.id).execute();
        return c;
      };
      await child(withPrompt(g), 0.3); // looked better from exp-01, not promoted
      const champion = await child(withTools(g), 0.35, 'promoted');
      const ctx = (order: 'fixed' | 'evidence') => ({
        ws,
        parent: champion,
        champion: champion.id,
        k: 2,
        tried: new Set<string>(),
        seed: 1,
        generation: 2,
        options: { order },
      });
      const proposer = fixedProposer('systematic');
      const tg = parseGenome(champion);
      const byEvidence = await proposer.propose(ctx('evidence'));
      // prompt -> terse looked better from exp-01: offered first from the new champion; the undo of tools is not.
      expect(
        texts(
          tg,
          byEvidence.proposals.map((p) => p.genome),
        ),
      ).toEqual(['prompt: detailed -> terse', 'planning: none -> plan-first']);
      // The model proposer's systematic fallback (no proposer model set) follows lineage.order too.
      const fallback = await modelProposals(ws, ctx('evidence'), { order: 'evidence' });
      expect(fallback.proposer).toBe('systematic');
      expect(
        texts(
          tg,
          fallback.proposals.map((p) => p.genome),
        ),
      ).toEqual(
        texts(
          tg,
          byEvidence.proposals.map((p) => p.genome),
        ),
      );
      // lineage.order fixed: the proposer's own order.
      const fixed = await proposer.propose(ctx('fixed'));
      expect(
        texts(
          tg,
          fixed.proposals.map((p) => p.genome),
        ),
      ).toEqual(['planning: none -> plan-first', 'planning: none -> replan']);
    } finally {
      await ws.close();
    }
  });
});
