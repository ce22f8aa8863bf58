// vitest project: postgres too
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type PairedComparison, type PairedTest, wilson } from '../evaluator/stats/index.js';
import { loadConfig } from './workspace.js';
import {
  type Candidate,
  decide,
  isExploreChild,
  lexicographicVsChampion,
  paretoDominates,
  RULES,
  wilsonLowerBound,
} from './promote.js';

const fakeTest = (p: number, n: number): PairedTest => ({
  test: 'permutation',
  description: 'a test',
  statistic: 0,
  wins: 0,
  losses: 0,
  ties: n,
  n,
  margin: 0,
  p,
  pWorse: 1,
  exact: true,
});

// Each rule's formula on hand-built comparisons (numbers worked out by hand / a calculator, not by the code under test).

/** A comparison whose test p-value is given (default: 0.001 when the interval's low end is above 0, else 0.5). */
const vs = (o: {
  meanA: number;
  meanB: number;
  n: number;
  lo?: number;
  hi?: number;
  p?: number;
}): PairedComparison => ({
  tasks: Array.from({ length: o.n }, (_, i) => `t${i}`),
  n: o.n,
  meanA: o.meanA,
  meanB: o.meanB,
  diff: o.meanB - o.meanA,
  lo: o.lo ?? o.meanB - o.meanA - 0.1,
  hi: o.hi ?? o.meanB - o.meanA + 0.1,
  confidence: 0.95,
  iterations: 2000,
  seed: 1,
  test: fakeTest(o.p ?? ((o.lo ?? o.meanB - o.meanA - 0.1) > 0 ? 0.001 : 0.5), o.n),
});
const cand = (
  id: string,
  diff: number,
  extra: Partial<Candidate> & { lo?: number; n?: number; meanA?: number; p?: number } = {},
): Candidate => {
  const meanA = extra.meanA ?? 0.5;
  return {
    id,
    vs: vs({
      meanA,
      meanB: meanA + diff,
      n: extra.n ?? 10,
      ...(extra.lo !== undefined ? { lo: extra.lo } : {}),
      ...(extra.p !== undefined ? { p: extra.p } : {}),
    }),
    costPerTask: extra.costPerTask ?? 0,
    ...(extra.tokensPerTask !== undefined ? { tokensPerTask: extra.tokensPerTask } : {}),
    ...(extra.champion ? { champion: extra.champion } : {}),
  };
};

describe('paired-significant and mean', () => {
  const a = cand('a', 0.2, { lo: 0.05, p: 0.004 });
  const b = cand('b', 0.4, { lo: -0.1, p: 0.2 });
  it('paired-significant takes the smallest Holm-adjusted p and needs it at or below the level', () => {
    expect(decide('paired-significant', [a, b]).winner).toBe('a');
    expect(decide('paired-significant', [a, b], 0, undefined, { alpha: 0.005 }).winner).toBeNull();
    // Holm over 2: 0.004 * 2 = 0.008.
    expect(decide('paired-significant', [a, b]).tests.find((t) => t.id === 'a')?.pAdjusted).toBeCloseTo(0.008, 12);
    // An evidence round tests its one child alone at that round's spend.
    expect(decide('paired-significant', [a, b], 0, undefined, { alpha: 0.005, only: 'a' }).winner).toBe('a');
  });
  it('ranking follows the evidence: a tie on the rule key goes to the larger mean difference before cost', () => {
    const small = cand('small', 0.031, { p: 1, costPerTask: 0.01 });
    const large = cand('large', 0.094, { p: 1, costPerTask: 0.02 });
    const v = decide('paired-significant', [small, large]);
    expect(v.winner).toBeNull();
    expect(v.best).toBe('large');
    expect(decide('lower-bound', [cand('x', 0, { costPerTask: 0 }), cand('y', 0, { costPerTask: 1 })]).best).toBe('x');
  });
  it('mean takes the highest difference, and needs it above the margin', () => {
    expect(decide('mean', [a, b]).winner).toBe('b');
    expect(decide('mean', [a, b], 0.4).winner).toBeNull();
  });
});

describe('lower-bound', () => {
  it('is the Wilson lower bound: 5/10 -> 0.2366, 4/4 -> 0.5101, 2/4 -> 0.1500, 18/20 -> 0.6990 (and equals wilson() on whole counts)', () => {
    expect(wilsonLowerBound(0.5, 10)).toBeCloseTo(0.2366, 4);
    expect(wilsonLowerBound(1, 4)).toBeCloseTo(0.5101, 4);
    expect(wilsonLowerBound(0.5, 4)).toBeCloseTo(0.15, 4);
    expect(wilsonLowerBound(0.9, 20)).toBeCloseTo(0.699, 4);
    expect(wilsonLowerBound(0.75, 8)).toBeCloseTo(wilson(6, 8).lo, 12);
    expect(wilsonLowerBound(0, 0)).toBe(0);
  });
  it('ranks by the child lower bound and promotes when it clears the champion lower bound + margin', () => {
    // x: 4/4 vs 2/4 -> 0.5101 vs 0.1500 (gap 0.3601); y: 18/20 vs 10/20 -> 0.6990 vs 0.2993 (gap 0.3997).
    const x = cand('x', 0.5, { n: 4 });
    const y = cand('y', 0.4, { n: 20 });
    expect(decide('mean', [x, y]).winner).toBe('x');
    expect(decide('lower-bound', [x, y], 0.3).winner).toBe('y');
    expect(decide('lower-bound', [x], 0.36).winner).toBe('x');
    expect(decide('lower-bound', [x], 0.361).winner).toBeNull();
    expect(decide('lower-bound', [x, y], 0.38).winner).toBe('y');
    expect(decide('lower-bound', [x, y], 0.4).winner).toBeNull();
  });
});

describe('pareto', () => {
  const champion = { costPerTask: 0.1 };
  const dearerBetter = cand('c1', 0.1, { costPerTask: 0.12, champion });
  const cheaperEqual = cand('c2', 0, { costPerTask: 0.05, champion });
  const cheaperWorse = cand('c3', -0.05, { costPerTask: 0.01, champion });
  const sameCostBetter = cand('c4', 0.2, { costPerTask: 0.1, champion });
  it('score up without cost up, or cost down without score down', () => {
    expect([dearerBetter, cheaperEqual, cheaperWorse, sameCostBetter].map((c) => paretoDominates(c, 0))).toEqual([
      false,
      true,
      false,
      true,
    ]);
    expect(decide('pareto', [dearerBetter, cheaperEqual, cheaperWorse]).winner).toBe('c2');
    expect(decide('pareto', [dearerBetter, cheaperEqual, sameCostBetter]).winner).toBe('c4');
    expect(decide('pareto', [dearerBetter, cheaperWorse]).winner).toBeNull();
  });
  it('a cost tolerance counts small cost differences as equal; an unknown champion cost is taken as equal', () => {
    expect(decide('pareto', [dearerBetter, cheaperWorse], 0, undefined, { tolerance: { cost: 0.03 } }).winner).toBe(
      'c1',
    );
    expect(paretoDominates(cheaperEqual, 0, { tolerance: { cost: 0.06 } })).toBe(false);
    const unknown = cand('u', 0.1, { costPerTask: 9 });
    expect(decide('pareto', [unknown]).winner).toBe('u');
    expect(decide('pareto', [unknown]).reason).toMatch(/unknown, taken as equal/);
  });
});

describe('lexicographic', () => {
  const champion = { costPerTask: 0.1, tokensPerTask: 1000 };
  const cheaper = cand('l1', 0.03, { costPerTask: 0.08, champion });
  const fewerTokens = cand('l2', 0.03, { costPerTask: 0.1, tokensPerTask: 900, champion });
  const tie = cand('l3', 0.03, { costPerTask: 0.1, tokensPerTask: 1000, champion });
  const worseScore = cand('l4', -0.1, { costPerTask: 0.01, champion });
  const betterScore = cand('l5', 0.1, { costPerTask: 0.5, champion });
  it('score beyond the margin first, then cost, then tokens', () => {
    expect([cheaper, fewerTokens, tie, worseScore, betterScore].map((c) => lexicographicVsChampion(c, 0.05))).toEqual([
      { sign: 1, on: 'cost' },
      { sign: 1, on: 'tokens' },
      { sign: 0, on: 'tie' },
      { sign: -1, on: 'score' },
      { sign: 1, on: 'score' },
    ]);
    expect(decide('lexicographic', [cheaper, betterScore], 0.05).winner).toBe('l5');
    expect(decide('lexicographic', [fewerTokens, cheaper], 0.05).winner).toBe('l1');
    expect(decide('lexicographic', [tie, worseScore], 0.05).winner).toBeNull();
  });
  it('a child that fails the rule never outranks one that passes: adding it cannot block a promotion', () => {
    const a = cand('a', 0.06, { costPerTask: 0.2, champion: { costPerTask: 0.1 } });
    const b = cand('b', 0.03, { costPerTask: 0.15, champion: { costPerTask: 0.1 } });
    expect(decide('lexicographic', [a], 0.05).winner).toBe('a');
    expect(decide('lexicographic', [a, b], 0.05).winner).toBe('a');
    expect(decide('lexicographic', [b, a], 0.05).winner).toBe('a');
  });
  it('a cost within the tolerance is a tie, passing the decision to tokens', () => {
    expect(lexicographicVsChampion(cheaper, 0.05, { tolerance: { cost: 0.05 } })).toEqual({ sign: 0, on: 'tie' });
    expect(lexicographicVsChampion(fewerTokens, 0.05, { tolerance: { tokens: 100 } })).toEqual({ sign: 0, on: 'tie' });
    expect(lexicographicVsChampion(fewerTokens, 0.05, { tolerance: { tokens: 99 } })).toEqual({
      sign: 1,
      on: 'tokens',
    });
  });
});

describe('every rule', () => {
  it('breaks ties toward the cheaper child', () => {
    const champion = { costPerTask: 5, tokensPerTask: 10 };
    for (const rule of RULES) {
      const dear = cand('dear', 0.3, { lo: 0.1, costPerTask: 2, champion });
      const cheap = cand('cheap', 0.3, { lo: 0.1, costPerTask: 1, champion });
      expect(decide(rule, [dear, cheap]).winner, rule).toBe('cheap');
    }
  });
  it('discards a child over lineage.maxCostPerTask before the rule looks, and says why', () => {
    const over = cand('over', 0.5, { lo: 0.3, costPerTask: 0.5 });
    const under = cand('under', 0.2, { lo: 0.05, costPerTask: 0.1 });
    const v = decide('mean', [over, under], 0, 0.2);
    expect(v.winner).toBe('under');
    expect(v.discarded).toEqual([
      { id: 'over', reason: expect.stringMatching(/\$0\.5000 per run is over lineage\.maxCostPerTask \$0\.2000/) },
    ]);
    expect(decide('mean', [over], 0, 0.2).winner).toBeNull();
  });
  it('an unknown cost is never taken as cheaper, and cannot pass a cost bound', () => {
    const unpriced = { ...cand('unpriced', 0, { lo: -0.1, champion: { costPerTask: 0.01 } }), costPerTask: undefined };
    expect(paretoDominates(unpriced, 0)).toBe(false);
    expect(decide('pareto', [unpriced]).winner).toBeNull();
    expect(lexicographicVsChampion(unpriced, 0)).toEqual({ sign: 0, on: 'tie' });
    const better = { ...cand('better', 0.2, { lo: 0.05 }), costPerTask: undefined };
    expect(decide('mean', [better]).winner).toBe('better');
    const bounded = decide('mean', [better], 0, 0.2);
    expect(bounded.winner).toBeNull();
    expect(bounded.discarded).toEqual([
      { id: 'better', reason: expect.stringMatching(/cost is unknown .*maxCostPerTask \$0\.2000 cannot be checked/) },
    ]);
  });
  it('rejects an unknown rule by name', () => {
    expect(() => decide('best-vibes' as 'mean', [])).toThrow(/unknown promotion rule "best-vibes".*lexicographic/);
  });
});

describe('explore', () => {
  it('marks the Nth, 2Nth, ... child of the lineage; 0 never', () => {
    expect([1, 2, 3, 4, 5, 6].map((i) => isExploreChild(i, 3))).toEqual([false, false, true, false, false, true]);
    expect(isExploreChild(3, 0)).toBe(false);
  });
});

describe('evolve.json names', () => {
  it('rejects an unknown lineage.rule, lineage.proposer or lineage.select naming the field, the value and the known names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evolve-config-'));
    const file = join(dir, 'evolve.json');
    writeFileSync(file, JSON.stringify({ lineage: { rule: 'vibes', proposer: 'oracle', select: 'best' } }));
    const error = (() => {
      try {
        loadConfig(file);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(error).toContain(file);
    expect(error).toMatch(
      /lineage\.rule: "vibes" is not a known promotion rule \(known: paired-significant, mean, lower-bound, pareto, lexicographic\)/,
    );
    expect(error).toMatch(/lineage\.proposer: "oracle" is not a known proposer \(known: systematic, random, model\)/);
    expect(error).toMatch(
      /lineage\.select: "best" is not a known parent selection strategy \(known: champion, score-child, thompson\)/,
    );
    writeFileSync(
      file,
      JSON.stringify({
        lineage: {
          rule: 'pareto',
          proposer: 'model',
          proposerModel: 'openai/gpt-4.1-mini',
          maxCostPerTask: 0.2,
          exploreEvery: 3,
        },
      }),
    );
    expect(loadConfig(file).lineage).toMatchObject({
      rule: 'pareto',
      proposer: 'model',
      maxCostPerTask: 0.2,
      tolerance: { cost: 0, tokens: 0 },
    });
  });
});
