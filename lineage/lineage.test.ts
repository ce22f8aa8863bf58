// vitest project: postgres too
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { genomeHash } from '../agent/genome.js';
import { diffGenomes } from '../agent/genome-diff.js';
import { pairedComparison, seededRandom, taskScores } from '../evaluator/stats/index.js';
import { baselineGenome, childId, insertChild, seedRoot } from './experiments.js';
import { decide } from './promote.js';
import { oneChangeCandidates, propose } from './proposers.js';
import { nodeStatsOf } from './next-generation.js';
import { betaSample, scoreChildWeight, selectOpenParent, selectParent } from './select.js';
import { openWorkspace, initWorkspace } from './workspace.js';
import { championId, recordDecision } from './db/repos/decisions.js';

const scores = (xs: Record<string, number>) =>
  taskScores(Object.entries(xs).map(([taskId, r]) => ({ taskId, repeat: 0, resolved: r === 1 })));

describe('experiment ids', () => {
  it('letters children, then doubles letters, and nests', () => {
    expect(childId('exp-23', 0)).toBe('exp-23-a');
    expect(childId('exp-23', 25)).toBe('exp-23-z');
    expect(childId('exp-23', 26)).toBe('exp-23-aa');
    expect(childId('exp-23-b', 0)).toBe('exp-23-b-a');
  });
});

describe('proposers', () => {
  const parent = baselineGenome();
  it('every candidate changes exactly one thing, and none repeats', () => {
    const all = oneChangeCandidates(parent);
    expect(all.length).toBeGreaterThan(8);
    for (const c of all) expect(diffGenomes(parent, c.genome)).toHaveLength(1);
    expect(new Set(all.map((c) => genomeHash(c.genome))).size).toBe(all.length);
  });
  it('systematic walks in a fixed order and skips what was tried; random is reproducible by seed', () => {
    const first = propose('systematic', parent, { k: 2, tried: new Set() });
    const next = propose('systematic', parent, { k: 2, tried: new Set(first.map((p) => genomeHash(p.genome))) });
    expect(next.map((p) => genomeHash(p.genome))).not.toContain(genomeHash(first[0]!.genome));
    const a = propose('random', parent, { k: 3, tried: new Set(), seed: 7 }).map((p) => genomeHash(p.genome));
    expect(propose('random', parent, { k: 3, tried: new Set(), seed: 7 }).map((p) => genomeHash(p.genome))).toEqual(a);
    expect(propose('random', parent, { k: 3, tried: new Set(), seed: 8 }).map((p) => genomeHash(p.genome))).not.toEqual(
      a,
    );
  });
});

describe('parent selection', () => {
  it('score-child weight is sigmoid(10 (score - midpoint)) / (1 + children)', () => {
    expect(scoreChildWeight(0.5, 0.5, 0)).toBeCloseTo(0.5, 12);
    expect(scoreChildWeight(0.6, 0.5, 1)).toBeCloseTo(1 / (1 + Math.exp(-1)) / 2, 12);
    expect(scoreChildWeight(0.3, 0.5, 3)).toBeCloseTo(1 / (1 + Math.exp(2)) / 4, 12);
  });
  it('Beta draws have the Beta mean a / (a + b)', () => {
    const rand = seededRandom(3);
    const n = 20000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += betaSample(3, 7, rand);
    expect(sum / n).toBeCloseTo(0.3, 2);
  });
  it('champion always extends the champion; score-child prefers strong nodes with few children; thompson follows the evidence', () => {
    const nodes = [
      { id: 'exp-01', score: 0.2, children: 5, successes: 20, failures: 80 },
      { id: 'exp-01-a', score: 0.8, children: 0, successes: 80, failures: 20 },
    ];
    expect(selectParent('champion', nodes, 'exp-01', 1)).toBe('exp-01');
    const picks = (s: 'score-child' | 'thompson') =>
      Array.from({ length: 200 }, (_, i) => selectParent(s, nodes, 'exp-01', i + 1)).filter((x) => x === 'exp-01-a')
        .length;
    expect(picks('score-child')).toBeGreaterThan(190);
    expect(picks('thompson')).toBe(200);
  });

  it('a parent with every one-change variant tried gives way to the best-scoring open node', () => {
    const nodes = [
      { id: 'exp-01', score: 0.5, children: 15, successes: 0, failures: 0 },
      { id: 'exp-01-a', score: 0.4, children: 0, successes: 0, failures: 0 },
      { id: 'exp-01-b', score: 0.45, children: 2, successes: 0, failures: 0 },
      { id: 'exp-01-c', score: 0.45, children: 0, successes: 0, failures: 0 },
    ];
    expect(selectOpenParent('champion', nodes, 'exp-01', 1, () => true)).toEqual({ id: 'exp-01', fallback: false });
    expect(selectOpenParent('champion', nodes, 'exp-01', 1, (id) => id !== 'exp-01')).toEqual({
      id: 'exp-01-c',
      fallback: true,
    });
    for (let seed = 1; seed < 20; seed++)
      expect(selectOpenParent('thompson', nodes, 'exp-01', seed, (id) => id === 'exp-01-a').id).toBe('exp-01-a');
    expect(selectOpenParent('champion', nodes, 'exp-01', 1, () => false)).toEqual({ id: 'exp-01', fallback: false });
  });

  it("a node's evidence for thompson counts its whole subtree, retired descendants included", () => {
    const exps = [
      { id: 'exp-01', parent_id: null, score: 0.5, status: 'promoted' },
      { id: 'exp-01-a', parent_id: 'exp-01', score: 0.6, status: 'evaluated' },
      { id: 'exp-01-a-a', parent_id: 'exp-01-a', score: 0.1, status: 'retired' },
    ] as const;
    const runs = [
      { experiment_id: 'exp-01', outcome: 'resolved' },
      { experiment_id: 'exp-01-a', outcome: 'resolved' },
      { experiment_id: 'exp-01-a-a', outcome: 'unresolved' },
      { experiment_id: 'exp-01-a-a', outcome: null },
    ];
    expect(nodeStatsOf([...exps], runs)).toEqual([
      { id: 'exp-01', score: 0.5, children: 1, successes: 2, failures: 2 },
      { id: 'exp-01-a', score: 0.6, children: 1, successes: 1, failures: 2 },
    ]);
  });
});

describe('promotion rules', () => {
  const champ = scores({ t1: 0, t2: 0, t3: 1, t4: 0, t5: 0, t6: 1, t7: 0, t8: 0 });
  const strong = pairedComparison(champ, scores({ t1: 1, t2: 1, t3: 1, t4: 1, t5: 1, t6: 1, t7: 1, t8: 0 }), {
    seed: 1,
  });
  const weak = pairedComparison(champ, scores({ t1: 1, t2: 0, t3: 1, t4: 0, t5: 0, t6: 1, t7: 0, t8: 0 }), { seed: 1 });
  it('paired-significant promotes only when the one-sided test passes at 2.5%, Holm-adjusted across the children', () => {
    expect(decide('paired-significant', [{ id: 'w', vs: weak, costPerTask: 0 }]).winner).toBeNull();
    // 5 of 5 discordant tasks won: p = 1/32 > 0.025, so not even alone (its bootstrap interval is above 0).
    expect(strong.lo).toBeGreaterThan(0);
    expect(decide('paired-significant', [{ id: 's', vs: strong, costPerTask: 0 }]).winner).toBeNull();
    const big = (n: number, wins: number) =>
      pairedComparison(
        scores(Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, 0]))),
        scores(Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, i < wins ? 1 : 0]))),
        { seed: 1 },
      );
    // 7-0 (p = 1/128) passes alone and Holm-adjusted over two children (2/128 <= 0.025).
    const verdict = decide('paired-significant', [
      { id: 'w', vs: big(20, 1), costPerTask: 0 },
      { id: 's', vs: big(20, 7), costPerTask: 0 },
    ]);
    expect(verdict.winner).toBe('s');
    const s7 = verdict.tests.find((t) => t.id === 's')!;
    expect([s7.p, s7.pAdjusted, s7.family]).toEqual([expect.closeTo(1 / 128, 12), expect.closeTo(2 / 128, 12), 2]);
    expect(verdict.reason).toMatch(/exact sign test.*p = 0.0078, Holm-adjusted over 2 children 0.016, level 0.025/);
    // 6-0 (p = 1/64) passes alone but not Holm-adjusted over three children (3/64 > 0.025).
    expect(decide('paired-significant', [{ id: 's', vs: big(20, 6), costPerTask: 0 }]).winner).toBe('s');
    expect(
      decide('paired-significant', [
        { id: 's', vs: big(20, 6), costPerTask: 0 },
        { id: 'x', vs: big(20, 0), costPerTask: 0 },
        { id: 'y', vs: big(20, 0), costPerTask: 0 },
      ]).winner,
    ).toBeNull();
    // A margin is part of the test's null hypothesis: a comparison tested at another margin is refused.
    expect(() => decide('paired-significant', [{ id: 's', vs: big(20, 7), costPerTask: 0 }], 0.9)).toThrow(/margin/);
    const atMargin = pairedComparison(
      scores(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`t${i}`, 0]))),
      scores(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`t${i}`, i < 7 ? 1 : 0]))),
      { seed: 1, margin: 0.9 },
    );
    expect(decide('paired-significant', [{ id: 's', vs: atMargin, costPerTask: 0 }], 0.9).winner).toBeNull();
  });
  it('mean promotes on any positive difference; ties go to the cheaper child; a cost bound excludes', () => {
    expect(decide('mean', [{ id: 'w', vs: weak, costPerTask: 0 }]).winner).toBe('w');
    expect(
      decide('mean', [
        { id: 'dear', vs: strong, costPerTask: 2 },
        { id: 'cheap', vs: strong, costPerTask: 1 },
      ]).winner,
    ).toBe('cheap');
    expect(decide('mean', [{ id: 's', vs: strong, costPerTask: 3 }], 0, 1).winner).toBeNull();
  });
});

describe('experiments in the database', () => {
  it('seeds exp-01 as root and champion once; children get the next letters; a person can promote', async () => {
    const root = mkdtempSync(join(tmpdir(), 'evolve-lineage-'));
    await initWorkspace(root);
    const ws = await openWorkspace(root);
    try {
      expect(await seedRoot(ws.db)).toBe(true);
      expect(await seedRoot(ws.db)).toBe(false);
      expect(await championId(ws.db)).toBe('exp-01');
      const parent = await ws.db
        .selectFrom('experiments')
        .selectAll()
        .where('id', '=', 'exp-01')
        .executeTakeFirstOrThrow();
      const [p1, p2] = propose('systematic', baselineGenome(), { k: 2, tried: new Set() });
      const a = await insertChild(ws.db, {
        parent,
        genome: p1!.genome,
        hypothesis: p1!.hypothesis,
        proposer: 'systematic',
        generation: 1,
      });
      const b = await insertChild(ws.db, {
        parent,
        genome: p2!.genome,
        hypothesis: p2!.hypothesis,
        proposer: 'systematic',
        generation: 1,
      });
      expect([a.id, b.id]).toEqual(['exp-01-a', 'exp-01-b']);
      await expect(
        insertChild(ws.db, {
          parent,
          genome: { ...p1!.genome, budgets: { ...p1!.genome.budgets, steps: 99 } },
          hypothesis: 'two changes',
          proposer: 'x',
          generation: 1,
        }),
      ).rejects.toThrow(/exactly one thing/);
      await recordDecision(ws.db, {
        experimentId: 'exp-01-b',
        action: 'promote',
        rule: 'person',
        actor: 'person',
        reason: 'looks right',
      });
      expect(await championId(ws.db)).toBe('exp-01-b');
    } finally {
      await ws.close();
    }
  });
});
